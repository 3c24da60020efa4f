"""Check an afwegingskader before uploading it.

    python -m infra.criteria validate criteria.json [--municipality GM0632]
    python -m infra.criteria sort criteria.json signals.json [--municipality GM0632] [--explain]
    python -m infra.criteria sort default signals.json          (the default criteria)

signals.json: a list of {"partner_id", "partner_type", "signal": {...as the partner sends it...}},
or {"partner_type": "energy", "signals": [...]} (one partner's batch). Exit 0 when
the document is valid, 1 when it is not (every problem printed with its pointer).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "layers" / "common"))

from vroegsignaal import clock  # noqa: E402
from vroegsignaal.domain import json_text  # noqa: E402
from vroegsignaal.domain.active_criteria import ActiveCriteria, default_active  # noqa: E402
from vroegsignaal.domain.criteria import parse_criteria  # noqa: E402
from vroegsignaal.domain.errors import ValidationFailed  # noqa: E402
from vroegsignaal.services.dry_run import sort_signals  # noqa: E402


def load_criteria(path: str, municipality: str | None) -> ActiveCriteria:
    if path == "default":
        return default_active()
    document = json_text.loads(Path(path).read_text(encoding="utf-8"))
    return ActiveCriteria(Path(path).name, document.get("label"), None,
                          parse_criteria(document, municipality_code=municipality))


def load_signals(path: str) -> list[dict]:
    data = json_text.loads(Path(path).read_text(encoding="utf-8"))
    if isinstance(data, dict) and "signals" in data:
        return [{"partner_id": data.get("partner_id", "partner"), "partner_type": data.get("partner_type", "other"),
                 "signal": s} for s in data["signals"]]
    return data


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.criteria", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    validate = commands.add_parser("validate", help="validate a criteria document")
    validate.add_argument("criteria")
    validate.add_argument("--municipality", help="the code it will be uploaded for (GM + 4 digits)")
    sort = commands.add_parser("sort", help="show which basket each signal of a file would land in")
    sort.add_argument("criteria", help="a criteria file, or 'default'")
    sort.add_argument("signals")
    sort.add_argument("--municipality")
    sort.add_argument("--explain", action="store_true", help="print the explanation of every signal")
    args = parser.parse_args(argv)

    try:
        active = load_criteria(args.criteria, args.municipality)
    except ValidationFailed as failed:
        print(f"{args.criteria}: {len(failed.details)} problem(s)")
        for problem in failed.details:
            print(f"  {problem['pointer'] or '/'}: {problem['msg']}")
        return 1
    except (OSError, ValueError) as error:
        print(f"{args.criteria}: cannot read it as JSON ({error})")
        return 1
    if args.command == "validate":
        baskets = ", ".join(b.id for b in active.criteria.baskets)
        print(f"{args.criteria}: valid. Baskets in order: {baskets}")
        return 0

    results = sort_signals(load_signals(args.signals), active, today=clock.today())
    print(f"{'#':>4}  {'reference':24} {'case':8} basket")
    for result in results:
        if result.problems:
            where = "; ".join(f"{'.'.join(map(str, p['loc']))}: {p['msg']}" for p in result.problems)
            print(f"{result.index:>4}  {str(result.reference):24} {'-':8} rejected ({where})")
            continue
        print(f"{result.index:>4}  {result.reference:24} {result.case:8} {result.basket_id}")
        if args.explain and result.explanation:
            print("      " + json.dumps(result.explanation, ensure_ascii=False))
    counts: dict[str, int] = {}
    for result in results:
        counts[result.basket_id or "rejected"] = counts.get(result.basket_id or "rejected", 0) + 1
    print("per basket: " + ", ".join(f"{basket} {n}" for basket, n in counts.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
