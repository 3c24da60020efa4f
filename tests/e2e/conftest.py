"""The local stack as a separate process (`python -m infra.local serve`), as a developer
runs it: tests talk to it over HTTP only.

VS_E2E_TEMPLATE and VS_E2E_TENANTS choose another template or tenants file.
"""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STARTUP_SECONDS = 60


@dataclass
class RunningStack:
    base_url: str
    partner_keys: dict[str, str]        # partner id -> key
    partner_types: dict[str, str]       # partner id -> partner type
    municipality_keys: dict[str, str]   # municipality code -> key
    log: Path

    def log_tail(self, lines: int = 60) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _answers(base_url: str) -> bool:
    request = urllib.request.Request(f"{base_url}/_local/drain", data=b"{}", method="POST")
    try:
        with urllib.request.urlopen(request, timeout=5):
            return True
    except urllib.error.HTTPError:
        return True   # it answered, even if not quiet yet
    except OSError:
        return False


@pytest.fixture(scope="session")
def local_stack(tmp_path_factory):
    with serving_stack(tmp_path_factory.mktemp("local-stack")) as stack:
        yield stack


@contextmanager
def serving_stack(folder: Path, template: Path | None = None) -> Iterator[RunningStack]:
    """A local stack of its own (its log in `folder`), stopped on leaving."""
    template = template or Path(os.environ.get("VS_E2E_TEMPLATE", ROOT / "template.yaml"))
    tenants = Path(os.environ.get("VS_E2E_TENANTS", ROOT / "infra" / "tenants.demo.json"))
    if not template.exists():
        pytest.skip(f"no template at {template}")
    port = _free_port()
    log = folder / "serve.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "infra.local", "serve", "--port", str(port), "--tenants", str(tenants),
             "--template", str(template), "--no-state", "--logs", "console"],
            cwd=ROOT, stdout=output, stderr=subprocess.STDOUT)
    document = json.loads(tenants.read_text(encoding="utf-8"))
    stack = RunningStack(
        base_url=f"http://127.0.0.1:{port}",
        partner_keys={p["id"]: p["api_key"] for p in document.get("partners", [])},
        partner_types={p["id"]: p["type"] for p in document.get("partners", [])},
        municipality_keys={m["code"]: m["api_key"] for m in document.get("municipalities", [])},
        log=log)
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while not _answers(stack.base_url):
            if process.poll() is not None:
                pytest.fail(f"the local stack exited with {process.returncode}:\n{stack.log_tail()}")
            if time.monotonic() > deadline:
                pytest.fail(f"the local stack did not answer within {STARTUP_SECONDS} s:\n{stack.log_tail()}")
            time.sleep(0.2)
        yield stack
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
