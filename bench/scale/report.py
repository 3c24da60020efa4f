"""The figures of bench-scale, side by side for each N."""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from .meter import LATENCY_MODEL, MB, Tally
from .year import PHASES, WORKLOAD, Measured, YearResult

# eu-west-1 (Ireland), standard table class, on-demand, per million request units.
PRICE_SOURCE = ("eu-west-1 on-demand, standard table class: $1.4135 per million write and $0.283 per million read "
                "request units as listed before AWS halved on-demand throughput prices on 1 Nov 2024 "
                "(e.g. engineering-ed7.pages.dev/docs/architecture/aws/services/dynamodb); the cut "
                "(airbyte.com/data-engineering-resources/dynamodb-pricing: us-east-1 now $0.625 / $0.125) makes "
                "them $0.70675 and $0.1415 today")
CURRENT_PRICES = (0.70675, 0.1415)  # write and read, per million units, after the Nov 2024 cut
PRICES = {"as listed ($1.4135 W / $0.283 R)": (1.4135, 0.283),
          "after the Nov 2024 cut ($0.70675 W / $0.1415 R)": CURRENT_PRICES}

STORE_RULES = ("store: 1 MB Query/Scan pages counted before filters, Limit counts items evaluated; "
               "read units per page (4 KB, eventually consistent half), GetItem per item; write units 1 KB of the "
               "larger of old and new item, transactions double; every GSI write of its projected entry "
               "(template.yaml's projections)")


def _row(label: str, results: list[YearResult], value: Callable[[YearResult], str]) -> str:
    return f"{label:48}" + "".join(f"{value(r):>16}" for r in results)


def _n(value: float) -> str:
    if value >= 100:
        return f"{value:,.0f}".replace(",", " ")
    return f"{value:.1f}" if value != int(value) else str(int(value))


def _tally_rows(label: str, results: list[YearResult], tally: Callable[[YearResult], Tally]) -> list[str]:
    return [
        _row(label, results, lambda r: ""),
        _row("    DynamoDB calls", results, lambda r: _n(tally(r).dynamodb_calls)),
        _row("    read units", results, lambda r: _n(tally(r).read_units)),
        _row("    write units", results, lambda r: _n(tally(r).write_units)),
        _row("    MB read (before filters)", results, lambda r: f"{tally(r).bytes_read / MB:.1f}"),
        _row("    modelled latency (ms)", results, lambda r: _n(tally(r).latency_ms)),
    ]


def _year_tally(result: YearResult) -> Tally:
    total = Tally()
    for tally in result.phases.values():
        total.read_units += tally.read_units
        total.table_write_units += tally.table_write_units
        total.transaction_doubling += tally.transaction_doubling
        total.item_writes += tally.item_writes
        total.item_writes_by.update(tally.item_writes_by)
        total.index_write_units.update(tally.index_write_units)
        total.write_units_by.update(tally.write_units_by)
        total.calls.update(tally.calls)
    return total


def _path_rows(name: str, results: list[YearResult]) -> list[str]:
    def measured(r: YearResult) -> Measured:
        return r.paths[name]

    return [*_tally_rows(name, results, lambda r: measured(r).tally),
            _row("    answer", results, lambda r: measured(r).note),
            _row("    peak memory (tracemalloc, MB)", results, lambda r: f"{measured(r).peak_bytes / MB:.1f}"),
            _row("    bench seconds (this machine)", results, lambda r: f"{measured(r).seconds:.2f}")]


def _per_signal(units: Callable[[YearResult], float]) -> Callable[[YearResult], str]:
    return lambda r: f"{units(r) / r.signals:.2f}"


def _phase_units(phase: str) -> Callable[[YearResult], float]:
    return lambda r: r.phases[phase].write_units


def _index_units(index: str) -> Callable[[YearResult], float]:
    return lambda r: _year_tally(r).index_write_units[index]


def _cost(write_price: float, read_price: float, *, floor: bool = False) -> Callable[[YearResult], str]:
    """The cost per million signals; `floor`: of the same writes at one unit an item and an
    index entry, without transactions (the write-unit section's floor)."""
    def cost(r: YearResult) -> str:
        total = _year_tally(r)
        writes = total.item_writes if floor else total.write_units
        return "$" + _n((writes * write_price + total.read_units * read_price) / r.signals)
    return cost


def _error_count(key: str) -> Callable[[YearResult], str]:
    return lambda r: _n(r.errors.get(key, 0))


def render(results: list[YearResult]) -> str:
    lines = ["# bench-scale: a year of one municipality, the real adapters and services over bench.scale.store",
             STORE_RULES, LATENCY_MODEL, WORKLOAD, ""]
    lines.append(_row("households (N)", results, lambda r: _n(r.households)))
    lines.append(_row("signals received in the year", results, lambda r: _n(r.signals)))
    lines.append(_row("cases opened", results, lambda r: _n(r.cases)))
    lines.append(_row("signals per case", results, lambda r: f"{r.signals / max(r.cases, 1):.2f}"))
    lines.append(_row("cases retained at year end", results, lambda r: _n(r.items.get("case", 0))))
    lines.append(_row("tasks retained", results, lambda r: _n(r.items.get("task", 0))))
    lines.append(_row("average case item (bytes)", results, lambda r: _n(r.case_item_bytes)))
    lines.append(_row("bench run time (s, this machine)", results, lambda r: f"{r.seconds:.0f}"))

    lines += ["", "## Request paths at the end of the year"]
    for name in results[0].paths:
        lines += _path_rows(name, results)

    lines += ["", "## Follow-up schedule, the year's 365 daily runs"]
    lines.append(_row("calls per run, mean", results,
                      lambda r: f"{sum(t.dynamodb_calls for _, t in r.followup_runs) / len(r.followup_runs):.1f}"))
    lines.append(_row("calls in the busiest run", results,
                      lambda r: _n(max(t.dynamodb_calls for _, t in r.followup_runs))))
    lines.append(_row("read units in the busiest run", results,
                      lambda r: _n(max(t.read_units for _, t in r.followup_runs))))
    lines.append(_row("modelled latency of the busiest run (ms)", results,
                      lambda r: _n(max(t.latency_ms for _, t in r.followup_runs))))

    lines += ["", "## Write units per signal over a case's life (the year's units / signals received)"]
    for phase in PHASES:
        lines.append(_row(phase, results, _per_signal(_phase_units(phase))))
    lines.append(_row("total", results, lambda r: f"{_year_tally(r).write_units / r.signals:.2f}"))
    lines.append(_row("    of which GSI copies", results, lambda r: (
        f"{100 * sum(_year_tally(r).index_write_units.values()) / max(_year_tally(r).write_units, 1):.0f} %")))
    lines.append(_row("    of which transactions' doubling", results, lambda r: (
        f"{100 * _year_tally(r).transaction_doubling / max(_year_tally(r).write_units, 1):.0f} %")))
    lines.append(_row("    the same writes without transactions", results, lambda r: (
        f"{(_year_tally(r).write_units - _year_tally(r).transaction_doubling) / r.signals:.2f}")))
    lines.append(_row("      and with every item under 1 KB", results, lambda r: (
        f"{_year_tally(r).item_writes / r.signals:.2f}")))
    for index in sorted({i for r in results for i in _year_tally(r).index_write_units}):
        lines.append(_row(f"    {index}", results,
                          _per_signal(_index_units(index))))
    lines.append(_row("  items and index entries written, by item", results, lambda r: ""))
    written = Counter[str]()
    for r in results:
        written.update(_year_tally(r).item_writes_by)
    for label, _ in written.most_common():
        lines.append(_row(f"    {label}", results, _per_signal(lambda r, label=label: _year_tally(r).item_writes_by[label])))
    lines.append(_row("  by call and item (table + index copies)", results, lambda r: ""))
    ranked = Counter[str]()
    for r in results:
        ranked.update(_year_tally(r).write_units_by)
    for label, _ in ranked.most_common(12):
        lines.append(_row(f"    {label}", results, _per_signal(lambda r, label=label: _year_tally(r).write_units_by[label])))
    lines.append(_row("read units per signal (same paths)", results,
                      lambda r: f"{_year_tally(r).read_units / r.signals:.2f}"))
    lines.append(_row("DynamoDB calls per signal (same paths)", results,
                      lambda r: f"{_year_tally(r).dynamodb_calls / r.signals:.2f}"))

    lines += ["", "## DynamoDB request cost per million signals (pipeline and consultants' actions; "
              "the list views above are per request, not in it)", f"prices: {PRICE_SOURCE}"]
    for label, (write_price, read_price) in PRICES.items():
        lines.append(_row(label, results, _cost(write_price, read_price)))
    lines.append(_row("    the same writes at the floor, after the cut", results, _cost(*CURRENT_PRICES, floor=True)))
    errors = {k for r in results for k in r.errors}
    if errors:
        lines += ["", "## Consultants' actions refused (closed or expired meanwhile: what a consultant would see)"]
        for key in sorted(errors):
            lines.append(_row(key, results, _error_count(key)))
    return "\n".join(lines)
