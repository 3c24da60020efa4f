"""`python -m infra.local serve`: run the local stack in the foreground until Ctrl-C or SIGTERM."""
from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
from datetime import timedelta
from pathlib import Path

from .stack import DEFAULT_TEMPLATE, DEFAULT_TENANTS, LocalStack, Tenant


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.local", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the API, the pumps and the clock on 127.0.0.1")
    serve.add_argument("--port", type=int, default=int(os.environ.get("PORT", 3000)),
                       help="the API's port (default: $PORT or 3000; 0 picks a free one)")
    serve.add_argument("--tenants", type=Path, default=DEFAULT_TENANTS,
                       help=f"partners and municipalities to register (default: {DEFAULT_TENANTS.name})")
    serve.add_argument("--template", type=Path, default=DEFAULT_TEMPLATE, help="the SAM template (default: template.yaml)")
    serve.add_argument("--quiet", action="store_true", help="no access log on stderr")
    args = parser.parse_args(argv)

    stopping = threading.Event()
    for signal_number in (signal.SIGTERM, signal.SIGINT):  # SIGINT too: a background job may ignore it
        signal.signal(signal_number, lambda *_: stopping.set())
    stack = LocalStack(port=args.port, tenants=args.tenants, template=args.template, access_log=not args.quiet)
    try:
        stack.start()
        print(_banner(stack), flush=True)
        while not stopping.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        stack.stop()
        print("local stack stopped", flush=True)
    return 0


def _banner(stack: LocalStack) -> str:
    lines = ["Vroegsignaal local stack (moto; nothing leaves this machine)", f"API: {stack.base_url}", "", "Tenants:"]
    for tenant in stack.tenants:
        kind = f"{tenant.kind} ({tenant.detail})" if tenant.kind == "partner" else tenant.kind
        lines.append(f"  {tenant.id:<22} {tenant.name:<32} {kind:<28} key {tenant.api_key}")
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
