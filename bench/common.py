"""What the benches share: paths, the environment a function gets, reporting."""
from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FUNCTION_DIRS = ["authorizer", "intake", "classify", "municipality", "actions", "followups", "uploads", "imports",
                 "retention", "preview"]
PYTHONPATH = [str(ROOT / "layers" / "common"), *(str(ROOT / "functions" / d) for d in FUNCTION_DIRS), str(ROOT)]

LAMBDA_ENV = {
    "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "eu-west-1",
    "AWS_REGION": "eu-west-1", "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled", "POWERTOOLS_TRACE_DISABLED": "true",
    "POWERTOOLS_SERVICE_NAME": "vroegsignaal", "POWERTOOLS_METRICS_NAMESPACE": "Vroegsignaal",
    "TABLE_NAME": "bench-table", "BUCKET_NAME": "bench-bucket", "LETTERS_QUEUE_URL": "http://127.0.0.1:1/q1",
    "TASKS_QUEUE_URL": "http://127.0.0.1:1/q2", "CLASSIFY_FAILURE_QUEUE_URL": "http://127.0.0.1:1/q3",
    "FOLLOWUPS_QUEUE_URL": "http://127.0.0.1:1/q4",
    "HOUSEHOLD_KEY_SECRET": "bench", "SENDER_EMAIL": "a@example.nl", "DDAS_SUPPLIER_CODE": "VROEGSIGNAAL-BENCH",
    "POWERTOOLS_LOG_LEVEL": "WARNING",
}


def use_paths() -> None:
    for path in reversed(PYTHONPATH):
        if path not in sys.path:
            sys.path.insert(0, path)


def use_lambda_env() -> None:
    for name, value in LAMBDA_ENV.items():
        os.environ.setdefault(name, value)


def heading(title: str) -> None:
    print(f"\n## {title}", flush=True)


def verdict(value: float, target: float, *, at_most: bool = True) -> str:
    ok = value <= target if at_most else value >= target
    return "meets the target" if ok else "MISSES the target"
