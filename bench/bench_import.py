"""Partner file imports (issue 12): 50 000 rows, CSV and XLSX, through the import
function against moto, next to the same signals through POST /signals/batch
(100 batches of 500); rows per second and peak memory, each case in a fresh process.

Peak memory: the process's maximum resident set (ru_maxrss), which with moto in
process includes moto's copy of every stored item; the "reading" cases read the
file alone (two passes, as the import does), and the "own" cases run the whole
import service (validation, chunks, results) against stores that keep nothing:
that is what the import itself needs in a Lambda container. tracemalloc sees Python objects only (not
python-calamine's Rust memory), so RSS is the figure that counts. Goal: the
import's own peak under 256 MB.

Run: python -m bench.bench_import  (BENCH_IMPORT_ROWS=5000 for a quick look;
BENCH_IMPORT_CASES=read-csv,read-xlsx for some of the cases)
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import LAMBDA_ENV, PYTHONPATH, ROOT, heading, verdict

ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "50000"))
ALL_CASES = ("read-csv", "read-xlsx", "own-csv", "own-xlsx", "import-csv", "import-xlsx", "batch-api")
CASES = tuple(os.environ.get("BENCH_IMPORT_CASES", ",".join(ALL_CASES)).split(","))
TARGET_MB = 256
BATCH = 500
FUNCTION_PATHS = [str(ROOT / "functions" / "uploads"), str(ROOT / "functions" / "imports")]


def _rss_mb() -> float:
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def write_files(folder: Path) -> dict[str, Path]:
    from tests.integration.uploads_helpers import csv_file, data_row, xlsx_file
    rows = [data_row(n) for n in range(1, ROWS + 1)]
    csv_path, xlsx_path = folder / "signals.csv", folder / "signals.xlsx"
    csv_path.write_bytes(csv_file(rows))
    xlsx_path.write_bytes(xlsx_file([_xlsx_cells(row) for row in rows]))
    return {"csv": csv_path, "xlsx": xlsx_path}


def _xlsx_cells(row: list[object]) -> list[object]:
    """The CSV row as a spreadsheet holds it: real dates and numbers."""
    from datetime import date

    from tests.integration.uploads_helpers import HEADER
    cells = dict(zip(HEADER, row, strict=True))
    for name in ("signal_date", "arrears_since", "debtor.date_of_birth"):
        day, month, year = str(cells[name]).split("-")
        cells[name] = date(int(year), int(month), int(day))
    cells["amount"] = float(str(cells["amount"]).replace(",", "."))
    cells["debtor.address.house_number"] = int(str(cells["debtor.address.house_number"]))
    return [cells[name] for name in HEADER]


# ----------------------------------------------------------------------------- in the child process

def _read(path: Path) -> dict:
    import tracemalloc

    from vroegsignaal.domain.uploads import count_rows, read_rows
    def both_passes() -> tuple[int, int]:
        with path.open("rb") as file:
            return count_rows(file), sum(1 for _ in read_rows(file))

    baseline = _rss_mb()
    started, cpu = time.perf_counter(), time.process_time()
    rows, handled = both_passes()
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    peak = _rss_mb()
    tracemalloc.start()  # a second, untimed run: tracemalloc slows Python down several times
    both_passes()
    _, traced_peak = tracemalloc.get_traced_memory()
    assert rows == handled == ROWS, (rows, handled)
    return {"rows": rows, "seconds": seconds, "cpu": cpu, "baseline_mb": baseline, "peak_mb": peak,
            "traced_peak_mb": traced_peak / 2**20}


class _Discarding:
    """Stores that keep nothing (the signal store and the upload progress): the import's own
    memory and CPU, without moto's copy of what it stores."""

    def __init__(self) -> None:
        from vroegsignaal.domain.uploads.progress import Upload
        self.upload = Upload(upload_id="upl-bench", partner_id="energie-noord", partner_type="energy",
                             filename="f", content_type="text/csv", status="processing",
                             created_at="2026-11-27T09:00:00.000000Z", url_expires_at="2026-11-27T09:15:00.000000Z",
                             object_tag="tag")
        self.counts = {"received": 0, "duplicates": 0, "rejected": 0}

    def insert_signal(self, item):
        return None

    def signal_status(self, item):
        return "received"

    def start(self, upload_id, object_tag):
        return self.upload

    def counted(self, upload_id, rows):
        import dataclasses
        self.upload = dataclasses.replace(self.upload, rows=rows)

    def recorded_chunk(self, upload_id, first, last):
        return None

    def record_chunk(self, upload_id, chunk):
        return chunk

    def advance(self, upload_id, chunk):
        for name, count in chunk.counts().items():
            self.counts[name] += count
        return chunk.last

    def finish(self, upload_id):
        import dataclasses
        return dataclasses.replace(self.upload, status="done", **self.counts)

    fail = finish


def _own(path: Path) -> dict:
    from vroegsignaal.services.imports import Imports
    from vroegsignaal.services.intake import Intake
    stores = _Discarding()
    imports = Imports(Intake(stores, is_known_municipality=lambda code: True), stores)
    baseline = _rss_mb()
    started, cpu = time.perf_counter(), time.process_time()
    with path.open("rb") as file:
        upload = imports.run("upl-bench", lambda: file, size=path.stat().st_size, object_tag="tag")
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    assert upload is not None and upload.received == upload.rows == ROWS, upload
    return {"rows": upload.rows, "seconds": seconds, "cpu": cpu, "baseline_mb": baseline, "peak_mb": _rss_mb()}


def _provision() -> None:
    from vroegsignaal.adapters import registry

    from bench.bench_intake import provision
    provision()
    registry.register_municipality("GM0632", "Woerden")


def _import(path: Path, content_type: str) -> dict:
    from vroegsignaal.adapters.aws import client
    from vroegsignaal.adapters.uploads import DynamoUploads

    from tests.integration.events import LambdaContext, api_event
    from tests.integration.uploads_helpers import s3_event
    _provision()
    import import_file
    import uploads_api
    partner = {"kind": "partner", "partner_id": "energie-noord", "partner_type": "energy"}
    created = json.loads(uploads_api.lambda_handler(api_event(
        "POST", "/signals/uploads", body={"filename": path.name, "content_type": content_type},
        principal=partner), LambdaContext())["body"])
    key = f"uploads/{created['upload_id']}"
    s3 = client("s3")
    s3.put_object(Bucket=os.environ["UPLOADS_BUCKET_NAME"], Key=key, Body=path.read_bytes(), ContentType=content_type)
    head = s3.head_object(Bucket=os.environ["UPLOADS_BUCKET_NAME"], Key=key)
    baseline = _rss_mb()
    started, cpu = time.perf_counter(), time.process_time()
    import_file.lambda_handler(s3_event(os.environ["UPLOADS_BUCKET_NAME"], key, etag=head["ETag"],
                                        size=head["ContentLength"]), LambdaContext())
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    upload = DynamoUploads().get(created["upload_id"])
    assert upload is not None and upload.status == "done", upload
    assert upload.received + upload.duplicates + upload.rejected == upload.rows == ROWS, upload
    return {"rows": upload.rows, "seconds": seconds, "cpu": cpu, "baseline_mb": baseline, "peak_mb": _rss_mb()}


def _batch_api(path: Path) -> dict:
    import intake_api
    from vroegsignaal.domain.uploads import read_rows

    from bench.bench_intake import batch_event
    from tests.integration.events import LambdaContext
    _provision()
    partner = {"kind": "partner", "partner_id": "energie-noord", "partner_type": "energy"}
    baseline = _rss_mb()
    received, elapsed, cpu_used = 0, 0.0, 0.0
    with path.open("rb") as file:
        rows = read_rows(file)
        while True:
            batch = [row.body for _, row in zip(range(BATCH), rows, strict=False)]
            if not batch:
                break
            event = batch_event(batch, partner)  # building the request is the partner's work: not timed
            started, cpu = time.perf_counter(), time.process_time()
            response = intake_api.lambda_handler(event, LambdaContext())
            elapsed, cpu_used = elapsed + time.perf_counter() - started, cpu_used + time.process_time() - cpu
            received += json.loads(response["body"])["received"]
    assert received == ROWS, received
    return {"rows": received, "seconds": elapsed, "cpu": cpu_used, "baseline_mb": baseline, "peak_mb": _rss_mb()}


def child(case: str, folder: Path) -> None:
    sys.path[:0] = [p for p in [*PYTHONPATH, *FUNCTION_PATHS] if p not in sys.path]
    for name, value in LAMBDA_ENV.items():
        os.environ.setdefault(name, value)
    os.environ.update({"POWERTOOLS_LOG_LEVEL": "WARNING", "POWERTOOLS_METRICS_DISABLED": "true"})
    if case.startswith("read-"):
        print(json.dumps(_read(folder / f"signals.{case[5:]}")))
        return
    if case.startswith("own-"):
        print(json.dumps(_own(folder / f"signals.{case[4:]}")))
        return
    from moto import mock_aws
    with mock_aws():
        if case == "batch-api":
            result = _batch_api(folder / "signals.csv")
        else:
            from tests.integration.uploads_helpers import CSV, XLSX
            kind = case[7:]
            os.environ["UPLOADS_BUCKET_NAME"] = "vroegsignaal-uploads-local"
            result = _import(folder / f"signals.{kind}", CSV if kind == "csv" else XLSX)
    print(json.dumps(result))


# ----------------------------------------------------------------------------- the report

def run_case(case: str, folder: Path) -> dict:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([*PYTHONPATH, *FUNCTION_PATHS])}
    result = subprocess.run([sys.executable, "-m", "bench.bench_import", "--child", case, str(folder)],
                            env=env, capture_output=True, text=True, cwd=ROOT, check=False)
    if result.returncode != 0:
        raise SystemExit(f"{case} failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    sys.path[:0] = [p for p in [*PYTHONPATH, *FUNCTION_PATHS] if p not in sys.path]
    with tempfile.TemporaryDirectory() as folder:
        files = write_files(Path(folder))
        sizes = {kind: path.stat().st_size / 2**20 for kind, path in files.items()}
        results = {case: run_case(case, Path(folder)) for case in CASES}
    heading(f"Partner file import: {ROWS} rows (CSV {sizes['csv']:.1f} MiB, XLSX {sizes['xlsx']:.1f} MiB), "
            "each in a fresh process, moto in process")
    print(f"{'case':48} {'rows/s':>8} {'wall s':>7} {'cpu s':>7} {'peak RSS MB':>12} {'before MB':>10}")
    labels = {"read-csv": "read CSV (both passes, nothing stored)",
              "read-xlsx": "read XLSX (both passes, nothing stored)",
              "own-csv": "import CSV, stores keeping nothing (own memory)",
              "own-xlsx": "import XLSX, stores keeping nothing (own memory)",
              "import-csv": "import CSV: S3 event -> import function",
              "import-xlsx": "import XLSX: S3 event -> import function",
              "batch-api": f"POST /signals/batch, {ROWS // BATCH} x {BATCH} (intake handler)"}
    for case in results:
        r = results[case]
        print(f"{labels[case]:48} {r['rows'] / r['seconds']:8.0f} {r['seconds']:7.1f} {r['cpu']:7.1f} "
              f"{r['peak_mb']:12.0f} {r['baseline_mb']:10.0f}")
    for kind in ("csv", "xlsx"):
        read, own = results.get(f"read-{kind}"), results.get(f"own-{kind}")
        if read is not None:
            print(f"reading {kind.upper()} peaks at {read['peak_mb']:.0f} MB RSS; Python objects at most "
                  f"{read['traced_peak_mb']:.1f} MB")
        if own is not None:
            print(f"the import of {kind.upper()} itself (validation, chunks; no moto) peaks at {own['peak_mb']:.0f} MB "
                  f"RSS (goal < {TARGET_MB} MB: {verdict(own['peak_mb'], TARGET_MB)})")
    if "import-csv" not in results or "batch-api" not in results:
        return
    ratio = results["import-csv"]["seconds"] / results["batch-api"]["seconds"]
    print(f"import CSV / POST /signals/batch time: {ratio:.2f}x (one conditional write per row either way; the "
          "import also reads the file twice and records results per 100 rows, 8 rows at a time)")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        child(sys.argv[2], Path(sys.argv[3]))
    else:
        main()
