"""Talking to the running local stack over HTTP, as curl would."""
from __future__ import annotations

import contextlib
import http.client
import json
from urllib.parse import urlsplit


def request(stack, method, path, *, key=None, body=None, accept=None, timeout=60):
    """(status, JSON document or raw bytes); `timeout`: seconds to wait for the answer."""
    url = urlsplit(stack.base_url)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=timeout)
    headers = {"Content-Type": "application/json"} if body is not None else {}
    if key is not None:
        headers["Authorization"] = f"Bearer {key}"
    if accept is not None:
        headers["Accept"] = accept
    payload = body if isinstance(body, bytes) or body is None else json.dumps(body).encode()
    connection.request(method, path, body=payload, headers=headers)
    response = connection.getresponse()
    content = response.read()
    connection.close()
    try:
        document = json.loads(content)
    except ValueError:
        document = content
    return response.status, document


class ServedStack:
    """`python -m infra.local serve` as a developer runs it, in its own process group, with a
    state folder; its address comes from --ready-file."""

    STARTUP_SECONDS = 120

    def __init__(self, state_dir, work_dir, *, template=None, tenants=None, fresh=False, extra_args=()):
        import os
        import subprocess
        import sys
        from pathlib import Path

        root = Path(__file__).resolve().parents[2]
        self.work_dir = Path(work_dir)
        self.ready_file = self.work_dir / "ready"
        self.ready_file.unlink(missing_ok=True)
        self.output = (self.work_dir / "console.out").open("wb")
        command = [sys.executable, "-m", "infra.local", "serve", "--port", "0", "--state", str(state_dir),
                   "--ready-file", str(self.ready_file), "--log-file", str(self.work_dir / "functions.log"),
                   "--tenants", str(tenants or root / "infra" / "tenants.demo.json"),
                   "--template", str(template or root / "template.yaml"), *(["--fresh"] if fresh else []),
                   *extra_args]
        self.process = subprocess.Popen(command, cwd=root, stdout=self.output, stderr=subprocess.STDOUT,
                                        start_new_session=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
        self.base_url = None

    def wait_ready(self):
        import time

        deadline = time.monotonic() + self.STARTUP_SECONDS
        while not self.ready_file.exists():
            if self.process.poll() is not None:
                raise RuntimeError(f"serve exited with {self.process.returncode}:\n{self.console()}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"serve did not start:\n{self.console()}")
            time.sleep(0.1)
        self.base_url = self.ready_file.read_text().strip()
        return self

    def signal_group(self, signal_number):
        import os

        os.killpg(self.process.pid, signal_number)

    def wait(self, timeout=120):
        code = self.process.wait(timeout=timeout)
        self.output.close()
        return code

    def console(self):
        if not self.output.closed:
            self.output.flush()
        return (self.work_dir / "console.out").read_text(errors="replace")

    def kill(self):
        import signal

        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                self.signal_group(signal.SIGKILL)
            self.process.wait(timeout=30)
        if not self.output.closed:
            self.output.close()
