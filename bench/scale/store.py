"""An in-process DynamoDB (the low-level client's calls) that keeps DynamoDB's rules
where they decide cost and speed, and counts what every call consumes.

- Query and Scan read a page of at most 1 MB of items (index entries on a GSI),
  counted before the filter; `Limit` counts items evaluated, not items returned;
  a page with `Limit` reached or 1 MB read answers a LastEvaluatedKey.
- Read units: a page's items summed and rounded up to 4 KB once per page (at
  least one unit), eventually consistent reads (every GSI read) half; GetItem per
  item; a filter or a projection does not reduce them.
- Write units: 1 KB units of the larger of the old and the new item, at least
  one; transactional items double; each GSI the write touches costs a write of
  its entry's size (the projected item: ALL, KEYS_ONLY or INCLUDE, as template.yaml
  declares): an entry that appears is a put, one that goes a delete, one whose key
  changes a delete and a put, one whose projected attributes change a put; an
  update that changes nothing an index projects costs that index nothing.
  Index writes are not doubled in a transaction. A write whose condition fails
  still consumes the table's units, no index units.
- GSIs are maintained from the template's index definitions; they answer the
  state after the last write (DynamoDB's are eventually consistent: reads of them
  are charged so, and ConsistentRead on a GSI is refused as DynamoDB does).
- TTL deletes (expire) cost nothing, as on DynamoDB.

Every call is counted on the meter (bench.scale.meter) with its units, the
bytes read and returned, and its operation and index.
"""
from __future__ import annotations

import bisect
import threading
from collections.abc import Callable, Iterator
from typing import Any

from botocore.exceptions import ClientError

from . import expressions as ex
from .meter import Meter
from .schema import Index, TableSchema
from .sizes import item_size, read_units, write_units

PAGE_BYTES = 1024 * 1024
Candidates = Iterator[tuple[str, "_Record", str]]


def _error(operation: str, code: str, message: str, **extra: Any) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": message}, **extra}, operation)


class _Record:
    """A stored item with its size and each index's entry size (computed once per write)."""

    __slots__ = ("item", "size", "entry_sizes")

    def __init__(self, item: dict[str, Any], size: int, entry_sizes: dict[str, int]):
        self.item = item
        self.size = size
        self.entry_sizes = entry_sizes


class _Partition:
    __slots__ = ("keys", "records")

    def __init__(self) -> None:
        self.keys: list[str] = []
        self.records: dict[str, _Record] = {}


def _string(value: dict[str, Any] | None) -> str:
    if value is None or "S" not in value:
        raise ValueError("bench.scale.store keeps string keys only (the template's), and every key part is given")
    return str(value["S"])


class FakeDynamoDB:
    """The calls the adapters make on `client("dynamodb")`, for one table."""

    def __init__(self, schema: TableSchema, meter: Meter, table_name: str):
        self.schema = schema
        self.meter = meter
        self.table_name = table_name
        self.base: dict[str, _Partition] = {}
        self.indexes: dict[str, dict[str, list[tuple[str, str, str]]]] = {i.name: {} for i in schema.indexes}
        self.by_name = {i.name: i for i in schema.indexes}
        self.stream: list[dict[str, Any]] = []  # NEW_IMAGE of every INSERT, drained by the caller
        self.removed: list[dict[str, Any]] = []  # OLD_IMAGE of every TTL deletion, drained by the caller
        self.lock = threading.RLock()

    # ------------------------------------------------------------------ items and entries

    def _key_of(self, item: dict[str, Any]) -> tuple[str, str]:
        if self.schema.hash_key not in item or (self.schema.range_key and self.schema.range_key not in item):
            raise _error("PutItem", "ValidationException", "the item lacks a key attribute")
        pk = _string(item[self.schema.hash_key])
        sk = _string(item[self.schema.range_key]) if self.schema.range_key else ""
        return pk, sk

    def _record(self, pk: str, sk: str) -> _Record | None:
        partition = self.base.get(pk)
        return partition.records.get(sk) if partition else None

    @staticmethod
    def _index_key(index: Index, item: dict[str, Any]) -> tuple[str, str] | None:
        hash_value = item.get(index.hash_key)
        range_value = item.get(index.range_key) if index.range_key else {"S": ""}
        if hash_value is None or range_value is None or "S" not in hash_value or "S" not in range_value:
            return None  # sparse: an item without the index's key is not in the index
        return hash_value["S"], range_value["S"]

    def _entry(self, index: Index, item: dict[str, Any]) -> dict[str, Any]:
        """The index's copy of an item: what its projection keeps."""
        if index.projection == "ALL":
            return item
        keep = set(self.schema.key_attrs) | {index.hash_key} | ({index.range_key} if index.range_key else set())
        if index.projection == "INCLUDE":
            keep |= set(index.non_key)
        return {name: value for name, value in item.items() if name in keep}

    def _new_record(self, item: dict[str, Any]) -> _Record:
        size = item_size(item)
        sizes = {}
        for index in self.schema.indexes:
            if self._index_key(index, item) is not None:
                sizes[index.name] = size if index.projection == "ALL" else item_size(self._entry(index, item))
        return _Record(item, size, sizes)

    # ------------------------------------------------------------------ writing

    def _write_cost(self, old: _Record | None, new: _Record | None, *,
                    transactional: bool) -> tuple[int, dict[str, int], int]:
        """(table units, units per index, index entries written) of replacing old by new:
        an entry whose key stays and whose projection changes is one entry written, a
        changed key two (the old entry deleted, the new one put)."""
        table_units = write_units(max(old.size if old else 0, new.size if new else 0), transactional=transactional)
        index_units: dict[str, int] = {}
        entries = 0
        for index in self.schema.indexes:
            old_key = self._index_key(index, old.item) if old else None
            new_key = self._index_key(index, new.item) if new else None
            units = 0
            if old and new and old_key and new_key and old_key == new_key:
                if self._entry(index, old.item) != self._entry(index, new.item):
                    units = write_units(max(old.entry_sizes[index.name], new.entry_sizes[index.name]))
                    entries += 1
            else:
                if old and old_key:
                    units += write_units(old.entry_sizes[index.name])
                    entries += 1
                if new and new_key:
                    units += write_units(new.entry_sizes[index.name])
                    entries += 1
            if units:
                index_units[index.name] = units
        return table_units, index_units, entries

    def _store(self, pk: str, sk: str, new: _Record | None) -> None:
        """Replace the item (None: delete it) and keep every index in step."""
        partition = self.base.get(pk)
        old = partition.records.get(sk) if partition else None
        for index in self.schema.indexes:
            old_key = self._index_key(index, old.item) if old else None
            new_key = self._index_key(index, new.item) if new else None
            if old_key == new_key:
                continue
            entries = self.indexes[index.name]
            if old_key:
                listed = entries[old_key[0]]
                position = bisect.bisect_left(listed, (old_key[1], pk, sk))
                del listed[position]
                if not listed:
                    del entries[old_key[0]]
            if new_key:
                bisect.insort(entries.setdefault(new_key[0], []), (new_key[1], pk, sk))
        if new is None:
            if old is not None and partition is not None:
                del partition.records[sk]
                partition.keys.pop(bisect.bisect_left(partition.keys, sk))
                if not partition.records:
                    del self.base[pk]
            return
        if partition is None:
            partition = self.base[pk] = _Partition()
        if old is None:
            bisect.insort(partition.keys, sk)
            if new.item.get("type") is not None:
                self.stream.append(new.item)
        partition.records[sk] = new

    def _check(self, operation: str, old: _Record | None, condition: str | None, names: dict[str, str] | None,
               values: dict[str, Any] | None) -> bool:
        if not condition:
            return True
        return ex.evaluate(ex.parse_condition(condition), old.item if old else None, ex.Context(names, values))

    def _charge(self, operation: str, old: _Record | None, new: _Record | None, *, transactional: bool = False,
                failed: bool = False) -> None:
        table_units, index_units, entries = self._write_cost(old, new, transactional=transactional)
        record = new or old
        kind = record.item.get("type", {}).get("S", "?") if record else "?"
        self.meter.write(operation, table_units, {} if failed else index_units,
                         count_call=operation not in ("TransactWriteItems", "BatchWriteItem"), what=kind,
                         doubling=table_units // 2 if transactional else 0,
                         item_writes=1 + (0 if failed else entries))

    def put_item(self, *, TableName: str, Item: dict[str, Any], ConditionExpression: str | None = None,
                 ExpressionAttributeNames: dict[str, str] | None = None, ExpressionAttributeValues: dict[str, Any] | None = None,
                 ReturnValuesOnConditionCheckFailure: str | None = None, ReturnValues: str | None = None,
                 **unused: Any) -> dict[str, Any]:
        self._table(TableName, unused)
        with self.lock:
            pk, sk = self._key_of(Item)
            old = self._record(pk, sk)
            new = self._new_record(Item)
            if not self._check("PutItem", old, ConditionExpression, ExpressionAttributeNames, ExpressionAttributeValues):
                self._charge("PutItem", old, new, failed=True)
                extra = {"Item": old.item} if old and ReturnValuesOnConditionCheckFailure == "ALL_OLD" else {}
                raise _error("PutItem", "ConditionalCheckFailedException", "The conditional request failed", **extra)
            self._charge("PutItem", old, new)
            self._store(pk, sk, new)
            return {"Attributes": old.item} if old and ReturnValues == "ALL_OLD" else {}

    def update_item(self, *, TableName: str, Key: dict[str, Any], UpdateExpression: str,
                    ConditionExpression: str | None = None, ExpressionAttributeNames: dict[str, str] | None = None,
                    ExpressionAttributeValues: dict[str, Any] | None = None, ReturnValues: str = "NONE",
                    ReturnValuesOnConditionCheckFailure: str | None = None, **unused: Any) -> dict[str, Any]:
        self._table(TableName, unused)
        with self.lock:
            pk, sk = self._key_of(Key)
            old = self._record(pk, sk)
            context = ex.Context(ExpressionAttributeNames, ExpressionAttributeValues)
            item, touched = ex.apply_update(old.item if old else dict(Key), UpdateExpression, context)
            if touched & set(self.schema.key_attrs):
                raise _error("UpdateItem", "ValidationException", "an update cannot change the item's key")
            new = self._new_record(item)
            if not self._check("UpdateItem", old, ConditionExpression, ExpressionAttributeNames,
                               ExpressionAttributeValues):
                self._charge("UpdateItem", old, new, failed=True)
                extra = {"Item": old.item} if old and ReturnValuesOnConditionCheckFailure == "ALL_OLD" else {}
                raise _error("UpdateItem", "ConditionalCheckFailedException", "The conditional request failed",
                             **extra)
            self._charge("UpdateItem", old, new)
            self._store(pk, sk, new)
            if ReturnValues == "ALL_NEW":
                return {"Attributes": item}
            if ReturnValues == "UPDATED_NEW":
                return {"Attributes": {k: v for k, v in item.items() if k in touched}}
            if ReturnValues == "ALL_OLD" and old:
                return {"Attributes": old.item}
            if ReturnValues == "UPDATED_OLD" and old:
                return {"Attributes": {k: v for k, v in old.item.items() if k in touched}}
            return {}

    def delete_item(self, *, TableName: str, Key: dict[str, Any], ConditionExpression: str | None = None,
                    ExpressionAttributeNames: dict[str, str] | None = None, ExpressionAttributeValues: dict[str, Any] | None = None, ReturnValues: str = "NONE",
                    **unused: Any) -> dict[str, Any]:
        self._table(TableName, unused)
        with self.lock:
            pk, sk = self._key_of(Key)
            old = self._record(pk, sk)
            if not self._check("DeleteItem", old, ConditionExpression, ExpressionAttributeNames,
                               ExpressionAttributeValues):
                self._charge("DeleteItem", old, None, failed=True)
                raise _error("DeleteItem", "ConditionalCheckFailedException", "The conditional request failed")
            self._charge("DeleteItem", old, None)
            self._store(pk, sk, None)
            return {"Attributes": old.item} if old and ReturnValues == "ALL_OLD" else {}

    def transact_write_items(self, *, TransactItems: list[dict[str, Any]], **unused: Any) -> dict[str, Any]:
        if len(TransactItems) > 100:
            raise _error("TransactWriteItems", "ValidationException", "at most 100 items in a transaction")
        with self.lock:
            plans: list[tuple[str, str, str, _Record | None, _Record | None]] = []
            reasons: list[dict[str, str]] = []
            failed = False
            for entry in TransactItems:
                (kind, request), = entry.items()
                self._table(request["TableName"], {})
                source = request.get("Item") or request["Key"]
                pk, sk = self._key_of(source)
                if any((pk, sk) == (p[1], p[2]) for p in plans):
                    raise _error("TransactWriteItems", "ValidationException",
                                 "Transaction request cannot include multiple operations on one item")
                old = self._record(pk, sk)
                names, values = request.get("ExpressionAttributeNames"), request.get("ExpressionAttributeValues")
                if kind == "Put":
                    new = self._new_record(request["Item"])
                elif kind == "Update":
                    item, _ = ex.apply_update(old.item if old else dict(request["Key"]), request["UpdateExpression"],
                                              ex.Context(names, values))
                    new = self._new_record(item)
                elif kind == "Delete":
                    new = None
                elif kind == "ConditionCheck":
                    new = old
                else:
                    raise _error("TransactWriteItems", "ValidationException", f"unknown transact item {kind}")
                ok = self._check("TransactWriteItems", old, request.get("ConditionExpression"), names, values)
                reasons.append({"Code": "None"} if ok else {"Code": "ConditionalCheckFailed",
                                                            "Message": "The conditional request failed"})
                failed = failed or not ok
                plans.append((kind, pk, sk, old, new))
            for kind, _pk, _sk, old, new in plans:
                self._charge("TransactWriteItems", old, old if kind == "ConditionCheck" else new,
                             transactional=True, failed=failed)
            self.meter.call("TransactWriteItems", None)
            if failed:
                raise _error("TransactWriteItems", "TransactionCanceledException",
                             "Transaction cancelled, please refer cancellation reasons for specific reasons",
                             CancellationReasons=reasons)
            for kind, pk, sk, _old, new in plans:
                if kind != "ConditionCheck":
                    self._store(pk, sk, new)
            return {}

    def batch_write_item(self, *, RequestItems: dict[str, list[dict[str, Any]]], **unused: Any) -> dict[str, Any]:
        with self.lock:
            for name, requests in RequestItems.items():
                self._table(name, {})
                for request in requests:
                    if "PutRequest" in request:
                        item = request["PutRequest"]["Item"]
                        pk, sk = self._key_of(item)
                        new = self._new_record(item)
                    else:
                        pk, sk = self._key_of(request["DeleteRequest"]["Key"])
                        new = None
                    old = self._record(pk, sk)
                    self._charge("BatchWriteItem", old, new)
                    self._store(pk, sk, new)
            self.meter.call("BatchWriteItem", None)
            return {"UnprocessedItems": {}}

    def expire(self, now_epoch: int, attribute: str = "expires_at") -> int:
        """DynamoDB's TTL: items whose expiry has passed go, free of charge."""
        with self.lock:
            gone = [(pk, sk) for pk, partition in self.base.items() for sk, record in partition.records.items()
                    if "N" in record.item.get(attribute, {}) and float(record.item[attribute]["N"]) < now_epoch]
            for pk, sk in gone:
                self.removed.append(self.base[pk].records[sk].item)  # the REMOVE record's old image
                self._store(pk, sk, None)
            return len(gone)

    # ------------------------------------------------------------------ reading

    def get_item(self, *, TableName: str, Key: dict[str, Any], ConsistentRead: bool = False,
                 ProjectionExpression: str | None = None, ExpressionAttributeNames: dict[str, str] | None = None,
                 **unused: Any) -> dict[str, Any]:
        self._table(TableName, unused)
        with self.lock:
            record = self._record(*self._key_of(Key))
            size = record.size if record else 0
            returned = record.item if record else None
            if returned is not None and ProjectionExpression:
                returned = ex.project(returned, ProjectionExpression, ExpressionAttributeNames)
            returned_size = item_size(returned) if ProjectionExpression else size
            self.meter.read("GetItem", None, read_units(size, consistent=ConsistentRead), size, returned_size)
            return {"Item": returned} if returned is not None else {}

    def batch_get_item(self, *, RequestItems: dict[str, dict[str, Any]], **unused: Any) -> dict[str, Any]:
        responses: dict[str, list[dict[str, Any]]] = {}
        with self.lock:
            for name, request in RequestItems.items():
                self._table(name, {})
                found = responses.setdefault(name, [])
                for key in request["Keys"]:
                    record = self._record(*self._key_of(key))
                    size = record.size if record else 0
                    units = read_units(size, consistent=bool(request.get("ConsistentRead")))
                    if record:
                        item = record.item
                        if request.get("ProjectionExpression"):
                            item = ex.project(item, request["ProjectionExpression"],
                                              request.get("ExpressionAttributeNames"))
                        found.append(item)
                        self.meter.read("BatchGetItem", None, units, size, item_size(item), count_call=False)
                    else:
                        self.meter.read("BatchGetItem", None, units, 0, 0, count_call=False)
            self.meter.call("BatchGetItem", None)
        return {"Responses": responses, "UnprocessedKeys": {}}

    def query(self, *, TableName: str, KeyConditionExpression: str, ExpressionAttributeValues: dict[str, Any] | None = None,
              ExpressionAttributeNames: dict[str, str] | None = None, IndexName: str | None = None, FilterExpression: str | None = None,
              ProjectionExpression: str | None = None, Limit: int | None = None,
              ExclusiveStartKey: dict[str, Any] | None = None, ScanIndexForward: bool = True,
              ConsistentRead: bool = False, Select: str | None = None, **unused: Any) -> dict[str, Any]:
        self._table(TableName, unused)
        context = ex.Context(ExpressionAttributeNames, ExpressionAttributeValues)
        with self.lock:
            if IndexName:
                index = self.by_name.get(IndexName)
                if index is None:
                    raise _error("Query", "ValidationException", f"no index {IndexName}")
                if ConsistentRead:
                    raise _error("Query", "ValidationException",
                                 "Consistent reads are not supported on global secondary indexes")
                hash_value, test = ex.key_condition(KeyConditionExpression, context, index.hash_key, index.range_key)
                candidates = self._index_candidates(index, _string(hash_value), ExclusiveStartKey, ScanIndexForward)
            else:
                index = None
                hash_value, test = ex.key_condition(KeyConditionExpression, context, self.schema.hash_key,
                                                    self.schema.range_key)
                candidates = self._base_candidates(_string(hash_value), ExclusiveStartKey, ScanIndexForward)
            sort_attr = index.range_key if index else self.schema.range_key
            return self._page("Query", index, candidates, lambda sort: test({"S": sort}) if sort_attr else True,
                              context, FilterExpression, ProjectionExpression, ExpressionAttributeNames, Limit,
                              consistent=ConsistentRead and index is None, select=Select)

    def scan(self, *, TableName: str, IndexName: str | None = None, FilterExpression: str | None = None,
             ExpressionAttributeValues: dict[str, Any] | None = None, ExpressionAttributeNames: dict[str, str] | None = None, ProjectionExpression: str | None = None,
             Limit: int | None = None, ExclusiveStartKey: dict[str, Any] | None = None, ConsistentRead: bool = False,
             Select: str | None = None, **unused: Any) -> dict[str, Any]:
        self._table(TableName, unused)
        context = ex.Context(ExpressionAttributeNames, ExpressionAttributeValues)
        with self.lock:
            index = self.by_name.get(IndexName) if IndexName else None
            candidates = self._scan_candidates(index, ExclusiveStartKey)
            return self._page("Scan", index, candidates, lambda sort: True, context, FilterExpression,
                              ProjectionExpression, ExpressionAttributeNames, Limit,
                              consistent=ConsistentRead and index is None, select=Select)

    def _base_candidates(self, pk: str, start: dict[str, Any] | None, forward: bool) -> Candidates:
        partition = self.base.get(pk)
        if partition is None:
            return
        keys = partition.keys
        if start:
            after = _string(start[self.schema.range_key]) if self.schema.range_key else ""
            position = bisect.bisect_right(keys, after) if forward else bisect.bisect_left(keys, after) - 1
        else:
            position = 0 if forward else len(keys) - 1
        step = 1 if forward else -1
        while 0 <= position < len(keys):
            sk = keys[position]
            yield sk, partition.records[sk], sk
            position += step

    def _index_candidates(self, index: Index, hash_value: str, start: dict[str, Any] | None,
                          forward: bool) -> Candidates:
        entries = self.indexes[index.name].get(hash_value)
        if not entries:
            return
        if start:
            after = (_string(start[index.range_key]) if index.range_key else "", _string(start[self.schema.hash_key]),
                     _string(start[self.schema.range_key]) if self.schema.range_key else "")
            position = bisect.bisect_right(entries, after) if forward else bisect.bisect_left(entries, after) - 1
        else:
            position = 0 if forward else len(entries) - 1
        step = 1 if forward else -1
        while 0 <= position < len(entries):
            sort, pk, sk = entries[position]
            yield sort, self.base[pk].records[sk], sort
            position += step

    def _scan_candidates(self, index: Index | None, start: dict[str, Any] | None) -> Candidates:
        if index is not None:
            for hash_value in sorted(self.indexes[index.name]):
                for sort, pk, sk in list(self.indexes[index.name][hash_value]):
                    yield sort, self.base[pk].records[sk], sort
            return
        started = start is None
        start_key = None if start is None else self._key_of(start)
        for pk in sorted(self.base):
            partition = self.base[pk]
            for sk in list(partition.keys):
                if not started:
                    started = (pk, sk) == start_key
                    continue
                yield sk, partition.records[sk], sk

    def _page(self, operation: str, index: Index | None, candidates: Candidates, in_range: Callable[[str], bool],
              context: ex.Context, filter_expression: str | None, projection: str | None,
              names: dict[str, str] | None, limit: int | None, *,
              consistent: bool, select: str | None) -> dict[str, Any]:
        """One page: items evaluated until Limit or 1 MB read, then filtered and projected."""
        filter_tree = ex.parse_condition(filter_expression) if filter_expression else None
        items: list[dict[str, Any]] = []
        read, evaluated, returned_bytes, last = 0, 0, 0, None
        entered, cut = False, False
        for sort, record, _ in candidates:
            if not in_range(sort):
                if entered:
                    break  # a key condition's range is contiguous: past its end
                continue
            entered = True
            size = record.entry_sizes[index.name] if index else record.size
            if evaluated and read + size > PAGE_BYTES:
                cut = True  # the 1 MB page is full: LastEvaluatedKey is the last item read
                break
            entry = self._entry(index, record.item) if index else record.item
            read += size
            evaluated += 1
            last = entry
            if filter_tree is None or ex.evaluate(filter_tree, entry, context):
                shown = ex.project(entry, projection, names) if projection else entry
                items.append(shown)
                returned_bytes += item_size(shown) if shown is not entry else size
            if limit and evaluated >= limit:
                cut = True  # DynamoDB does not look ahead: a page that reached Limit has a LastEvaluatedKey
                break
        response: dict[str, Any] = {"Count": len(items), "ScannedCount": evaluated}
        if select != "COUNT":
            response["Items"] = items
        if cut and last is not None:
            response["LastEvaluatedKey"] = self._last_key(index, last)
        self.meter.read(f"{operation}", index.name if index else None, read_units(read, consistent=consistent),
                        read, returned_bytes)
        return response

    def _last_key(self, index: Index | None, item: dict[str, Any]) -> dict[str, Any]:
        names = list(self.schema.key_attrs) + ([index.hash_key] + ([index.range_key] if index.range_key else [])
                                               if index else [])
        return {name: item[name] for name in names if name in item}

    def _table(self, name: str, unused: dict[str, Any]) -> None:
        if name != self.table_name:
            raise _error("Unknown", "ResourceNotFoundException", f"no table {name}")
        unknown = set(unused) - {"ReturnConsumedCapacity", "ReturnItemCollectionMetrics"}
        if unknown:
            raise NotImplementedError(f"bench.scale.store does not keep {sorted(unknown)}")

    def __getattr__(self, name: str) -> Any:
        raise NotImplementedError(f"bench.scale.store has no DynamoDB call {name}")
