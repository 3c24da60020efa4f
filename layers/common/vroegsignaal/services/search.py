"""Finding a case (municipality-api.md, `GET /municipalities/{code}/cases`): by
kenmerk, by postcode and house number (and suffix), or by the start of a
debtor's last name; open and closed cases of the caller's municipality only,
newest first. Answered from the search entries (adapters/search_index.py) and
the kenmerk claims, then the found cases' summaries read by key: the cost is
that of what is found, never of how many cases the municipality has.

Ports (duck-typed): index: by_kenmerk(code, compact), by_address(code, postcode,
house_number), by_name(code, key, at_most=) -> [{"case_id", "household",
"order", "suffix"?}]; cases: summaries(code, [(household, case_id)]) -> {case_id: listed case}.
The terms are never logged (they are debtor data); the audit entry of a search
carries none (roles' middleware).
"""
from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from vroegsignaal.domain import normalise, search_terms
from vroegsignaal.domain.errors import CursorError, ValidationFailed
from vroegsignaal.domain.kenmerk import compact_of

from .views import DEFAULT_LIMIT, PAGINATION, case_summary, parse_query, text_of

KINDS = {"kenmerk": ("kenmerk",), "address": ("postcode", "house_number"), "name": ("name",)}
MAX_NAME_MATCHES = 1000  # a short prefix in a large municipality: the newest of these are listed


def _search_query(query: dict[str, str] | None) -> dict[str, Any]:
    params = parse_query(query, {"kenmerk": text_of(20), "postcode": text_of(10), "house_number": text_of(10),
                                 "house_number_suffix": text_of(10), "name": text_of(search_terms.NAME_MAX),
                                 **PAGINATION})
    asked = [kind for kind, fields in KINDS.items() if any(f in params for f in fields)]
    if len(asked) != 1:
        raise ValidationFailed([{"loc": ["query"], "msg": "give exactly one of: kenmerk; postcode and "
                                 "house_number (and optionally house_number_suffix); name"}])
    problems: list[dict[str, Any]] = []
    kind = asked[0]
    if kind == "kenmerk":
        params["kenmerk"] = compact_of(params["kenmerk"])
        if params["kenmerk"] is None:
            problems.append({"loc": ["query", "kenmerk"], "msg": "must be a kenmerk such as K7QM-4XPD"})
    elif kind == "address":
        for field in ("postcode", "house_number"):
            if field not in params:
                problems.append({"loc": ["query", field], "msg": "required with a search by address"})
        if "postcode" in params:
            try:
                params["postcode"] = normalise.normalise_postcode(params["postcode"])
            except ValueError as error:
                problems.append({"loc": ["query", "postcode"], "msg": str(error)})
        number = params.get("house_number", "")
        if number and (not number.isascii() or not number.isdigit()):
            problems.append({"loc": ["query", "house_number"], "msg": "must be a whole number"})
        elif number:
            params["house_number"] = str(int(number))
    else:
        params["name"] = search_terms.name_key(params["name"])
        if len(params["name"]) < search_terms.NAME_MIN:
            problems.append({"loc": ["query", "name"], "msg": "must hold at least 2 letters"})
    if "house_number_suffix" in params and kind != "address":
        problems.append({"loc": ["query", "house_number_suffix"], "msg": "only with a search by address"})
    if problems:
        raise ValidationFailed(problems)
    params["kind"] = kind
    return params


def _encode(order: str) -> str:
    return base64.urlsafe_b64encode(json.dumps({"before": order}).encode()).decode()


def _decode(cursor: str) -> str:
    try:
        value = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, UnicodeDecodeError, binascii.Error):
        raise CursorError("cursor is not valid") from None
    if not isinstance(value, dict) or set(value) != {"before"} or not isinstance(value["before"], str):
        raise CursorError("cursor is not valid")
    return value["before"]


class CaseSearch:
    def __init__(self, *, index: Any, cases: Any) -> None:
        self.index = index
        self.cases = cases

    def _entries(self, code: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        if params["kind"] == "kenmerk":
            return list(self.index.by_kenmerk(code, params["kenmerk"]))
        if params["kind"] == "address":
            found = self.index.by_address(code, params["postcode"], params["house_number"])
            if "house_number_suffix" in params:
                wanted = search_terms.suffix_key(params["house_number_suffix"])
                found = [entry for entry in found if entry.get("suffix", "") == wanted]
            return list(found)
        return list(self.index.by_name(code, params["name"], at_most=MAX_NAME_MATCHES))

    def search(self, code: str, query: dict[str, str] | None) -> dict[str, Any]:
        params = _search_query(query)
        limit = params.get("limit", DEFAULT_LIMIT)
        before = _decode(params["cursor"]) if "cursor" in params else None
        # One entry per case (a case with two matching names), newest first.
        newest: dict[str, dict[str, Any]] = {}
        for entry in self._entries(code, params):
            newest.setdefault(entry["case_id"], entry)
        ordered = sorted(newest.values(), key=lambda e: e["order"], reverse=True)
        if before is not None:
            ordered = [entry for entry in ordered if entry["order"] < before]
        page = ordered[:limit]
        found = self.cases.summaries(code, [(e["household"], e["case_id"]) for e in page])
        listed = [case_summary(found[e["case_id"]]) for e in page if e["case_id"] in found]
        more = len(ordered) > limit
        return {"cases": listed, "next_cursor": _encode(page[-1]["order"]) if more else None}
