"""The local stack's state in a folder: a snapshot of moto's backends and a journal.

`StateKeeper` wraps moto's WSGI application (in moto's own process):

- Requests run one at a time (moto is not safe for concurrent writes, and the
  journal must hold them in the order moto applied them).
- A request that changes something and succeeded is appended to
  `journal.jsonl` (and flushed to the operating system) before its answer
  is sent: whatever a client was told is done survives a kill of the process.
  With LOCAL_STATE_FSYNC=1 it is also synced to the disk (≈2 ms a write),
  for a machine that loses power.
- `snapshot()` pickles moto's backends plus the stack's own small state
  (stream and notification checkpoints, the clock offset, the S3 object
  events) into `snapshot.pickle` and starts a new journal.
- `open()` loads the snapshot and replays the journal's entries after it.

Replayed writes make the same DynamoDB stream records at the same sequence
numbers (moto numbers them from a fixed start), so the stream pumps resume
at their checkpoint. Receives of SQS messages are not journaled: a message
that was being handled when the process stopped is visible again after the
start (at least once, as SQS).

Local routes (journaled where they change something):
    GET  /_local/state               checkpoints, clock offset, counts
    POST /_local/checkpoint          {"name": ..., "value": ...}
    POST /_local/clock               {"offset_seconds": ...}
    POST /_local/expire              {"now": epoch seconds}: DynamoDB TTL
    GET  /_local/s3-events?after=N   object events (infra/local/s3_events.py)
    POST /_local/snapshot
"""
from __future__ import annotations

import base64
import copyreg
import fcntl
import io
import json
import os
import pickle
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from .s3_events import S3EventRecorder
from .ttl import expire_items

SNAPSHOT = "snapshot.pickle"
JOURNAL = "journal.jsonl"
LOCK = "in-use.lock"
FORMAT = 1
# The services the system uses; each is a moto BackendDict, pickled whole.
SERVICES = ("dynamodb", "s3", "sqs", "ses", "sesv2", "secretsmanager", "cognito-idp", "kms", "events")
READ_ONLY_PREFIXES = ("Get", "Describe", "List", "Query", "Scan", "BatchGet", "TransactGet", "Head",
                      "Receive", "ChangeMessageVisibility", "AdminGet", "Lookup")

copyreg.pickle(type(threading.RLock()), lambda _: (threading.RLock, ()))


def _pickle_json_web_key(key: Any) -> tuple[Any, tuple[dict[str, Any]]]:
    """moto's Cognito pools hold their signing key as a joserfc key (around a cryptography
    object, which pickle cannot take): kept as its JWK, the same key after a restart."""
    return type(key).import_key, (key.as_dict(private=True),)


def _register_json_web_keys() -> None:
    from joserfc.jwk import RSAKey

    copyreg.pickle(RSAKey, _pickle_json_web_key)


_register_json_web_keys()
copyreg.pickle(type(threading.Lock()), lambda _: (threading.Lock, ()))


class StateFolderInUse(RuntimeError):
    """Another local stack keeps its state in this folder."""


StartResponse = Callable[..., Any]


class StateKeeper:
    def __init__(self, app: Callable[[dict[str, Any], StartResponse], Iterable[bytes]], folder: Path | None, *,
                 fresh: bool = False, fsync: bool = False):
        self.app = app
        self.fsync = fsync
        self.folder = folder
        self.fresh = fresh
        self.lock = threading.Lock()
        self.checkpoints: dict[str, Any] = {}
        self.clock_offset_seconds = 0.0
        self.s3_events = S3EventRecorder()
        self.replayed = 0
        self.existed = False          # the folder held a state when it was opened
        self._sequence = 0            # the last journal entry written (or replayed)
        self._snapshot_sequence = 0   # the last entry the snapshot holds
        self._journal: io.BufferedWriter | None = None
        self._lock_file: Any = None

    # ------------------------------------------------------------------ lifecycle

    def open(self) -> None:
        if self.folder is None:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        self._lock_file = open(self.folder / LOCK, "w")  # noqa: SIM115 - held while the stack runs
        try:
            fcntl.flock(self._lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise StateFolderInUse(f"the state folder {self.folder} is in use by another local stack") from None
        if self.fresh:
            for name in (SNAPSHOT, JOURNAL):
                (self.folder / name).unlink(missing_ok=True)
        self.existed = (self.folder / SNAPSHOT).exists() or (self.folder / JOURNAL).exists()
        self._load_snapshot()
        self._replay_journal()
        if self.replayed:
            self.snapshot()  # the next start need not replay the same again
        else:
            self._journal = open(self.folder / JOURNAL, "ab")  # noqa: SIM115 - open while the stack runs

    def close(self) -> None:
        if self.folder is None:
            return
        with self.lock:
            if self.changed_since_snapshot():
                self._snapshot_locked()
            if self._journal is not None:
                self._journal.close()
                self._journal = None
        if self._lock_file is not None:
            self._lock_file.close()
            self._lock_file = None

    def changed_since_snapshot(self) -> bool:
        return self._sequence > self._snapshot_sequence

    def snapshot(self) -> dict[str, Any]:
        with self.lock:
            return self._snapshot_locked()

    def _snapshot_locked(self) -> dict[str, Any]:
        started = time.monotonic()
        from moto.backends import get_backend

        document = {
            "format": FORMAT,
            "sequence": self._sequence,
            "backends": {name: dict(get_backend(name)) for name in SERVICES},  # type: ignore[call-overload]
            "checkpoints": self.checkpoints,
            "clock_offset_seconds": self.clock_offset_seconds,
            "s3_events": self.s3_events.events,
        }
        data = pickle.dumps(document, protocol=pickle.HIGHEST_PROTOCOL)
        folder = self._folder()
        temporary = folder / (SNAPSHOT + ".tmp")
        with open(temporary, "wb") as output:
            output.write(data)
            output.flush()
            os.fsync(output.fileno())
        os.replace(temporary, folder / SNAPSHOT)
        self._snapshot_sequence = self._sequence
        if self._journal is not None:
            self._journal.close()
        # Entries up to the snapshot's sequence are skipped on replay, so a stop
        # between the rename and this truncation replays nothing twice.
        self._journal = open(folder / JOURNAL, "wb")  # noqa: SIM115 - open while the stack runs
        return {"bytes": len(data), "seconds": round(time.monotonic() - started, 3)}

    def _folder(self) -> Path:
        if self.folder is None:
            raise RuntimeError("this stack keeps no state")
        return self.folder

    def _load_snapshot(self) -> None:
        path = self._folder() / SNAPSHOT
        if not path.exists():
            return
        from moto.backends import get_backend

        document = pickle.loads(path.read_bytes())
        for name, accounts in document["backends"].items():
            backend = get_backend(name)
            backend.clear()
            backend.update(accounts)
        self.checkpoints = document["checkpoints"]
        self.clock_offset_seconds = document["clock_offset_seconds"]
        self.s3_events.events = document["s3_events"]
        self._sequence = self._snapshot_sequence = document["sequence"]
        _make_in_flight_messages_visible()

    def _replay_journal(self) -> None:
        path = self._folder() / JOURNAL
        if not path.exists():
            return
        with open(path, "rb") as journal:
            for line in journal:
                try:
                    entry = json.loads(line)
                except ValueError:
                    break  # the last write was cut short: it was never answered
                if entry["sequence"] <= self._sequence:
                    continue
                self._apply(entry)
                self._sequence = entry["sequence"]
                self.replayed += 1
        _make_in_flight_messages_visible()

    def _apply(self, entry: dict[str, Any]) -> None:
        if "local" in entry:
            self._local_write(entry["local"], entry["arguments"])
            return
        from werkzeug.test import EnvironBuilder

        body = base64.b64decode(entry["body"])
        builder = EnvironBuilder(method=entry["method"], path=entry["path"], query_string=entry["query"],
                                 headers=entry["headers"], data=body)
        environ = builder.get_environ()
        if "CONTENT_TYPE" not in entry["environ"]:
            environ.pop("CONTENT_TYPE", None)
        environ.update(entry["environ"])
        status_line, headers, _ = self._run(environ, body)
        if _succeeded(status_line):
            self.s3_events.observe(environ, headers)

    # ------------------------------------------------------------------ requests

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path.startswith("/_local/"):
            status, document = self._local_request(environ, path)
            body = json.dumps(document).encode()
            start_response(f"{status} {'OK' if status < 400 else 'Error'}",
                           [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
            return [body]
        body = _read_body(environ)
        with self.lock:
            status_line, headers, chunks = self._run(environ, body)
            if _succeeded(status_line) and _changes_something(environ, body):
                self.s3_events.observe(environ, headers)
                self._write_request(environ, body)
        start_response(status_line, headers)
        return chunks

    def _run(self, environ: dict[str, Any], body: bytes) -> tuple[str, list[tuple[str, str]], list[bytes]]:
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        captured: dict[str, Any] = {}

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[[bytes], None]:
            captured["status"], captured["headers"] = status, headers
            return lambda _data: None

        result = self.app(environ, capture)
        try:
            chunks = [b"".join(result)]
        finally:
            if hasattr(result, "close"):
                result.close()
        return captured["status"], list(captured["headers"]), chunks

    def _write_request(self, environ: dict[str, Any], body: bytes) -> None:
        if self._journal is None:
            return
        headers = [(key[5:].replace("_", "-").title(), value) for key, value in environ.items()
                   if key.startswith("HTTP_")]
        extra = {key: environ[key] for key in ("CONTENT_TYPE",) if environ.get(key)}
        self._write({"method": environ["REQUEST_METHOD"], "path": environ.get("PATH_INFO", "/"),
                     "query": environ.get("QUERY_STRING", ""), "headers": headers, "environ": extra,
                     "body": base64.b64encode(body).decode()})

    def _write(self, entry: dict[str, Any]) -> None:
        self._sequence += 1
        if self._journal is None:
            return
        line = json.dumps({"sequence": self._sequence, **entry}, separators=(",", ":")).encode() + b"\n"
        self._journal.write(line)
        self._journal.flush()  # in the OS before the answer: a killed process loses nothing
        if self.fsync:         # on the disk too: a machine that loses power loses nothing
            os.fdatasync(self._journal.fileno())

    # ------------------------------------------------------------------ the stack's own state

    def _local_request(self, environ: dict[str, Any], path: str) -> tuple[int, Any]:
        method = environ["REQUEST_METHOD"]
        if path == "/_local/s3-events" and method == "GET":
            after = int((parse_qs(environ.get("QUERY_STRING", "")).get("after") or ["0"])[0])
            with self.lock:
                return 200, self.s3_events.since(after)
        if path == "/_local/state" and method == "GET":
            with self.lock:
                return 200, {"checkpoints": self.checkpoints, "clock_offset_seconds": self.clock_offset_seconds,
                             "replayed": self.replayed, "persistent": self.folder is not None,
                             "existed": self.existed}
        if path == "/_local/snapshot" and method == "POST":
            if self.folder is None:
                return 200, {"persistent": False}
            return 200, self.snapshot()
        names = {"/_local/checkpoint": "checkpoint", "/_local/clock": "clock", "/_local/expire": "expire"}
        if path in names and method == "POST":
            arguments = json.loads(_read_body(environ) or b"{}")
            with self.lock:
                answer = self._local_write(names[path], arguments)
                self._write({"local": names[path], "arguments": arguments})
            return 200, answer
        return 404, {"error": "not_found", "message": f"no local route {method} {path}"}

    def _local_write(self, name: str, arguments: dict[str, Any]) -> Any:
        if name == "checkpoint":
            self.checkpoints[arguments["name"]] = arguments["value"]
            return {"ok": True}
        if name == "clock":
            self.clock_offset_seconds = float(arguments["offset_seconds"])
            return {"ok": True}
        if name == "expire":
            return {"expired": expire_items(float(arguments["now"]))}
        raise ValueError(name)


def _succeeded(status_line: str) -> bool:
    return status_line[:1] == "2"


def _read_body(environ: dict[str, Any]) -> bytes:
    stream = environ.get("wsgi.input")
    if stream is None:
        return b""
    length = environ.get("CONTENT_LENGTH")
    if length:
        return bytes(stream.read(int(length)))
    if environ.get("wsgi.input_terminated"):
        return bytes(stream.read())
    return b""


def _changes_something(environ: dict[str, Any], body: bytes) -> bool:
    """Whether moto's state may change: by the action's name for the JSON and query
    protocols, by the HTTP method for REST services (S3)."""
    if environ.get("PATH_INFO", "").startswith("/moto-api"):
        return False
    target = environ.get("HTTP_X_AMZ_TARGET")
    action = target.rsplit(".", 1)[-1] if target else None
    if action is None and "x-www-form-urlencoded" in environ.get("CONTENT_TYPE", ""):
        action = _first(parse_qs(body.decode("utf-8", "replace")).get("Action"))
    if action is None:
        action = _first(parse_qs(environ.get("QUERY_STRING", "")).get("Action"))
    if action is not None:
        return not action.startswith(READ_ONLY_PREFIXES)
    return environ["REQUEST_METHOD"] not in ("GET", "HEAD", "OPTIONS")


def _first(values: list[str] | None) -> str | None:
    return values[0] if values else None


def _make_in_flight_messages_visible() -> None:
    """A message being handled when the stack stopped is handled again after the start,
    at once rather than after its visibility timeout."""
    from moto.backends import get_backend

    for account in get_backend("sqs").values():
        for backend in account.values():
            for queue in backend.queues.values():
                for message in queue._messages:
                    message.visible_at = 0.0
                queue._pending_messages = set()
