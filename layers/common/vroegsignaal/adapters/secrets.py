"""The household key: read once per container from Secrets Manager.

HOUSEHOLD_KEY_SECRET (the value itself) wins when set: tests and the bench set it.
"""
from __future__ import annotations

import os
from functools import lru_cache

from .aws import client


@lru_cache(maxsize=1)
def household_secret() -> str:
    value = os.environ.get("HOUSEHOLD_KEY_SECRET")
    if value:
        return value
    response = client("secretsmanager").get_secret_value(SecretId=os.environ["HOUSEHOLD_KEY_SECRET_ARN"])
    return str(response["SecretString"])
