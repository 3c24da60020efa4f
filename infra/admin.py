"""Tenant administration: register partners and municipalities.

Prints a new API key once; only its hash is stored. Works against AWS (the
table name of the deployed stack) or, with AWS_ENDPOINT_URL, any other
endpoint. On AWS, give the stack (`--stack`, whose outputs name the table and
the usage plan) or the usage plan (`--usage-plan`): every tenant then also gets
an API Gateway API key in the stack's usage plan, which meters and throttles it
on its own (README "Deploying"). Without a usage plan (the local stack) no such
key is made.

    python -m infra.admin --stack vroegsignaal register-partner --id energie-noord --type energy --name "Energie Noord"
    python -m infra.admin --table vroegsignaal-Table-XYZ --usage-plan abc123 register-municipality --code GM0632 --name Woerden --contact contact.json
    python -m infra.admin --table ... load-tenants infra/tenants.demo.json   (keys from the file; local use)
    python -m infra.admin --stack vroegsignaal attach-usage-keys
        a usage plan key for every tenant registered without one (run it right after the
        first deploy that requires usage plan keys; until then such tenants get 403)
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


def _usage_key(usage_plan: str | None, name: str) -> str | None:
    return registry.create_usage_key(usage_plan, name) if usage_plan else None


def load_tenants(path: str | Path, usage_plan: str | None = None) -> list[tuple[str, str, str, str]]:
    """Register every tenant of a tenants file (architecture.md) with the key it names.
    Returns (kind, id, name, key) rows."""
    tenants = json.loads(Path(path).read_text(encoding="utf-8"))
    rows = []
    for partner in tenants.get("partners", []):
        key = registry.register_partner(partner["id"], partner["type"], partner["name"], partner.get("api_key"),
                                        usage_key=_usage_key(usage_plan, f"partner-{partner['id']}"))
        rows.append(("partner", partner["id"], partner["name"], key))
    for municipality in tenants.get("municipalities", []):
        key = registry.register_municipality(
            municipality["code"], municipality["name"], municipality.get("api_key"), municipality.get("contact"),
            usage_key=_usage_key(usage_plan, f"municipality-{municipality['code']}"))
        rows.append(("municipality", municipality["code"], municipality["name"], key))
    return rows


def stack_outputs(stack: str) -> dict[str, str]:
    """The outputs of a deployed stack (TableName, UsagePlanId, ...)."""
    from vroegsignaal.adapters.aws import client

    (described,) = client("cloudformation").describe_stacks(StackName=stack)["Stacks"]
    return {output["OutputKey"]: output["OutputValue"] for output in described.get("Outputs", [])}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.admin", description=__doc__.splitlines()[0])
    parser.add_argument("--table", default=os.environ.get("TABLE_NAME"), help="the stack's table (or TABLE_NAME)")
    parser.add_argument("--stack", help="a deployed stack: its outputs give the table and the usage plan")
    parser.add_argument("--usage-plan", help="the stack's usage plan id (output UsagePlanId): each new tenant "
                                             "gets an API Gateway key in it")
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
    commands.add_parser("attach-usage-keys", help="give every registered tenant without one a key in the "
                                                  "usage plan (after the first deploy with a usage plan)")
    repair = commands.add_parser("reclassify", help="classify stored signals that no case holds yet")
    repair.add_argument("--since", required=True, help="received on or after this date (YYYY-MM-DD)")
    args = parser.parse_args(argv)
    if args.stack:
        outputs = stack_outputs(args.stack)
        args.table = args.table or outputs.get("TableName")
        args.usage_plan = args.usage_plan or outputs.get("UsagePlanId")
    if not args.table:
        parser.error("--table or TABLE_NAME is required")
    os.environ["TABLE_NAME"] = args.table

    if args.command == "register-partner":
        key = registry.register_partner(args.id, args.type, args.name,
                                        usage_key=_usage_key(args.usage_plan, f"partner-{args.id}"))
        print(f"partner {args.id} registered. API key (shown once, store it safely):\n{key}")
    elif args.command == "register-municipality":
        contact = json.loads(Path(args.contact).read_text(encoding="utf-8")) if args.contact else None
        key = registry.register_municipality(args.code, args.name, contact=contact,
                                             usage_key=_usage_key(args.usage_plan, f"municipality-{args.code}"))
        print(f"municipality {args.code} registered. API key (shown once, store it safely):\n{key}")
    elif args.command == "attach-usage-keys":
        if not args.usage_plan:
            parser.error("attach-usage-keys needs --stack or --usage-plan")
        print(f"{registry.attach_usage_keys(args.usage_plan)} tenants got a usage plan key")
    elif args.command == "reclassify":
        counts = reclassify(args.since)
        print(f"checked {counts['checked']} signals; classified {counts['classified']} that no case held")
    else:
        for kind, ident, name, _key in load_tenants(args.file, args.usage_plan):
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
