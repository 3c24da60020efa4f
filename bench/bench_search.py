"""Search (GET /municipalities/{code}/cases) at 1 000 and 50 000 cases, in the same store.

The real adapters and service (services/search.py, adapters/search_index.py, the kenmerk
claims) over bench.scale's in-process DynamoDB, which keeps DynamoDB's pages and units
and the indexes template.yaml declares (gsi5 with its INCLUDE projection). Cases are
written the way classification writes them (DynamoCaseStore.store_classified, so the
followers write the search entries). The store is filled to 1 000 cases, searched,
filled on to 50 000 and searched again: the figures side by side show that a search
costs what it finds, not how many cases there are ("found": the cases of the first
page; a 4-letter prefix matches more cases in a bigger municipality). Latency is the meter's model
(stated below); "wall ms" is this process's time, the in-process store's own Python
included (its index lists are Python lists, not DynamoDB's B-trees): compare the model.

    python -m bench.bench_search [SMALL LARGE]
"""
from __future__ import annotations

import random
import statistics
import sys
import time
from datetime import UTC, date, datetime
from typing import Any

SMALL, LARGE = 1_000, 50_000
SEARCHES = 60  # of each kind, per size
SURNAMES = ("Jansen", "de Vries", "van den Berg", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder",
            "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker", "Brouwer", "de Wit", "Dijkstra",
            "Çelik", "Yılmaz", "El Amrani", "Öztürk", "Kaya", "Nguyen", "Sánchez", "Müller", "Kowalski")


def _signal_body(n: int) -> dict[str, Any]:
    surname = SURNAMES[n % len(SURNAMES)] + ("" if n < len(SURNAMES) else f"-{n % 997}")
    return {"reference": f"BENCH-{n:07d}", "municipality_code": "GM0632", "signal_date": "2026-11-20",
            "arrears_since": "2026-09-01", "amount": f"{100 + n % 900}.00", "crisis": False,
            "debtor": {"initials": "A.", "last_name": surname, "date_of_birth": "1970-01-01",
                       "address": {"street": "Rijnstraat", "house_number": 1 + n % 500,
                                   "postcode": f"{1000 + (n // 500) % 9000}AB", "city": "Woerden"}}}


class Filler:
    """Writes cases as classification does, one household each."""

    def __init__(self) -> None:
        from vroegsignaal.adapters.cases import DynamoCaseStore
        from vroegsignaal.domain.active_criteria import default_active
        self.store = DynamoCaseStore()
        self.active = default_active()
        self.made = 0
        self.cases: list[dict[str, str]] = []

    def fill_to(self, count: int) -> None:
        from vroegsignaal.domain.classification import classify_signal
        from vroegsignaal.domain.household import Household
        from vroegsignaal.domain.signal import validate_signal
        from vroegsignaal.services.intake import signal_item
        partner = {"partner_id": "energie-noord", "partner_type": "energy"}
        received = datetime(2026, 11, 20, 9, tzinfo=UTC)
        while self.made < count:
            body = _signal_body(self.made)
            signal = validate_signal(body, partner_type="energy", today=date(2026, 11, 30),
                                     is_known_municipality=lambda code: True)
            item = signal_item(signal, partner=partner, received_at=received)
            household = Household.of(item["signal"]).key("bench-search")
            result = classify_signal(item, household, [], self.active, received)
            self.store.store_classified(item, result, opened_seen=0)
            address = body["debtor"]["address"]
            self.cases.append({"kenmerk": str(result.case["kenmerk"]), "postcode": address["postcode"],
                               "house_number": str(address["house_number"]),
                               "name": body["debtor"]["last_name"]})
            self.made += 1


def measure(meter: Any, filler: Filler, rng: random.Random) -> dict[str, dict[str, float]]:
    from vroegsignaal.adapters.search_index import SearchIndex
    from vroegsignaal.adapters.workspace_cases import WorkspaceCaseStore
    from vroegsignaal.services.search import CaseSearch
    search = CaseSearch(index=SearchIndex(), cases=WorkspaceCaseStore())
    kinds = {
        "kenmerk": lambda case: {"kenmerk": case["kenmerk"]},
        "postcode + huisnummer": lambda case: {"postcode": case["postcode"], "house_number": case["house_number"]},
        "achternaam (hele naam)": lambda case: {"name": case["name"], "limit": "50"},
        # A short prefix finds more cases in a bigger municipality (every "Jans…"): what it
        # costs grows with what it finds (at most 1000 entries read), never with the rest.
        "achternaam (4 letters)": lambda case: {"name": case["name"][:4], "limit": "50"},
    }
    figures: dict[str, dict[str, float]] = {}
    for kind, query_of in kinds.items():
        walls, modelled, calls, units, found = [], [], [], [], []
        for case in rng.sample(filler.cases, SEARCHES):
            with meter.measure() as tally:
                started = time.perf_counter()
                answer = search.search("GM0632", query_of(case))
                walls.append((time.perf_counter() - started) * 1000)
            modelled.append(tally.latency_ms)
            calls.append(tally.dynamodb_calls)
            units.append(tally.read_units)
            found.append(len(answer["cases"]))
        figures[kind] = {"modelled_ms": statistics.median(modelled), "wall_ms": statistics.median(walls),
                         "calls": statistics.median(calls), "read_units": statistics.median(units),
                         "found": statistics.median(found)}
    return figures


def main(argv: list[str] | None = None) -> int:
    from bench.common import heading, use_paths
    use_paths()
    heading("Search by kenmerk, address and last name (GET …/cases)")
    from bench.scale.meter import LATENCY_MODEL, Meter
    from bench.scale.services import install
    sizes = [int(a) for a in (argv or [])] or [SMALL, LARGE]
    meter = Meter()
    _services, uninstall = install(meter)
    rng = random.Random(7)
    try:
        filler = Filler()
        results = {}
        for size in sizes:
            started = time.perf_counter()
            with meter.paused():
                filler.fill_to(size)
            print(f"search bench: {size} cases written in {time.perf_counter() - started:.0f} s", flush=True)
            results[size] = measure(meter, filler, rng)
    finally:
        uninstall()
    print(f"search latency, the same store at {' and '.join(f'{s:,}' for s in sizes)} cases "
          f"(median of {SEARCHES} searches each; {LATENCY_MODEL}):")
    header = "  kind                      " + "".join(f"| {s:>7,} cases: model ms  wall ms  calls  RCU  found " for s in sizes)
    print(header)
    for kind in results[sizes[0]]:
        row = f"  {kind:<26}"
        for size in sizes:
            f = results[size][kind]
            row += (f"| {f['modelled_ms']:>19.1f} {f['wall_ms']:>8.1f} {f['calls']:>6.0f} {f['read_units']:>4.1f}"
                    f" {f['found']:>6.0f} ")
        print(row)
    if len(sizes) == 2:
        ratios = [results[sizes[1]][k]["modelled_ms"] / results[sizes[0]][k]["modelled_ms"] for k in results[sizes[0]]]
        print(f"  modelled latency at {sizes[1]:,} / at {sizes[0]:,}: "
              + ", ".join(f"{k} ×{r:.2f}" for k, r in zip(results[sizes[0]], ratios, strict=True)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
