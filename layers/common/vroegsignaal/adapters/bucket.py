"""The data bucket: criteria, letter templates and letters."""
from __future__ import annotations

from botocore.exceptions import ClientError

from . import config
from .aws import client


def name() -> str:
    return config.current().bucket_name


def is_missing(error: ClientError) -> bool:
    return error.response["Error"]["Code"] in ("NoSuchKey", "404")


def read(key: str) -> bytes | None:
    """The object's bytes, or None when there is no such object."""
    try:
        body: bytes = client("s3").get_object(Bucket=name(), Key=key)["Body"].read()
        return body
    except ClientError as error:
        if is_missing(error):
            return None
        raise


def write(key: str, body: bytes, content_type: str) -> None:
    client("s3").put_object(Bucket=name(), Key=key, Body=body, ContentType=content_type)
