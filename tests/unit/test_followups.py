"""The follow-up schedule fanned out (services/actions.py): the run's work per due
partition, a worker's page, its batches, its continuation, and what a redelivered
message, a retried run and one municipality's burst do. Fakes for the ports."""
import copy
from collections import deque
from datetime import UTC, datetime, timedelta

import pytest
from vroegsignaal.domain import paths
from vroegsignaal.domain.errors import ConcurrentChange
from vroegsignaal.services.actions import STALE_AFTER, FollowUpWorker, schedule_followups

T0 = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
LETTER_THEN_CALL = [{"action": "letter"}, {"action": "phone_call", "after_days": 14}]
DUE_DAY = T0 + timedelta(days=15)


def waiting_case(n, code="GM0632", shard=0):
    """A case whose letter went out; its phone call falls due 14 days later."""
    case = {"case_id": f"case-{code}-{shard}-{n:04d}", "household": f"hh-{n}", "municipality_code": code,
            "status": "open", "steps": [], "version": 1, "shard": shard}
    (letter,) = paths.enter_basket(case, "enkelvoudig", LETTER_THEN_CALL, T0)
    paths.complete_step(case, letter.step_id, T0)
    return case


class FakeCases:
    """Due partitions as sorted lists; a page after an offset cursor; writes conditioned on the version."""

    def __init__(self, cases, page_size=100):
        self.stored = {c["case_id"]: copy.deepcopy(c) for c in cases}
        self.page_size = page_size
        self.pages_read = 0
        self.changed_behind_the_page = set()  # case ids whose page copy is one version old

    def _due(self, partition, until):
        code, shard = partition
        return sorted((c for c in self.stored.values() if (c["municipality_code"], c["shard"]) == (code, shard)
                       and (paths.next_due(c) or "9999") <= until), key=lambda c: (paths.next_due(c), c["case_id"]))

    def due_page(self, partition, until, cursor):
        self.pages_read += 1
        due = self._due(partition, until)
        start = int(cursor or 0)
        page = [copy.deepcopy(c) for c in due[start:start + self.page_size]]
        for case in page:
            if case["case_id"] in self.changed_behind_the_page:
                case["version"] -= 1
        more = start + self.page_size < len(due)
        return page, str(start + self.page_size) if more else None

    def get(self, household, case_id):
        return copy.deepcopy(self.stored.get(case_id))

    def write(self, case):
        if self.stored[case["case_id"]]["version"] != case["version"]:
            raise ConcurrentChange()
        case["version"] += 1
        self.stored[case["case_id"]] = copy.deepcopy(case)


class Queues:
    """The work queue (first in, first out) and the step messages sent, call by call."""

    def __init__(self):
        self.work = deque()
        self.step_calls = []

    def send_work(self, messages):
        self.work.extend(copy.deepcopy(messages))

    def send_case_steps(self, pairs):
        assert len(pairs) <= 10  # SendMessageBatch's limit
        self.step_calls.append([(case["case_id"], step["action"]) for case, step in pairs])

    @property
    def sent(self):
        return [sent for call in self.step_calls for sent in call]


def worker_of(cases, queues):
    return FollowUpWorker(cases=cases, send_case_steps=queues.send_case_steps, send_work=queues.send_work)


def drain(worker, queues, limit=1000):
    """Every message, in the order they were queued; returns the work messages handled."""
    handled = []
    while queues.work and len(handled) < limit:
        work = queues.work.popleft()
        worker.run(work)
        handled.append(work)
    assert not queues.work
    return handled


def test_a_run_is_one_work_message_per_partition_with_the_runs_day_and_time():
    queues = Queues()
    counts = schedule_followups([("GM0632", 0), ("GM0632", 1), ("GM0344", 0)], queues.send_work, DUE_DAY)
    assert counts == {"partitions": 3}
    assert [(w["municipality_code"], w["shard"], w["until"], w["cursor"]) for w in queues.work] == [
        ("GM0632", 0, "2026-12-12", None), ("GM0632", 1, "2026-12-12", None), ("GM0344", 0, "2026-12-12", None)]
    assert {datetime.fromisoformat(w["run_at"].replace("Z", "+00:00")) for w in queues.work} == {DUE_DAY}


def test_a_page_queues_its_due_steps_ten_a_call():
    cases, queues = FakeCases([waiting_case(n) for n in range(25)]), Queues()
    schedule_followups([("GM0632", 0)], queues.send_work, DUE_DAY)
    counts = worker_of(cases, queues).run(queues.work.popleft())
    assert (counts["cases"], counts["queued"]) == (25, 25)
    assert [len(call) for call in queues.step_calls] == [10, 10, 5]
    assert {action for _, action in queues.sent} == {"phone_call"}
    assert all(c["steps"][1].status == "queued" for c in cases.stored.values())


def test_nothing_is_sent_before_the_step_falls_due():
    cases, queues = FakeCases([waiting_case(n) for n in range(3)]), Queues()
    schedule_followups([("GM0632", 0)], queues.send_work, DUE_DAY - timedelta(days=2))
    drain(worker_of(cases, queues), queues)
    assert queues.sent == []


def test_a_partition_with_more_puts_its_next_page_on_the_queue_and_the_last_page_none():
    cases, queues = FakeCases([waiting_case(n) for n in range(25)], page_size=10), Queues()
    schedule_followups([("GM0632", 0)], queues.send_work, DUE_DAY)
    handled = drain(worker_of(cases, queues), queues)
    assert [w["cursor"] for w in handled] == [None, "10", "20"]
    assert sorted(case_id for case_id, _ in queues.sent) == sorted(cases.stored)  # every case once


def test_a_redelivered_page_sends_no_step_twice():
    cases, queues = FakeCases([waiting_case(n) for n in range(12)]), Queues()
    schedule_followups([("GM0632", 0)], queues.send_work, DUE_DAY)
    work = queues.work.popleft()
    worker = worker_of(cases, queues)
    worker.run(work)
    worker.run(work)  # the message came back (a timeout after the page was done)
    assert len(queues.sent) == 12 == len(set(queues.sent))


def test_a_retried_run_sends_no_step_twice():
    cases, queues = FakeCases([waiting_case(n) for n in range(12)], page_size=5), Queues()
    worker = worker_of(cases, queues)
    for _ in range(2):  # the schedule's invocation retried: the whole fan-out again
        schedule_followups([("GM0632", 0)], queues.send_work, DUE_DAY)
    drain(worker, queues)
    assert len(queues.sent) == 12 == len(set(queues.sent))


def test_a_step_queued_long_ago_and_not_carried_out_is_sent_again():
    cases, queues = FakeCases([waiting_case(1)]), Queues()
    worker = worker_of(cases, queues)
    schedule_followups([("GM0632", 0)], queues.send_work, DUE_DAY)
    drain(worker, queues)
    schedule_followups([("GM0632", 0)], queues.send_work, DUE_DAY + timedelta(hours=1))
    drain(worker, queues)
    assert len(queues.sent) == 1  # still waiting in the tasks queue: not sent again
    schedule_followups([("GM0632", 0)], queues.send_work, DUE_DAY + STALE_AFTER)
    counts = worker.run(queues.work.popleft())
    assert counts["resent"] == 1 and len(queues.sent) == 2


def test_a_case_changed_since_the_page_was_read_is_read_again():
    cases, queues = FakeCases([waiting_case(n) for n in range(3)]), Queues()
    cases.changed_behind_the_page = {"case-GM0632-0-0001"}
    schedule_followups([("GM0632", 0)], queues.send_work, DUE_DAY)
    counts = worker_of(cases, queues).run(queues.work.popleft())
    assert (counts["queued"], counts["conflicts"]) == (3, 0)
    assert cases.stored["case-GM0632-0-0001"]["steps"][1].status == "queued"


def test_one_failing_case_does_not_stop_the_follow_ups_of_the_others():
    good = waiting_case(1)
    broken = {**waiting_case(2), "steps": None}
    cases, queues = FakeCases([good]), Queues()
    cases.due_page = lambda partition, until, cursor: ([broken, copy.deepcopy(good)], None)
    counts = worker_of(cases, queues).run({"municipality_code": "GM0632", "shard": 0, "until": "2026-12-12",
                                           "run_at": "2026-12-12T09:00:00Z", "cursor": None})
    assert counts["failed"] == 1 and counts["queued"] == 1 and queues.sent == [(good["case_id"], "phone_call")]


@pytest.mark.parametrize("burst", [50, 500])
def test_one_municipalitys_burst_does_not_hold_up_anothers_follow_ups(burst):
    """The run's first wave holds one page of every partition: the other municipality's
    steps go out in it, however many pages the burst has."""
    burst_cases = [waiting_case(n, "GM0363", shard=n % 2) for n in range(burst)]
    cases = FakeCases([*burst_cases, waiting_case(1, "GM0632", 0), waiting_case(2, "GM0632", 1)], page_size=10)
    queues = Queues()
    partitions = [(code, shard) for code in ("GM0363", "GM0632") for shard in range(2)]
    schedule_followups(partitions, queues.send_work, DUE_DAY)
    worker = worker_of(cases, queues)
    for _ in range(len(partitions)):  # the first wave
        worker.run(queues.work.popleft())
    assert {case_id for case_id, _ in queues.sent if "GM0632" in case_id} == {
        "case-GM0632-0-0001", "case-GM0632-1-0002"}
    drain(worker, queues)
    assert len(queues.sent) == burst + 2
