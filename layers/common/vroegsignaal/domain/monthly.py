"""The monthly report (municipality-api.md, "Reports"): figures per month, kept
as counters without personal data, so a month's figures stay when retention
later deletes its cases.

A case write changes the counters by `changes(before, after)`: signals count in
the month of their `signal_date`; a case, and whether it was multiple, repeat,
picked up or reached, in the month it opened (a cohort, as the national
monitor counts); a close in the month it closed. By basket: the cohort by the
first basket the case was sorted into, closes by the basket it closed in.
Retention adds what it deleted, in the month it deleted it.
"""
from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from vroegsignaal import clock
from vroegsignaal.domain import ddas
from vroegsignaal.domain.errors import ValidationFailed

MONTHS_MAX = 24
_MONTH = re.compile(r"[0-9]{4}-(0[1-9]|1[0-2])")  # ASCII digits only: "²" is a digit to str.isdigit
SIGNALS, OPENED, MULTIPLE, REPEAT, PICKED_UP, REACHED, CLOSED = (
    "signals", "cases_opened", "multiple", "repeat", "picked_up", "reached", "closed")
DELETED_KINDS = ("cases", "signals", "letters", "tasks")

# Figure names (counter attributes): "signals", "signals.<partner type>", "closed.<outcome>",
# "basket.<basket id>.opened" / ".closed", "deleted.<kind>".


def month_of(moment: str) -> str:
    """YYYY-MM of an ISO date or timestamp."""
    return moment[:7]


def _partner_count(case: Mapping[str, Any] | None) -> int:
    return len((case or {}).get("aggregate", {}).get("partner_ids") or [])


def _signal_count(case: Mapping[str, Any] | None) -> int:
    return int((case or {}).get("aggregate", {}).get("signal_count") or 0)


def _became(before: Mapping[str, Any] | None, after: Mapping[str, Any], field: str) -> bool:
    return not (before or {}).get(field) and bool(after.get(field))


def changes(before: Mapping[str, Any] | None, after: Mapping[str, Any]) -> dict[str, dict[str, int]]:
    """Month -> figure -> how much this write of the case adds."""
    found: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    cohort = found[month_of(after["opened_at"])]
    if before is None:
        cohort[OPENED] += 1
    if _signal_count(after) > _signal_count(before) and after.get("last_signal"):
        latest = after["last_signal"]  # a write adds at most one signal (classification)
        month = found[month_of(latest["signal_date"])]
        month[SIGNALS] += 1
        month[f"{SIGNALS}.{latest['partner_type']}"] += 1
    if _partner_count(before) < 2 <= _partner_count(after):
        cohort[MULTIPLE] += 1
    for field, figure in (("repeat", REPEAT), ("picked_up_at", PICKED_UP), ("last_reached_at", REACHED)):
        if _became(before, after, field):
            cohort[figure] += 1
    if _became(before, after, "basket_id"):
        cohort[f"basket.{after['basket_id']}.opened"] += 1
    if (before or {}).get("status") != "closed" and after.get("status") == "closed":
        # A close without its moment (written by hand) counts when it is written.
        closed = found[month_of(after.get("closed_at") or clock.iso(clock.now()))]
        closed[CLOSED] += 1
        closed[f"{CLOSED}.{after.get('outcome')}"] += 1
        closed[f"basket.{after.get('basket_id')}.closed"] += 1
    return {month: {figure: n for figure, n in figures.items() if n} for month, figures in found.items()
            if any(figures.values())}


def deleted(counts: Mapping[str, int]) -> dict[str, int]:
    """What retention deleted, as figures."""
    return {f"deleted.{kind}": int(n) for kind, n in counts.items() if n}


# --------------------------------------------------------------------------- the report


def parse_months(first: str | None, last: str | None) -> list[str]:
    """`from` and `to` (YYYY-MM, inclusive, at most 24 months); ValidationFailed naming every problem."""
    problems: list[dict[str, Any]] = []
    parsed: dict[str, tuple[int, int]] = {}
    for name, value in (("from", first), ("to", last)):
        text = value or ""
        if _MONTH.fullmatch(text):
            parsed[name] = (int(text[:4]), int(text[5:]))
        else:
            problems.append({"loc": ["query", name], "msg": "required, a month YYYY-MM"})
    if not problems:
        start = parsed["from"][0] * 12 + parsed["from"][1] - 1
        end = parsed["to"][0] * 12 + parsed["to"][1] - 1
        if start > end:
            problems.append({"loc": ["query", "from"], "msg": "must not be after to"})
        elif end - start + 1 > MONTHS_MAX:
            problems.append({"loc": ["query", "to"], "msg": f"at most {MONTHS_MAX} months"})
        else:
            return [f"{m // 12:04d}-{m % 12 + 1:02d}" for m in range(start, end + 1)]
    raise ValidationFailed(problems)


@dataclass(frozen=True, slots=True)
class BasketName:
    basket_id: str
    name: str | None


def month_report(month: str, figures: Mapping[str, int], baskets: Iterable[BasketName]) -> dict[str, Any]:
    """One month as the report shows it: every partner type and outcome, zeros included;
    the baskets of the active criteria and any other basket the month counted."""
    def get(name: str) -> int:
        return int(figures.get(name, 0))
    named = {b.basket_id: b.name for b in baskets}
    counted = sorted({name.split(".")[1] for name in figures if name.startswith("basket.")} - set(named))
    return {
        "month": month,
        "signals": {"total": get(SIGNALS),
                    "by_partner_type": {t: get(f"{SIGNALS}.{t}") for t in sorted(ddas.PARTNER_TYPES)}},
        OPENED: get(OPENED), MULTIPLE: get(MULTIPLE), REPEAT: get(REPEAT), PICKED_UP: get(PICKED_UP),
        REACHED: get(REACHED),
        "closed": {"total": get(CLOSED), "by_outcome": {o: get(f"{CLOSED}.{o}") for o in ddas.OUTCOMES}},
        "by_basket": [{"basket_id": basket_id, "name": named.get(basket_id),
                       "opened": get(f"basket.{basket_id}.opened"), "closed": get(f"basket.{basket_id}.closed")}
                      for basket_id in [*named, *counted]],
        "deleted": {kind: get(f"deleted.{kind}") for kind in DELETED_KINDS},
    }


def report_csv(report: Mapping[str, Any]) -> str:
    """The same figures as CSV: one row per month and figure (`month,figure,value`)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["month", "figure", "value"])
    for month in report["months"]:
        m = month["month"]
        writer.writerow([m, "signals", month["signals"]["total"]])
        for partner_type, n in month["signals"]["by_partner_type"].items():
            writer.writerow([m, f"signals.{partner_type}", n])
        for figure in (OPENED, MULTIPLE, REPEAT, PICKED_UP, REACHED):
            writer.writerow([m, figure, month[figure]])
        writer.writerow([m, "closed", month["closed"]["total"]])
        for outcome, n in month["closed"]["by_outcome"].items():
            writer.writerow([m, f"closed.{outcome}", n])
        for basket in month["by_basket"]:
            writer.writerow([m, f"basket.{basket['basket_id']}.opened", basket["opened"]])
            writer.writerow([m, f"basket.{basket['basket_id']}.closed", basket["closed"]])
        for kind, n in month["deleted"].items():
            writer.writerow([m, f"deleted.{kind}", n])
    return out.getvalue()
