"""DynamoDB queries in the local stack's moto, with moto's answers and in proportion to
what they can match.

moto 5.2's `Table.query` starts from `all_items()`: every item of the table, sorted by
key (Python comparisons of its DynamoType values), for every query, of the table or of
an index. On a stack that keeps a few thousand cases (the demo, a test session's shared
stack) that sort was most of the time a signal took to classify.

`install()` wraps it, in the moto process only: the query runs as moto's own, over a
copy of the table object that holds only the items its key condition can match. For
the table, that is the queried partition; for an index, the items whose partition key
attributes equal the queried ones. The items themselves are moto's (nothing is copied),
a query writes nothing, and each call has its own copy, so concurrent requests do not
meet. What moto answers (items, order, counts, LastEvaluatedKey, 1 MB pages) is
unchanged: the items left out are those moto itself would have skipped.
"""
from __future__ import annotations

from collections import defaultdict
from typing import Any


def install() -> None:
    from moto.dynamodb.models.table import Table

    moto_query = Table.query
    if getattr(moto_query, "_vroegsignaal", False):
        return

    def query(self: Table, hash_key: Any, *args: Any, **kwargs: Any) -> Any:
        index_name = args[6] if len(args) > 6 else kwargs.get("index_name")
        if not index_name:
            if hash_key is None:
                return moto_query(self, hash_key, *args, **kwargs)
            try:
                partition = self.items.get(hash_key)
            except TypeError:  # a key value moto cannot hash (a list, a map): its own answer
                return moto_query(self, hash_key, *args, **kwargs)
            items = {hash_key: partition} if partition is not None else {}
        else:
            equal = list(kwargs.get("hash_key_conditions") or [])
            if not equal:
                return moto_query(self, hash_key, *args, **kwargs)
            items = _matching(self, equal)
        return moto_query(_narrowed(self, items), hash_key, *args, **kwargs)

    query._vroegsignaal = True  # type: ignore[attr-defined]
    Table.query = query  # type: ignore[method-assign]


def _narrowed(table: Any, items: dict[Any, Any]) -> Any:
    """The table with only these items. Not copy.copy: moto's BaseModel.__new__ keeps every
    instance it makes (`instances_tracked`), so each query would keep its copy for good."""
    narrowed = object.__new__(type(table))
    narrowed.__dict__.update(table.__dict__)
    narrowed.items = defaultdict(dict, items)
    return narrowed


def _matching(table: Any, equal: list[tuple[str, Any]]) -> dict[Any, Any]:
    """The table's items (in its own shape: partition -> sort key -> item, or partition ->
    item) whose attributes equal every (name, value) of `equal`."""
    def matches(item: Any) -> bool:
        for name, value in equal:
            found = item.attrs.get(name)
            if found is None or found != value:  # as moto's own test (None has no DynamoType ==)
                return False
        return True

    if not table.range_key_attr:
        return {key: item for key, item in table.items.items() if matches(item)}
    found: dict[Any, Any] = {}
    for key, partition in table.items.items():
        kept = {sort_key: item for sort_key, item in partition.items() if matches(item)}
        if kept:
            found[key] = kept
    return found
