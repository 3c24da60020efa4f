"""E-mail through SES (moto locally)."""
from __future__ import annotations

import os

from .aws import client


def send_email(*, to: str, subject: str, text: str) -> None:
    client("ses").send_email(
        Source=os.environ["SENDER_EMAIL"],
        Destination={"ToAddresses": [to]},
        Message={"Subject": {"Data": subject, "Charset": "UTF-8"},
                 "Body": {"Text": {"Data": text, "Charset": "UTF-8"}}},
    )
