"""The local stack under load, and its restart with a year of data.

1. Responsiveness: 2 000 signals sent in 20 concurrent batches; while the stream
   and the queues drain, a prober asks `GET baskets` and a case view every
   quarter second: their p50/p95/max (goal: p95 under 1 s).
2. Latency: one signal into the idle stack, until its case shows in a basket
   (goal: p95 under 2 s).
3. Restart (with a state folder): a year of demo data (a month of the demo's
   signals through the pipeline, copied to a year's volume), then the time to
   stop (the last snapshot) and to start again, and the folder's size.

    python -m bench.bench_local_stack [--only load,latency,restart] [--months 12]

Only the in-process LocalStack interface is used, so the same file measures an
older checkout (PYTHONPATH=<old checkout> python -m bench.bench_local_stack
--only load,latency) for a before/after comparison.
"""
from __future__ import annotations

import argparse
import http.client
import json
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parents[1]
QUIET = {"POWERTOOLS_LOG_LEVEL": "WARNING", "POWERTOOLS_METRICS_DISABLED": "true"}
SIGNALS = 2000
BATCHES = 20
PROBE_SECONDS = 0.25
LATENCY_SAMPLES = 20
REQUEST_TIMEOUT = 120
DRAIN_TIMEOUT = 600
API_P95_GOAL = 1.0
LATENCY_P95_GOAL = 2.0


class Http:
    def __init__(self, base_url: str):
        url = urlsplit(base_url)
        self.host, self.port = url.hostname, url.port

    def call(self, method: str, path: str, key: str, body=None) -> tuple[int, object, float]:
        started = time.perf_counter()
        connection = http.client.HTTPConnection(self.host, self.port, timeout=REQUEST_TIMEOUT)
        try:
            payload = json.dumps(body).encode() if body is not None else None
            connection.request(method, path, body=payload, headers={"Authorization": f"Bearer {key}",
                                                                   "Content-Type": "application/json"})
            response = connection.getresponse()
            content = response.read()
            status = response.status
        except OSError:
            return 0, None, time.perf_counter() - started
        finally:
            connection.close()
        try:
            document = json.loads(content)
        except ValueError:
            document = content
        return status, document, time.perf_counter() - started


def tenants():
    document = json.loads((HERE / "infra" / "tenants.demo.json").read_text())
    return document["partners"][0]["api_key"], document["municipalities"][0]["api_key"]


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def describe(values: list[float]) -> str:
    if not values:
        return "no samples"
    return (f"p50 {statistics.median(values):6.2f} s   p95 {percentile(values, 0.95):6.2f} s   "
            f"max {max(values):6.2f} s   ({len(values)} requests)")


def signal(reference: str, number: int, municipality: str = "GM0632") -> dict:
    return {"reference": reference, "municipality_code": municipality, "arrears_since": "2026-09-01",
            "amount": str(100 + number % 900) + ".00",
            "debtor": {"initials": "A.", "last_name": f"Bench{number}",
                       "address": {"street": "Rijnstraat", "house_number": number % 9000 + 1,
                                   "postcode": f"{3441 + number % 7} AB", "city": "Woerden"}}}


def open_signals(api: Http, key: str) -> int:
    status, body, _ = api.call("GET", "/municipalities/GM0632/baskets", key)
    return sum(basket["open_signals"] for basket in body["baskets"]) if status == 200 else -1


def some_case(api: Http, key: str) -> str | None:
    _, body, _ = api.call("GET", "/municipalities/GM0632/baskets", key)
    for basket in body["baskets"]:
        if basket["open_cases"]:
            _, cases, _ = api.call("GET", f"/municipalities/GM0632/baskets/{basket['id']}/cases?limit=1", key)
            if cases.get("cases"):
                return cases["cases"][0]["case_id"]
    return None


def bench_load(stack, partner_key: str, municipality_key: str) -> None:
    api = Http(stack.base_url)
    api.call("POST", "/signals", partner_key, signal("LOAD-FIRST", 0))
    stack.wait_until_quiet(timeout=120)
    case_id = some_case(api, municipality_key)
    baskets: list[float] = []
    case_views: list[float] = []
    failures = {"baskets": 0, "case": 0}
    stop = threading.Event()

    def probe() -> None:
        while not stop.is_set():
            status, _, seconds = api.call("GET", "/municipalities/GM0632/baskets", municipality_key)
            baskets.append(seconds)
            failures["baskets"] += status != 200
            status, _, seconds = api.call("GET", f"/municipalities/GM0632/cases/{case_id}", municipality_key)
            case_views.append(seconds)
            failures["case"] += status != 200
            stop.wait(PROBE_SECONDS)

    per_batch = SIGNALS // BATCHES
    batches = [[signal(f"LOAD-{b:02d}-{i:04d}", b * per_batch + i + 1) for i in range(per_batch)]
               for b in range(BATCHES)]
    batch_seconds: list[float] = []

    def send(batch: list[dict]) -> None:
        _, _, seconds = api.call("POST", "/signals/batch", partner_key, {"signals": batch})
        batch_seconds.append(seconds)

    prober = threading.Thread(target=probe, daemon=True)
    started = time.perf_counter()
    prober.start()
    senders = [threading.Thread(target=send, args=(batch,), daemon=True) for batch in batches]
    for sender in senders:
        sender.start()
    for sender in senders:
        sender.join()
    sent = time.perf_counter()
    try:
        stack.wait_until_quiet(timeout=DRAIN_TIMEOUT)
        drain = f"drained after {time.perf_counter() - started:.0f} s"
    except TimeoutError as error:
        drain = f"NOT drained after {time.perf_counter() - started:.0f} s ({error})"
    stop.set()
    prober.join(timeout=REQUEST_TIMEOUT)
    print(f"{SIGNALS} signals in {BATCHES} concurrent batches: sent in {sent - started:.1f} s "
          f"(batch p95 {percentile(batch_seconds, 0.95):.1f} s), {drain}")
    p95 = percentile(baskets, 0.95) if baskets else float("inf")
    print(f"GET baskets during the drain   {describe(baskets)}   failed {failures['baskets']}")
    print(f"GET case during the drain      {describe(case_views)}   failed {failures['case']}")
    print(f"API p95 goal < {API_P95_GOAL:g} s: baskets {'meets' if p95 < API_P95_GOAL else 'MISSES'} it, case "
          f"{'meets' if case_views and percentile(case_views, 0.95) < API_P95_GOAL else 'MISSES'} it")


def bench_latency(stack, partner_key: str, municipality_key: str) -> None:
    api = Http(stack.base_url)
    stack.wait_until_quiet(timeout=DRAIN_TIMEOUT)
    samples = []
    for sample in range(LATENCY_SAMPLES):
        before = open_signals(api, municipality_key)
        started = time.perf_counter()
        status, body, _ = api.call("POST", "/signals", partner_key, signal(f"LAT-{sample:03d}", 50_000 + sample))
        if status != 201:
            raise RuntimeError(f"POST /signals: {status} {body}")
        while open_signals(api, municipality_key) <= before:
            if time.perf_counter() - started > 60:
                raise TimeoutError("the signal did not reach a basket within 60 s")
            time.sleep(0.02)
        samples.append(time.perf_counter() - started)
        stack.wait_until_quiet(timeout=120)  # its letter or task too: the next sample starts idle
    p95 = percentile(samples, 0.95)
    print(f"signal → basket, idle stack    {describe(samples)}")
    print(f"latency p95 goal < {LATENCY_P95_GOAL:g} s: {'meets' if p95 < LATENCY_P95_GOAL else 'MISSES'} it")


def bench_restart(months: int) -> None:
    """One month of demo data through the whole pipeline, then the other months as copies of
    its items and objects under other keys (the volume of a year without a year of pipeline
    time), then a stop (the last snapshot) and a start (opening the state)."""
    from vroegsignaal import clock

    from infra.demo_data import demo_signals
    from infra.local.stack import DEFAULT_TENANTS, LocalStack

    partner_keys = {p["id"]: p["api_key"] for p in json.loads(DEFAULT_TENANTS.read_text())["partners"]}
    with tempfile.TemporaryDirectory() as folder:
        state = Path(folder) / "state"
        stack = LocalStack(port=0, tenants=DEFAULT_TENANTS, environment=QUIET, state_dir=state, fresh=True).start()
        try:
            api = Http(stack.base_url)
            signals_sent = 0
            for partner, batch in demo_signals(clock.today()).items():
                status, body, _ = api.call("POST", "/signals/batch", partner_keys[partner], {"signals": batch})
                signals_sent += body["received"] if status == 200 else 0
            stack.wait_until_quiet(timeout=DRAIN_TIMEOUT)
            items, objects = copy_month(stack, months - 1)
        finally:
            stopping = time.perf_counter()
            stack.stop()
            stopped = time.perf_counter()
        size = sum(file.stat().st_size for file in state.iterdir())
        starting = time.perf_counter()
        stack = LocalStack(port=0, tenants=DEFAULT_TENANTS, environment=QUIET, state_dir=state).start()
        started = time.perf_counter()
        stack.stop()
    print(f"a year of demo data: {months} × {signals_sent} signals with their cases, letters and tasks "
          f"({items} table items, {objects} objects):")
    print(f"    state folder           {size / 1e6:6.1f} MB")
    print(f"    stop (last snapshot)   {stopped - stopping:6.1f} s")
    print(f"    start (open the state) {started - starting:6.1f} s")


def copy_month(stack, copies: int) -> tuple[int, int]:
    """Copy every table item and bucket object `copies` times under other keys."""
    ddb, s3 = stack.client("dynamodb"), stack.client("s3")
    table = next(iter(stack.resources.tables.values()))
    bucket = next(iter(stack.resources.buckets.values()))
    items = [item for page in ddb.get_paginator("scan").paginate(TableName=table) for item in page["Items"]]
    keys = [obj["Key"] for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket)
            for obj in page.get("Contents", [])]
    for copy in range(1, copies + 1):
        # Another type too, so that the stream's consumers leave the copies alone.
        renamed = [{**item, "pk": {"S": f"COPY{copy}#{item['pk']['S']}"},
                    "type": {"S": f"copy-{item.get('type', {}).get('S', '')}"}} for item in items]
        for start in range(0, len(renamed), 25):
            ddb.batch_write_item(RequestItems={table: [{"PutRequest": {"Item": item}}
                                                       for item in renamed[start:start + 25]]})
        for key in keys:
            s3.copy_object(Bucket=bucket, Key=f"copy{copy}/{key}", CopySource={"Bucket": bucket, "Key": key})
    return len(items) * (copies + 1), len(keys) * (copies + 1)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_local_stack")
    parser.add_argument("--only", default="load,latency,restart")
    parser.add_argument("--months", type=int, default=12)
    args = parser.parse_args(argv)
    parts = set(args.only.split(","))
    sys.path.insert(0, str(HERE / "layers" / "common"))
    from infra.local.stack import LocalStack

    print("\n## The local stack under load (API while the pipeline drains; one signal into the idle stack)",
          flush=True)
    partner_key, municipality_key = tenants()
    if parts & {"load", "latency"}:
        with LocalStack(port=0, tenants=HERE / "infra" / "tenants.demo.json", environment=QUIET) as stack:
            if "latency" in parts:
                bench_latency(stack, partner_key, municipality_key)
            if "load" in parts:
                bench_load(stack, partner_key, municipality_key)
    if "restart" in parts:
        print("\n## The local stack's restart with a year of data", flush=True)
        bench_restart(args.months)


if __name__ == "__main__":
    main()
