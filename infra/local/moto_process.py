"""The moto server in a process of its own, on loopback (infra/local/moto_server.py).

In the stack's own process moto would share one interpreter (one core) with the
handlers and the pumps; moto spends most of its time serialising responses, so on
its own process the two cores share the work. With a state folder it keeps its
state there (infra/local/state.py).
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from .state import StateFolderInUse

STARTUP_SECONDS = 600  # a large state folder takes a while to load
ROOT = Path(__file__).resolve().parents[2]
IN_USE_EXIT_CODE = 3


class MotoProcess:
    def __init__(self, host: str = "127.0.0.1", *, state_dir: Path | None = None, fresh: bool = False):
        self.host = host
        self.port = 0
        self.state_dir = state_dir
        self.fresh = fresh
        self._process: subprocess.Popen[bytes] | None = None
        self._errors = tempfile.TemporaryFile()  # noqa: SIM115 - the server's stderr, while it runs

    def start(self) -> None:
        with socket.socket() as probe:
            probe.bind((self.host, 0))
            self.port = probe.getsockname()[1]
        command = [sys.executable, "-m", "infra.local.moto_server", "--host", self.host, "--port", str(self.port)]
        if self.state_dir is not None:
            command += ["--state", str(self.state_dir)] + (["--fresh"] if self.fresh else [])
        environment = {**os.environ, "PYTHONPATH": os.pathsep.join(
            [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])}
        self._process = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=subprocess.DEVNULL,
                                         stderr=self._errors)
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            if self._process.poll() is not None:
                self._errors.seek(0)
                message = self._errors.read().decode(errors="replace").strip().splitlines()
                if self._process.returncode == IN_USE_EXIT_CODE:
                    raise StateFolderInUse(message[-1] if message else str(self.state_dir))
                raise RuntimeError(f"the moto server exited with {self._process.returncode}: "
                                   + "\n".join(message[-20:]))
            try:
                urllib.request.urlopen(f"http://{self.host}:{self.port}/_local/state", timeout=2).close()
                return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if time.monotonic() > deadline:
                    self.stop()
                    raise TimeoutError(f"the moto server did not answer within {STARTUP_SECONDS} s") from None
                time.sleep(0.1)

    def get_host_and_port(self) -> tuple[str, int]:
        return self.host, self.port

    def stop(self) -> None:
        """SIGTERM: the server takes its last snapshot and ends."""
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=120)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._process = None
