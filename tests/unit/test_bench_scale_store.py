"""bench.scale.store keeps DynamoDB's size, paging and capacity rules (developer guide:
"Item sizes and formats", "Read/write capacity units", Query's 1 MB page)."""
from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from bench.scale.meter import Meter
from bench.scale.schema import Index, TableSchema, table_schema
from bench.scale.sizes import item_size, read_units, write_units
from bench.scale.store import PAGE_BYTES, FakeDynamoDB

TABLE = "t"


def store(projection: str = "ALL") -> tuple[FakeDynamoDB, Meter]:
    meter = Meter()
    schema = TableSchema("pk", "sk", (Index("gsi1", "gsi1pk", "gsi1sk", projection),))
    return FakeDynamoDB(schema, meter, TABLE), meter


def item(pk: str, sk: str, *, body_bytes: int = 10, **extra: Any) -> dict[str, Any]:
    return {"pk": {"S": pk}, "sk": {"S": sk}, "body": {"S": "x" * body_bytes}, **extra}


# ---- item sizes


def test_a_string_counts_its_name_and_its_utf8_bytes() -> None:
    assert item_size({"name": {"S": "één"}}) == len("name") + len("één".encode())


def test_a_number_counts_one_byte_per_two_significant_digits_plus_one() -> None:
    assert item_size({"n": {"N": "12345"}}) == 1 + 3 + 1
    assert item_size({"n": {"N": "1200"}}) == item_size({"n": {"N": "12"}})  # trailing zeroes trimmed


def test_booleans_and_nulls_are_one_byte() -> None:
    assert item_size({"b": {"BOOL": True}, "z": {"NULL": True}}) == 2 + 2


def test_a_map_or_list_costs_three_bytes_plus_one_per_element() -> None:
    assert item_size({"m": {"M": {}}}) == 1 + 3
    assert item_size({"m": {"M": {"a": {"S": "xy"}}}}) == 1 + 3 + (1 + 2 + 1)
    assert item_size({"l": {"L": [{"S": "ab"}, {"BOOL": False}]}}) == 1 + 3 + (2 + 1) + (1 + 1)


def test_units_round_up_reads_to_4_kb_and_writes_to_1_kb() -> None:
    assert read_units(4097, consistent=True) == 2
    assert read_units(4097, consistent=False) == 1
    assert read_units(0, consistent=False) == 0.5  # a read costs at least one unit
    assert write_units(1025) == 2


# ---- paging and read units


def fill(db: FakeDynamoDB, count: int, body_bytes: int, **extra: Any) -> None:
    for n in range(count):
        db.put_item(TableName=TABLE, Item=item("P", f"{n:05d}", body_bytes=body_bytes, **extra))


def query(db: FakeDynamoDB, values: dict[str, Any] | None = None, **kwargs: Any) -> dict[str, Any]:
    return db.query(TableName=TABLE, KeyConditionExpression="pk = :p",
                    ExpressionAttributeValues={":p": {"S": "P"}, **(values or {})}, **kwargs)


def test_a_query_page_stops_at_1_mb_read() -> None:
    db, _ = store()
    fill(db, 300, 10_000)
    size = item_size(item("P", "00000", body_bytes=10_000))
    page = query(db)
    assert page["Count"] == PAGE_BYTES // size
    assert "LastEvaluatedKey" in page
    rest = query(db, ExclusiveStartKey=page["LastEvaluatedKey"])
    assert rest["Items"][0]["sk"] == {"S": f"{page['Count']:05d}"}


def test_a_filter_does_not_reduce_the_read_units() -> None:
    db, meter = store()
    fill(db, 100, 1000, status={"S": "closed"})
    with meter.measure() as unfiltered:
        query(db, ConsistentRead=True)
    with meter.measure() as filtered:
        page = query(db, ConsistentRead=True, FilterExpression="#s = :open",
                     ExpressionAttributeNames={"#s": "status"}, values={":open": {"S": "open"}})
    assert page["Count"] == 0 and page["ScannedCount"] == 100
    assert filtered.read_units == unfiltered.read_units == read_units(100 * item_size(
        item("P", "00000", body_bytes=1000, status={"S": "closed"})), consistent=True)


def test_limit_counts_items_evaluated_not_items_returned() -> None:
    db, _ = store()
    fill(db, 20, 10, status={"S": "closed"})
    page = query(db, Limit=5, FilterExpression="#s = :open", ExpressionAttributeNames={"#s": "status"},
                 values={":open": {"S": "open"}})
    assert (page["Count"], page["ScannedCount"]) == (0, 5)
    assert page["LastEvaluatedKey"]["sk"] == {"S": "00004"}


def test_eventually_consistent_reads_cost_half() -> None:
    db, meter = store()
    fill(db, 1, 5000)
    key = {"pk": {"S": "P"}, "sk": {"S": "00000"}}
    with meter.measure() as strong:
        db.get_item(TableName=TABLE, Key=key, ConsistentRead=True)
    with meter.measure() as eventual:
        db.get_item(TableName=TABLE, Key=key)
    assert strong.read_units == 2 * eventual.read_units == 2


# ---- write units and indexes


def indexed(body_bytes: int, note: str = "a") -> dict[str, Any]:
    return item("P", "1", body_bytes=body_bytes, gsi1pk={"S": "G"}, gsi1sk={"S": "1"}, note={"S": note})


def test_a_keys_only_index_costs_less_than_an_all_index() -> None:
    costs = {}
    for projection in ("ALL", "KEYS_ONLY"):
        db, meter = store(projection)
        with meter.measure() as tally:
            db.put_item(TableName=TABLE, Item=indexed(5000))
        costs[projection] = tally.index_write_units["gsi1"]
        assert tally.table_write_units == write_units(item_size(indexed(5000)))
    assert costs == {"ALL": write_units(item_size(indexed(5000))), "KEYS_ONLY": 1}


def test_a_change_an_index_does_not_project_costs_that_index_nothing() -> None:
    db, meter = store("KEYS_ONLY")
    db.put_item(TableName=TABLE, Item=indexed(100, "a"))
    with meter.measure() as tally:
        db.put_item(TableName=TABLE, Item=indexed(100, "b"))
    assert tally.index_write_units["gsi1"] == 0 and tally.table_write_units == 1


def test_changing_an_index_key_costs_a_delete_and_a_put() -> None:
    db, meter = store("ALL")
    db.put_item(TableName=TABLE, Item=indexed(100))
    with meter.measure() as tally:
        db.put_item(TableName=TABLE, Item={**indexed(100), "gsi1sk": {"S": "2"}})
    assert tally.index_write_units["gsi1"] == 2


def test_transactional_writes_cost_double() -> None:
    db, meter = store()
    big = item("P", "1", body_bytes=1500)
    with meter.measure() as single:
        db.put_item(TableName=TABLE, Item=big)
    with meter.measure() as transaction:
        db.transact_write_items(TransactItems=[{"Put": {"TableName": TABLE, "Item": item("P", "2", body_bytes=1500)}}])
    assert transaction.table_write_units == 2 * single.table_write_units == 4


def test_a_transactions_doubling_is_counted_apart_and_a_plain_write_has_none() -> None:
    db, meter = store()
    with meter.measure() as single:
        db.put_item(TableName=TABLE, Item=item("P", "1", body_bytes=1500))
    with meter.measure() as transaction:
        db.transact_write_items(TransactItems=[{"Put": {"TableName": TABLE, "Item": item("P", "2", body_bytes=1500)}}])
    assert single.transaction_doubling == 0
    assert transaction.transaction_doubling == transaction.table_write_units - single.table_write_units == 2


def test_a_large_transactional_write_is_one_item_write_however_many_units_it_costs() -> None:
    db, meter = store()
    with meter.measure() as tally:
        db.transact_write_items(TransactItems=[{"Put": {"TableName": TABLE, "Item": item("P", "1", body_bytes=3000)}}])
    assert tally.table_write_units == 2 * write_units(item_size(item("P", "1", body_bytes=3000))) == 6
    assert tally.item_writes == 1


def test_an_item_write_counts_each_index_entry_it_writes_once_and_a_changed_key_twice() -> None:
    db, meter = store("ALL")
    with meter.measure() as put:
        db.put_item(TableName=TABLE, Item=indexed(3000))
    with meter.measure() as rekeyed:
        db.put_item(TableName=TABLE, Item={**indexed(3000), "gsi1sk": {"S": "2"}})
    assert (put.item_writes, rekeyed.item_writes) == (2, 3)
    assert put.item_writes_by == {"?": 2}


def test_an_unchanged_index_entry_is_no_item_write() -> None:
    db, meter = store("KEYS_ONLY")
    db.put_item(TableName=TABLE, Item=indexed(100, "a"))
    with meter.measure() as tally:
        db.put_item(TableName=TABLE, Item=indexed(100, "b"))
    assert tally.item_writes == 1


# ---- expressions


def test_a_failed_condition_raises_and_still_costs_the_write() -> None:
    db, meter = store()
    db.put_item(TableName=TABLE, Item=item("P", "1"))
    with meter.measure() as tally, pytest.raises(ClientError) as raised:
        db.put_item(TableName=TABLE, Item=item("P", "1"), ConditionExpression="attribute_not_exists(pk)")
    assert raised.value.response["Error"]["Code"] == "ConditionalCheckFailedException"
    assert tally.table_write_units == 1


def test_update_expressions_set_add_and_remove() -> None:
    db, _ = store()
    key = {"pk": {"S": "P"}, "sk": {"S": "1"}}
    db.update_item(TableName=TABLE, Key=key, UpdateExpression="SET #n = if_not_exists(#n, :zero) + :one, note = :x "
                   "ADD seen :one", ExpressionAttributeNames={"#n": "count"},
                   ExpressionAttributeValues={":zero": {"N": "0"}, ":one": {"N": "1"}, ":x": {"S": "x"}})
    answer = db.update_item(TableName=TABLE, Key=key, UpdateExpression="ADD seen :one REMOVE note",
                            ExpressionAttributeValues={":one": {"N": "1"}}, ReturnValues="ALL_NEW")
    assert answer["Attributes"] == {**key, "count": {"N": "1"}, "seen": {"N": "2"}}


def test_the_template_table_is_read_with_its_indexes() -> None:
    schema = table_schema()
    assert (schema.hash_key, schema.range_key) == ("pk", "sk")
    assert schema.indexes and all(index.projection in ("ALL", "KEYS_ONLY", "INCLUDE") for index in schema.indexes)


def test_the_faster_boto3_types_answer_what_boto3_answers() -> None:
    from decimal import Decimal

    from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

    from bench.scale import codec
    from bench.scale.codec import faster_boto3_types

    value = {"s": "x", "n": 12, "d": Decimal("1.5"), "b": True, "z": None, "m": {"l": [1, "y", {"q": False}]},
             "ss": {"a", "b"}, "ns": {1, 2}, "e": [], "em": {}}
    serializer, deserializer = TypeSerializer(), TypeDeserializer()
    wire = {k: serializer.serialize(v) for k, v in value.items()}
    back = {k: deserializer.deserialize(v) for k, v in wire.items()}
    with faster_boto3_types():
        assert {k: serializer.serialize(v) for k, v in value.items()} == wire
        assert {k: deserializer.deserialize(v) for k, v in wire.items()} == back
    assert TypeSerializer.serialize is not codec.serialize  # boto3's own again after the block
