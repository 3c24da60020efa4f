"""The local stack's resources from template.yaml (infra/local/resources.py): a table
kept in the state folder from an older template gets the indexes added since."""
from __future__ import annotations

import copy
from pathlib import Path

import pytest
from moto import mock_aws

from infra.local.cfn import Resolver, load_template
from infra.local.resources import DynamicReferences, assign_attributes, create_resources

ROOT = Path(__file__).resolve().parents[2]


def _create(template):
    import boto3

    resolver = Resolver(template, dynamic_reference=DynamicReferences())
    assign_attributes(template, resolver)
    return create_resources(template, resolver, lambda service: boto3.client(service, region_name="eu-west-1"))


def _indexes(created):
    import boto3

    table = boto3.client("dynamodb", region_name="eu-west-1").describe_table(TableName=created.tables["Table"])
    return {index["IndexName"] for index in table["Table"]["GlobalSecondaryIndexes"]}


@pytest.fixture
def template_without_two_indexes():
    template = load_template(ROOT / "template.yaml")
    older = copy.deepcopy(template)
    props = older["Resources"]["Table"]["Properties"]
    props["GlobalSecondaryIndexes"] = [i for i in props["GlobalSecondaryIndexes"]
                                       if i["IndexName"] not in ("gsi9", "gsi10")]
    props["AttributeDefinitions"] = [d for d in props["AttributeDefinitions"]
                                     if not d["AttributeName"].startswith(("gsi9", "gsi10"))]
    return older, template


def test_a_kept_table_gets_the_indexes_the_template_added_since(template_without_two_indexes):
    older, template = template_without_two_indexes
    with mock_aws():
        assert "gsi10" not in _indexes(_create(older))
        again = _create(template)
        assert again.added_indexes == {"Table": ["gsi9", "gsi10"]}
        assert {"gsi9", "gsi10"} <= _indexes(again)


def test_a_kept_table_with_every_index_is_left_as_it_is(template_without_two_indexes):
    _, template = template_without_two_indexes
    with mock_aws():
        _create(template)
        assert _create(template).added_indexes == {}
