"""The municipality API's services with in-memory ports: views, preview
counting, moving, contact attempts, closing, tasks, and the validation of
bodies and query strings (no AWS, no moto)."""
from __future__ import annotations

import copy
from datetime import UTC, date, datetime, timedelta

import pytest
from vroegsignaal.domain import cases as case_rules
from vroegsignaal.domain.active_criteria import ActiveCriteria, default_active
from vroegsignaal.domain.classification import classify_signal
from vroegsignaal.domain.criteria import default_criteria, example_document, parse_criteria
from vroegsignaal.domain.errors import ConcurrentChange, ValidationFailed
from vroegsignaal.domain.household import Household
from vroegsignaal.domain.retention import add_months, expires_at_on_close
from vroegsignaal.domain.signal import validate_signal
from vroegsignaal.services.casework import Casework
from vroegsignaal.services.criteria_admin import CriteriaAdmin, PreviewJobStore
from vroegsignaal.services.intake import signal_item
from vroegsignaal.services.letter_templates import LetterTemplates, used_variables
from vroegsignaal.services.views import PAGINATION, Conflict, NotFound, Views, case_summary, case_view, parse_query

from tests.factories import HOUSING, PARTNER, signal_body

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
TODAY = date(2026, 11, 27)
GM = "GM0632"
OLD = "1970-03-04"
YOUNG = "2006-06-01"
EXAMPLE = ActiveCriteria("v1", "Woerden", "2026-11-01T00:00:00.000000Z",
                         parse_criteria(example_document(), municipality_code=GM))


# --------------------------------------------------------------------------- in-memory ports


class Cases:
    def __init__(self):
        self.cases: dict[str, dict] = {}
        self.writes: list[tuple[dict, tuple]] = []
        self.household_reads: list[str] = []
        self.conflicts = 0  # the next n writes fail as if someone changed the case meanwhile
        self.tasks: "Tasks | None" = None
        self.logs: dict[str, dict[str, list]] = {}  # case_id -> kind -> bodies, in order

    def add(self, case, log=()):
        self.cases[case["case_id"]] = copy.deepcopy(case)
        self._append(case, log)

    def _append(self, case, log):
        logs = self.logs.setdefault(case["case_id"], {kind: [] for kind in case_rules.LOG_KINDS})
        for entry in log:
            logs[entry.kind].append(copy.deepcopy(entry.body))

    def log(self, case):
        return copy.deepcopy(self.logs.get(case["case_id"]) or {kind: [] for kind in case_rules.LOG_KINDS})

    def attempts(self, case_id):
        return self.logs.get(case_id, {}).get(case_rules.CONTACT_ATTEMPT, [])

    def moves(self, case_id):
        return self.logs.get(case_id, {}).get(case_rules.MOVE, [])

    def find(self, code, case_id):
        case = self.cases.get(case_id)
        return copy.deepcopy(case) if case and case["municipality_code"] == code else None

    def get(self, household, case_id):
        case = self.cases.get(case_id)
        return copy.deepcopy(case) if case and case["household"] == household else None

    def write(self, case, *, log=(), changed_tasks=()):
        if self.conflicts:
            self.conflicts -= 1
            raise ConcurrentChange(case["case_id"])
        stored = self.cases.get(case["case_id"])
        if stored is not None and stored["version"] != case["version"]:
            raise ConcurrentChange(case["case_id"])
        for task, expected in changed_tasks:  # all or nothing, as a transaction
            if self.tasks.tasks[task["task_id"]]["status"] != expected:
                raise ConcurrentChange(case["case_id"])
        for task, _ in changed_tasks:
            self.tasks.tasks[task["task_id"]] = copy.deepcopy(task)
        case["version"] += 1
        self.cases[case["case_id"]] = copy.deepcopy(case)
        self._append(case, log)
        self.writes.append((copy.deepcopy(case), tuple(changed_tasks)))

    def household_cases(self, household):
        self.household_reads.append(household)
        return [copy.deepcopy(c) for c in self.cases.values() if c["household"] == household]

    def household_starts(self, households):
        return {h: {c["case_id"]: c["start_date"] for c in self.household_cases(h)} for h in households}

    def municipality_cases(self, code, *, opened_since=None, status=None, listed=False):
        found = sorted((copy.deepcopy(c) for c in self.cases.values() if c["municipality_code"] == code
                        and (opened_since is None or c["opened_at"] >= opened_since)
                        and (status is None or c["status"] == status)), key=lambda c: c["opened_at"])
        # A listed case has its fields and summary only, as the store projects it.
        return [{**{k: v for k, v in c.items() if k not in ("aggregate", "steps")},
                 "summary": case_rules.summary(c)} for c in found] if listed else found

    def opened_case_pages(self, code, *, opened_since, size=100):
        """municipality_cases in pages, as the store reads a window (oldest first)."""
        found = self.municipality_cases(code, opened_since=opened_since)
        for start in range(0, len(found), size):
            yield found[start:start + size]

    def basket_counts(self, code):
        """What the store's counters hold: a recount of the open cases."""
        counts = {}
        for case in self.municipality_cases(code, status="open"):
            row = counts.setdefault(case["basket_id"], {"open_cases": 0, "open_signals": 0, "versions": []})
            row["open_cases"] += 1
            row["open_signals"] += case_rules.signal_count(case)
            if case.get("criteria_version") and case["criteria_version"] not in row["versions"]:
                row["versions"].append(case["criteria_version"])
        return counts

    def oldest_open(self, code, basket_id):
        opened = [c["opened_at"] for c in self.municipality_cases(code, status="open") if c["basket_id"] == basket_id]
        return min(opened, default=None)

    def basket_page(self, code, basket_id, *, status, limit, cursor):
        found = [c for c in self.municipality_cases(code, status=status) if c["basket_id"] == basket_id]
        start = int(cursor or 0)
        page = found[start:start + limit]
        return page, (str(start + limit) if start + limit < len(found) else None)

    def filtered_basket_page(self, code, basket_id, *, status, filters, limit, cursor):
        found = [c for c in self.municipality_cases(code, status=status, listed=True) if c["basket_id"] == basket_id
                 and c["postcode"].startswith(filters.get("postcode_prefix", ""))
                 and filters.get("partner_type", c["summary"]["partner_types"][0]) in c["summary"]["partner_types"]
                 and filters.get("min_amount_cents", 0) <= c["summary"]["total_amount_cents"]
                 <= filters.get("max_amount_cents", 10**12)]
        start = int(cursor or 0)
        page = found[start:start + limit]
        return page, (str(start + limit) if start + limit < len(found) else None)

    def summaries(self, code, pointers):
        found = {}
        for household, case_id in pointers:
            case = self.get(household, case_id)
            if case and case["municipality_code"] == code:
                found[case_id] = {**case, "summary": case_rules.summary(case)}
        return found

    def basket_has_cases(self, code, basket_id):
        return any(c["basket_id"] == basket_id for c in self.municipality_cases(code))


class Tasks:
    def __init__(self, cases: Cases):
        self.tasks: dict[str, dict] = {}
        cases.tasks = self

    def add(self, cases: Cases, case_id, *, task_id="task-1", status="open", kind="phone_call", assignee=None):
        case = cases.cases[case_id]
        self.tasks[task_id] = {"task_id": task_id, "case_id": case_id, "household": case["household"],
                               "municipality_code": case["municipality_code"], "basket_id": case["basket_id"],
                               "type": kind, "status": status, "assignee": assignee, "due": "2026-11-27",
                               "created_at": "2026-11-27T09:00:00.000000Z", "done_at": None}
        case.setdefault("tasks", []).append(task_id)
        return task_id

    def get(self, task_id):
        task = self.tasks.get(task_id)
        return copy.deepcopy(task) if task else None

    def write_changed(self, task, *, expected_status):
        if self.tasks[task["task_id"]]["status"] != expected_status:
            raise ConcurrentChange(task["task_id"])
        self.tasks[task["task_id"]] = copy.deepcopy(task)

    def list_page(self, code, *, filters, due_before, limit, cursor):
        found = [t for t in self.tasks.values() if t["municipality_code"] == code
                 and all(t.get(name) == value for name, value in filters.items())
                 and (due_before is None or t["due"] <= due_before)]
        return found[:limit], None

    def due_page(self, code, *, filters, due_before, limit, cursor):
        found, _ = self.list_page(code, filters=filters, due_before=due_before, limit=10**6, cursor=None)
        return sorted(found, key=lambda t: (t["due"], t["task_id"]))[:limit], None


class Criteria:
    def __init__(self, active=None, versions=None):
        self._active = active or default_active()
        self._versions = versions or {}

    def active(self, code):
        return self._active

    def version(self, code, version):
        return default_criteria() if version == "default" else self._versions.get(version)

    def versions(self, code):
        return [{"version": v, "label": None, "uploaded_at": "x", "active": v == self._active.version}
                for v in self._versions] + [{"version": "default", "label": "Standaardinstelling",
                                             "uploaded_at": None, "active": self._active.is_default}]

    def upload(self, code, criteria):
        self._active = ActiveCriteria(f"v{len(self._versions) + 1}", criteria.label, "now", criteria)
        self._versions[self._active.version] = criteria
        return self._active

    def activate(self, code, version):
        criteria = self.version(code, version)
        return ActiveCriteria(version, criteria.label, "now", criteria) if criteria else None


class Jobs(PreviewJobStore):
    """The preview job store in memory, with the table's conditions: a job starts when
    queued or running, finishes or fails only when running."""

    def __init__(self):
        self.jobs = {}

    def create(self, job):
        assert (job["municipality_code"], job["job_id"]) not in self.jobs
        self.jobs[(job["municipality_code"], job["job_id"])] = copy.deepcopy(job)

    def get(self, code, job_id):
        return copy.deepcopy(self.jobs.get((code, job_id)))

    def start(self, code, job_id, *, started_at, last_attempt):
        job = self.jobs.get((code, job_id))
        if job is None or job["status"] not in ("queued", "running"):
            return None
        job.update(status="running", started_at=started_at, last_attempt=last_attempt)
        return copy.deepcopy(job)

    def finish(self, code, job_id, result, *, finished_at):
        self._end(code, job_id, status="done", result=copy.deepcopy(result), finished_at=finished_at)

    def fail(self, code, job_id, *, finished_at):
        self._end(code, job_id, status="failed", finished_at=finished_at)

    def _end(self, code, job_id, **changes):
        job = self.jobs[(code, job_id)]
        if job["status"] == "running" or (job["status"] == "queued" and changes["status"] == "failed"):
            job.update(document=None, **changes)


class Counters:
    """Monthly counters: the cases opened per month, counted from the fake case store."""

    def __init__(self, cases):
        self.cases = cases

    def months(self, code, first, last):
        found = {}
        for case in self.cases.cases.values():
            month = case["opened_at"][:7]
            if case["municipality_code"] == code and first <= month <= last:
                found.setdefault(month, {"cases_opened": 0})["cases_opened"] += 1
        return found


def criteria_admin(cases, repository=None, *, jobs=None, queued=None, at_once_cases=2000, now=NOW):
    return CriteriaAdmin(repository=repository or Criteria(), cases=cases, jobs=jobs if jobs is not None else Jobs(),
                         queue_job=lambda code, job_id: (queued if queued is not None else []).append((code, job_id)),
                         counters=Counters(cases), at_once_cases=at_once_cases, now=lambda: now)


class Letters:
    def __init__(self):
        self.pdfs, self.templates = {}, {}

    def get_letter(self, code, case_id, letter_id):
        return self.pdfs.get((code, case_id, letter_id))

    def put_template(self, code, source):
        self.templates[code] = source


def make_case(active=None, *, received=NOW, partner=PARTNER, cases: Cases | None = None, **overrides):
    """A case as the stream classifies it, stored in `cases` when given."""
    overrides.setdefault("debtor__date_of_birth", OLD)
    signal = validate_signal(signal_body(**overrides), partner_type=partner["partner_type"], today=date(2026, 12, 31),
                             is_known_municipality=lambda code: True)
    item = signal_item(signal, partner=partner, received_at=received)
    household = Household.of(item["signal"]).key("secret")
    known = cases.household_cases(household) if cases else []
    if cases:
        cases.household_reads.clear()
    result = classify_signal(item, household, known, active or default_active(), received)
    if cases is not None:
        cases.add(result.case, result.log)
    LOGS[result.case["case_id"]] = [*LOGS.get(result.case["case_id"], []), *result.log]
    return result.case


LOGS: dict[str, list] = {}  # every made case's log entries, for views of cases no store holds


def log_of(case):
    found = {kind: [] for kind in case_rules.LOG_KINDS}
    for entry in LOGS.get(case["case_id"], []):
        found[entry.kind].append(entry.body)
    return found


@pytest.fixture
def ports():
    cases = Cases()
    tasks = Tasks(cases)
    return cases, tasks


def casework(cases, tasks, criteria=None, sent=None, today=TODAY, now=NOW):
    sent = sent if sent is not None else []
    return Casework(cases=cases, tasks=tasks, criteria=criteria or Criteria(),
                    send_steps=lambda case, steps: sent.append((case["case_id"], [s["action"] for s in steps])),
                    now=lambda: now, today=lambda: today)


# --------------------------------------------------------------------------- views


def test_case_summary_and_view_speak_the_api_conventions():
    case = make_case(amount="1912.5")
    case["steps"][0].status = "done"
    case["steps"][0].done_at = NOW.isoformat()  # how domain.paths stores it: +00:00
    summary = case_summary(case)
    assert summary["total_amount"] == "1912.50" and summary["names"] == ["A.B. van Dijk"]
    assert summary["opened_at"] == "2026-11-27T09:00:00.000000Z" and summary["house_number_suffix"] == "BIS"
    view = case_view(case, [], log_of(case))
    assert view["steps"][0]["done_at"] == "2026-11-27T09:00:00.000000Z"
    assert view["signals"][0]["amount"] == "1912.50" and view["signals"][0]["signal_date"] == "2026-11-20"
    assert view["classifications"][0]["criteria_version"] == "default"
    assert set(view["classifications"][0]) == {"at", "criteria_version", "basket_id", "facts", "explanation"}


def test_a_queued_step_is_pending_to_the_api():
    case = make_case()
    assert case["steps"][0].status == "queued"
    assert case_view(case, [], log_of(case))["steps"][0]["status"] == "pending"


def test_two_partners_make_sorted_distinct_partner_types_and_one_name():
    cases = Cases()
    make_case(cases=cases, reference="EN-1")
    case = make_case(cases=cases, partner=HOUSING, reference="WS-1")
    case = make_case(cases=cases, partner=PARTNER, reference="EN-2")
    summary = case_summary(case)
    assert summary["partner_types"] == ["energy", "housing"] and summary["signal_count"] == 3
    assert summary["names"] == ["A.B. van Dijk"] and summary["basket_id"] == "meervoudig"


def test_query_strings_report_every_problem():
    with pytest.raises(ValidationFailed) as failed:
        parse_query({"limit": "0", "cursor": "", "colour": "red"}, PAGINATION)
    assert {tuple(d["loc"]) for d in failed.value.details} == {("query", "limit"), ("query", "cursor"),
                                                                ("query", "colour")}
    assert parse_query({"limit": "200"}, PAGINATION) == {"limit": 200}
    assert parse_query(None, PAGINATION) == {}
    for bad in ("201", "-1", "1e2", "٣", " 5"):
        with pytest.raises(ValidationFailed):
            parse_query({"limit": bad}, PAGINATION)


def test_baskets_count_open_cases_and_list_earlier_versions_last(ports):
    cases, tasks = ports
    make_case(EXAMPLE, cases=cases, reference="EN-1", debtor__date_of_birth=YOUNG, received=NOW)
    make_case(cases=cases, reference="EN-2", debtor__address__house_number=2, received=NOW + timedelta(hours=1))
    make_case(cases=cases, reference="EN-3", debtor__address__house_number=3, received=NOW - timedelta(days=2))
    closed = make_case(cases=cases, reference="EN-4", debtor__address__house_number=4, received=NOW - timedelta(days=9))
    cases.cases[closed["case_id"]]["status"] = "closed"
    orphan = make_case(cases=cases, reference="EN-5", debtor__address__house_number=5)
    cases.cases[orphan["case_id"]].update(basket_id="weg", criteria_version="v7")  # a version no longer stored
    views = Views(cases=cases, tasks=tasks, criteria=Criteria(versions={"v1": EXAMPLE.criteria}), letters=Letters())
    rows = views.baskets(GM)["baskets"]
    assert [(r["id"], r["active"]) for r in rows] == [
        ("crisis", True), ("meervoudig", True), ("hoog-bedrag", True), ("enkelvoudig", True),
        ("jongeren", False), ("weg", False)]
    enkelvoudig = rows[3]
    assert (enkelvoudig["open_cases"], enkelvoudig["open_signals"]) == (2, 2)
    assert enkelvoudig["oldest_open_case_at"] == "2026-11-25T09:00:00.000000Z"
    assert rows[4]["name"] == "Jongeren" and rows[4]["path"] == [{"action": "phone_call", "after_days": 0}]
    assert rows[5]["name"] == "weg" and rows[5]["path"] == []


def test_a_basket_in_no_version_and_without_cases_is_not_found(ports):
    cases, tasks = ports
    views = Views(cases=cases, tasks=tasks, criteria=Criteria(versions={"v1": EXAMPLE.criteria}), letters=Letters())
    assert views.basket_cases(GM, "jongeren", None) == {"cases": [], "next_cursor": None}  # in v1
    assert views.basket_cases(GM, "crisis", {"status": "all"})["cases"] == []              # the default
    with pytest.raises(NotFound):
        views.basket_cases(GM, "nergens", None)
    case = make_case(cases=cases)
    cases.cases[case["case_id"]].update(basket_id="nergens", status="closed")
    assert views.basket_cases(GM, "nergens", None)["cases"] == []  # holds a closed case: it exists
    assert len(views.basket_cases(GM, "nergens", {"status": "closed"})["cases"]) == 1


def test_case_of_another_municipality_and_unlisted_letters_are_not_found(ports):
    cases, tasks = ports
    case = make_case(cases=cases)
    letters = Letters()
    letters.pdfs[(GM, case["case_id"], "letter-1")] = b"%PDF"
    views = Views(cases=cases, tasks=tasks, criteria=Criteria(), letters=letters)
    with pytest.raises(NotFound):
        views.case("GM0344", case["case_id"])
    with pytest.raises(NotFound):
        views.letter(GM, case["case_id"], "letter-1")  # stored, but not listed on the case
    cases.cases[case["case_id"]]["letters"].append({"letter_id": "letter-1", "created_at": "x", "step": "s"})
    assert views.letter(GM, case["case_id"], "letter-1") == b"%PDF"
    with pytest.raises(NotFound):
        views.letter("GM0344", case["case_id"], "letter-1")


def test_task_list_filters_and_validation(ports):
    cases, tasks = ports
    case = make_case(cases=cases)
    tasks.add(cases, case["case_id"], task_id="t1")
    tasks.add(cases, case["case_id"], task_id="t2", kind="home_visit", assignee="jan")
    views = Views(cases=cases, tasks=tasks, criteria=Criteria(), letters=Letters())
    assert [t["task_id"] for t in views.task_list(GM, {"type": "home_visit"})["tasks"]] == ["t2"]
    assert [t["task_id"] for t in views.task_list(GM, {"assignee": "jan", "status": "open"})["tasks"]] == ["t2"]
    assert views.task_list("GM0344", None)["tasks"] == []
    with pytest.raises(ValidationFailed) as failed:
        views.task_list(GM, {"status": "closed", "type": "letter", "assignee": ""})
    assert len(failed.value.details) == 3


# --------------------------------------------------------------------------- criteria and preview


def test_preview_counts_both_ways_reads_each_household_once_and_writes_nothing(ports):
    cases, tasks = ports
    for n in range(25):
        make_case(cases=cases, reference=f"EN-{n}", debtor__date_of_birth=YOUNG, debtor__address__house_number=n + 1)
    make_case(cases=cases, partner=HOUSING, reference="WS-1", debtor__date_of_birth=YOUNG,
              debtor__address__house_number=1)   # joins the first case: meervoudig, but jongeren comes first
    make_case(cases=cases, reference="EN-old", received=NOW - timedelta(days=100), debtor__address__house_number=1,
              signal_date="2026-08-01", arrears_since="2026-07-01")  # outside the window (but read as a household's)
    before = copy.deepcopy(cases.cases)
    admin = criteria_admin(cases)
    body = admin.preview(GM, example_document(), None)
    assert cases.cases == before and cases.writes == []
    assert (body["days"], body["cases"], body["active_version"]) == (90, 25, "default")
    assert body["moved"] == 25 and len(body["moved_sample"]) == 20
    assert body["moved_sample"][0]["from"] == "meervoudig"
    assert all(m == {"case_id": m["case_id"], "from": "enkelvoudig", "to": "jongeren"} for m in body["moved_sample"][1:])
    rows = {r["basket_id"]: (r["active"], r["preview"]) for r in body["baskets"]}
    assert rows["jongeren"] == (0, 25) and rows["enkelvoudig"] == (24, 0) and rows["meervoudig"] == (1, 0)
    assert sorted(cases.household_reads) == sorted(set(cases.household_reads)) and len(cases.household_reads) == 25
    assert admin.preview(GM, example_document(), {"days": "366"})["cases"] == 26


def test_preview_repeat_fact_sees_the_households_older_cases(ports):
    cases, tasks = ports
    document = {"schema_version": 1, "baskets": [
        {"id": "herhaald", "name": "Herhaald", "action": "phone_call", "when": {"fact": "repeat", "equals": True}},
        {"id": "rest", "name": "Rest", "action": "letter"}]}
    old = make_case(cases=cases, reference="EN-1", received=NOW - timedelta(days=200),
                    signal_date="2026-07-01", arrears_since="2026-06-01")  # 142 days earlier: a repeat
    cases.cases[old["case_id"]]["status"] = "closed"
    make_case(cases=cases, reference="EN-2")
    body = criteria_admin(cases).preview(GM, document, None)
    assert body["cases"] == 1 and {r["basket_id"]: r["preview"] for r in body["baskets"]}["herhaald"] == 1


def test_preview_and_upload_report_every_problem_and_change_nothing(ports):
    cases, tasks = ports
    repository = Criteria()
    admin = criteria_admin(cases, repository)
    document = {"schema_version": 2, "municipality_code": "GM0344", "baskets": [{"id": "A", "name": ""}]}
    with pytest.raises(ValidationFailed) as failed:
        admin.preview(GM, document, {"days": "0"})
    details = failed.value.details
    assert {"loc": ["query", "days"], "msg": "must be a whole number from 1 to 366"} in details
    assert {"/schema_version", "/municipality_code", "/baskets/0/id", "/baskets/0/name"} <= {d.get("pointer") for d in details}
    with pytest.raises(ValidationFailed):
        admin.upload(GM, document)
    assert repository.active(GM).is_default
    assert admin.upload(GM, example_document())["version"] == "v1"
    with pytest.raises(NotFound):
        admin.activate(GM, "v2")
    assert admin.activate(GM, "default")["default"] is True


# --------------------------------------------------------------------------- moving


def test_move_to_another_basket_cancels_the_old_path_and_queues_after_the_write(ports):
    cases, tasks = ports
    case = make_case(cases=cases)
    sent = []
    view = casework(cases, tasks, sent=sent).move(GM, case["case_id"], {"basket_id": "crisis", "reason": "urgent"})
    assert view["basket_id"] == "crisis" and view["moved_by_hand"] is True
    assert view["picked_up_at"] == "2026-11-27T09:00:00.000000Z"
    assert [(s["basket_id"], s["status"]) for s in view["steps"]] == [
        ("enkelvoudig", "cancelled"), ("enkelvoudig", "cancelled"), ("crisis", "pending")]
    assert sent == [(case["case_id"], ["home_visit"])] and len(cases.writes) == 1
    stored = cases.cases[case["case_id"]]
    assert cases.moves(case["case_id"]) == [{"at": "2026-11-27T09:00:00.000000Z", "from": "enkelvoudig", "to": "crisis",
                                "reason": "urgent"}]
    assert stored["expires_at"] is None


def test_move_skips_the_first_step_when_that_action_was_carried_out(ports):
    cases, tasks = ports
    case = make_case(cases=cases, crisis=True)          # crisis: home_visit
    stored = cases.cases[case["case_id"]]
    stored["steps"][0].status, stored["steps"][0].done_at = "done", NOW.isoformat()
    sent = []
    document = copy.deepcopy(example_document())
    active = ActiveCriteria("v1", None, None, parse_criteria(document))
    view = casework(cases, tasks, Criteria(active), sent=sent).move(
        GM, case["case_id"], {"basket_id": "meervoudig", "reason": "twee partners bekend"})
    assert view["steps"][-1]["status"] == "skipped" and sent == []


def test_move_to_the_same_basket_records_it_and_keeps_the_path(ports):
    cases, tasks = ports
    case = make_case(cases=cases)
    steps = copy.deepcopy(cases.cases[case["case_id"]]["steps"])
    sent = []
    casework(cases, tasks, sent=sent).move(GM, case["case_id"], {"basket_id": "enkelvoudig", "reason": "bekeken"})
    stored = cases.cases[case["case_id"]]
    assert stored["steps"] == steps and sent == [] and len(cases.moves(case["case_id"])) == 1 and stored["moved_by_hand"]


def test_move_rules_with_fakes(ports):
    cases, tasks = ports
    case = make_case(cases=cases)
    work = casework(cases, tasks)
    with pytest.raises(ValidationFailed) as failed:
        work.move(GM, case["case_id"], {"basket_id": "jongeren", "reason": "x"})  # not in the active (default)
    assert failed.value.details == [{"loc": ["basket_id"], "msg": "not a basket of the active criteria"}]
    with pytest.raises(ValidationFailed) as failed:
        work.move(GM, case["case_id"], "crisis")
    assert failed.value.details == [{"loc": [], "msg": "the body must be a JSON object"}]
    with pytest.raises(NotFound):
        work.move("GM0344", case["case_id"], {"basket_id": "crisis", "reason": "x"})
    cases.cases[case["case_id"]]["status"] = "closed"
    with pytest.raises(Conflict):
        work.move(GM, case["case_id"], {"basket_id": "crisis", "reason": "x"})
    assert cases.writes == []


def test_a_failing_send_does_not_undo_the_move(ports):
    cases, tasks = ports
    case = make_case(cases=cases)

    def broken(case, steps):
        raise RuntimeError("sqs down")

    work = Casework(cases=cases, tasks=tasks, criteria=Criteria(), send_steps=broken, now=lambda: NOW,
                    today=lambda: TODAY)
    assert work.move(GM, case["case_id"], {"basket_id": "crisis", "reason": "x"})["basket_id"] == "crisis"
    assert cases.cases[case["case_id"]]["steps"][-1].status == "queued"  # the follow-up schedule resends it


def test_a_concurrent_change_is_retried_then_409(ports):
    cases, tasks = ports
    case = make_case(cases=cases)
    cases.conflicts = 2
    assert casework(cases, tasks).move(GM, case["case_id"], {"basket_id": "crisis", "reason": "x"})["basket_id"] == "crisis"
    cases.conflicts = 3
    with pytest.raises(Conflict):
        casework(cases, tasks).add_contact_attempt(GM, case["case_id"], {"type": "Brief", "reached": False})


# --------------------------------------------------------------------------- contact attempts


def test_contact_attempt_defaults_and_pick_up(ports):
    cases, tasks = ports
    case = make_case(cases=cases)
    cases.cases[case["case_id"]]["expires_at"] = 1
    attempt = casework(cases, tasks).add_contact_attempt(GM, case["case_id"], {"type": "Telefoon", "reached": True,
                                                                               "note": None})
    assert attempt["date"] == "2026-11-27" and attempt["registered_at"] == "2026-11-27T09:00:00.000000Z"
    assert attempt["note"] is None and attempt["part_of_day"] is None
    stored = cases.cases[case["case_id"]]
    assert cases.attempts(case["case_id"]) == [attempt]
    assert stored["picked_up_at"] == attempt["registered_at"] and stored["expires_at"] is None
    later = casework(cases, tasks, now=NOW + timedelta(hours=2)).add_contact_attempt(
        GM, case["case_id"], {"type": "Mail", "reached": False, "date": "2026-11-27"})
    assert cases.cases[case["case_id"]]["picked_up_at"] == attempt["registered_at"] != later["registered_at"]


def test_a_reached_attempt_stops_the_follow_up(ports):
    """domain.paths reads the attempt's reached and registered_at."""
    from vroegsignaal.domain import paths
    cases, tasks = ports
    case = make_case(cases=cases)
    stored = cases.cases[case["case_id"]]
    paths.complete_step(stored, stored["steps"][0].step_id, NOW)
    casework(cases, tasks, now=NOW + timedelta(days=1)).add_contact_attempt(
        GM, case["case_id"], {"type": "Telefoon", "reached": True})
    stored = cases.cases[case["case_id"]]
    assert paths.queue_due_steps(stored, NOW + timedelta(days=15)) == []
    assert stored["steps"][1].status == "skipped"


@pytest.mark.parametrize("body,locs", [
    ({"type": "Telefoon"}, {("reached",)}),
    ({"reached": True}, {("type",)}),
    ({"type": "telefoon", "reached": 1}, {("type",), ("reached",)}),
    ({"type": "Brief", "reached": False, "date": "2026-11-28"}, {("date",)}),
    ({"type": "Brief", "reached": False, "date": "2026-02-30"}, {("date",)}),
    ({"type": "Brief", "reached": False, "part_of_day": "ochtend"}, {("part_of_day",)}),
    ({"type": "Brief", "reached": False, "note": "x" * 2001}, {("note",)}),
    ({"type": "Brief", "reached": False, "when": "nu"}, {("when",)}),
])
def test_contact_attempt_validation(ports, body, locs):
    cases, tasks = ports
    case = make_case(cases=cases)
    with pytest.raises(ValidationFailed) as failed:
        casework(cases, tasks).add_contact_attempt(GM, case["case_id"], body)
    assert {tuple(d["loc"]) for d in failed.value.details} == locs
    assert all("x" * 10 not in d["msg"] for d in failed.value.details)


# --------------------------------------------------------------------------- closing


def test_close_cancels_open_tasks_in_the_same_write_and_sets_the_retention(ports):
    cases, tasks = ports
    case = make_case(cases=cases)
    tasks.add(cases, case["case_id"], task_id="t-open")
    tasks.add(cases, case["case_id"], task_id="t-done", status="done")
    view = casework(cases, tasks).close(GM, case["case_id"], {"outcome": "Verwijzing zonder contact"})
    assert view["status"] == "closed" and view["outcome"] == "Verwijzing zonder contact"
    assert view["closed_at"] == "2026-11-27T09:00:00.000000Z" and view["next_step"] is None
    ((written, extra),) = cases.writes
    assert [(t["task_id"], t["status"], expected) for t, expected in extra] == [("t-open", "cancelled", "open")]
    assert tasks.tasks["t-open"]["status"] == "cancelled" and tasks.tasks["t-done"]["status"] == "done"
    assert all(s.status in ("cancelled", "done", "skipped") for s in written["steps"])
    # Never picked up: 6 months after it opened.
    assert written["expires_at"] == int(datetime(2027, 5, 27, 9, 0, tzinfo=UTC).timestamp())
    with pytest.raises(Conflict):
        casework(cases, tasks).close(GM, case["case_id"], {"outcome": "Verwijzing zonder contact"})


def test_a_picked_up_case_expires_18_months_after_closing():
    case = {"opened_at": "2026-01-01T00:00:00.000000Z", "picked_up_at": "2026-02-01T00:00:00.000000Z"}
    closed = datetime(2026, 8, 31, 12, 0, tzinfo=UTC)
    assert expires_at_on_close(case, closed) == int(datetime(2028, 2, 29, 12, 0, tzinfo=UTC).timestamp())
    assert add_months(datetime(2026, 8, 31), 6) == datetime(2027, 2, 28)
    assert add_months(datetime(2026, 12, 15), 1) == datetime(2027, 1, 15)


@pytest.mark.parametrize("body", [{}, {"outcome": "Klaar"}, {"outcome": "Inwoner is overleden", "note": "x"}, None, []])
def test_close_needs_exactly_a_ddas_outcome(ports, body):
    cases, tasks = ports
    case = make_case(cases=cases)
    with pytest.raises(ValidationFailed):
        casework(cases, tasks).close(GM, case["case_id"], body)
    assert cases.writes == []


# --------------------------------------------------------------------------- tasks


def test_assigning_a_task_picks_its_case_up_in_the_same_transaction(ports):
    cases, tasks = ports
    case = make_case(cases=cases)
    tasks.add(cases, case["case_id"], task_id="t1")
    task = casework(cases, tasks).update_task(GM, "t1", {"assignee": "jan"})
    assert task["assignee"] == "jan" and task["status"] == "open"
    ((written, extra),) = cases.writes
    assert written["picked_up_at"] == "2026-11-27T09:00:00.000000Z"
    assert [(t["task_id"], t["assignee"], expected) for t, expected in extra] == [("t1", "jan", "open")]
    # Already picked up: the task is written alone.
    casework(cases, tasks).update_task(GM, "t1", {"status": "done"})
    assert len(cases.writes) == 1 and tasks.tasks["t1"]["done_at"] == "2026-11-27T09:00:00.000000Z"


def test_done_and_open_again(ports):
    cases, tasks = ports
    case = make_case(cases=cases)
    tasks.add(cases, case["case_id"], task_id="t1", assignee="jan")
    work = casework(cases, tasks)
    assert work.update_task(GM, "t1", {"status": "done"})["done_at"] == "2026-11-27T09:00:00.000000Z"
    later = casework(cases, tasks, now=NOW + timedelta(hours=1))
    assert later.update_task(GM, "t1", {"status": "done"})["done_at"] == "2026-11-27T09:00:00.000000Z"  # kept
    again = work.update_task(GM, "t1", {"status": "open", "assignee": None})
    assert (again["status"], again["done_at"], again["assignee"]) == ("open", None, None)


def test_task_rules(ports):
    cases, tasks = ports
    case = make_case(cases=cases)
    tasks.add(cases, case["case_id"], task_id="t-cancelled", status="cancelled")
    tasks.add(cases, case["case_id"], task_id="t-done", status="done")
    work = casework(cases, tasks)
    with pytest.raises(NotFound):
        work.update_task("GM0344", "t-done", {"assignee": "jan"})
    with pytest.raises(NotFound):
        work.update_task(GM, "t-none", {"assignee": "jan"})
    with pytest.raises(Conflict):
        work.update_task(GM, "t-cancelled", {"assignee": "jan"})
    cases.cases[case["case_id"]]["status"] = "closed"
    with pytest.raises(Conflict):
        work.update_task(GM, "t-done", {"status": "open"})  # a task of a closed case is not reopened
    assert work.update_task(GM, "t-done", {"assignee": "jan"})["assignee"] == "jan"
    assert cases.cases[case["case_id"]].get("picked_up_at") is None  # a closed case is not picked up


@pytest.mark.parametrize("body,locs", [
    ({}, {()}), ([], {()}), ({"status": "cancelled"}, {("status",)}), ({"assignee": ""}, {("assignee",)}),
    ({"assignee": "x" * 101}, {("assignee",)}), ({"assignee": "jan", "due": "morgen"}, {("due",)}),
])
def test_task_change_validation(ports, body, locs):
    cases, tasks = ports
    case = make_case(cases=cases)
    tasks.add(cases, case["case_id"], task_id="t1")
    with pytest.raises(ValidationFailed) as failed:
        casework(cases, tasks).update_task(GM, "t1", body)
    assert {tuple(d["loc"]) for d in failed.value.details} == locs


# --------------------------------------------------------------------------- letter template


def test_letter_template_from_text_or_json():
    store = Letters()
    templates = LetterTemplates(store=store)
    assert templates.put(GM, {"template": "Beste {{ naam }},\n\n{{ afzender }}\n"}) == {
        "template": "custom", "variables": ["afzender", "naam"]}
    assert store.templates[GM].startswith("Beste")
    with pytest.raises(ValidationFailed) as failed:
        templates.put(GM, "{{ onbekend }}\n")
    assert failed.value.details[0]["loc"] == ["template"]
    with pytest.raises(ValidationFailed) as failed:
        templates.put(GM, {"template": 5, "extra": 1})
    assert {tuple(d["loc"]) for d in failed.value.details} == {("extra",), ("template",)}
    assert used_variables("{% for m in melders %}{{ m }}{% endfor %} {{ datum }}") == ["datum", "melders"]


def test_case_view_steps_carry_their_id_and_letters_their_channel():
    case = make_case()
    step = case["steps"][0]
    case["letters"].append({"letter_id": "letter-1", "created_at": "2026-11-27T09:00:00.000000Z",
                            "step": step.step_id, "action": "email", "channel": "email"})
    view = case_view(case, [], log_of(case))
    (letter,) = view["letters"]
    assert letter["channel"] == "email"
    assert letter["step"] == view["steps"][0]["step_id"] == step.step_id


def test_a_failed_step_shows_its_reason():
    from vroegsignaal.domain import paths
    case = make_case()
    step = case["steps"][0]
    assert paths.fail_step(case, step.step_id, "the letter is longer than 50000 characters", NOW)
    shown = case_view(case, [], log_of(case))["steps"][0]
    assert (shown["status"], shown["reason"]) == ("failed", "the letter is longer than 50000 characters")
    assert case["steps"][1].due == "2026-12-11"  # the path goes on: the phone call 14 days later
