"""Which S3 object events reach which function: bucket, event name and key filters."""
from __future__ import annotations

from infra.local.notification_pump import Subscription


def record(event_name="ObjectCreated:Put", bucket="uploads", key="uploads/a+b.csv"):
    return {"eventName": event_name, "s3": {"bucket": {"name": bucket}, "object": {"key": key}}}


def subscription(events=("s3:ObjectCreated:*",), rules=(("prefix", "uploads/"), ("suffix", ".csv"))):
    return Subscription(function=None, bucket="uploads", events=list(events), rules=list(rules))


def test_a_created_object_under_the_prefix_with_the_suffix_matches():
    assert subscription().matches(record())


def test_the_key_is_matched_decoded():
    assert subscription(rules=[("prefix", "uploads/a b")]).matches(record(key="uploads/a+b.csv"))


def test_another_bucket_prefix_suffix_or_event_does_not_match():
    assert not subscription().matches(record(bucket="letters"))
    assert not subscription().matches(record(key="other/a.csv"))
    assert not subscription().matches(record(key="uploads/a.xlsx"))
    assert not subscription().matches(record(event_name="ObjectRemoved:Delete"))


def test_an_exact_event_name_matches_only_itself():
    exact = subscription(events=["s3:ObjectCreated:Put"], rules=[])
    assert exact.matches(record())
    assert not exact.matches(record(event_name="ObjectCreated:CompleteMultipartUpload"))
