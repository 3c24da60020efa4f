"""S3 event notifications to functions, as S3 and Lambda's asynchronous invocation do it.

Subscriptions come from the template: a function's `Type: S3` event (Bucket,
Events, Filter.S3Key.Rules) or a bucket's NotificationConfiguration
LambdaConfigurations. Object events are noted in moto's process
(infra/local/s3_events.py); this pump reads them in order, invokes every
function whose subscription matches with `{"Records": [record]}`, retries a
failed invocation twice (Lambda's default for asynchronous invocations) and
then reports it. Its position is a checkpoint in the state folder.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_plus

from .functions import InvocationError, LambdaFunction
from .log import warn
from .policies import wildcard
from .pump import Pump

CHECKPOINT = "s3-events"
ASYNC_RETRIES = 2


@dataclass
class Subscription:
    function: LambdaFunction
    bucket: str
    events: list[str]                 # s3:ObjectCreated:*, ...
    rules: list[tuple[str, str]]      # (prefix|suffix, value)

    def matches(self, record: dict[str, Any]) -> bool:
        if record["s3"]["bucket"]["name"] != self.bucket:
            return False
        if not any(wildcard(event, "s3:" + record["eventName"]) for event in self.events):
            return False
        key = unquote_plus(record["s3"]["object"]["key"])
        for name, value in self.rules:
            if name.lower() == "prefix" and not key.startswith(value):
                return False
            if name.lower() == "suffix" and not key.endswith(value):
                return False
        return True


def subscriptions(template: dict[str, Any], resolver: Any, functions: dict[str, LambdaFunction],
                  buckets: dict[str, str]) -> list[Subscription]:
    """Every S3 → Lambda notification the template declares."""
    found = []
    for function in functions.values():
        for _event_name, props in function.events_of_type("S3"):
            found.append(_subscription(function, props["Bucket"], props.get("Events"), props.get("Filter")))
    by_arn = {function.arn: function for function in functions.values()}
    for logical_id, resource in (template.get("Resources") or {}).items():
        if resource.get("Type") != "AWS::S3::Bucket" or logical_id not in buckets:
            continue
        configuration = resolver.resolve((resource.get("Properties") or {}).get("NotificationConfiguration") or {})
        for item in configuration.get("LambdaConfigurations") or []:
            target = by_arn.get(item.get("Function"))
            if target is None:
                warn(f"{logical_id}: notification to {item.get('Function')}, not a function of this template")
                continue
            found.append(_subscription(target, buckets[logical_id], item.get("Event"), item.get("Filter")))
    return found


def _subscription(function: LambdaFunction, bucket: str, events: Any, filter_spec: Any) -> Subscription:
    events = [events] if isinstance(events, str) else list(events or [])
    rules = ((filter_spec or {}).get("S3Key") or {}).get("Rules") or []
    return Subscription(function, bucket, events, [(rule["Name"], rule["Value"]) for rule in rules])


class NotificationPump(Pump):
    def __init__(self, subscriptions: list[Subscription], *, read_events: Callable[[int], dict[str, Any]],
                 save_checkpoint: Callable[[str, Any], None], position: int, region: str):
        super().__init__(name="S3 notifications")
        self.subscriptions = subscriptions
        self.read_events = read_events
        self.save_checkpoint = save_checkpoint
        self.position = position
        self.region = region

    def poll_once(self) -> bool:
        answer = self.read_events(self.position)
        for record in answer["events"]:
            if self._stopping.is_set():
                return True
            record = {**record, "awsRegion": self.region}
            for subscription in self.subscriptions:
                if subscription.matches(record):
                    self._deliver(subscription.function, record)
            self.position += 1
            self.save_checkpoint(CHECKPOINT, self.position)
        return bool(answer["events"])

    def _deliver(self, function: LambdaFunction, record: dict[str, Any]) -> None:
        for attempt in range(ASYNC_RETRIES + 1):
            try:
                function.invoke({"Records": [record]})
                return
            except InvocationError as error:
                error.report()
                if attempt < ASYNC_RETRIES:
                    self.pause(0.2 * (attempt + 1))
        warn(f"{function.logical_id}: the S3 event for {record['s3']['object']['key']} failed "
             f"{ASYNC_RETRIES + 1} times and is dropped, as an asynchronous invocation without a destination")
