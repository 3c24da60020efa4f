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
    python -m infra.admin --stack vroegsignaal upgrade-followups
        once after deploying issue 13: list the municipalities for the follow-up schedule and
        move due cases to their municipality's partitions (infra/admin_followups.py)
    python -m infra.admin --stack vroegsignaal attach-usage-keys
        a usage plan key for every tenant registered without one (run it right after the
        first deploy that requires usage plan keys; until then such tenants get 403)

People (Cognito; the stack's user pool: --stack, --user-pool or USER_POOL_ID):
    python -m infra.admin --stack vroegsignaal add-user --username fatima --name "Fatima el Amrani" \
        --email f.elamrani@example.nl --role GM0632:consulent     (Cognito e-mails a temporary password)
    python -m infra.admin --stack vroegsignaal list-users
    python -m infra.admin --stack vroegsignaal set-role --username fatima --code GM0344 --role bezoeker
        (--role none: no membership there any more)
    python -m infra.admin --stack vroegsignaal remove-user --username fatima
Keys (shown once; only their hash is stored):
    python -m infra.admin --stack vroegsignaal list-keys
    python -m infra.admin --stack vroegsignaal rotate-key --key-id key_... [--overlap-days 7]
    python -m infra.admin --stack vroegsignaal revoke-key --key-id key_...
The local stack (make serve): --local http://127.0.0.1:3000 finds its endpoint, table and pool.

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

from infra import admin_followups, admin_keys, admin_people  # noqa: E402


def _usage_key(usage_plan: str | None, name: str) -> str | None:
    return registry.create_usage_key(usage_plan, name) if usage_plan else None


def load_tenants(path: str | Path, usage_plan: str | None = None, *, local_stack: bool = False
                 ) -> list[tuple[str, str, str, str]]:
    """Register every tenant of a tenants file (architecture.md) with the key it names (a key
    it leaves out is made by the system). Outside the local stack a weak or demo key is
    refused (registry.KeyRefused) before anything is stored. Returns (kind, id, name, key) rows."""
    from vroegsignaal.domain import api_keys

    tenants = json.loads(Path(path).read_text(encoding="utf-8"))
    brought = [t.get("api_key") for t in (*tenants.get("partners", []), *tenants.get("municipalities", []))]
    refusals = {key: api_keys.refusal(key, local_stack=local_stack) for key in brought if key}
    if any(refusals.values()):
        raise registry.KeyRefused("; ".join(sorted({r for r in refusals.values() if r})))
    rows = []
    for partner in tenants.get("partners", []):
        key = registry.register_partner(partner["id"], partner["type"], partner["name"], partner.get("api_key"),
                                        usage_key=_usage_key(usage_plan, f"partner-{partner['id']}"),
                                        local_stack=local_stack)
        rows.append(("partner", partner["id"], partner["name"], key))
    for municipality in tenants.get("municipalities", []):
        key = registry.register_municipality(
            municipality["code"], municipality["name"], municipality.get("api_key"), municipality.get("contact"),
            usage_key=_usage_key(usage_plan, f"municipality-{municipality['code']}"), local_stack=local_stack)
        rows.append(("municipality", municipality["code"], municipality["name"], key))
    return rows


def local_stack_of(url: str) -> dict[str, str]:
    """The local stack's moto endpoint, table and user pool (POST /_local/stack)."""
    import urllib.request

    request = urllib.request.Request(url.rstrip("/") + "/_local/stack", data=b"{}", method="POST")
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - the operator's own URL
        found: dict[str, str] = json.loads(response.read())
    return found


def is_loopback(endpoint_url: str | None) -> bool:
    """The local stack (moto on this machine): the only place brought and demo keys are taken."""
    from urllib.parse import urlsplit

    return bool(endpoint_url) and urlsplit(endpoint_url).hostname in ("127.0.0.1", "localhost", "::1")


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
    parser.add_argument("--user-pool", default=os.environ.get("USER_POOL_ID"),
                        help="the stack's user pool (output UserPoolId, or USER_POOL_ID)")
    parser.add_argument("--endpoint-url", help="another endpoint than AWS (the local stack's moto server)")
    parser.add_argument("--local", metavar="URL", help="the local stack at URL (make serve): its endpoint, "
                                                       "table and user pool")
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
    admin_people.add_commands(commands)
    admin_keys.add_commands(commands)
    admin_followups.add_commands(commands)
    repair = commands.add_parser("reclassify", help="classify stored signals that no case holds yet")
    repair.add_argument("--since", required=True, help="received on or after this date (YYYY-MM-DD)")
    args = parser.parse_args(argv)
    if args.local:
        local = local_stack_of(args.local)
        args.endpoint_url = args.endpoint_url or local["endpoint_url"]
        args.table = args.table or local["table_name"]
        args.user_pool = args.user_pool or local["user_pool_id"]
    if args.endpoint_url:
        os.environ["AWS_ENDPOINT_URL"] = args.endpoint_url
    if args.stack:
        outputs = stack_outputs(args.stack)
        args.table = args.table or outputs.get("TableName")
        args.usage_plan = args.usage_plan or outputs.get("UsagePlanId")
        args.user_pool = args.user_pool or outputs.get("UserPoolId")
    if args.command in admin_people.COMMANDS:
        if not args.user_pool:
            parser.error("--stack, --user-pool, --local or USER_POOL_ID is required for people")
        return admin_people.run(args)
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
    elif args.command in admin_keys.COMMANDS:
        return admin_keys.run(args)
    elif args.command in admin_followups.COMMANDS:
        return admin_followups.run(args)
    elif args.command == "attach-usage-keys":
        if not args.usage_plan:
            parser.error("attach-usage-keys needs --stack or --usage-plan")
        print(f"{registry.attach_usage_keys(args.usage_plan)} tenants got a usage plan key")
    elif args.command == "reclassify":
        counts = reclassify(args.since)
        print(f"checked {counts['checked']} signals; classified {counts['classified']} that no case held")
    else:
        local_stack = is_loopback(args.endpoint_url or os.environ.get("AWS_ENDPOINT_URL"))
        try:
            loaded = load_tenants(args.file, args.usage_plan, local_stack=local_stack)
        except registry.KeyRefused as error:
            print(f"refused: {error}", file=sys.stderr)
            return 2
        for kind, ident, name, _key in loaded:
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
