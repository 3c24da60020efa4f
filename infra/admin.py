"""Tenant administration: register partners and municipalities.

Prints a new API key once; only its hash is stored. Works against AWS (the
table name of the deployed stack) or, with AWS_ENDPOINT_URL, any other
endpoint.

    python -m infra.admin --table vroegsignaal-Table-XYZ register-partner --id energie-noord --type energy --name "Energie Noord"
    python -m infra.admin --table ... register-municipality --code GM0632 --name Woerden --contact contact.json
    python -m infra.admin --table ... load-tenants infra/tenants.demo.json   (keys from the file; local use)
    python -m infra.admin reclassify --since 2026-11-01
        classify every stored signal that no case holds yet (after the classify function's
        on-failure queue received records); needs the functions' environment: TABLE_NAME,
        BUCKET_NAME, LETTERS_QUEUE_URL, TASKS_QUEUE_URL, HOUSEHOLD_KEY_SECRET_ARN.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "layers" / "common"))

from vroegsignaal.adapters import registry  # noqa: E402


def load_tenants(path: str | Path) -> list[tuple[str, str, str, str]]:
    """Register every tenant of a tenants file (architecture.md) with the key it names.
    Returns (kind, id, name, key) rows."""
    tenants = json.loads(Path(path).read_text(encoding="utf-8"))
    rows = []
    for partner in tenants.get("partners", []):
        key = registry.register_partner(partner["id"], partner["type"], partner["name"], partner.get("api_key"))
        rows.append(("partner", partner["id"], partner["name"], key))
    for municipality in tenants.get("municipalities", []):
        key = registry.register_municipality(municipality["code"], municipality["name"],
                                             municipality.get("api_key"), municipality.get("contact"))
        rows.append(("municipality", municipality["code"], municipality["name"], key))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.admin", description=__doc__.splitlines()[0])
    parser.add_argument("--table", default=os.environ.get("TABLE_NAME"), help="the stack's table (or TABLE_NAME)")
    commands = parser.add_subparsers(dest="command", required=True)
    partner = commands.add_parser("register-partner", help="register a partner and print its new key")
    partner.add_argument("--id", required=True)
    partner.add_argument("--type", required=True, help="housing, energy, water, health_insurance, mortgage, other")
    partner.add_argument("--name", required=True)
    municipality = commands.add_parser("register-municipality", help="register a municipality and print its new key")
    municipality.add_argument("--code", required=True, help="CBS code, GM + 4 digits")
    municipality.add_argument("--name", required=True)
    municipality.add_argument("--contact", help="a JSON file with team, phone, email, address")
    tenants = commands.add_parser("load-tenants", help="register every tenant of a tenants file with its own keys")
    tenants.add_argument("file")
    repair = commands.add_parser("reclassify", help="classify stored signals that no case holds yet")
    repair.add_argument("--since", required=True, help="received on or after this date (YYYY-MM-DD)")
    args = parser.parse_args(argv)
    if not args.table:
        parser.error("--table or TABLE_NAME is required")
    os.environ["TABLE_NAME"] = args.table

    if args.command == "register-partner":
        key = registry.register_partner(args.id, args.type, args.name)
        print(f"partner {args.id} registered. API key (shown once, store it safely):\n{key}")
    elif args.command == "register-municipality":
        contact = json.loads(Path(args.contact).read_text(encoding="utf-8")) if args.contact else None
        key = registry.register_municipality(args.code, args.name, contact=contact)
        print(f"municipality {args.code} registered. API key (shown once, store it safely):\n{key}")
    elif args.command == "reclassify":
        counts = reclassify(args.since)
        print(f"checked {counts['checked']} signals; classified {counts['classified']} that no case held")
    else:
        for kind, ident, name, _key in load_tenants(args.file):
            print(f"{kind:12} {ident:20} {name}")
    return 0


def reclassify(since: str) -> dict[str, int]:
    from vroegsignaal.adapters import queues, secrets
    from vroegsignaal.adapters.cases import DynamoCaseStore
    from vroegsignaal.adapters.criteria_store import ActiveCriteriaCache
    from vroegsignaal.adapters.signals import DynamoSignalStore
    from vroegsignaal.services.classify_stream import SignalClassifier
    from vroegsignaal.services.reconcile import reclassify_missing

    classifier = SignalClassifier(DynamoCaseStore(), ActiveCriteriaCache().get, queues.send_steps,
                                  secrets.household_secret)
    return reclassify_missing(DynamoSignalStore(secrets.household_secret).signals_received_since(since),
                              classifier)


if __name__ == "__main__":
    raise SystemExit(main())
