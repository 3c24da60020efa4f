"""adapters/merged_pages.py without AWS: partitions as sorted lists, read a page at a time."""
from __future__ import annotations

import pytest
from vroegsignaal.adapters import merged_pages
from vroegsignaal.domain.errors import CursorError

INDEX = "gsi1"


def entry(pk: str, sort: str) -> dict:
    return {"pk": f"item-{pk}-{sort}", "sk": "X", f"{INDEX}pk": pk, f"{INDEX}sk": sort}


def partitions(spec: dict[str, list[str]]) -> dict[str, list[dict]]:
    return {pk: [entry(pk, sort) for sort in sorted(sorts)] for pk, sorts in spec.items()}


def dynamo_query(items: list[dict], calls: list[str], passes=lambda item: True):
    """One Query of a partition as DynamoDB answers it: `limit` items evaluated after
    `start`, those that pass the filter, and a LastEvaluatedKey whenever Limit was reached
    (even when nothing follows: DynamoDB does not look ahead)."""
    def query(start, limit):
        calls.append(items[0][f"{INDEX}pk"] if items else "")
        after = 0 if start is None else next(n for n, i in enumerate(items) if merged_pages.key_of(i, INDEX) == start) + 1
        evaluated = items[after:after + limit]
        last = merged_pages.key_of(evaluated[-1], INDEX) if len(evaluated) == limit else None
        return [i for i in evaluated if passes(i)], last
    return query


def reader(stored: dict[str, list[dict]], calls: list[str]):
    def read(pk, start, limit):
        return merged_pages.read_partition(dynamo_query(stored[pk], calls), start, limit, filtered=False)
    return read


def every_page(stored, limit):
    pks, positions, seen, calls = list(stored), [None] * len(stored), [], []
    for _ in range(100):  # bounded
        merged_pages.check_positions(positions, INDEX, pks)
        items, positions = merged_pages.merged_page(index=INDEX, pks=pks, positions=positions,
                                                    read=reader(stored, calls), limit=limit)
        seen.append([i[f"{INDEX}sk"] for i in items])
        if all(p == merged_pages.END for p in positions):
            return seen, calls
    raise AssertionError("never ended")


@pytest.mark.parametrize("limit", [1, 2, 3, 7])
def test_pages_list_every_item_once_in_sort_key_order(limit):
    stored = partitions({"a": ["01", "04", "05", "09"], "b": ["02", "03"], "c": ["06", "07", "08"]})
    seen, _ = every_page(stored, limit)
    assert [s for page in seen for s in page] == [f"{n:02d}" for n in range(1, 10)]
    assert all(len(page) == limit for page in seen[:-1])


def test_a_page_that_ends_at_the_partitions_end_is_the_last():
    stored = partitions({"a": ["01", "02"], "b": ["03", "04"]})
    seen, calls = every_page(stored, 2)
    assert seen == [["01", "02"], ["03", "04"]]  # no empty third page
    assert calls == ["a", "b", "b"]  # and no query of an ended partition


def test_a_partition_read_one_past_the_page_leaves_it_at_the_pages_last_item():
    stored = partitions({"a": ["01", "02", "03"]})
    items, positions = merged_pages.merged_page(index=INDEX, pks=["a"], positions=[None],
                                                read=reader(stored, []), limit=2)
    assert [i[f"{INDEX}sk"] for i in items] == ["01", "02"]
    assert positions == [merged_pages.key_of(stored["a"][1], INDEX)]


def test_a_filtered_partition_reads_on_until_the_page_is_full_or_it_ends():
    items = partitions({"a": [f"{n:03d}" for n in range(200)]})["a"]
    calls: list[str] = []
    found, ended = merged_pages.read_partition(
        dynamo_query(items, calls, passes=lambda i: i[f"{INDEX}sk"] in {"005", "150", "199"}), None, 2, filtered=True)
    assert [i[f"{INDEX}sk"] for i in found] == ["005", "150"] and not ended and len(calls) < 10
    found, ended = merged_pages.read_partition(
        dynamo_query(items, [], passes=lambda i: i[f"{INDEX}sk"] == "150"), None, 2, filtered=True)
    assert [i[f"{INDEX}sk"] for i in found] == ["150"] and ended


def test_an_ended_partition_is_not_read_again():
    stored = partitions({"a": ["01"], "b": ["02", "03", "04", "05"]})
    _, calls = every_page(stored, 2)
    assert calls.count("a") == 1


def test_empty_partitions_end_at_once():
    seen, _ = every_page(partitions({"a": [], "b": []}), 5)
    assert seen == [[]]


def test_a_key_of_another_partition_is_refused():
    key = merged_pages.key_of(entry("a", "01"), INDEX)
    merged_pages.check_positions([key, None], INDEX, ["a", "b"])
    for positions, pks in (([key, None], ["b", "a"]), ([key], ["a", "b"]), ([{"pk": {"S": "x"}}, None], ["a", "b"])):
        with pytest.raises(CursorError):
            merged_pages.check_positions(positions, INDEX, pks)


def test_a_cursor_of_another_list_is_refused_even_naming_no_partition():
    ended = {"at": [merged_pages.END, None]}
    body = merged_pages.decode(merged_pages.with_list(ended, ["a", "b"]))
    merged_pages.check_list(body, ["a", "b"])
    for pks, filters in ((["c", "d"], None), (["a", "b"], {"type": "home_visit"})):
        with pytest.raises(CursorError):
            merged_pages.check_list(body, pks, filters)
    merged_pages.check_list(ended, ["c", "d"])  # issued before `of`: its keys name its list


def test_a_cursor_that_is_not_base64_json_is_refused():
    assert merged_pages.decode(merged_pages.encode({"at": [None]})) == {"at": [None]}
    with pytest.raises(CursorError):
        merged_pages.decode("not a cursor!")
