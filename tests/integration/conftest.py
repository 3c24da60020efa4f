"""Handlers against moto in process, with the resources template.yaml declares."""
from __future__ import annotations

import os
from pathlib import Path
from types import SimpleNamespace

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Before any handler module is imported: what Lambda would have in its environment.
os.environ.update({
    "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "eu-west-1", "AWS_REGION": "eu-west-1",
    "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
    "POWERTOOLS_TRACE_DISABLED": "true", "POWERTOOLS_SERVICE_NAME": "vroegsignaal",
    "POWERTOOLS_METRICS_NAMESPACE": "Vroegsignaal", "POWERTOOLS_DEV": "false",
    "HOUSEHOLD_KEY_SECRET": "integration-test-household-secret", "POWERTOOLS_LOG_LEVEL": "INFO",
})
os.environ.pop("AWS_ENDPOINT_URL", None)


@pytest.fixture
def aws(monkeypatch):
    """A fresh moto with the template's tables, buckets and queues; env vars as the functions get them."""
    from moto import mock_aws
    from vroegsignaal.adapters import aws as aws_clients
    from vroegsignaal.adapters import forget_container_state

    from infra.local.cfn import Resolver, load_template
    from infra.local.resources import DynamicReferences, assign_attributes, create_resources

    with mock_aws():
        forget_container_state()
        template = load_template(ROOT / "template.yaml")
        resolver = Resolver(template, dynamic_reference=DynamicReferences())
        assign_attributes(template, resolver)
        created = create_resources(template, resolver, aws_clients.client)
        variables = resolver.resolve(template["Globals"]["Function"]["Environment"]["Variables"])
        for name, value in variables.items():
            monkeypatch.setenv(name, str(value))
        # The follow-up functions' own variable (template.yaml names it on them only).
        monkeypatch.setenv("FOLLOWUPS_QUEUE_URL", created.queues["FollowUpsQueue"].url)
        _reset_handler_caches()
        yield created
        _scan_audit_entries()
        aws_clients.reset()


def _scan_audit_entries():
    """Every audit entry a test left behind holds no debtor data (identity.md): the
    privacy scan of the audit trail, suite-wide."""
    from vroegsignaal.adapters import aws as aws_clients
    from vroegsignaal.adapters import table
    from vroegsignaal.adapters.config import ConfigurationError

    from tests.privacy_scan import audit_entry_findings

    dynamodb = aws_clients.client("dynamodb")
    try:
        pages = dynamodb.get_paginator("scan").paginate(
            TableName=table.table_name(), FilterExpression="#t = :audit", ExpressionAttributeNames={"#t": "type"},
            ExpressionAttributeValues={":audit": {"S": "audit"}})
        entries = [table.from_attrs(item) for page in pages for item in page.get("Items", [])]
    except (dynamodb.exceptions.ResourceNotFoundException, ConfigurationError):
        return  # a test without the table
    kinds = audit_entry_findings(entries)
    if kinds:
        pytest.fail(f"debtor data in audit entries: {', '.join(kinds)}", pytrace=False)


def _reset_handler_caches():
    """Handler modules keep state per container too; a test is a fresh container.
    (An in-process local stack may have imported them under another log level.)"""
    import logging
    import sys
    logging.getLogger("vroegsignaal").setLevel(logging.INFO)
    for module_name in ("classify_stream",):
        module = sys.modules.get(module_name)
        if module is not None and hasattr(module, "criteria"):
            module.criteria.clear()


@pytest.fixture
def tenants(aws):
    """Partners and municipalities with their keys."""
    from vroegsignaal.adapters import registry

    keys = {
        "energie-noord": registry.register_partner("energie-noord", "energy", "Energie Noord"),
        "woonstede": registry.register_partner("woonstede", "housing", "Woonstede"),
        "vitens": registry.register_partner("vitens", "water", "Vitens"),
        "GM0632": registry.register_municipality("GM0632", "Woerden", contact={
            "team": "Team Vroegsignalering", "phone": "0348 428 911",
            "email": "vroegsignalering@example.nl", "address": "Postbus 45, 3440 AA Woerden"}),
        "GM0344": registry.register_municipality("GM0344", "Utrecht"),
    }
    return keys


# People (identity.md): Cognito users whose groups `<code>:<role>` are their memberships.
PEOPLE = {
    "jan": ("Jan Consulent", {"GM0632": "consulent"}),
    "marieke": ("Marieke Consulent", {"GM0632": "consulent"}),
    "piet": ("Piet Consulent", {"GM0632": "consulent"}),
    "cor": ("Cor Coordinator", {"GM0632": "coordinator"}),
    "bea": ("Bea Bezoeker", {"GM0632": "bezoeker"}),
    "ute": ("Ute Utrecht", {"GM0344": "coordinator"}),
}


@pytest.fixture
def people(aws, monkeypatch):
    """The people of PEOPLE in a user pool (USER_POOL_ID): username -> {"user_id", "name",
    "principal"} (the principal the authorizer passes for them)."""
    import json

    from vroegsignaal.adapters import aws as aws_clients
    from vroegsignaal.adapters import users

    cognito = aws_clients.client("cognito-idp")
    pool = cognito.create_user_pool(PoolName="vroegsignaal-test")["UserPool"]["Id"]
    monkeypatch.setenv(users.POOL_VARIABLE, pool)
    users.clear_cache()
    groups = {f"{code}:{role}" for _, memberships in PEOPLE.values() for code, role in memberships.items()}
    for group in sorted(groups):
        cognito.create_group(GroupName=group, UserPoolId=pool)
    found = {}
    for username, (name, memberships) in PEOPLE.items():
        cognito.admin_create_user(UserPoolId=pool, Username=username, UserAttributes=[{"Name": "name", "Value": name}])
        for code, role in memberships.items():
            cognito.admin_add_user_to_group(UserPoolId=pool, Username=username, GroupName=f"{code}:{role}")
        attributes = cognito.admin_get_user(UserPoolId=pool, Username=username)["UserAttributes"]
        user_id = next(a["Value"] for a in attributes if a["Name"] == "sub")
        found[username] = {"user_id": user_id, "name": name, "principal": {
            "kind": "user", "user_id": user_id, "name": name, "memberships": json.dumps(memberships)}}
    return found


@pytest.fixture
def h():
    """The handlers a test drives: the intake API, the classifier on the stream, the municipality API."""
    import classify_stream
    import intake_api
    import municipality_api
    return SimpleNamespace(intake=intake_api.lambda_handler, classify=classify_stream.lambda_handler,
                           mun=municipality_api.lambda_handler)


@pytest.fixture
def dynamodb_limits(monkeypatch):
    """moto answers a LastEvaluatedKey only when another item follows; DynamoDB answers one
    whenever a Query reached its Limit (it does not look ahead): make moto do so."""
    from vroegsignaal.adapters import table
    real = table.dynamodb

    class LikeDynamoDB:
        def __init__(self, client):
            self._client = client

        def __getattr__(self, name):
            return getattr(self._client, name)

        def query(self, **kwargs):
            answer = self._client.query(**kwargs)
            if "Limit" in kwargs and answer["ScannedCount"] == kwargs["Limit"] and answer["Items"] \
                    and "FilterExpression" not in kwargs and "LastEvaluatedKey" not in answer:
                index = kwargs.get("IndexName")
                names = ("pk", "sk", *((f"{index}pk", f"{index}sk") if index else ()))
                answer["LastEvaluatedKey"] = {name: answer["Items"][-1][name] for name in names}
            return answer

    monkeypatch.setattr(table, "dynamodb", lambda: LikeDynamoDB(real()))
