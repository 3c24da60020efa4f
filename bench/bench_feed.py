"""The partner status feed's writes (docs/decisions.md, "Partner status feed"): what a
pick-up of a case of n signals of one partner writes, in items and write units, with
one feed entry per (case, partner) against entries on the signal items themselves.

Sizes are those of the items as stored (moto in process, the follower's own Updates);
write units as DynamoDB on-demand charges them: 2 per KB (rounded up per item) in a
transaction, 1 per KB for each index write (a moved index entry is a delete and a put).

Run: python -m bench.bench_feed
"""
from __future__ import annotations

import math
from typing import Any

from bench.common import ROOT, heading, use_lambda_env, use_paths

SIGNALS = (1, 5, 20, 100)
PARTNER = {"partner_id": "energie-noord", "partner_type": "energy"}
TRANSACTION_ITEMS_MAX = 100


def item_bytes(item: dict[str, Any]) -> int:
    """An item's size as DynamoDB counts it (names and values, UTF-8)."""
    def size(value: Any) -> int:
        if isinstance(value, str):
            return len(value.encode("utf-8"))
        if isinstance(value, bool) or value is None:
            return 1
        if isinstance(value, int | float):
            return 1 + math.ceil(len(str(abs(value)).replace(".", "")) / 2)
        if isinstance(value, list):
            return 3 + sum(size(v) + 1 for v in value)
        if isinstance(value, dict):
            return 3 + sum(len(k.encode()) + size(v) + 1 for k, v in value.items())
        raise TypeError(type(value))
    return sum(len(name.encode()) + size(value) for name, value in item.items())


def units(size: int, per_kb: int) -> int:
    return per_kb * max(1, math.ceil(size / 1024))


def _case(count: int, *, picked_up: bool) -> dict[str, Any]:
    return {"case_id": "case-0123456789abcdef01234567", "household": "f" * 64, "status": "open",
            "picked_up_at": "2026-11-25T10:00:00.000000Z" if picked_up else None, "closed_at": None,
            "expires_at": None if picked_up else 1811000000,
            "aggregate": {"signal_count": count, "partner_ids": [PARTNER["partner_id"]]},
            "joined_signal": {"signal_id": f"sig-{count:024d}", "reference": f"EN-2026-{count:06d}",
                              "partner_id": PARTNER["partner_id"], "received_at": "2026-11-20T09:00:00.000000Z"}}


def measure(count: int) -> dict[str, Any]:
    from vroegsignaal.adapters import feed, keys, table
    from vroegsignaal.adapters.signals import DynamoSignalStore
    from vroegsignaal.services.intake import Intake

    from tests.factories import signal_body
    intake = Intake(DynamoSignalStore(), is_known_municipality=lambda code: True)
    signal_sizes = []
    for n in range(1, count + 1):
        result = intake.receive(signal_body(reference=f"EN-{count}-{n:06d}"), PARTNER)
        signal_sizes.append(item_bytes(table.get(*keys.signal(PARTNER["partner_id"], result.reference or ""))))
        before = _case(n - 1, picked_up=False) if n > 1 else None
        table.dynamodb().transact_write_items(TransactItems=feed.follow(before, _case(n, picked_up=False)))
    pick_up = feed.follow(_case(count, picked_up=False), _case(count, picked_up=True))
    table.dynamodb().transact_write_items(TransactItems=pick_up)
    written = [table.from_attrs(table.dynamodb().get_item(TableName=table.table_name(), Key=u["Update"]["Key"])["Item"])
               for u in pick_up]
    feed_sizes = [item_bytes(item) for item in written]
    entry_size = feed_sizes[0]
    signal = max(signal_sizes)
    return {
        "signals": count, "feed_items": len(pick_up), "entry_bytes": entry_size,
        "feed_units": sum(units(s, 2) for s in feed_sizes) + 2 * units(entry_size, 1),
        "signal_items": count, "signal_bytes": signal,
        # each signal item updated in the transaction, its index entry moved (a small projection)
        "signal_units": count * (units(signal, 2) + 2 * units(300, 1)),
    }


def main() -> None:
    use_paths()
    use_lambda_env()
    from moto import mock_aws
    from vroegsignaal.adapters import aws as aws_clients
    from vroegsignaal.adapters import forget_container_state

    from infra.local.cfn import Resolver, load_template
    from infra.local.resources import DynamicReferences, assign_attributes, create_resources
    heading("Status feed: what a pick-up writes (one partner's n signals in one case)")
    print(f"{'signals':>8} {'feed items':>11} {'entry bytes':>12} {'feed WRU':>9}   "
          f"{'per-signal items':>17} {'signal bytes':>13} {'per-signal WRU':>15}")
    for count in SIGNALS:
        with mock_aws():
            forget_container_state()
            template = load_template(ROOT / "template.yaml")
            resolver = Resolver(template, dynamic_reference=DynamicReferences())
            assign_attributes(template, resolver)
            create_resources(template, resolver, aws_clients.client)
            import os
            os.environ["TABLE_NAME"] = resolver.resolve({"Ref": "Table"})
            r = measure(count)
            aws_clients.reset()
        fits = "" if r["signal_items"] < TRANSACTION_ITEMS_MAX else "  (per-signal: over the 100-item transaction)"
        print(f"{r['signals']:8} {r['feed_items']:11} {r['entry_bytes']:12} {r['feed_units']:9}   "
              f"{r['signal_items']:17} {r['signal_bytes']:13} {r['signal_units']:15}{fits}")
    print("(a join writes one entry, or an entry and one chunk of at most 50 signals, whatever the case holds)")


if __name__ == "__main__":
    main()
