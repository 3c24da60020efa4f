"""The local stack's moto query patch (infra/local/moto_queries.py) answers every query
as moto itself does: the same items, order, counts and LastEvaluatedKey, page by page,
over the template's own table with items in many partitions, some outside an index."""
from __future__ import annotations

import random

import pytest

pytestmark = pytest.mark.usefixtures("aws")


def _fill(dynamodb, table_name):
    chance = random.Random(13)
    for number in range(400):
        item = {"pk": {"S": f"HH#{number % 7}"}, "sk": {"S": f"{chance.choice('ABC')}#{number:04d}"},
                "n": {"N": str(chance.randrange(100))}, "body": {"S": "x" * chance.randrange(2000)}}
        if number % 3:  # the rest are in no index
            item |= {"gsi1pk": {"S": f"B#{number % 4}"}, "gsi1sk": {"S": f"{chance.randrange(50):03d}#{number}"}}
        if number % 5 == 0:
            item |= {"gsi4pk": {"S": "DUE#1"}, "gsi4sk": {"S": f"{number:05d}"}}
        dynamodb.put_item(TableName=table_name, Item=item)


QUERIES = [
    {"KeyConditionExpression": "pk = :p", "ExpressionAttributeValues": {":p": {"S": "HH#3"}}},
    {"KeyConditionExpression": "pk = :p AND sk <= :s", "ExpressionAttributeValues": {":p": {"S": "HH#1"},
                                                                                    ":s": {"S": "B#9"}}, "Limit": 7},
    {"KeyConditionExpression": "pk = :p AND begins_with(sk, :s)", "ScanIndexForward": False,
     "ExpressionAttributeValues": {":p": {"S": "HH#2"}, ":s": {"S": "C#"}}, "Limit": 5, "ConsistentRead": True},
    {"KeyConditionExpression": "pk = :p", "FilterExpression": "n > :n", "Limit": 9,
     "ExpressionAttributeValues": {":p": {"S": "HH#4"}, ":n": {"N": "50"}}},
    {"KeyConditionExpression": "pk = :p", "ExpressionAttributeValues": {":p": {"S": "HH#none"}}},
    {"IndexName": "gsi1", "KeyConditionExpression": "gsi1pk = :p", "ExpressionAttributeValues": {":p": {"S": "B#1"}},
     "Limit": 6},
    {"IndexName": "gsi1", "KeyConditionExpression": "gsi1pk = :p AND gsi1sk BETWEEN :a AND :b",
     "ExpressionAttributeValues": {":p": {"S": "B#2"}, ":a": {"S": "010"}, ":b": {"S": "030"}},
     "ScanIndexForward": False, "Limit": 4, "ProjectionExpression": "pk, sk, n"},
    {"IndexName": "gsi1", "KeyConditionExpression": "gsi1pk = :p", "FilterExpression": "pk <> :h",
     "ExpressionAttributeValues": {":p": {"S": "B#3"}, ":h": {"S": "HH#1"}}, "Limit": 10},
    {"IndexName": "gsi1", "KeyConditionExpression": "gsi1pk = :p", "Select": "COUNT",
     "ExpressionAttributeValues": {":p": {"S": "B#0"}}},
    {"IndexName": "gsi4", "KeyConditionExpression": "gsi4pk = :p AND gsi4sk <= :u", "Limit": 8,
     "ExpressionAttributeValues": {":p": {"S": "DUE#1"}, ":u": {"S": "00300"}}},
]


def _every_page(dynamodb, table_name, query):
    pages, start = [], None
    for _ in range(200):  # bounded
        answer = dynamodb.query(TableName=table_name, **query, **({"ExclusiveStartKey": start} if start else {}))
        answer.pop("ResponseMetadata")
        pages.append(answer)
        start = answer.get("LastEvaluatedKey")
        if not start:
            return pages
    raise AssertionError("no last page")


def test_the_patched_query_answers_every_page_as_moto_does(aws, monkeypatch):
    from moto.dynamodb.models.table import Table
    from vroegsignaal.adapters import aws as aws_clients

    from infra.local import moto_queries
    dynamodb = aws_clients.client("dynamodb")
    table_name = next(iter(aws.tables.values()))
    _fill(dynamodb, table_name)
    motos = [_every_page(dynamodb, table_name, query) for query in QUERIES]
    monkeypatch.setattr(Table, "query", Table.query)  # put back after the test
    moto_queries.install()
    assert getattr(Table.query, "_vroegsignaal", False)  # installed
    tracked = len(Table.instances_tracked)
    patched = [_every_page(dynamodb, table_name, query) for query in QUERIES]
    assert patched == motos
    assert len(Table.instances_tracked) == tracked  # no query keeps a table of its own
    found = [sum(page["Count"] for page in pages) for pages in motos]
    assert found[4] == 0 and all(found[:4] + found[5:]), found  # the queries match items (one on purpose none)
