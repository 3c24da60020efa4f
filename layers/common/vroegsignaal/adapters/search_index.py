"""Search entries: a case follower (case_followers.py) that lets the municipality
find a case by address or last name without scanning its cases (gsi5). Each case
has one address entry and one per key of each debtor's last name
(domain/search_terms.py), in the case's household partition under
`SRCH#<case_id>#`, without an expiry of their own: retention deletes them
with the case (found by the prefix). They only
point at the case (its id and household, sorted by when it opened): a search
reads the cases themselves, so their status and summary are always current.
Entries change only when the names do; most writes of a case write none.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from vroegsignaal.domain.search_terms import house_number_key, name_keys, suffix_key

from . import keys, table
from .kenmerk_claims import claimed_case

MAX_NAME_KEYS = 12  # bounded: a transaction holds at most 100 items


def _last_names(case: dict[str, Any]) -> list[str]:
    return list(case.get("last_names") or [])


def entries(case: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The case's search entries by sort key."""
    code, case_id, household = case["municipality_code"], case["case_id"], case["household"]
    opened = f"{case['opened_at']}#{case_id}"
    common = {"type": "search_entry", "case_id": case_id, "household": household}
    number = house_number_key(case["house_number"])
    suffix = suffix_key(case.get("house_number_suffix"))
    pk, sk = keys.search_entry(household, case_id, "ADDR", f"{case['postcode']}#{number}#{suffix}")
    found = {sk: {**common, "pk": pk, "sk": sk, "suffix": suffix,
                  "gsi5pk": keys.search_address_index(code, case["postcode"], number), "gsi5sk": opened}}
    name_keys_of_case = list(dict.fromkeys(k for name in _last_names(case) for k in name_keys(name)))
    for name in name_keys_of_case[:MAX_NAME_KEYS]:
        pk, sk = keys.search_entry(household, case_id, "NAME", name)
        found[sk] = {**common, "pk": pk, "sk": sk,
                     "gsi5pk": keys.search_name_index(code, name[:2]), "gsi5sk": f"{name}#{opened}"}
    return found


def entry_items(before: dict[str, Any] | None, after: dict[str, Any]) -> Sequence[dict[str, Any]]:
    wanted = entries(after)
    present = entries(before) if before is not None else {}
    writes: list[dict[str, Any]] = [
        {"Put": {"TableName": table.table_name(), "Item": table.to_attrs(item)}}
        for sk, item in wanted.items() if sk not in present]
    writes.extend({"Delete": {"TableName": table.table_name(), "Key": table.key(item["pk"], sk)}}
                  for sk, item in present.items() if sk not in wanted)
    return writes


ENTRY_FIELDS = ("case_id", "household", "suffix", "gsi5sk")


def address_entries(code: str, postcode: str, house_number: str) -> list[dict[str, Any]]:
    """The cases at an address, newest first (entries only: case_id, household, suffix)."""
    return table.query_all(index="gsi5", key_condition="gsi5pk = :pk",
                           values={":pk": keys.search_address_index(code, postcode, house_number)},
                           forward=False, projection=ENTRY_FIELDS)


def name_entries(code: str, name_prefix: str, *, at_most: int) -> list[dict[str, Any]]:
    """Entries of last names starting with this key, at most `at_most` of them."""
    found: list[dict[str, Any]] = []
    pages = table.query_pages(index="gsi5", key_condition="gsi5pk = :pk AND begins_with(gsi5sk, :prefix)",
                              values={":pk": keys.search_name_index(code, name_prefix[:2]),
                                      ":prefix": name_prefix}, projection=ENTRY_FIELDS)
    for page, _ in pages:
        found.extend(page)
        if len(found) >= at_most:
            break
    return found[:at_most]


class SearchIndex:
    """The search port (services/search.py): entries as {"case_id", "household", "order", "suffix"},
    `order` sorting them by when their case opened."""

    def by_kenmerk(self, code: str, compact: str) -> list[dict[str, Any]]:
        claim = claimed_case(code, compact)
        return [{"case_id": claim["case_id"], "household": claim["household"], "order": ""}] if claim else []

    def by_address(self, code: str, postcode: str, house_number: str) -> list[dict[str, Any]]:
        return [{**entry, "order": entry["gsi5sk"]} for entry in address_entries(code, postcode, house_number)]

    def by_name(self, code: str, name_prefix: str, *, at_most: int) -> list[dict[str, Any]]:
        # gsi5sk of a name entry: <name key>#<opened_at>#<case_id>; order by the opening.
        return [{**entry, "order": entry["gsi5sk"].split("#", 1)[1]}
                for entry in name_entries(code, name_prefix, at_most=at_most)]

