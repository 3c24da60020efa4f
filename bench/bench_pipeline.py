"""The whole local pipeline: signals per second from intake to letter or task,
and the AWS calls our functions make per signal, counted per operation.

Counted are the calls of the functions' own clients (vroegsignaal.adapters.aws);
the stream and queue polling that Lambda's event source mappings do on AWS
(the local stack's pumps here) is not the functions' and is not counted.
"""
from __future__ import annotations

import json
import threading
import time
import urllib.request
from collections import Counter
from pathlib import Path

from bench.common import ROOT, heading, use_paths, verdict

QUIET = {"POWERTOOLS_LOG_LEVEL": "WARNING", "POWERTOOLS_METRICS_DISABLED": "true"}
SIGNALS = 500
TARGET_CALLS = 8.0


def post(base_url: str, key: str, body: dict) -> dict:
    request = urllib.request.Request(base_url + "/signals/batch", data=json.dumps(body).encode(), method="POST",
                                     headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=120) as response:
        return json.loads(response.read())


def main() -> None:
    use_paths()
    from vroegsignaal import clock
    from vroegsignaal.adapters import aws

    from infra.demo_data import demo_signals
    from infra.local.stack import LocalStack

    tenants_file = ROOT / "infra" / "tenants.demo.json"
    keys = {t["id"]: t["api_key"] for t in json.loads(Path(tenants_file).read_text())["partners"]}
    batches = demo_signals(clock.today(), households_per_municipality=200, seed=7)
    signals = [(partner, s) for partner, batch in batches.items() for s in batch
               if s["reference"].split("-")[1] != "BAD" and "amuont" not in s][:SIGNALS]

    with LocalStack(port=0, tenants=tenants_file, environment=QUIET) as stack:
        calls: Counter = Counter()
        lock = threading.Lock()

        def count(model, **_):
            with lock:
                calls[f"{model.service_model.service_name}:{model.name}"] += 1

        for service in ("dynamodb", "s3", "sqs", "ses"):
            aws.client(service).meta.events.register("before-call", count)

        by_partner: dict[str, list] = {}
        for partner, signal in signals:
            by_partner.setdefault(partner, []).append(signal)
        started = time.perf_counter()
        received = sum(post(stack.base_url, keys[p], {"signals": batch})["received"] for p, batch in by_partner.items())
        intake_done = time.perf_counter()
        stack.wait_until_quiet(timeout=300)
        finished = time.perf_counter()

    total = sum(calls.values())
    heading(f"Whole local pipeline: {received} signals, intake → classification → letter or task")
    print(f"intake (HTTP batch)   {received / (intake_done - started):8.0f} signals/s")
    print(f"end to end            {received / (finished - started):8.0f} signals/s "
          f"({finished - started:.1f} s until every step was carried out)")
    per_signal = total / received
    print(f"AWS calls per signal  {per_signal:8.2f}   (target ≤ {TARGET_CALLS:g}: {verdict(per_signal, TARGET_CALLS)})")
    for operation, n in calls.most_common():
        print(f"    {operation:36} {n / received:6.2f} per signal   ({n})")


if __name__ == "__main__":
    main()
