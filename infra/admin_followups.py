"""`python -m infra.admin upgrade-followups`: once, after the first deploy of the
follow-ups that fan out (issue 13, docs/decisions.md "Follow-ups").

The schedule fans out over the municipality listing and each municipality's due
partitions. A table from before has neither: this lists every municipality that has
an API key (register-municipality lists new ones itself) and moves the cases still
in the country's 16 due partitions to their municipality's. Safe to run again."""
from __future__ import annotations

import argparse

from vroegsignaal.adapters import registry
from vroegsignaal.adapters.cases import DynamoCaseStore

COMMANDS = ("upgrade-followups",)


def add_commands(commands: argparse._SubParsersAction) -> None:
    commands.add_parser("upgrade-followups", help="once after deploying issue 13: list the municipalities and "
                                                  "move due cases to their municipality's partitions")


def upgrade() -> dict[str, int]:
    codes = sorted({str(row["municipality_code"]) for row in registry.list_keys() if row.get("municipality_code")})
    for code in codes:
        registry.list_municipality(code)
    return {"municipalities": len(codes), "moved": DynamoCaseStore.move_legacy_due_entries()}


def run(args: argparse.Namespace) -> int:
    counts = upgrade()
    print(f"{counts['municipalities']} municipalities listed; {counts['moved']} due cases moved to their "
          "municipality's partitions")
    return 0
