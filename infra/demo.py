"""`make demo`: the product's main job, end to end, on the local stack.

Registers the demo partners and two municipalities, uploads the example
criteria of criteria.md for Woerden (Utrecht keeps the default), sends a
realistic batch of signals from several partners over HTTP, lets the pipeline
run until quiet (classification, letters, tasks), and prints per municipality
the werkbakjes overview and where the letters are. It starts from nothing and
leaves its data in the state folder (--state, default .local/state), where
`make serve` opens it.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "layers" / "common"))

from vroegsignaal import clock  # noqa: E402
from vroegsignaal.domain.criteria import example_document  # noqa: E402

from infra.demo_data import demo_signals  # noqa: E402
from infra.local.stack import DEFAULT_STATE, LocalStack  # noqa: E402

OUT = ROOT / "out" / "demo"
TENANTS = ROOT / "infra" / "tenants.demo.json"
LOG = ROOT / ".local" / "logs" / "functions.log"
PIPELINE_SECONDS = 300


class Api:
    def __init__(self, base_url: str):
        self.base_url = base_url

    def call(self, method: str, path: str, key: str, body: Any = None, *, accept: str = "application/json"
             ) -> tuple[int, Any]:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base_url + path, data=data, method=method, headers={
            "Authorization": f"Bearer {key}", "Content-Type": "application/json", "Accept": accept})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                status, raw, kind = response.status, response.read(), response.headers.get("Content-Type", "")
        except urllib.error.HTTPError as error:
            status, raw, kind = error.code, error.read(), error.headers.get("Content-Type", "")
        return status, json.loads(raw) if "json" in kind else raw

    def all_pages(self, path: str, key: str, field: str) -> list[dict]:
        items, cursor = [], None
        while True:
            sep = "&" if "?" in path else "?"
            status, body = self.call("GET", f"{path}{sep}limit=200" + (f"&cursor={cursor}" if cursor else ""), key)
            if status != 200:
                raise RuntimeError(f"GET {path}: {status} {body}")
            items += body[field]
            cursor = body.get("next_cursor")
            if not cursor:
                return items


CONSOLE = sys.stdout  # the functions' own output (logs, metrics) goes to a file, as CloudWatch would hold it


def say(text: str = "") -> None:
    print(text, file=CONSOLE, flush=True)


STARTED = time.monotonic()


def step(text: str) -> None:
    say(f"· [{time.monotonic() - STARTED:5.1f} s] {text}")


def path_text(path: list[dict]) -> str:
    return " → ".join(s["action"] + (f" (+{s['after_days']}d)" if s.get("after_days") else "") for s in path)


def shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.demo", description=__doc__)
    parser.add_argument("--state", type=Path, default=DEFAULT_STATE,
                        help="leave the demo's data in this folder (default: .local/state)")
    args = parser.parse_args(argv)
    started = STARTED
    tenants = json.loads(TENANTS.read_text(encoding="utf-8"))
    keys = {t["id"]: t["api_key"] for t in tenants["partners"]}
    keys.update({m["code"]: m["api_key"] for m in tenants["municipalities"]})
    OUT.mkdir(parents=True, exist_ok=True)
    LOG.parent.mkdir(parents=True, exist_ok=True)
    step(f"starting the local stack from nothing in {shown(args.state)} (moto on loopback, gateway, "
         f"stream and queue pumps); the functions' logs go to {shown(LOG)}")
    with open(LOG, "a", encoding="utf-8") as log, contextlib.redirect_stdout(log), \
            LocalStack(port=0, tenants=TENANTS, state_dir=args.state, fresh=True) as stack:
        api = Api(stack.base_url)
        step(f"API at {stack.base_url}; registered {len(tenants['partners'])} partners and "
             f"{len(tenants['municipalities'])} municipalities (keys stored as hashes)")

        status, body = api.call("PUT", "/municipalities/GM0632/criteria", keys["GM0632"],
                                {**example_document(), "label": "Woerden, vanaf november 2026"})
        if status != 201:
            raise SystemExit(f"uploading the example criteria failed: {status} {body}")
        step(f"Woerden uploaded its own afwegingskader (version {body['version']}); Utrecht keeps the default")

        signals = demo_signals(clock.today())
        total = sum(len(batch) for batch in signals.values())
        step(f"{len(signals)} partners send {total} signals in batches")
        rejected: list[tuple[str, str, list]] = []
        counts = {"received": 0, "duplicates": 0, "rejected": 0}
        for partner_id, batch in signals.items():
            status, body = api.call("POST", "/signals/batch", keys[partner_id], {"signals": batch})
            if status != 200:
                raise SystemExit(f"batch of {partner_id} failed: {status} {body}")
            for name in counts:
                counts[name] += body[name]
            rejected += [(partner_id, r["reference"], r.get("details") or r.get("message"))
                         for r in body["results"] if r["status"] >= 400]
            say(f"    {partner_id:22} {body['received']:>4} received, {body['rejected']} rejected")
        step(f"stored {counts['received']} signals; rejected {counts['rejected']}, each with its reasons:")
        for partner_id, reference, details in rejected:
            reasons = "; ".join(f"{'.'.join(map(str, d['loc']))}: {d['msg']}" for d in details) \
                if isinstance(details, list) else str(details)
            say(f"    {partner_id} {reference}: {reasons}")

        step("the pipeline runs: stream → classification → letters and tasks queues")
        pipeline_started = time.monotonic()
        while True:
            try:
                stack.wait_until_quiet(timeout=2)
                break
            except TimeoutError:
                say(f"    … {progress(api, stack, tenants, keys, counts['received'])}")
                if time.monotonic() - pipeline_started > PIPELINE_SECONDS:
                    raise
        step(f"quiet: {progress(api, stack, tenants, keys, counts['received'])}")

        for municipality in tenants["municipalities"]:
            overview(api, stack, municipality, keys[municipality["code"]])
        say(f"\nDone in {time.monotonic() - started:.1f} s. Letters saved under {OUT.relative_to(ROOT)}/.")
        step("stopping the local stack; its data stays in the state folder")
    say(f"""
Next:
  make serve{'' if args.state.resolve() == DEFAULT_STATE.resolve() else f' STATE={args.state}'}          opens the demo's data (make serve FRESH=1 starts empty)
  then          {'http://127.0.0.1:3000/ (the web app), ' if (ROOT / 'web' / 'index.html').is_file() else ''}http://127.0.0.1:3000/docs (the API), the keys above, the baskets:
                curl -s http://127.0.0.1:3000/municipalities/GM0632/baskets -H 'Authorization: Bearer {keys["GM0632"]}'""")
    return 0


def progress(api: Api, stack: LocalStack, tenants: dict, keys: dict[str, str], received: int) -> str:
    """How far the pipeline is, in counts: signals in a case, letters made, tasks made."""
    sorted_signals = 0
    for municipality in tenants["municipalities"]:
        status, body = api.call("GET", f"/municipalities/{municipality['code']}/baskets", keys[municipality["code"]])
        if status == 200:
            sorted_signals += sum(basket["open_signals"] for basket in body["baskets"])
    bucket = next(iter(stack.resources.buckets.values()))
    letters = sum(page.get("KeyCount", 0) for page in stack.client("s3").get_paginator("list_objects_v2").paginate(
        Bucket=bucket, Prefix="letters/"))
    table = next(iter(stack.resources.tables.values()))
    tasks = sum(page["Count"] for page in stack.client("dynamodb").get_paginator("scan").paginate(
        TableName=table, Select="COUNT", FilterExpression="#t = :task",
        ExpressionAttributeNames={"#t": "type"}, ExpressionAttributeValues={":task": {"S": "task"}}))
    return f"{sorted_signals} of {received} signals sorted, {letters} letters, {tasks} tasks"


def overview(api: Api, stack: LocalStack, municipality: dict, key: str) -> None:
    code = municipality["code"]
    step(f"reading the werkbakjes of {municipality['name']} over the API")
    _, criteria = api.call("GET", f"/municipalities/{code}/criteria", key)
    _, baskets = api.call("GET", f"/municipalities/{code}/baskets", key)
    tasks = api.all_pages(f"/municipalities/{code}/tasks", key, "tasks")
    say(f"\n=== {municipality['name']} ({code}) — criteria {criteria['version']}"
          f" ({criteria['label']}){' [default]' if criteria['default'] else ''}")
    say(f"{'werkbakje':24} {'action':34} {'open cases':>10} {'signals':>8} {'tasks':>6} {'letters':>8}")
    # Letters per case from the bucket (one listing instead of opening every case).
    bucket = next(iter(stack.resources.buckets.values()))
    listing = stack.client("s3").get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=f"letters/{code}/")
    letters_of: dict[str, list[str]] = {}
    for page in listing:
        for obj in page.get("Contents", []):
            _, _, case_id, name = obj["Key"].split("/")
            letters_of.setdefault(case_id, []).append(name.removesuffix(".pdf"))
    letter_files: list[tuple[str, str]] = []
    totals = [0, 0, 0, 0]
    for basket in baskets["baskets"]:
        cases = api.all_pages(f"/municipalities/{code}/baskets/{basket['id']}/cases", key, "cases")
        letters = sum(len(letters_of.get(c["case_id"], [])) for c in cases)
        letter_files += [(c["case_id"], letter) for c in cases for letter in letters_of.get(c["case_id"], [])]
        basket_tasks = sum(1 for t in tasks if t["basket_id"] == basket["id"])
        row = [basket["open_cases"], basket["open_signals"], basket_tasks, letters]
        totals = [a + b for a, b in zip(totals, row, strict=True)]
        name = basket["name"] + ("" if basket["active"] else " (old)")
        say(f"{name[:24]:24} {path_text(basket['path'])[:34]:34} {row[0]:>10} {row[1]:>8} {row[2]:>6} {row[3]:>8}")
    say(f"{'total':24} {'':34} {totals[0]:>10} {totals[1]:>8} {totals[2]:>6} {totals[3]:>8}")
    saved = []
    for case_id, letter_id in letter_files[:3]:
        status, pdf = api.call("GET", f"/municipalities/{code}/cases/{case_id}/letters/{letter_id}", key,
                               accept="application/pdf")
        if status == 200 and pdf.startswith(b"%PDF"):
            path = OUT / f"{code}-{case_id}-{letter_id}.pdf"
            path.write_bytes(pdf)
            saved.append(path.relative_to(ROOT))
    say(f"letters: s3://{bucket}/letters/{code}/<case>/<letter>.pdf, over the API at "
          f"GET /municipalities/{code}/cases/<case>/letters/<letter>; examples saved: "
          + (", ".join(map(str, saved)) or "none"))


if __name__ == "__main__":
    try:
        raise SystemExit(main())
    except KeyboardInterrupt:
        say("\ndemo interrupted; the local stack stopped")
        raise SystemExit(130) from None
