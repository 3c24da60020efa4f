"""Handlers against moto in process, with the resources template.yaml declares."""
from __future__ import annotations

import os
from pathlib import Path

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
        _reset_handler_caches()
        yield created
        aws_clients.reset()


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
