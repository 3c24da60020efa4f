"""E-mail through SES (moto locally), at most once per step.

SES has no idempotency key, so before sending a claim item (keys.sent_email) is
written on condition that it does not exist, or is a "sending" claim older than
CLAIM_SECONDS (a send that died half-way is tried again; one still running is
left alone). A retried message finds it "sent" and sends nothing.
"""
from __future__ import annotations

import time

from botocore.exceptions import ClientError

from . import config, keys, table
from .aws import client

_KEEP_CLAIMS_SECONDS = 2 * 365 * 24 * 3600
CLAIM_SECONDS = 300


class SendFailed(Exception):
    """SES refused or failed. Only the error code: SES messages can name the recipient."""


def send_email(*, once_key: str, to: str, subject: str, text: str) -> bool:
    """Send unless this key was sent before; True when it was sent now."""
    key = table.key(*keys.sent_email(once_key))
    now = int(time.time())
    try:
        table.dynamodb().put_item(
            TableName=table.table_name(),
            Item={**key, "type": {"S": "sent_email"}, "state": {"S": "sending"}, "claimed_at": {"N": str(now)},
                  "expires_at": {"N": str(now + _KEEP_CLAIMS_SECONDS)}},
            ConditionExpression="attribute_not_exists(pk) OR (#s = :sending AND claimed_at < :stale)",
            ExpressionAttributeNames={"#s": "state"},
            ExpressionAttributeValues={":sending": {"S": "sending"}, ":stale": {"N": str(now - CLAIM_SECONDS)}})
    except ClientError as error:
        if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
            return False  # sent before, or being sent right now
        raise
    try:
        client("ses").send_email(
            Source=config.current().sender_email,
            Destination={"ToAddresses": [to]},
            Message={"Subject": {"Data": subject, "Charset": "UTF-8"},
                     "Body": {"Text": {"Data": text, "Charset": "UTF-8"}}},
        )
    except ClientError as error:
        raise SendFailed(error.response["Error"]["Code"]) from None
    table.dynamodb().update_item(TableName=table.table_name(), Key=key, UpdateExpression="SET #s = :sent",
                                 ExpressionAttributeNames={"#s": "state"},
                                 ExpressionAttributeValues={":sent": {"S": "sent"}})
    return True
