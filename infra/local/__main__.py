"""`python -m infra.local serve`: run the local stack in the foreground until Ctrl-C or SIGTERM.

The console shows where the API is, the tenants and their keys, and one line
per request; the functions' own JSON logs go to a file (--logs console shows
them here instead). The state is kept in a folder and opened again next time.
"""
from __future__ import annotations

import argparse
import errno
import json
import os
import signal
import socket
import sys
import threading
from datetime import timedelta
from pathlib import Path
from typing import IO

from .stack import DEFAULT_STATE, DEFAULT_TEMPLATE, DEFAULT_TENANTS, ROOT, LocalStack, Tenant

DEFAULT_LOG = ROOT / ".local" / "logs" / "functions.log"
PORT_IN_USE_EXIT_CODE = 2


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    console = sys.stdout
    if args.port and not _port_is_free(args.port):
        print(_port_in_use(args.port), file=sys.stderr, flush=True)
        return PORT_IN_USE_EXIT_CODE

    stopping = threading.Event()
    for signal_number in (signal.SIGTERM, signal.SIGINT):  # SIGINT too: a background job may ignore it
        signal.signal(signal_number, lambda *_: stopping.set())
    state = None if args.no_state else args.state
    stack = LocalStack(port=args.port, tenants=args.tenants, template=args.template, access_log=not args.quiet,
                       state_dir=state, fresh=args.fresh)
    log = _functions_log(args)
    try:
        stack.start()
        print(_banner(stack, state, args), file=console, flush=True)
        if args.ready_file:
            _write_atomically(args.ready_file, stack.base_url)
        while not stopping.wait(0.5):
            pass
    except OSError as error:
        if error.errno != errno.EADDRINUSE:
            raise
        print(_port_in_use(args.port), file=sys.stderr, flush=True)
        return PORT_IN_USE_EXIT_CODE
    except RuntimeError as error:  # the state folder is in use, moto would not start, ...
        print(f"the local stack did not start: {error}", file=sys.stderr, flush=True)
        return 1
    finally:
        for signal_number in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signal_number, lambda *_: None)  # a second Ctrl-C does not cut the stop short
        stack.stop()
        if log is not None:
            sys.stdout = console
            log.close()
    kept = f"; its state is kept in {_shown(state)}" if state else ""
    print(f"local stack stopped{kept}", file=console, flush=True)
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m infra.local", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the API, the pumps and the clock on 127.0.0.1")
    serve.add_argument("--port", type=int, default=int(os.environ.get("PORT", 3000)),
                       help="the API's port (default: $PORT or 3000; 0 picks a free one)")
    serve.add_argument("--tenants", type=Path, default=DEFAULT_TENANTS,
                       help=f"partners and municipalities to register (default: {DEFAULT_TENANTS.name})")
    serve.add_argument("--template", type=Path, default=DEFAULT_TEMPLATE, help="the SAM template (default: template.yaml)")
    serve.add_argument("--state", type=Path, default=Path(os.environ.get("STATE") or DEFAULT_STATE),
                       help="keep the state in this folder (default: $STATE or .local/state)")
    serve.add_argument("--fresh", action="store_true", default=os.environ.get("FRESH", "") not in ("", "0"),
                       help="start empty: forget what the state folder holds (default: $FRESH)")
    serve.add_argument("--no-state", action="store_true", help="keep nothing: everything is gone after a stop")
    serve.add_argument("--logs", choices=("file", "console"), default=os.environ.get("LOGS") or "file",
                       help="where the functions' JSON logs go (default: $LOGS or file)")
    serve.add_argument("--log-file", type=Path, default=DEFAULT_LOG, help="(default: .local/logs/functions.log)")
    serve.add_argument("--ready-file", type=Path, help="write the API's address here once it answers")
    serve.add_argument("--quiet", action="store_true", help="no line per request")
    return parser


def _functions_log(args: argparse.Namespace) -> IO[str] | None:
    """The functions print their JSON logs to stdout (as on Lambda): send stdout to the log
    file before they are loaded, so their loggers write there."""
    if args.logs == "console":
        return None
    args.log_file.parent.mkdir(parents=True, exist_ok=True)
    log = open(args.log_file, "a", encoding="utf-8", buffering=1)  # noqa: SIM115 - open while serving
    sys.stdout = log
    return log


def _port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _port_in_use(port: int) -> str:
    return f"port {port} is in use: stop what listens there, or choose another port with PORT= (make serve PORT={port + 1})"


def _write_atomically(path: Path, text: str) -> None:
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _banner(stack: LocalStack, state: Path | None, args: argparse.Namespace) -> str:
    lines = ["Vroegsignaal local stack (moto; nothing leaves this machine)", f"API: {stack.base_url}"]
    if stack.web_url:
        lines.append(f"Web app: {stack.web_url}")
    lines.append(f"API docs: {stack.base_url}/docs")
    if state:
        opened = "opened" if stack.restored.get("existed") else "new"
        lines.append(f"State: {_shown(state)} ({opened}; make serve FRESH=1 starts empty)")
    else:
        lines.append("State: none (everything is gone after a stop)")
    if args.logs == "file":
        lines.append(f"Functions' logs: {_shown(args.log_file)} (make serve LOGS=console shows them here)")
    lines += ["", "Tenants:"]
    for tenant in stack.tenants:
        kind = f"{tenant.kind} ({tenant.detail})" if tenant.kind == "partner" else tenant.kind
        lines.append(f"  {tenant.id:<22} {tenant.name:<32} {kind:<28} key {tenant.api_key}")
    if stack.users and stack.user_pool:
        lines += ["", f"People (sign in at the web app; or InitiateAuth USER_PASSWORD_AUTH at {stack.user_pool.endpoint}/, "
                      f"client {stack.user_pool.client_id}):"]
        for user in stack.users:
            lines.append(f"  {user['username']:<22} password {user['password']:<24} {user['name']:<32} "
                         f"{user.get('role', '')}")
    example = _curl_example(stack.base_url, stack.tenants)
    if example:
        lines += ["", "Try:", f"  {example}"]
    lines += ["", "Local only: POST /_local/clock {\"advance_days\": N}   POST /_local/drain", "Ctrl-C stops."]
    return "\n".join(lines)


def _curl_example(base_url: str, tenants: list[Tenant]) -> str | None:
    partner = next((t for t in tenants if t.kind == "partner"), None)
    municipality = next((t for t in tenants if t.kind == "municipality"), None)
    if not partner or not municipality:
        return None
    from vroegsignaal import clock

    signal_body = {
        "reference": "DEMO-0001", "municipality_code": municipality.id,
        "arrears_since": (clock.today() - timedelta(days=45)).isoformat(), "amount": "412.50",
        "debtor": {"initials": "A.B.", "prefix": "van", "last_name": "Dijk",
                   "address": {"street": "Rijnstraat", "house_number": 12, "postcode": "3441 AB", "city": "Woerden"}},
    }
    return (f"curl -s -X POST {base_url}/signals -H 'Authorization: Bearer {partner.api_key}' "
            f"-H 'Content-Type: application/json' -d '{json.dumps(signal_body, separators=(',', ':'))}'")


if __name__ == "__main__":
    sys.exit(main())
