"""The intake handler's 500-signal batch against moto, next to the same writes
made directly with boto3 (target: at most 1.3×); and what classifying costs in
DynamoDB and S3 calls per signal (target: ≤ 3 DynamoDB calls, no S3 call once
the criteria are cached)."""
from __future__ import annotations

import json
import os
import statistics
import time
from collections import Counter

from bench.common import ROOT, heading, use_lambda_env, use_paths, verdict

SIGNALS = 500
ROUNDS = 5
TARGET_RATIO = 1.3


def provision():
    """The template's resources in an in-process moto; the functions' environment set."""
    from vroegsignaal.adapters import aws

    from infra.local.cfn import Resolver, load_template
    from infra.local.resources import DynamicReferences, assign_attributes, create_resources
    aws.reset()
    template = load_template(ROOT / "template.yaml")
    resolver = Resolver(template, dynamic_reference=DynamicReferences())
    assign_attributes(template, resolver)
    create_resources(template, resolver, aws.client)
    for name, value in resolver.resolve(template["Globals"]["Function"]["Environment"]["Variables"]).items():
        os.environ[name] = str(value)


def batch_event(signals: list[dict], partner: dict) -> dict:
    return {"resource": "/signals/batch", "path": "/signals/batch", "httpMethod": "POST",
            "headers": {"Content-Type": "application/json"}, "multiValueHeaders": {},
            "queryStringParameters": None, "multiValueQueryStringParameters": None, "pathParameters": None,
            "requestContext": {"requestId": "bench", "stage": "prod", "resourcePath": "/signals/batch",
                               "httpMethod": "POST", "authorizer": {"principalId": partner["partner_id"], **partner}},
            "body": json.dumps({"signals": signals}), "isBase64Encoded": False}


def main() -> None:
    use_paths()
    use_lambda_env()
    os.environ["POWERTOOLS_LOG_LEVEL"] = "WARNING"
    os.environ["POWERTOOLS_METRICS_DISABLED"] = "true"
    from moto import mock_aws
    from vroegsignaal import clock
    from vroegsignaal.adapters import aws, registry, table

    from infra.demo_data import demo_signals
    from tests.integration.events import LambdaContext, stream_event

    partner = {"kind": "partner", "partner_id": "woonstede", "partner_type": "housing"}
    pool = [s for batch in demo_signals(clock.today(), households_per_municipality=400).values() for s in batch
            if "-BAD-" not in s["reference"] and "amuont" not in s and not s.get("supply_ending")
            and s["reference"] not in ("WS-SUPPLY", "WS-AMOUNT", "WS-TYPO", "EN-FUTURE")][:SIGNALS]

    handler_times, direct_times = [], []
    with mock_aws():
        provision()
        registry.register_municipality("GM0632", "Woerden")
        registry.register_municipality("GM0344", "Utrecht")
        import intake_api
        from vroegsignaal.adapters.signals import DynamoSignalStore
        from vroegsignaal.domain.signal import validate_signal
        from vroegsignaal.services.intake import signal_item
        for round_number in range(ROUNDS):
            signals = [{**s, "reference": f"R{round_number}-{s['reference']}"} for s in pool]
            started = time.perf_counter()
            response = intake_api.lambda_handler(batch_event(signals, partner), LambdaContext())
            handler_times.append(time.perf_counter() - started)
            assert json.loads(response["body"])["received"] == len(signals), response["body"][:300]
            # The same conditional writes, made directly: items prepared beforehand, not timed.
            items = [signal_item(validate_signal(s, partner_type="housing", today=clock.today(),
                                                 is_known_municipality=lambda code: True),
                                 partner=partner, received_at=clock.now()) for s in signals]
            for item in items:
                item["reference"] = f"DIRECT-{item['reference']}"  # other items than the handler's
            store = DynamoSignalStore(lambda: "")
            started = time.perf_counter()
            for item in items:
                store.insert_signal(item)
            direct_times.append(time.perf_counter() - started)

        # Classification: calls per signal once the criteria are cached.
        import classify_stream
        attrs = [aws.client("dynamodb").get_item(TableName=table.table_name(), Key=table.key(
            f"SIGNAL#woonstede#R0-{s['reference']}", "SIGNAL"))["Item"] for s in pool[:101]]
        classify_stream.lambda_handler(stream_event(attrs[:1]), LambdaContext())
        calls: Counter = Counter()
        for service in ("dynamodb", "s3"):
            aws.client(service).meta.events.register(
                "before-call", lambda model, **_: calls.update([f"{model.service_model.service_name}:{model.name}"]))
        classify_stream.lambda_handler(stream_event(attrs[1:]), LambdaContext())

    handler, direct = statistics.median(handler_times), statistics.median(direct_times)
    ratio = handler / direct
    heading(f"Intake: a {SIGNALS}-signal batch against moto (median of {ROUNDS})")
    print(f"intake handler (validate, normalise, store)   {handler * 1000:7.0f} ms   {SIGNALS / handler:6.0f} signals/s")
    print(f"the same conditional PutItems with boto3      {direct * 1000:7.0f} ms   {SIGNALS / direct:6.0f} signals/s")
    print(f"ratio {ratio:.2f}× (target ≤ {TARGET_RATIO}×: {verdict(ratio, TARGET_RATIO)})")
    classified = 100
    ddb = sum(n for op, n in calls.items() if op.startswith("dynamodb")) / classified
    s3 = sum(n for op, n in calls.items() if op.startswith("s3")) / classified
    heading("Classification: AWS calls per classified signal (criteria cached)")
    print(f"DynamoDB {ddb:.2f} per signal (target ≤ 3: {verdict(ddb, 3)}); S3 {s3:.2f} (target 0: {verdict(s3, 0)})")
    for operation, n in sorted(calls.items()):
        print(f"    {operation:28} {n / classified:.2f}")


if __name__ == "__main__":
    main()
