"""A municipality's own settings (municipality-api.md): its criteria (the
afwegingskader: versions, activation, the preview) and its letter template.

Ports: repository (active, upload, activate, versions: adapters.criteria_store),
cases (opened_case_pages(code, opened_since=), household_starts(households)),
jobs (the preview jobs: adapters.preview_jobs), queue_job(code, job_id) (hands a
job to the preview worker), counters (months(code, first, last): the monthly
counters, for the size of a preview's window).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol, cast

from vroegsignaal import clock, ids
from vroegsignaal.domain import cases as case_rules
from vroegsignaal.domain import monthly, preview
from vroegsignaal.domain.active_criteria import ActiveCriteria
from vroegsignaal.domain.case import Case
from vroegsignaal.domain.criteria import Criteria, parse_criteria, validate_criteria
from vroegsignaal.domain.errors import NotFound, ValidationFailed

from .views import int_between, parse_query

PREVIEW_DEFAULT_DAYS = 90


class CriteriaRepository(Protocol):
    def active(self, code: str) -> ActiveCriteria: ...

    def upload(self, code: str, criteria: Criteria) -> ActiveCriteria: ...

    def activate(self, code: str, version: str) -> ActiveCriteria | None: ...

    def versions(self, code: str) -> list[dict[str, Any]]: ...


class PreviewCases(Protocol):
    def opened_case_pages(self, code: str, *, opened_since: str) -> Iterable[list[Case]]: ...

    def household_starts(self, households: Sequence[str]) -> dict[str, dict[str, str]]: ...


class PreviewJobStore(Protocol):
    def create(self, job: dict[str, Any]) -> None: ...

    def get(self, code: str, job_id: str) -> dict[str, Any] | None: ...

    def start(self, code: str, job_id: str, *, started_at: str, last_attempt: bool) -> dict[str, Any] | None: ...

    def finish(self, code: str, job_id: str, result: dict[str, Any], *, finished_at: str) -> None: ...

    def fail(self, code: str, job_id: str, *, finished_at: str) -> None: ...


class MonthCounters(Protocol):
    def months(self, code: str, first: str, last: str) -> dict[str, dict[str, int]]: ...


@dataclass(frozen=True)
class PreviewAnswer:
    """The preview itself (`result`, the spec's body) or the job computing it (`job`)."""

    result: dict[str, Any] | None = None
    job: dict[str, Any] | None = None


class CriteriaAdmin:
    def __init__(self, *, repository: CriteriaRepository, cases: PreviewCases, jobs: PreviewJobStore,
                 queue_job: Callable[[str, str], None], counters: MonthCounters,
                 at_once_cases: int = preview.AT_ONCE_CASES, now: Callable[[], datetime] = clock.now) -> None:
        self.repository = repository
        self.cases = cases
        self.jobs = jobs
        self.queue_job = queue_job
        self.counters = counters
        self.at_once_cases = at_once_cases
        self.now = now

    def get(self, code: str) -> dict[str, Any]:
        return self.repository.active(code).view()

    @staticmethod
    def _valid(code: str, document: Any, problems: list[dict[str, Any]] | None = None) -> Criteria:
        """A valid document, or ValidationFailed with every problem (JSON Pointers)
        plus `problems` found elsewhere in the request."""
        found = list(problems or []) + validate_criteria(document, municipality_code=code)
        if found:
            raise ValidationFailed(found)
        return parse_criteria(document, municipality_code=code)

    def upload(self, code: str, document: Any) -> dict[str, Any]:
        """Store a new version and make it active; nothing changes when it is invalid."""
        return self.repository.upload(code, self._valid(code, document)).view()

    def versions(self, code: str) -> dict[str, Any]:
        return {"versions": self.repository.versions(code)}

    def activate(self, code: str, version: str) -> dict[str, Any]:
        active = self.repository.activate(code, version)
        if active is None:
            raise NotFound("no criteria version with that name in this municipality")
        return active.view()

    def preview(self, code: str, document: Any, query: dict[str, str] | None) -> dict[str, Any]:
        """The spec's preview, at once, whatever the window's size (ask_preview
        decides between this and a job)."""
        days, proposed = self._preview_request(code, document, query)
        return self._tally(code, proposed, days, asked_at=self.now())

    def ask_preview(self, code: str, document: Any, query: dict[str, str] | None, *,
                    asked_by: str) -> PreviewAnswer:
        """The preview at once when the window may hold at most `at_once_cases` cases
        (the monthly counters of the months it touches: one query), else a job,
        queued: its view (status queued) to poll with preview_job."""
        days, proposed = self._preview_request(code, document, query)
        asked_at = self.now()
        if self._window_estimate(code, asked_at - timedelta(days=days), asked_at) <= self.at_once_cases:
            return PreviewAnswer(result=self._tally(code, proposed, days, asked_at=asked_at))
        job_id = ids.new_id("pj")
        job: dict[str, Any] = {
            "job_id": job_id, "municipality_code": code, "asked_by": asked_by, "status": preview.QUEUED,
            "days": days, "created_at": clock.iso(asked_at), "document": proposed.document,
            "expires_at": int((asked_at + timedelta(days=preview.JOB_KEPT_DAYS)).timestamp())}
        self.jobs.create(job)
        try:
            self.queue_job(code, job_id)
        except Exception:
            # Nobody will run it: failed, so a poller is not left waiting for it.
            self.jobs.fail(code, job_id, finished_at=clock.iso(self.now()))
            raise
        return PreviewAnswer(job=preview.job_view(job, now=asked_at))

    def preview_job(self, code: str, job_id: str) -> dict[str, Any]:
        """A job of this municipality (another's, or an expired one, is NotFound)."""
        job = self.jobs.get(code, job_id) if preview.JOB_ID.fullmatch(job_id) else None
        if job is None:
            raise NotFound("no preview job with that id in this municipality")
        return preview.job_view(job, now=self.now())

    def run_preview_job(self, code: str, job_id: str, *, last_attempt: bool) -> str:
        """The worker: compute a queued job's preview as it was asked (its window starts
        `days` before it was asked, so a late run counts the same cases and those
        opened since) and store the result. Returns "done", or "skipped" for a
        job that is finished or gone (a redelivered message). An error is raised again
        (the queue retries); on the last attempt the job is marked failed first."""
        job = self.jobs.start(code, job_id, started_at=clock.iso(self.now()), last_attempt=last_attempt)
        if job is None:
            return "skipped"
        try:
            proposed = parse_criteria(job["document"], municipality_code=code)
            asked_at = datetime.fromisoformat(job["created_at"].replace("Z", "+00:00"))
            result = self._tally(code, proposed, int(job["days"]), asked_at=asked_at)
            self.jobs.finish(code, job_id, result, finished_at=clock.iso(self.now()))
        except Exception:
            if last_attempt:
                self.jobs.fail(code, job_id, finished_at=clock.iso(self.now()))
            raise
        return "done"

    def _preview_request(self, code: str, document: Any, query: dict[str, str] | None) -> tuple[int, Criteria]:
        """`days` and the posted criteria, or ValidationFailed naming every problem of both."""
        try:
            days = parse_query(query, {"days": int_between(1, 366)}).get("days", PREVIEW_DEFAULT_DAYS)
            query_problems: list[dict[str, Any]] = []
        except ValidationFailed as failed:
            days, query_problems = PREVIEW_DEFAULT_DAYS, failed.details
        return days, self._valid(code, document, query_problems)

    def _window_estimate(self, code: str, since: datetime, until: datetime) -> int:
        """At least the cases opened in the window: those the monthly counters counted
        in the months it touches (deleted cases and the months' other days included)."""
        months = self.counters.months(code, monthly.month_of(clock.iso(since)), monthly.month_of(clock.iso(until)))
        return sum(figures.get(monthly.OPENED, 0) for figures in months.values())

    def _tally(self, code: str, proposed: Criteria, days: int, *, asked_at: datetime) -> dict[str, Any]:
        """Classify every case opened in the `days` before `asked_at` under the posted
        and the active criteria; nothing is written. A page of cases at a time, so
        memory stays that of a page whatever the window holds. Facts are computed as
        the stream does, from each case's aggregate (the `repeat` fact looks at the
        start dates of the household's other cases, which its head records: 100
        households a read)."""
        active = self.repository.active(code)
        tally = preview.PreviewTally()
        since = clock.iso(asked_at - timedelta(days=days))
        for cases in self.cases.opened_case_pages(code, opened_since=since):
            starts = self.cases.household_starts(sorted({case["household"] for case in cases}))
            for case in cases:
                others = [cast(Case, {"case_id": case_id, "start_date": start})
                          for case_id, start in starts.get(case["household"], {}).items()]
                now_in = active.criteria.classify(case_rules.facts_of(case, others, active.criteria)).basket_id
                would_be = proposed.classify(case_rules.facts_of(case, others, proposed)).basket_id
                tally.add(case["case_id"], now_in, would_be)
        return tally.body(days=days, active=active, proposed=proposed)
