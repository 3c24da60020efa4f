"""A year of one municipality with N households, through the real services and
adapters: partners' signals through the intake, the stream into classification,
the queues into the step runner (letters and tasks), the daily follow-up
schedule, and consultants who assign and finish tasks, register contact
attempts, close cases and now and then move one by hand. At the end of the year
the request paths are measured one by one.

The mix (seeded, so every run is the same): every household sends a first
signal on a day of the year; a quarter get a second partner's signal within 25
days (one case, several partners), one in twenty a third; one in sixteen comes
back 60-150 days later (a new case, `repeat`); 2 % crisis, 3 % supply ending
(energy and water), 15 % above the high amount. Consultants (one per 1 250
households, at least four) assign nine in ten tasks the next day, finish four
in five of those 2-12 days later with a contact attempt (reached three times in
five), close three in four of those cases up to two weeks later, and move 2 %
of new cases by hand.

PDFs are not rendered (fpdf2 is S3's and the letters function's cost, not
DynamoDB's): the letter text is, the PDF is a few bytes.
"""
from __future__ import annotations

import gc
import json
import random
import time
import tracemalloc
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from . import shapes
from .codec import faster_boto3_types
from .meter import Meter, Tally
from .services import FOLLOWUPS_QUEUE_URL, HOUSEHOLD_SECRET, LETTERS_QUEUE_URL, TASKS_QUEUE_URL, Services, install

MUNICIPALITY = "GM0632"
PARTNERS = (("energie-noord", "energy", 35), ("woonstede", "housing", 30), ("vitens", "water", 20),
            ("zorg-zeker", "health_insurance", 15))
DAYS = 365
YEAR_START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
PREVIEW_DAYS = 90
CATCH_UP_DAYS = 14
TTL_SWEEP_DAYS = 7  # DynamoDB deletes expired items within days, not at the second
PHASES = ("intake", "classification", "steps", "follow-ups", "consultants", "retention")
WORKLOAD = ("workload: every household a first signal on a day of the year, 1 in 4 a second partner within 25 days, "
            "1 in 20 a third, 1 in 16 a new case 60-150 days later; 2 % crisis, 3 % supply ending, 15 % high amount; "
            "one consultant per 1 250 households (at least 4) assigns 9 in 10 tasks the next day, finishes 4 in 5 with "
            "a contact attempt, closes 3 in 4 of those cases; 2 % of cases moved by hand; default criteria; PDFs not "
            "rendered")
SURNAMES = ("Jansen", "de Vries", "van den Berg", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder",
            "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker", "Brouwer", "de Wit")
OUTCOMES = ("(Budget)advies en/of quick fix", "Vervolghulp en/of verwijzing financieel",
            "Inwoner heeft zelf al betaald/betalingsregeling getroffen", "Geen reactie na eerder contact")


class SimulatedClock:
    """The year's time: 09:00 UTC on each day, one millisecond further at every
    reading, so a run is the same whatever the machine's speed (the services read
    vroegsignaal.clock, or are given this clock's now and today); new ids likewise."""

    def __init__(self, start: datetime):
        self.start = start
        self.moment = start
        self.issued = 0

    def now(self) -> datetime:
        self.moment += timedelta(milliseconds=1)
        return self.moment

    def today(self) -> date:
        from vroegsignaal import clock

        return clock.local_date(self.moment)

    def advance(self, days: int) -> None:
        day = (self.moment - self.start).days + days
        self.moment = self.start + timedelta(days=day)

    def epoch(self) -> int:
        return int(self.moment.timestamp())

    def new_id(self, prefix: str) -> str:
        """ids.new_id's shape (time-ordered), from this clock and a counter instead of
        the wall clock and random bytes."""
        self.issued += 1
        return f"{prefix}-{int(self.moment.timestamp() * 1000):012x}{self.issued:012x}"


@dataclass
class Signal:
    day: int
    household: int
    partner: int
    serial: int


@dataclass
class Measured:
    """One request path at the end of the year."""
    tally: Tally
    seconds: float
    peak_bytes: int = 0
    note: str = ""


@dataclass
class YearResult:
    households: int
    signals: int
    cases: int
    phases: dict[str, Tally]
    followup_runs: list[tuple[int, Tally]]
    paths: dict[str, Measured] = field(default_factory=dict)
    items: Counter[str] = field(default_factory=Counter)
    case_item_bytes: float = 0.0
    seconds: float = 0.0
    errors: Counter[str] = field(default_factory=Counter)


def plan_signals(households: int, seed: int = 13) -> list[Signal]:
    rng = random.Random(seed)
    weights = [w for _, _, w in PARTNERS]
    signals: list[Signal] = []
    for household in range(households):
        first = rng.randrange(DAYS)
        partner = rng.choices(range(len(PARTNERS)), weights)[0]
        signals.append(Signal(first, household, partner, 0))
        extra = 2 if rng.random() < 0.05 else 1 if rng.random() < 0.25 else 0
        others = [p for p in range(len(PARTNERS)) if p != partner]
        for n in range(extra):
            day = first + rng.randint(1, 25)
            if day < DAYS:
                signals.append(Signal(day, household, others[n], n + 1))
        if rng.random() < 1 / 16:
            day = first + rng.randint(60, 150)
            if day < DAYS:
                signals.append(Signal(day, household, partner, 9))
    signals.sort(key=lambda s: (s.day, s.household, s.serial))
    return signals


def signal_body(signal: Signal, today: date, rng: random.Random) -> dict[str, Any]:
    h = signal.household
    partner_type = PARTNERS[signal.partner][1]
    amount = rng.randint(1000, 4000) if rng.random() < 0.15 else rng.randint(60, 950)
    debtor: dict[str, Any] = {
        "initials": "ABCDEFGHJKLMNPRSTW"[h % 18] + ".", "last_name": SURNAMES[h % len(SURNAMES)],
        "date_of_birth": f"{1950 + h % 50}-{1 + h % 12:02d}-{1 + h % 28:02d}",
        "address": {"street": "Rijnstraat", "house_number": 1 + h % 400,
                    "postcode": f"{1000 + (h // 400) % 9000} {'ABCDEFGHJKLMNPRSTVWXZ'[h % 21]}A",
                    "city": "Woerden"}}
    if h % 10 < 7:
        debtor["phone"] = f"+316{10000000 + h % 89999999}"
    if h % 2 == 0:
        debtor["email"] = f"bewoner{h}@example.nl"
    if h % 5 == 0 and signal.serial:  # a second person of the household signals
        debtor["initials"], debtor["last_name"] = "M.", SURNAMES[(h + 7) % len(SURNAMES)]
    return {
        "reference": f"{PARTNERS[signal.partner][0][:2].upper()}-{h:07d}-{signal.serial}",
        "municipality_code": MUNICIPALITY,
        "signal_date": (today - timedelta(days=rng.randint(0, 2))).isoformat(),
        "arrears_since": (today - timedelta(days=rng.randint(35, 120))).isoformat(),
        "amount": f"{amount}.{rng.randint(0, 99):02d}",
        "customer_number": f"{880000000 + h}",
        "crisis": rng.random() < 0.02,
        "warm_transfer": rng.random() < 0.05,
        "supply_ending": partner_type in ("energy", "water") and rng.random() < 0.03,
        "debtor": debtor,
    }


class Year:
    """The system of one municipality on the bench's services, and the year's events."""

    def __init__(self, households: int, meter: Meter, services: Services, sim: SimulatedClock):
        from vroegsignaal.adapters import letters, mail, queues, registry, tasks
        from vroegsignaal.adapters.cases import DynamoCaseStore
        from vroegsignaal.adapters.criteria_store import ActiveCriteriaCache, CriteriaRepository
        from vroegsignaal.adapters.monthly_counters import MonthlyCounters
        from vroegsignaal.adapters.preview_jobs import DynamoPreviewJobs
        from vroegsignaal.adapters.signals import DynamoSignalStore
        from vroegsignaal.adapters.task_lists import TaskListStore
        from vroegsignaal.adapters.workspace_cases import WorkspaceCaseStore
        from vroegsignaal.services.actions import FollowUpWorker, StepRunner, schedule_followups
        from vroegsignaal.services.casework import Casework
        from vroegsignaal.services.classify_stream import SignalClassifier
        from vroegsignaal.services.criteria_admin import CriteriaAdmin
        from vroegsignaal.services.intake import Intake
        from vroegsignaal.services.views import Views

        self.households = households
        self.sim = sim
        self.meter = meter
        self.services = services
        self.rng = random.Random(households)
        self.consultants = [f"consultant-{i:02d}" for i in range(max(4, households // 1250))]
        case_store, task_store, criteria = WorkspaceCaseStore(), TaskListStore(), CriteriaRepository()  # as the municipality function
        views: Any = Views  # the services' constructors are not typed (yet)
        self.views = views(cases=case_store, tasks=task_store, criteria=criteria, letters=letters)
        self.casework = Casework(cases=case_store, tasks=task_store, criteria=criteria, send_steps=queues.send_steps,
                                 now=sim.now, today=sim.today)
        # The preview: answered at once (the request figure) and as the worker's job, both
        # the municipality function's wiring; the job's queue is a list here.
        self.preview_queue: list[str] = []
        self.admin = CriteriaAdmin(repository=criteria, cases=case_store, jobs=DynamoPreviewJobs(),
                                   queue_job=lambda code, job_id: self.preview_queue.append(job_id),
                                   counters=MonthlyCounters(), now=sim.now)
        self.intake = Intake(DynamoSignalStore(lambda: HOUSEHOLD_SECRET),
                             is_known_municipality=registry.is_known_municipality, now=sim.now, today=sim.today)
        self.classifier = SignalClassifier(DynamoCaseStore(), ActiveCriteriaCache().get, queues.send_steps,
                                           lambda: HOUSEHOLD_SECRET)
        self.runner = StepRunner(cases=DynamoCaseStore(), tasks=tasks, letter_store=letters.LetterStore(),
                                 municipality=registry.municipality, send_email=self._send_email(mail), now=sim.now)
        self.followup_store = DynamoCaseStore()
        self.schedule_followups = schedule_followups
        self.followup_worker = FollowUpWorker(cases=self.followup_store, send_case_steps=queues.send_case_steps,
                                              send_work=queues.send_followup_work)
        self.send_followup_work = queues.send_followup_work
        self.partners = [{"kind": "partner", "partner_id": p, "partner_type": t} for p, t, _ in PARTNERS]
        self.agenda: dict[int, list[tuple[str, tuple[Any, ...]]]] = defaultdict(list)
        self.phases = {name: Tally() for name in PHASES}
        self.errors: Counter[str] = Counter()
        self.day = 0
        self.opened = 0
        with meter.paused():
            for partner_id, partner_type, _ in PARTNERS:
                registry.register_partner(partner_id, partner_type, partner_id)
            registry.register_municipality(MUNICIPALITY, "Woerden", contact={
                "team": "Team Vroegsignalering", "phone": "0348 428 911", "email": "vroegsignalering@example.nl",
                "address": "Postbus 45, 3440 AA Woerden"})

    @staticmethod
    def _send_email(mail: Any) -> Callable[..., None]:
        def send(**message: Any) -> None:
            mail.send_email(**message)
        return send

    # ---- the pipeline

    def _drain(self) -> None:
        """The stream (classification of new signals) and the queues (steps), until quiet."""
        from vroegsignaal.adapters import table

        dynamodb, queues = self.services.dynamodb, self.services.sqs.queues
        for _ in range(100):
            images, dynamodb.stream = dynamodb.stream, []
            messages = [m for url in (LETTERS_QUEUE_URL, TASKS_QUEUE_URL) for m in queues.pop(url, [])]
            if not images and not messages:
                return
            for image in images:
                if shapes.is_signal(image):
                    with self.meter.counting(self.phases["classification"]):
                        self.classifier.handle(table.from_attrs(image))
                elif (task := shapes.new_task(image)) is not None:
                    self._plan_task(*task)
                elif (case_id := shapes.new_case(image)) is not None:
                    self.opened += 1
                    if self.rng.random() < 0.02:
                        self.agenda[self.day + 3].append(("move", (case_id,)))
            with self.meter.counting(self.phases["steps"]):
                for message in messages:
                    self.runner.run(json.loads(message))
        raise RuntimeError("the pipeline did not become quiet")

    def _plan_task(self, task_id: str, case_id: str, task_type: str) -> None:
        rng = self.rng
        if rng.random() >= 0.9:
            return  # nobody picks it up: it waits
        assign_day = self.day + 1
        self.agenda[assign_day].append(("assign", (task_id, rng.choice(self.consultants))))
        if rng.random() < 0.8:
            done_day = assign_day + rng.randint(2, 12)
            self.agenda[done_day].append(("finish", (task_id, case_id, task_type, rng.random() < 0.6)))
            if rng.random() < 0.75:
                self.agenda[done_day + rng.randint(0, 14)].append(("close", (case_id,)))

    def _consult(self, what: str, args: tuple[Any, ...]) -> None:
        from vroegsignaal.domain.errors import Conflict, NotFound, ValidationFailed

        code = MUNICIPALITY
        try:
            if what == "assign":
                self.casework.update_task(code, args[0], {"assignee": args[1]})
            elif what == "finish":
                task_id, case_id, task_type, reached = args
                self.casework.add_contact_attempt(code, case_id, {
                    "type": "Huisbezoek" if task_type == "home_visit" else "Telefoon", "reached": reached})
                self.casework.update_task(code, task_id, {"status": "done"})
            elif what == "close":
                self.casework.close(code, args[0], {"outcome": self.rng.choice(OUTCOMES)})
            elif what == "move":
                self.casework.move(code, args[0], {"basket_id": "meervoudig", "reason": "bekend bij de wijkcoach"})
        except (Conflict, NotFound, ValidationFailed) as error:  # closed meanwhile, expired: what a consultant sees
            self.errors[f"{what}: {type(error).__name__}"] += 1

    def live(self, signals: list[Signal]) -> tuple[list[tuple[int, Tally]], int]:
        """The year, day by day; returns each day's follow-up run and the signals received."""
        from vroegsignaal.services.intake import ResultKind

        by_day: dict[int, list[Signal]] = defaultdict(list)
        for signal in signals:
            by_day[signal.day].append(signal)
        runs, received = [], 0
        for day in range(DAYS):
            self.day = day
            today = self.sim.today()
            with self.meter.counting(self.phases["intake"]):
                for signal in by_day.get(day, []):
                    outcome = self.intake.receive(signal_body(signal, today, self.rng), self.partners[signal.partner])
                    received += outcome.kind is ResultKind.RECEIVED
            self._drain()
            with self.meter.counting(self.phases["consultants"]):
                for what, args in self.agenda.pop(day, []):
                    self._consult(what, args)
            self._drain()
            self.sim.advance(1)
            gc.collect(1)  # the young generations only: see run_year
            if day % TTL_SWEEP_DAYS == TTL_SWEEP_DAYS - 1:
                self.services.dynamodb.expire(self.sim.epoch())
                self._retention()
            runs.append((day, self.followups()))
        return runs, received

    def _retention(self) -> None:
        """The retention function's part that counts: an open case removed by TTL leaves
        its basket's counters (adapters/basket_counters.py)."""
        from vroegsignaal.adapters import basket_counters, table

        removed, self.services.dynamodb.removed = self.services.dynamodb.removed, []
        with self.meter.counting(self.phases["retention"]):
            for image in removed:
                if shapes.new_case(image) is not None:
                    basket_counters.count_removal(table.from_attrs(image))

    def followups(self) -> Tally:
        """The schedule's daily run, then the steps it queued."""
        with self.meter.measure() as run, self.meter.counting(self.phases["follow-ups"]):
            self.run_followups()
        self._drain()
        return run

    def run_followups(self) -> dict[str, int]:
        """The schedule's run (the municipality's partitions and the country's of before
        issue 13), then every page of work it fanned out, one after another: one worker."""
        from vroegsignaal.adapters import registry

        partitions = self.followup_store.due_partitions(registry.municipality_codes())
        self.schedule_followups(partitions, self.send_followup_work, self.sim.now())
        work, totals = self.services.sqs.queues[FOLLOWUPS_QUEUE_URL], Counter[str]()
        while work:
            totals.update(self.followup_worker.run(json.loads(work.popleft())))
        return dict(totals)

    # ---- the request paths at the end of the year

    def measure(self, name: str, call: Callable[[], Any], *, read_only: bool = True, readers: int = 1) -> Measured:
        """Calls, units and seconds of one request; its peak memory (tracemalloc) from a
        second, unmetered run when it only reads, else from the same run."""
        started = time.perf_counter()
        if not read_only:
            tracemalloc.start()
        with self.meter.measure() as tally:
            tally.readers = readers
            result = call()
        seconds = time.perf_counter() - started
        if read_only:
            tracemalloc.start()
            with self.meter.paused():
                call()
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return Measured(tally, seconds, peak, note=_note(name, result))

    def _preview_job(self, code: str, document: dict[str, Any]) -> Callable[[], Any]:
        """The worker's run of a preview job, asked (202) beforehand, unmetered: whatever
        the window's size, as a large municipality's would be."""
        with self.meter.paused():
            line, self.admin.at_once_cases = self.admin.at_once_cases, -1
            job = self.admin.ask_preview(code, document, {"days": str(PREVIEW_DAYS)}, asked_by="bench").job
            self.admin.at_once_cases = line
        assert job is not None and self.preview_queue[-1] == job["job_id"]

        def run() -> Any:
            self.admin.run_preview_job(code, job["job_id"], last_attempt=True)
            with self.meter.paused():
                return self.admin.preview_job(code, job["job_id"])
        return run

    def paths(self) -> dict[str, Measured]:
        from vroegsignaal.domain.criteria import default_criteria

        code = MUNICIPALITY
        measured = {
            "GET baskets": self.measure("baskets", lambda: self.views.baskets(code)),
            "GET baskets/enkelvoudig/cases (first page, open)":
                self.measure("cases", lambda: self.views.basket_cases(code, "enkelvoudig", {})),
            "GET tasks?assignee= (first page)":
                self.measure("tasks", lambda: self.views.task_list(code, {"assignee": self.consultants[0]})),
            "GET tasks?assignee=&status=open (first page)":
                self.measure("tasks", lambda: self.views.task_list(code, {"assignee": self.consultants[0],
                                                                          "status": "open"})),
            "GET tasks (first page, every task)": self.measure("tasks", lambda: self.views.task_list(code, {})),
            f"POST criteria/preview?days={PREVIEW_DAYS}":
                self.measure("preview", lambda: self.admin.preview(code, default_criteria().document,
                                                                   {"days": str(PREVIEW_DAYS)})),
        }
        measured[f"POST criteria/preview?days={PREVIEW_DAYS}, as a job"] = self.measure(
            "preview job", self._preview_job(code, default_criteria().document), read_only=False)
        recount = shapes.open_cases(self.services.dynamodb)
        if measured["GET baskets"].note != f"{recount} open":  # the counters must equal a recount
            measured["GET baskets"].note += f" != {recount}"
        self.sim.advance(1)
        measured["follow-up schedule, the next day's run"] = self.measure(
            "followups", self.run_followups, read_only=False)
        with self.meter.paused():
            self._drain()
        self.sim.advance(CATCH_UP_DAYS)
        measured[f"follow-up schedule after {CATCH_UP_DAYS} days without a run"] = self.measure(
            "followups", self.run_followups, read_only=False)
        return measured


def _note(name: str, result: Any) -> str:
    if name == "baskets":
        return f"{sum(b['open_cases'] for b in result['baskets'])} open"
    if name == "cases":
        return f"{len(result['cases'])} cases"
    if name == "tasks":
        return f"{len(result['tasks'])} tasks"
    if name == "preview":
        return f"{result['cases']} cases"
    if name == "preview job":  # the same note as the answer at once when the job is done
        return f"{result['result']['cases']} cases" if result["status"] == "done" else result["status"]
    if name == "followups":
        return f"{result.get('cases', 0)} due/{result.get('queued', 0)} sent"
    return ""


@contextmanager
def simulated_services() -> Iterator[tuple[Meter, Any, SimulatedClock]]:
    """Fresh bench services on a simulated clock (ids and PDFs too); all put back after."""
    from vroegsignaal import clock, ids
    from vroegsignaal.domain import letters

    meter = Meter()
    services, uninstall = install(meter)
    sim = SimulatedClock(YEAR_START)
    saved = letters.render_pdf, clock.now, clock.today, ids.new_id
    letters.render_pdf = lambda context, text: b"%PDF-1.4 bench"
    clock.now, clock.today, ids.new_id = sim.now, sim.today, sim.new_id
    # The table holds millions of small dicts without cycles: the collector's full
    # passes over them would cost more than the year (Year.live collects the young).
    gc.disable()
    try:
        with faster_boto3_types():
            yield meter, services, sim
    finally:
        gc.enable()
        letters.render_pdf, clock.now, clock.today, ids.new_id = saved
        uninstall()


def run_year(households: int) -> YearResult:
    """One whole year at N households on fresh services; the clock is put back after."""
    with simulated_services() as (meter, services, sim):
        started = time.perf_counter()
        year = Year(households, meter, services, sim)
        signals = plan_signals(households)
        runs, received = year.live(signals)
        paths = year.paths()
        items = shapes.items_by_type(services.dynamodb)
        return YearResult(households=households, signals=received, cases=year.opened, phases=year.phases,
                          followup_runs=runs, paths=paths, items=items,
                          case_item_bytes=shapes.average_size(services.dynamodb, "case"),
                          seconds=time.perf_counter() - started, errors=year.errors)

