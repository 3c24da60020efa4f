"""The criteria preview as a job (services.criteria_admin, domain/preview.py): a
window larger than AT_ONCE_CASES is queued, the worker computes the spec's body
as the synchronous preview would have, and the poller reads it."""
from __future__ import annotations

from datetime import timedelta

import pytest
from vroegsignaal.domain import preview
from vroegsignaal.domain.criteria import example_document
from vroegsignaal.domain.errors import NotFound

from tests.unit.test_municipality_services import GM, NOW, YOUNG, Cases, Jobs, criteria_admin, make_case

LINE = 5  # at most this many cases answer at once, in these tests (the fixture makes 6)


@pytest.fixture
def cases():
    found = Cases()
    for n in range(6):
        make_case(cases=found, reference=f"EN-{n}", debtor__date_of_birth=YOUNG, debtor__address__house_number=n + 1)
    return found


def test_a_window_within_the_line_answers_at_once_and_starts_no_job(cases):
    jobs, queued = Jobs(), []
    admin = criteria_admin(cases, jobs=jobs, queued=queued, at_once_cases=6)
    answer = admin.ask_preview(GM, example_document(), None, asked_by="user-1")
    assert answer.job is None and answer.result == admin.preview(GM, example_document(), None)
    assert jobs.jobs == {} and queued == []


def test_a_window_over_the_line_is_a_queued_job(cases):
    jobs, queued = Jobs(), []
    admin = criteria_admin(cases, jobs=jobs, queued=queued, at_once_cases=LINE)
    answer = admin.ask_preview(GM, example_document(), {"days": "30"}, asked_by="user-1")
    assert answer.result is None
    assert answer.job == {"job_id": answer.job["job_id"], "status": "queued", "days": 30,
                          "created_at": "2026-11-27T09:00:00.000000Z"}
    assert queued == [(GM, answer.job["job_id"])]
    stored = jobs.jobs[(GM, answer.job["job_id"])]
    assert stored["asked_by"] == "user-1" and stored["document"] == example_document()
    assert stored["expires_at"] == int((NOW + timedelta(days=preview.JOB_KEPT_DAYS)).timestamp())


def test_the_jobs_result_is_the_synchronous_preview(cases):
    jobs = Jobs()
    admin = criteria_admin(cases, jobs=jobs, at_once_cases=LINE)
    job = admin.ask_preview(GM, example_document(), None, asked_by="user-1").job
    assert admin.run_preview_job(GM, job["job_id"], last_attempt=False) == "done"
    view = admin.preview_job(GM, job["job_id"])
    assert view["status"] == "done" and view["result"] == admin.preview(GM, example_document(), None)
    assert view["result"]["cases"] == 6


def test_a_jobs_window_starts_days_before_it_was_asked_however_late_it_runs(cases):
    make_case(cases=cases, reference="EN-early", received=NOW - timedelta(hours=20), debtor__address__house_number=40)
    jobs = Jobs()
    admin = criteria_admin(cases, jobs=jobs, at_once_cases=LINE)
    job = admin.ask_preview(GM, example_document(), {"days": "1"}, asked_by="u").job
    later = criteria_admin(cases, jobs=jobs, now=NOW + timedelta(hours=10), at_once_cases=LINE)
    later.run_preview_job(GM, job["job_id"], last_attempt=False)
    assert later.preview_job(GM, job["job_id"])["result"]["cases"] == 7
    assert later.preview(GM, example_document(), {"days": "1"})["cases"] == 6  # asked now, it starts later


def test_another_municipalitys_job_is_not_found(cases):
    jobs = Jobs()
    admin = criteria_admin(cases, jobs=jobs, at_once_cases=LINE)
    job = admin.ask_preview(GM, example_document(), None, asked_by="user-1").job
    with pytest.raises(NotFound):
        admin.preview_job("GM0344", job["job_id"])


class Unreachable(list):
    """A queue that cannot be reached."""

    def append(self, message):
        raise RuntimeError("queue unreachable")


def test_a_job_that_cannot_be_queued_is_failed_not_left_queued(cases):
    jobs = Jobs()
    admin = criteria_admin(cases, jobs=jobs, queued=Unreachable(), at_once_cases=LINE)
    with pytest.raises(RuntimeError):
        admin.ask_preview(GM, example_document(), None, asked_by="user-1")
    (job,) = jobs.jobs.values()
    assert job["status"] == "failed"


@pytest.mark.parametrize("job_id", ["pj-nonsense", "x" * 2000, "pj-" + "0" * 23])
def test_an_id_that_is_no_job_id_is_not_found_without_a_read(cases, job_id):
    jobs = Jobs()
    jobs.get = None  # never called
    with pytest.raises(NotFound):
        criteria_admin(cases, jobs=jobs, at_once_cases=LINE).preview_job(GM, job_id)


def test_a_redelivered_message_of_a_finished_job_changes_nothing(cases):
    jobs = Jobs()
    admin = criteria_admin(cases, jobs=jobs, at_once_cases=LINE)
    job = admin.ask_preview(GM, example_document(), None, asked_by="user-1").job
    admin.run_preview_job(GM, job["job_id"], last_attempt=False)
    before = admin.preview_job(GM, job["job_id"])
    assert admin.run_preview_job(GM, job["job_id"], last_attempt=False) == "skipped"
    assert admin.preview_job(GM, job["job_id"]) == before


class FailingCases(Cases):
    def opened_case_pages(self, code, *, opened_since, size=100):
        raise RuntimeError("throttled")


def test_a_failing_job_stays_running_for_its_retry_and_fails_on_the_last_attempt():
    cases = FailingCases()
    for n in range(6):
        make_case(cases=cases, reference=f"EN-{n}", debtor__address__house_number=n + 1)
    admin = criteria_admin(cases, jobs=Jobs(), at_once_cases=LINE)
    job = admin.ask_preview(GM, example_document(), None, asked_by="user-1").job
    with pytest.raises(RuntimeError):
        admin.run_preview_job(GM, job["job_id"], last_attempt=False)
    assert admin.preview_job(GM, job["job_id"])["status"] == "running"
    with pytest.raises(RuntimeError):
        admin.run_preview_job(GM, job["job_id"], last_attempt=True)
    view = admin.preview_job(GM, job["job_id"])
    assert view["status"] == "failed" and view["error"] == preview.JOB_ERROR and "result" not in view


class HangingCases(Cases):
    """The worker's attempt is cut off by the function's timeout: nothing after it runs."""

    def opened_case_pages(self, code, *, opened_since, size=100):
        raise SystemExit("timed out")


def _cut_off_job(cases, *, last_attempt):
    admin = criteria_admin(cases, jobs=Jobs(), at_once_cases=LINE)
    job = admin.ask_preview(GM, example_document(), None, asked_by="user-1").job
    with pytest.raises(SystemExit):
        admin.run_preview_job(GM, job["job_id"], last_attempt=last_attempt)
    return admin, job["job_id"]


def _hanging_cases():
    cases = HangingCases()
    for n in range(6):
        make_case(cases=cases, reference=f"EN-{n}", debtor__address__house_number=n + 1)
    return cases


def test_a_last_attempt_cut_off_by_the_timeout_reads_as_failed_once_the_timeout_has_passed():
    admin, job_id = _cut_off_job(_hanging_cases(), last_attempt=True)
    assert admin.preview_job(GM, job_id)["status"] == "running"  # within the timeout it may still finish
    later = criteria_admin(Cases(), jobs=admin.jobs, now=NOW + timedelta(seconds=preview.JOB_ATTEMPT_SECONDS),
                           at_once_cases=LINE)
    view = later.preview_job(GM, job_id)
    assert view["status"] == "failed" and view["error"] == preview.JOB_ERROR
    assert view["finished_at"] == "2026-11-27T09:05:00.000000Z"


def test_an_earlier_attempt_cut_off_by_the_timeout_stays_running_for_its_retry():
    admin, job_id = _cut_off_job(_hanging_cases(), last_attempt=False)
    later = criteria_admin(Cases(), jobs=admin.jobs, now=NOW + timedelta(hours=1), at_once_cases=LINE)
    assert later.preview_job(GM, job_id)["status"] == "running"


def test_the_line_counts_the_cases_opened_in_the_months_the_window_touches(cases):
    """One day's window in a month of 6 cases: more than the line, so a job (an upper bound)."""
    admin = criteria_admin(cases, at_once_cases=LINE)
    answer = admin.ask_preview(GM, example_document(), {"days": "1"}, asked_by="user-1")
    assert answer.job is not None


def test_a_jobs_view_holds_no_criteria_document_nor_who_asked(cases):
    admin = criteria_admin(cases, at_once_cases=LINE)
    job = admin.ask_preview(GM, example_document(), None, asked_by="user-1").job
    assert set(admin.preview_job(GM, job["job_id"])) == {"job_id", "status", "days", "created_at"}


def test_the_largest_result_fits_well_in_the_jobs_item():
    """Why a result is never put in S3: 100 baskets with the longest ids and names and 20
    moved cases stay far below DynamoDB's 400 KB item."""
    import json

    from vroegsignaal.domain.active_criteria import ActiveCriteria
    from vroegsignaal.domain.criteria import parse_criteria

    def document(prefix):
        baskets = [{"id": f"{prefix}{n:02d}".ljust(40, "x"), "name": "N" * 80, "action": "none",
                    "when": {"fact": "crisis", "equals": True}} for n in range(49)]
        return {"schema_version": 1, "baskets": [*baskets, {"id": f"{prefix}-rest".ljust(40, "x"), "name": "R" * 80,
                                                            "action": "none"}]}

    proposed, active = parse_criteria(document("a"), municipality_code=GM), parse_criteria(document("b"),
                                                                                        municipality_code=GM)
    tally = preview.PreviewTally()
    for n in range(100_000):
        tally.add(f"case-{n:020d}", active.baskets[n % 50].id, proposed.baskets[n % 50].id)
    body = tally.body(days=366, active=ActiveCriteria("v99999999", None, "now", active), proposed=proposed)
    assert len(body["baskets"]) == 100 and len(body["moved_sample"]) == 20
    assert len(json.dumps(body, separators=(",", ":"))) < 32 * 1024
