"""The DDAS export of a large municipality's quarter: 50 000 signals in 10 000
cases (five partners each), over bench.scale's in-process DynamoDB (DynamoDB's
pages and read units, the template's indexes; moto is far too slow for this
size), BENCH_EXPORT_SIGNALS sets another size.

Prints the export's time and peak memory (tracemalloc, a second run: tracing
slows Python down) next to the time to read the same items raw (the same
Queries, no conversion, nothing built), so the cost of building the document
shows apart from the cost of reading.

    python -m bench.bench_export
"""
from __future__ import annotations

import gzip
import json
import os
import random
import time
import tracemalloc
from datetime import date, timedelta
from typing import Any

from bench.common import heading, use_lambda_env, use_paths

SIGNALS_PER_CASE = 5
CASES = int(os.environ.get("BENCH_EXPORT_SIGNALS", "50000")) // SIGNALS_PER_CASE
PERIOD = {"from": "2026-01-01", "to": "2026-03-31"}
CODE = "GM0632"
PARTNERS = [("energie-noord", "energy"), ("woonstede", "housing"), ("vitens", "water"),
            ("zorg-zuid", "health_insurance"), ("hypotheek-1", "mortgage")]


INITIALS = ["A.", "A.B.", "J.", "M.C.", "P.", "S.", "E.J.", "K."]
NAMES = ["de Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder", "de Groot", "Bos",
         "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker", "Brouwer", "de Wit", "Dijkstra", "Smits", "Yilmaz"]
STREETS = ["Rijnstraat", "Molenvliet", "Boerendijk", "Kerkweg", "Oosterstraat", "Rembrandtlaan", "Hoge Rijndijk",
           "Jozef Israëlslaan", "Singel", "Meulmansweg"]
rng = random.Random(11)


def case_items(n: int) -> list[dict[str, Any]]:
    """One case and its signal log entries, as the store writes them."""
    from vroegsignaal.adapters import keys
    start = date(2026, 1, 1) + timedelta(days=n % 85)
    household, case_id = f"h{n:06d}", f"case-{n:06d}"
    pk, sk = keys.case(household, case_id)
    gsi2pk = keys.municipality_cases_index(CODE)
    opened = f"{start.isoformat()}T09:00:00Z"
    case = {"pk": pk, "sk": sk, "type": "case", "case_id": case_id, "municipality_code": CODE,
            "household": household, "status": "open", "start_date": start.isoformat(), "opened_at": opened,
            "picked_up_at": None, "outcome": None, "closed_at": None, "version": 1, "steps": [],
            "gsi2pk": gsi2pk, "gsi2sk": f"{opened}#{case_id}"}
    items = [case]
    for i, (partner, partner_type) in enumerate(PARTNERS[:SIGNALS_PER_CASE]):
        signal_date = (start + timedelta(days=i)).isoformat()
        reference = f"R-{n:06d}-{i}"
        record = {"reference": reference, "municipality_code": CODE, "signal_date": signal_date,
                  "arrears_since": "2025-11-01", "amount_cents": rng.randrange(5_000, 500_000), "crisis": False,
                  # Varied as real debtors are, so the answer compresses as a real one would.
                  "debtor": {"initials": rng.choice(INITIALS), "last_name": rng.choice(NAMES),
                             "bsn": f"{rng.randrange(10**8, 10**9)}",
                             "date_of_birth": f"{rng.randrange(1940, 2006)}-{rng.randrange(1, 13):02d}-15",
                             "address": {"street": rng.choice(STREETS), "house_number": rng.randrange(1, 400),
                                         "postcode": f"{rng.randrange(3440, 3450)}{rng.choice('ABCDEFGH')}"
                                                     f"{rng.choice('KLMNPRST')}", "city": "Woerden"}}}
        body = {"signal_id": f"sig-{n:06d}-{i}", "reference": reference, "partner_id": partner,
                "partner_type": partner_type, "received_at": f"{signal_date}T09:00:00Z", "signal": record}
        log_pk, log_sk = keys.case_log(household, case_id, "SIG", f"{signal_date}#{i}")
        items.append({"pk": log_pk, "sk": log_sk, "type": "case_log", "kind": "signal", "case_id": case_id,
                      "body": body})
    return items


def load() -> None:
    from vroegsignaal.adapters import table
    batch: list[dict[str, Any]] = []

    def flush() -> None:
        pending = {table.table_name(): [{"PutRequest": {"Item": table.to_attrs(i)}} for i in batch]}
        while pending:
            pending = table.dynamodb().batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}
        batch.clear()

    for n in range(CASES):
        for item in case_items(n):
            batch.append(item)
            if len(batch) == 25:
                flush()
    if batch:
        flush()


def read_raw() -> int:
    """The same Queries the export makes, items left as DynamoDB answers them."""
    from vroegsignaal.adapters import keys, table
    client, name, count = table.dynamodb(), table.table_name(), 0
    kwargs: dict[str, Any] = {
        "TableName": name, "IndexName": "gsi2", "KeyConditionExpression": "gsi2pk = :pk AND gsi2sk >= :since",
        "ExpressionAttributeValues": {":pk": {"S": keys.municipality_cases_index(CODE)}, ":since": {"S": "2025-01-01"}},
        "Limit": 200}
    while True:
        page = client.query(**kwargs)
        for case in page["Items"]:
            for kind in ("SIG",) if not int(case.get("contact_attempt_count", {}).get("N", 0)) else ("SIG", "ATT"):
                pk, prefix = keys.case_log(case["household"]["S"], case["case_id"]["S"], kind, "")
                log = {"TableName": name, "KeyConditionExpression": "pk = :pk AND begins_with(sk, :p)",
                       "ExpressionAttributeValues": {":pk": {"S": pk}, ":p": {"S": prefix}}}
                while True:
                    answer = client.query(**log)
                    count += len(answer["Items"]) if kind == "SIG" else 0
                    if "LastEvaluatedKey" not in answer:
                        break
                    log["ExclusiveStartKey"] = answer["LastEvaluatedKey"]
        if "LastEvaluatedKey" not in page:
            return count
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def main() -> None:
    use_paths()
    use_lambda_env()
    from vroegsignaal.adapters import registry
    from vroegsignaal.adapters.ddas_source import DdasSource
    from vroegsignaal.services.exports import DdasExports

    from bench.scale.meter import Meter
    from bench.scale.services import install

    heading(f"DDAS export: {CASES * SIGNALS_PER_CASE} signals in {CASES} cases (bench.scale's in-process DynamoDB)")
    meter = Meter()
    _, uninstall = install(meter)
    try:
        with meter.paused():
            registry.register_municipality(CODE, "Woerden", contact={"team": "Team Vroegsignalering"})
            started = time.perf_counter()
            load()
            print(f"loading the items        {time.perf_counter() - started:8.1f} s (not part of the figures)")
        exports = DdasExports(DdasSource(), window_days=lambda code: 30, supplier_code=lambda: "VROEGSIGNAAL-BENCH")

        with meter.measure() as raw_tally:
            started = time.perf_counter()
            raw = read_raw()
            raw_seconds = time.perf_counter() - started

        with meter.measure() as export_tally:
            started = time.perf_counter()
            document = exports.ddas(CODE, PERIOD)
            export_seconds = time.perf_counter() - started
        exported = len(document["leveringen"][0]["vroegsignalen"])
        text = json.dumps(document, ensure_ascii=False).encode()
        size, gzipped = len(text), len(gzip.compress(text))
        del document, text

        with meter.paused():
            tracemalloc.start()
            document = exports.ddas(CODE, PERIOD)
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            del document
    finally:
        uninstall()

    print(f"read raw (same Queries)  {raw_seconds:8.1f} s   {raw} signal entries, {raw_tally.dynamodb_calls} calls, "
          f"{raw_tally.read_units:.0f} read units, {raw_tally.bytes_read / 2**20:.1f} MB read")
    print(f"export                   {export_seconds:8.1f} s   {exported} signals, {export_tally.dynamodb_calls} calls, "
          f"{export_tally.read_units:.0f} read units ({export_seconds / raw_seconds:.2f} × the raw read's time)")
    print(f"answer size              {size / 2**20:8.1f} MB JSON, {gzipped / 2**20:.2f} MB gzipped "
          f"(Lambda answers at most 6 MB; the route gzips for callers that accept it)")
    print(f"export peak memory       {peak / 2**20:8.1f} MiB (tracemalloc, a run of its own; the Lambda has 512 MB)")


if __name__ == "__main__":
    main()
