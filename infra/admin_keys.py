"""`python -m infra.admin` key commands: list-keys, rotate-key, revoke-key (identity.md).

A new key is printed once; only its hash is stored. A rotated key works on for the
overlap (default 7 days); a revoked one is refused at once: within the authorizer's
cache time everywhere (docs/decisions.md, at most 4 minutes)."""
from __future__ import annotations

import argparse
import sys

from vroegsignaal.adapters import registry

COMMANDS = ("list-keys", "rotate-key", "revoke-key")


def add_commands(commands: argparse._SubParsersAction) -> None:
    commands.add_parser("list-keys", help="every key: key id, principal, created, last used")
    rotate = commands.add_parser("rotate-key", help="a new key for the same tenant; the old one works on for a while")
    rotate.add_argument("--key-id", required=True)
    rotate.add_argument("--overlap-days", type=float, default=registry.DEFAULT_OVERLAP_DAYS,
                        help=f"how long the old key keeps working (default {registry.DEFAULT_OVERLAP_DAYS:g})")
    revoke = commands.add_parser("revoke-key", help="refuse a key from now on")
    revoke.add_argument("--key-id", required=True)


def _state(row: dict) -> str:
    if row.get("revoked_at"):
        return f"revoked {row['revoked_at']}"
    if row.get("retires_at"):
        return f"retires {row['retires_at']}"
    return "active"


def run(args: argparse.Namespace) -> int:
    try:
        if args.command == "list-keys":
            print(f"{'key id':22} {'principal':32} {'created':28} {'last used':28} state")
            for row in registry.list_keys():
                principal = f"{row['kind']} {row.get('partner_id') or row.get('municipality_code')}"
                print(f"{row['key_id']:22} {principal:32} {row['created_at']:28} {row['last_used_at'] or '-':28} "
                      f"{_state(row)}")
        elif args.command == "rotate-key":
            if args.overlap_days < 0:
                raise ValueError("--overlap-days is 0 or more")
            key, key_id, retires_at = registry.rotate_key(args.key_id, args.overlap_days)
            print(f"new key {key_id} (shown once, store it safely):\n{key}\n"
                  f"the old key {args.key_id} works until {retires_at}")
        else:
            print(f"key {args.key_id} revoked at {registry.revoke_key(args.key_id)}")
    except (LookupError, ValueError) as error:
        print(f"refused: {error}", file=sys.stderr)
        return 2
    return 0
