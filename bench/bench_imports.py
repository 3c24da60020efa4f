"""Cold start is import time: each handler's import, next to `import boto3`, in fresh processes."""
from __future__ import annotations

import os
import statistics
import subprocess
import sys

from bench.common import LAMBDA_ENV, PYTHONPATH, heading, verdict

HANDLERS = ["authorizer", "intake_api", "classify_stream", "municipality_api", "letters_queue", "tasks_queue",
            "followups_schedule", "followups_worker", "preview_worker"]
RUNS = 7
TARGET_RATIO = 2.0


def import_seconds(module: str) -> float:
    code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
    env = {**os.environ, **LAMBDA_ENV, "PYTHONPATH": os.pathsep.join(PYTHONPATH), "PYTHONDONTWRITEBYTECODE": "0"}
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    return float(result.stdout.strip().splitlines()[-1])


def median_import(module: str) -> float:
    import_seconds(module)  # the first run writes the .pyc files Lambda's package would ship
    return statistics.median(import_seconds(module) for _ in range(RUNS))


def main() -> None:
    heading(f"Cold import time (median of {RUNS} fresh processes; target: each handler ≤ {TARGET_RATIO:g}× boto3)")
    boto3_seconds = median_import("boto3")
    print(f"{'import boto3':28} {boto3_seconds * 1000:7.1f} ms   1.00×")
    for module in HANDLERS:
        seconds = median_import(module)
        ratio = seconds / boto3_seconds
        print(f"{'import ' + module:28} {seconds * 1000:7.1f} ms   {ratio:4.2f}×   {verdict(ratio, TARGET_RATIO)}")
    xray = median_import("aws_xray_sdk.core")
    print(f"(with the template's XRaySdkTracing=true each handler also imports the X-Ray SDK: "
          f"+{xray * 1000:.0f} ms, {xray / boto3_seconds:.2f}× boto3)")


if __name__ == "__main__":
    main()
