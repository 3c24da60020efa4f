"""The moto server in a process of its own, on loopback.

In the stack's own process moto would share one interpreter (one core) with the
handlers and the pumps; moto spends most of its time serialising responses, so on
its own process the two cores share the work.
"""
from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

STARTUP_SECONDS = 60


class MotoProcess:
    def __init__(self, host: str = "127.0.0.1"):
        self.host = host
        self.port = 0
        self._process: subprocess.Popen | None = None

    def start(self) -> None:
        with socket.socket() as probe:
            probe.bind((self.host, 0))
            self.port = probe.getsockname()[1]
        self._process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", self.host, "-p", str(self.port)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            if self._process.poll() is not None:
                raise RuntimeError(f"the moto server exited with {self._process.returncode}")
            try:
                urllib.request.urlopen(f"http://{self.host}:{self.port}/moto-api/data.json", timeout=2).close()
                return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if time.monotonic() > deadline:
                    self.stop()
                    raise TimeoutError(f"the moto server did not answer within {STARTUP_SECONDS} s") from None
                time.sleep(0.1)

    def get_host_and_port(self) -> tuple[str, int]:
        return self.host, self.port

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._process = None
