"""The follow-ups of a 200 000-signal burst (issue 13): how long until every step that
fell due is queued, with W parallel workers, and what one worker holds in memory.

Measured, with the real worker (services.actions.FollowUpWorker) and adapters over
bench.scale.store: cases made by the real pipeline (intake, classification, the
letter carried out; default criteria: a phone call 14 days after the letter), cloned
into one municipality's due partitions, then full pages of them followed up: per
page the DynamoDB calls, read and write units, SQS calls and the latency model's
time (bench.scale.meter); an empty partition's page likewise; the tasks function's
work per phone-call step; tracemalloc's peak of one page in a partition of one page
and of LARGE_PAGES pages (flat: a worker holds one page, whatever is due).

Modelled: the burst's 200 000 cases in one municipality, spread over its 16 shard
partitions (chains of pages: a page's next page is queued when it is done and
reaches a worker SQS_HOP_MS later), and every other municipality's 16 partitions
with nothing due, put on the queue by the run 10 a call, first in, first out;
W workers take the next message as they free up, each message one SQS call more
(its share of the event source's receive and delete). The run starts when the steps
fall due (the schedule runs on the hour; due dates begin at midnight, Amsterdam).
"""
from __future__ import annotations

import copy
import heapq
import json
import random
import time
import tracemalloc
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from . import shapes
from .meter import MB, OTHER_CALL_MS, Tally
from .services import FOLLOWUPS_QUEUE_URL, TASKS_QUEUE_URL

BURST = 200_000
MUNICIPALITIES = 342  # the Netherlands' municipalities (2025)
WORKERS = (1, 4, 20, 100)  # 20: the template's MaximumConcurrency of the worker's event source
ACTION_WORKERS = 100  # the tasks function's concurrent invocations (its event source sets no maximum)
SQS_HOP_MS = 100.0  # a message sent until a worker has it: SQS and the event source's long poll
SEED_HOUSEHOLDS = 30
LARGE_PAGES = 20
PAGE = 100  # adapters/cases.py DUE_PAGE
DUE_AFTER_DAYS = 14  # the default criteria's phone call after the letter
HOUR_S = 3600.0


@dataclass
class BurstResult:
    page: Tally  # the pages' sum
    pages: int
    cases: int  # due cases on those pages
    steps: int  # steps they queued
    empty_page: Tally
    action_steps: Tally  # the tasks function on the pages' steps
    actions: int
    peak_one_page: int  # tracemalloc, a partition of one page
    peak_large: int  # tracemalloc, the first page of a partition of LARGE_PAGES pages
    seconds: float
    modelled: dict[int, tuple[float, float]] = field(default_factory=dict)  # W -> (burst done, others done), s

    @property
    def page_ms(self) -> float:
        return self.page.latency_ms / self.pages

    @property
    def action_step_ms(self) -> float:
        return self.action_steps.latency_ms / max(self.actions, 1)


def model(page_ms: float, empty_ms: float, workers: int, *, burst: int = BURST,
          municipalities: int = MUNICIPALITIES, shards: int = 16) -> tuple[float, float]:
    """(seconds until the burst's last step is queued, seconds until every other
    municipality's partitions are done) with `workers` taking messages first in, first out."""
    pages_per_shard = -(-burst // (shards * PAGE))
    first_wave = [(pages_per_shard, True)] * shards + [(1, False)] * (shards * (municipalities - 1))
    # The schedule sends the first wave 10 a call, the burst first (the worst for the others).
    queue: deque[tuple[float, int, bool]] = deque(  # (ready at ms, pages left, part of the burst)
        ((n // 10 + 1) * OTHER_CALL_MS, left, in_burst) for n, (left, in_burst) in enumerate(first_wave))
    free = [0.0] * workers
    burst_done = others_done = 0.0
    while queue:
        ready, left, in_burst = queue.popleft()
        start = max(heapq.heappop(free), ready)
        end = start + (page_ms if in_burst else empty_ms) + OTHER_CALL_MS  # + its receive and delete
        heapq.heappush(free, end)
        if in_burst:
            burst_done = max(burst_done, end)
            if left > 1:
                queue.append((end + SQS_HOP_MS, left - 1, True))
        else:
            others_done = max(others_done, end)
    return burst_done / 1000, others_done / 1000


def _seed_cases(year: Any, sim: Any) -> list[dict[str, Any]]:
    """Cases made by the pipeline: one signal per household, its letter carried out."""
    from vroegsignaal.adapters import table
    from vroegsignaal.adapters.cases import case_from_item
    from vroegsignaal.domain import paths

    from .year import Signal, signal_body

    rng = random.Random(BURST)
    for household in range(SEED_HOUSEHOLDS):
        year.intake.receive(signal_body(Signal(0, household, 0, 0), sim.today(), rng), year.partners[0])
    year._drain()
    cases = [case_from_item(table.from_attrs(item)) for item in shapes.case_items(year.services.dynamodb)]
    waiting = [c for c in cases if any(s.status == "pending" and s.action == "phone_call" and s.due
                                       for s in paths.steps_of(c))]
    if not waiting:
        raise RuntimeError("no seed case waits for a phone call: the default criteria changed")
    return waiting


def _clone_into(seeds: list[dict[str, Any]], code: str, sizes: dict[int, int]) -> None:
    """sizes: shard -> how many cloned cases its partition holds."""
    from vroegsignaal.adapters import keys, table
    from vroegsignaal.adapters.cases import case_item

    left, n = dict(sizes), 0
    while any(left.values()):
        n += 1
        case_id = f"case-burst-{n:08d}"
        shard = keys.due_shard(case_id)
        if not left.get(shard):
            continue
        left[shard] -= 1
        case = {k: copy.deepcopy(v) for k, v in seeds[n % len(seeds)].items() if not k.startswith("_")}
        case.update(case_id=case_id, household=f"burst-household-{n:08d}", municipality_code=code)
        table.put(case_item(case))


def run_burst() -> BurstResult:
    from .year import MUNICIPALITY, Year, simulated_services

    with simulated_services() as (meter, services, sim):
        started = time.perf_counter()
        year = Year(SEED_HOUSEHOLDS, meter, services, sim)
        with meter.paused():
            seeds = _seed_cases(year, sim)
            _clone_into(seeds, MUNICIPALITY, {0: PAGE * LARGE_PAGES, 1: PAGE})
        sim.advance(DUE_AFTER_DAYS)
        return _measure(year, services, sim, MUNICIPALITY, started)


def _measure(year: Any, services: Any, sim: Any, code: str, started: float) -> BurstResult:
    from vroegsignaal import clock

    meter, worker, work_queue = year.meter, year.followup_worker, services.sqs.queues[FOLLOWUPS_QUEUE_URL]

    def work(shard: int, municipality: str = code) -> dict[str, Any]:
        return {"municipality_code": municipality, "shard": shard, "until": sim.today().isoformat(),
                "run_at": clock.iso(sim.now()), "cursor": None}

    def peak_of(call: Callable[[], Any]) -> tuple[Any, int]:
        tracemalloc.start()
        try:
            return call(), tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    page, done = Tally(), Counter[str]()
    with meter.counting(page):
        counts, peak_one_page = peak_of(lambda: worker.run(work(1)))
        done.update(counts)
        work_queue.clear()  # (a partition of exactly one page ends with an empty page)
        counts, peak_large = peak_of(lambda: worker.run(work(0)))
        done.update(counts)
        while work_queue:  # the partition's chain of pages
            done.update(worker.run(json.loads(work_queue.popleft())))
    with meter.measure() as empty:
        worker.run(work(0, "GM9999"))  # a municipality with nothing due
    action_steps, actions = Tally(), 0
    with meter.counting(action_steps):
        for message in list(services.sqs.queues[TASKS_QUEUE_URL])[:PAGE]:
            year.runner.run(json.loads(message))
            actions += 1
    result = BurstResult(page=page, pages=done["pages"], cases=done["cases"], steps=done["queued"], empty_page=empty, action_steps=action_steps,
                         actions=actions, peak_one_page=peak_one_page, peak_large=peak_large,
                         seconds=time.perf_counter() - started)
    full_page_ms = result.page_ms * PAGE * result.pages / max(result.cases, 1)  # a page of PAGE due cases
    for workers in WORKERS:
        result.modelled[workers] = model(full_page_ms, empty.latency_ms, workers)
    return result


def _row(label: str, value: str) -> str:
    return f"{label:64}{value:>16}"


def render(result: BurstResult) -> str:
    per_page = result.pages
    page = result.page
    lines = [f"## Follow-ups of a {BURST:,}-signal burst in one municipality (bench/scale/burst.py)".replace(",", " "),
             f"measured: the worker on {result.pages} pages of due cases cloned from the pipeline's; modelled: "
             f"{BURST} due steps over the municipality's 16 partitions, {MUNICIPALITIES - 1} other municipalities' "
             f"16 partitions with nothing due, queued by the run 10 a call, first in, first out; a next page "
             f"reaches a worker {SQS_HOP_MS:g} ms after it is sent; each message one SQS call more",
             "before issue 13 (issue 13's table): one invocation reads every due case of the country: 120 s "
             "timeout at ~4 700 cases, out of memory at ~30 000",
             _row("a page: due cases / steps queued", f"{result.cases / per_page:.0f} / {result.steps / per_page:.0f}"),
             _row("a page: DynamoDB calls", f"{page.dynamodb_calls / per_page:.1f}"),
             _row("a page: read units", f"{page.read_units / per_page:.1f}"),
             _row("a page: write units", f"{page.write_units / per_page:.0f}"),
             _row("a page: SQS calls (steps 10 a call, the next page)", f"{sum(page.other_calls.values()) / per_page:.1f}"),
             _row("a page: modelled latency (ms)", f"{result.page_ms:.0f}"),
             _row("an empty partition's page: modelled latency (ms)", f"{result.empty_page.latency_ms:.0f}"),
             _row("peak memory of a page, partition of 1 page (tracemalloc, MB)", f"{result.peak_one_page / MB:.2f}"),
             _row(f"peak memory of a page, partition of {LARGE_PAGES} pages (MB)", f"{result.peak_large / MB:.2f}")]
    for workers, (burst_s, others_s) in result.modelled.items():
        lines.append(_row(f"W = {workers:>3} workers: every burst step queued after (min)", f"{burst_s / 60:.1f}"))
        lines.append(_row(f"W = {workers:>3} workers: every other municipality done after (min)", f"{others_s / 60:.1f}"))
    action_s = BURST * result.action_step_ms / 1000 / ACTION_WORKERS
    lines += [_row("the tasks function per phone-call step: modelled latency (ms)", f"{result.action_step_ms:.0f}"),
              _row(f"the burst's tasks made by {ACTION_WORKERS} concurrent tasks functions (min)", f"{action_s / 60:.1f}"),
              _row("write units of the burst's follow-ups (all pages)", f"{page.write_units / per_page * BURST / PAGE:,.0f}"
                   .replace(",", " ")),
              _row("within one hour of falling due (W = 20, queued and tasks made)",
                   "yes" if result.modelled[20][0] + action_s <= HOUR_S else "NO"),
              _row("bench seconds (this machine)", f"{result.seconds:.0f}")]
    return "\n".join(lines)


def main() -> None:
    from bench.common import use_paths

    use_paths()
    print(render(run_burst()))


if __name__ == "__main__":
    main()

