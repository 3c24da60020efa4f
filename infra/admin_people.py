"""`python -m infra.admin` people commands: add-user, list-users, set-role, remove-user
(against the stack's Cognito user pool, identity.md; locally the local stack's)."""
from __future__ import annotations

import argparse
import sys

from vroegsignaal.adapters import identity_pool
from vroegsignaal.domain import cognito_groups

COMMANDS = ("add-user", "list-users", "set-role", "remove-user")


def _membership(text: str) -> tuple[str, str]:
    code, _, role = text.partition(":")
    try:
        cognito_groups.group_name(code, role)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    return code, role


def add_commands(commands: argparse._SubParsersAction) -> None:
    add = commands.add_parser("add-user", help="add a person to the user pool with their memberships")
    add.add_argument("--username", required=True)
    add.add_argument("--name", required=True, help="display name, as colleagues and the audit trail show it")
    add.add_argument("--email", required=True)
    add.add_argument("--role", dest="memberships", action="append", type=_membership, required=True,
                     metavar="CODE:ROLE", help="GM0632:consulent (consulent, coordinator, bezoeker); repeatable")
    add.add_argument("--password", help="set this password (local stack); without it Cognito e-mails a temporary one")
    commands.add_parser("list-users", help="every person: user id, name, e-mail, memberships")
    role = commands.add_parser("set-role", help="give a person a role in a municipality (or none)")
    role.add_argument("--username", required=True)
    role.add_argument("--code", required=True)
    role.add_argument("--role", required=True, choices=(*cognito_groups.ROLES, "none"))
    remove = commands.add_parser("remove-user", help="remove a person (signed out everywhere)")
    remove.add_argument("--username", required=True)


def run(args: argparse.Namespace) -> int:
    pool = args.user_pool
    try:
        if args.command == "add-user":
            user_id = identity_pool.add_user(pool, args.username, args.name, args.email, dict(args.memberships),
                                             password=args.password)
            print(f"{args.username} added (user id {user_id})")
        elif args.command == "list-users":
            print(f"{'username':20} {'user id':38} {'name':28} memberships")
            for person in identity_pool.list_users(pool):
                roles = ", ".join(f"{code}:{role}" for code, role in sorted(person.memberships.items()))
                print(f"{person.username:20} {person.user_id:38} {person.name:28} {roles or '-'}")
        elif args.command == "set-role":
            identity_pool.set_role(pool, args.username, args.code, None if args.role == "none" else args.role)
            print(f"{args.username}: {args.code} {args.role}")
        else:
            identity_pool.remove_user(pool, args.username)
            print(f"{args.username} removed; a token already issued expires within its hour")
    except ValueError as error:
        print(f"refused: {error}", file=sys.stderr)
        return 2
    return 0
