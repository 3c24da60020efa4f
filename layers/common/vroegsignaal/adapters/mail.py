"""E-mail through SES (moto locally), at most once per step.

SES has no idempotency key, so before sending a claim item `SENT#<key>` is
written on condition that it does not exist (or is still "sending": a send that
crashed half-way is tried again). A retried message finds it "sent" and sends
nothing.
"""
from __future__ import annotations

import os
import time

from botocore.exceptions import ClientError

from . import table
from .aws import client

_KEEP_CLAIMS_SECONDS = 2 * 365 * 24 * 3600


def send_email(*, once_key: str, to: str, subject: str, text: str) -> bool:
    """Send unless this key was sent before; True when it was sent now."""
    key = table.key(f"SENT#{once_key}", "SENT")
    try:
        table.dynamodb().put_item(
            TableName=table.table_name(),
            Item={**key, "type": {"S": "sent_email"}, "state": {"S": "sending"},
                  "expires_at": {"N": str(int(time.time()) + _KEEP_CLAIMS_SECONDS)}},
            ConditionExpression="attribute_not_exists(pk) OR #s = :sending",
            ExpressionAttributeNames={"#s": "state"}, ExpressionAttributeValues={":sending": {"S": "sending"}})
    except ClientError as error:
        if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
            return False  # sent before
        raise
    client("ses").send_email(
        Source=os.environ["SENDER_EMAIL"],
        Destination={"ToAddresses": [to]},
        Message={"Subject": {"Data": subject, "Charset": "UTF-8"},
                 "Body": {"Text": {"Data": text, "Charset": "UTF-8"}}},
    )
    table.dynamodb().update_item(TableName=table.table_name(), Key=key, UpdateExpression="SET #s = :sent",
                                 ExpressionAttributeNames={"#s": "state"},
                                 ExpressionAttributeValues={":sent": {"S": "sent"}})
    return True
