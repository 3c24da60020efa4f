"""The services behind roles (in-memory ports): the people of a municipality, a
bezoeker's reach and the audit trail's recording and filters."""
from datetime import UTC, datetime

import pytest
from vroegsignaal.domain.errors import NotFound, ValidationFailed
from vroegsignaal.services.audit import AuditTrail
from vroegsignaal.services.users import Users
from vroegsignaal.services.visits import Visits

ACTOR = {"type": "user", "id": "u-1", "name": "Jan"}


class Directory:
    def __init__(self, people, later=None, pool=True):
        self.people, self.later, self.pool, self.refreshed = people, later, pool, 0

    def available(self):
        return self.pool

    def members(self, code):
        return self.people

    def refresh(self, code):
        self.refreshed += 1
        return self.later if self.later is not None else self.people


def test_users_are_listed_by_name():
    users = Users(directory=Directory([{"user_id": "b", "name": "Zora", "role": "consulent"},
                                       {"user_id": "a", "name": "anna", "role": "bezoeker"}]))
    assert [u["user_id"] for u in users.list("GM0632")["users"]] == ["a", "b"]


def test_a_user_added_just_now_is_found_by_a_refresh():
    directory = Directory([], later=[{"user_id": "new", "name": "N", "role": "consulent"}])
    assert Users(directory=directory).is_member("GM0632", "new") and directory.refreshed == 1


def test_no_user_is_no_member_and_without_a_pool_nothing_can_be_checked():
    assert not Users(directory=Directory([])).is_member("GM0632", "x")
    assert Users(directory=Directory([], pool=False)).is_member("GM0632", "x")


class Cases:
    def __init__(self, cases):
        self.cases = cases

    def find(self, code, case_id):
        case = self.cases.get(case_id)
        return case if case and case["municipality_code"] == code else None


class Tasks:
    def __init__(self, tasks):
        self.tasks = tasks

    def get(self, task_id):
        return self.tasks.get(task_id)


def visits():
    case = {"case_id": "c1", "municipality_code": "GM0632", "tasks": ["t1", "t2"], "latest_phone": "+31600000000",
            "latest_email": None, "basket_id": "b", "status": "open", "opened_at": "2026-11-01T00:00:00Z",
            "postcode": "1234AB", "house_number": 1, "summary": {"names": [], "signal_count": 1, "partner_types": [],
                                                                  "total_amount_cents": 100, "next_step": None}}
    tasks = {"t1": {"task_id": "t1", "case_id": "c1", "municipality_code": "GM0632", "assignee": "bea",
                    "status": "open"},
             "t2": {"task_id": "t2", "case_id": "c1", "municipality_code": "GM0632", "assignee": "jan",
                    "status": "open"}}
    return Visits(cases=Cases({"c1": case}), tasks=Tasks(tasks))


def test_a_bezoeker_reaches_their_task_and_its_case_only():
    v = visits()
    assert v.case_reachable("GM0632", "c1", "bea") and not v.case_reachable("GM0632", "c1", "eve")
    assert v.task_reachable("GM0632", "t1", "bea") and not v.task_reachable("GM0632", "t2", "bea")
    assert not v.case_reachable("GM0344", "c1", "bea") and not v.task_reachable("GM0344", "t1", "bea")


def test_the_reduced_view_shows_only_their_own_tasks_and_the_latest_contact_details():
    view = visits().case("GM0632", "c1", "bea")
    assert [t["task_id"] for t in view["tasks"]] == ["t1"] and view["phone"] == "+31600000000"
    with pytest.raises(NotFound):
        visits().case("GM0632", "c1", "eve")


class Store:
    def __init__(self, fail=False):
        self.appended, self.followed, self.fail = [], [], fail

    def locate_case(self, code, case_id):
        return ("hh1", 1800000000) if case_id == "c1" else None

    def append(self, entry, household=None, expires_at=None):
        if self.fail:
            raise RuntimeError("down")
        self.appended.append((entry, household, expires_at))

    def follow_expiry(self, household, case_id, expires_at):
        self.followed.append((household, case_id, expires_at))


def trail(store):
    return AuditTrail(store=store, now=lambda: datetime(2026, 12, 1, 9, 12, 44, tzinfo=UTC))


def test_a_cases_entry_goes_to_its_household_with_its_expiry_and_a_close_makes_the_others_follow():
    store = Store()
    trail(store).record(code="GM0632", actor=ACTOR, action="case.closed", case_id="c1",
                        details={"outcome": "x"}, change=True)
    entry, household, expires = store.appended[0]
    assert (entry["action"], entry["case_id"], household, expires) == ("case.closed", "c1", "hh1", 1800000000)
    assert store.followed == [("hh1", "c1", 1800000000)]
    trail(store).record(code="GM0632", actor=ACTOR, action="case.viewed", case_id="c1", details={}, change=False)
    assert len(store.followed) == 1  # a view changes no expiry


def test_an_entry_about_no_case_goes_to_the_municipality():
    store = Store()
    trail(store).record(code="GM0632", actor=ACTOR, action="criteria.uploaded", case_id=None,
                        details={"version": "v2"}, change=True)
    assert store.appended[0][1:] == (None, None) and "case_id" not in store.appended[0][0]


def test_a_read_whose_entry_cannot_be_stored_fails_and_a_stored_change_stays_answered():
    with pytest.raises(RuntimeError):
        trail(Store(fail=True)).record(code="GM0632", actor=ACTOR, action="case.viewed", case_id="c1",
                                       details={}, change=False)
    trail(Store(fail=True)).record(code="GM0632", actor=ACTOR, action="case.moved", case_id="c1",
                                   details={}, change=True)


@pytest.mark.parametrize("query, locs", [({"from": "2026-1-1"}, {"from"}), ({"to": "20261201"}, {"to"}),
                                         ({"action": "case.eaten"}, {"action"}), ({"actor": ""}, {"actor"}),
                                         ({"from": "2026-12-02", "to": "2026-12-01"}, {"from", "to"})])
def test_bad_filters_name_each_problem(query, locs):
    with pytest.raises(ValidationFailed) as raised:
        trail(Store()).entries("GM0632", query)
    assert {d["loc"][1] for d in raised.value.details} == locs
