"""boto3 clients, created once per container and reused by every invocation.

boto3 reads AWS_ENDPOINT_URL itself, so the same code talks to AWS, to the
local stack's moto server or to moto in process. The account-based endpoint
mode is off: moto does not route DynamoDB Streams calls to it
(docs/../architecture.md, known pitfalls), and on AWS it only saves a hop.
"""
from __future__ import annotations

import os
from functools import cache
from typing import Any

import boto3
from botocore.config import Config

_CONFIG = Config(
    account_id_endpoint_mode="disabled",
    retries={"mode": "standard", "max_attempts": 5},
    max_pool_connections=32,
)


@cache
def client(service: str) -> Any:
    return boto3.client(service, region_name=os.environ.get("AWS_REGION", "eu-west-1"), config=_CONFIG)


def reset() -> None:
    """Forget the clients (tests that start a fresh moto)."""
    client.cache_clear()
