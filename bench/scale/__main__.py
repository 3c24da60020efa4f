"""make bench-scale: `python -m bench.scale [N ...]` (default 1000 10000 50000).

A size is skipped, and the output says so, when the run before it predicts
(its time per household, times 1.3) that the whole run would not finish within
BENCH_SCALE_BUDGET seconds (600).
"""
from __future__ import annotations

import os
import sys
import time

from bench.common import use_paths

SUPERLINEAR = 1.3  # a bigger table costs a little more per signal (longer index lists, a bigger heap)


def main(argv: list[str]) -> None:
    use_paths()
    from bench.scale.burst import render as render_burst
    from bench.scale.burst import run_burst
    from bench.scale.report import render
    from bench.scale.today import beside_today
    from bench.scale.year import YearResult, run_year

    sizes = [int(a) for a in argv] or [1000, 10000, 50000]
    budget = float(os.environ.get("BENCH_SCALE_BUDGET", "600"))
    started = time.perf_counter()
    results: list[YearResult] = []
    skipped: list[str] = []
    for households in sizes:
        spent = time.perf_counter() - started
        if results:
            last = results[-1]
            predicted = SUPERLINEAR * last.seconds * households / last.households
            if spent + predicted > budget:
                skipped.append(f"N = {households} skipped: predicted {predicted:.0f} s, {budget - spent:.0f} s "
                               "left of BENCH_SCALE_BUDGET")
                continue
        print(f"... N = {households}", file=sys.stderr, flush=True)
        results.append(run_year(households))
    print("each figure: this run [today's, before issue 13: bench/scale/today.txt] {main before the write-unit "
          "work, in the write-unit and cost sections: bench/scale/before_wcu.txt}")
    print(beside_today(render(results)))
    print()
    print(render_burst(run_burst()))  # one size: the burst is 200 000 signals in one municipality
    for line in skipped:
        print(line)


if __name__ == "__main__":
    main(sys.argv[1:])
