"""Carrying out treatment-path steps: letters, e-mails, tasks; and the
follow-up schedule that queues steps when they fall due.

Every step is idempotent on (case, step): a step that is no longer `queued`
(done before, cancelled by a move or a close) is left alone, and the ids of
letters and tasks derive from the case and the step, so a redelivered message
never makes a second letter or task.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from vroegsignaal import clock
from vroegsignaal.domain import cases as case_rules
from vroegsignaal.domain import letters, paths
from vroegsignaal.domain.case import Case, LetterRecord, Step
from vroegsignaal.domain.errors import ConcurrentChange, LetterFailed

log = logging.getLogger(__name__)
TASK_ACTIONS = ("phone_call", "home_visit")


@dataclass
class StepOutcome:
    done: bool
    what: str  # "letter", "email", "task" or why nothing was done


class StepRunner:
    """Ports: case store, task store functions, letter store, municipality profiles, mailer."""

    def __init__(self, *, cases: Any, tasks: Any, letter_store: Any,
                 municipality: Callable[[str], dict[str, Any] | None],
                 send_email: Callable[..., Any], now: Callable[[], datetime] = clock.now) -> None:
        self.cases = cases
        self.tasks = tasks
        self.letter_store = letter_store
        self.municipality = municipality
        self.send_email = send_email
        self.now = now

    def run(self, message: dict[str, Any]) -> StepOutcome:
        case = self.cases.get(message["household"], message["case_id"])
        if case is None:
            # Retention deletes the tasks a case lists; one made as the case went is not listed.
            if message.get("action") in TASK_ACTIONS:
                self.tasks.delete(self.tasks.task_id_for(message["case_id"], message["step_id"]))
            return StepOutcome(False, "case gone")
        step = paths.find_step(case, message["step_id"])
        if step is None:
            return StepOutcome(False, "step unknown")
        if step.action in TASK_ACTIONS:
            return self._task(case, step)
        if step.status != "queued":
            return StepOutcome(False, f"step {step.status}")
        return self._letter(case, step)

    def _task(self, case: Case, step: Step) -> StepOutcome:
        """The task first (created once: its id derives from case and step), then the case.
        A failure in between brings the message back, which finds the task and goes on."""
        task_id = self.tasks.task_id_for(case["case_id"], step.step_id)
        if step.status == "queued":
            task = {"task_id": task_id, "case_id": case["case_id"], "household": case["household"],
                    "municipality_code": case["municipality_code"], "basket_id": step.basket_id,
                    "step_id": step.step_id, "type": step.action, "status": "open", "assignee": None,
                    "due": step.due, "created_at": clock.iso(self.now()), "done_at": None}  # no expiry of its own: retention deletes it with its case
            self.tasks.create_once(task)
        else:
            # Moved or closed after the task was made but before the case recorded it?
            task = self.tasks.get(task_id)
            if task is None or task_id in case.get("tasks", []):
                return StepOutcome(False, f"step {step.status}")
        self._record_task(case, step.step_id, task)
        return StepOutcome(True, "task")

    def _record_task(self, case: Case, step_id: str, task: dict[str, Any]) -> None:
        """Put a created task on its case: the step was carried out (a created task counts),
        and the case lists it, so its view shows it and closing cancels it. A case that
        changed meanwhile is read again; a case closed meanwhile cancels the task."""
        for attempt in range(3):
            step = paths.find_step(case, step_id)
            if step is None:
                return  # the step is gone from the case (an old path forgotten): nothing to record
            if step.status == "queued":
                paths.complete_step(case, step_id, datetime.fromisoformat(task["created_at"].replace("Z", "+00:00")))
            elif step.status != "done":  # cancelled by a move after the task was made
                step.status, step.done_at = "done", task["created_at"]
            if task["task_id"] not in case.setdefault("tasks", []):
                case["tasks"].append(task["task_id"])
            try:
                self.cases.write(case)
                break
            except ConcurrentChange:
                if attempt == 2:
                    raise  # the message comes back and tries again
                fresh = self.cases.get(case["household"], case["case_id"])
                if fresh is None:  # expired meanwhile: the task goes as its case did
                    self.tasks.delete(task["task_id"])
                    return
                case = fresh
        if case["status"] == "closed" and task["status"] == "open":
            self.tasks.write_changed({**task, "status": "cancelled"}, expected_status="open")

    def _letter(self, case: Case, step: Step) -> StepOutcome:
        now = self.now()
        email = case.get("latest_email")
        channel = "email" if step.action == "email" and email else "letter"  # no address: a letter
        code = case["municipality_code"]
        profile = self.municipality(code) or {"name": code}
        context = letters.build_context(**case_rules.letter_facts(case), municipality=profile,
                                        letter_date=clock.local_date(now))
        try:
            text = letters.render_text(context, self.letter_store.template(code))
            pdf = letters.render_pdf(context, text)
        except LetterFailed as failed:
            # The template cannot make this letter: retrying would fail the same way.
            paths.fail_step(case, step.step_id, failed.reason, now)
            self.cases.write(case)
            return StepOutcome(True, "failed")
        letter_id = self.letter_store.letter_id_for(case["case_id"], step.step_id)
        # The PDF is kept for e-mails too: the case shows what the resident received.
        self.letter_store.put_letter(code, case["case_id"], letter_id, pdf)
        if channel == "email":
            # Once per letter id, whatever happens after: a retry finds it sent.
            self.send_email(once_key=letter_id, to=email, subject=letters.subject_line(context), text=text)
        paths.complete_step(case, step.step_id, now, carried_out_as=channel)
        letter = LetterRecord(letter_id=letter_id, created_at=clock.iso(now), step=step.step_id,
                              action=step.action, channel=channel)
        case.setdefault("letters", []).append(letter.item())
        self.cases.write(case)
        return StepOutcome(True, channel)


# ---------------------------------------------------------------- the follow-up schedule
#
# The schedule's run fans out: one work message per due partition (each municipality's
# shards), on the follow-up queue. A worker reads one page of its partition, queues the
# steps that fell due (the case written first, conditioned on its version: a redelivered
# message or a run retried finds them queued and sends nothing), sends them 10 a call,
# and puts the partition's next page on the queue. Memory holds one page; a
# municipality's burst is its own partitions' chain of pages (docs/decisions.md).

STALE_AFTER = timedelta(hours=2)  # a queued step not carried out by then is sent again
SEND_BATCH = 10  # SendMessageBatch's limit


def schedule_followups(partitions: list[tuple[str, int]], send_work: Callable[[list[dict[str, Any]]], Any],
                       now: datetime) -> dict[str, int]:
    """The schedule's run: the first page of every due partition, as work for the workers.
    `until` (today, Amsterdam) and `run_at` are the run's: every page of it judges by them."""
    until, run_at = clock.local_date(now).isoformat(), clock.iso(now)
    work = [{"municipality_code": code, "shard": shard, "until": until, "run_at": run_at, "cursor": None}
            for code, shard in partitions]
    send_work(work)
    return {"partitions": len(work)}


class _Outbox:
    """Step messages of many cases, sent 10 a call per queue as soon as 10 wait, so
    memory holds at most a page's messages. Steps written queued but not sent (a worker
    that stopped, a send that failed) are sent again once stale."""

    def __init__(self, send: Callable[[list[tuple[Case, dict[str, Any]]]], Any]) -> None:
        self.send = send
        self.waiting: dict[str, list[tuple[Case, dict[str, Any]]]] = {}

    def add(self, case: Case, steps: list[Step]) -> None:
        for step in steps:
            queue = self.waiting.setdefault(paths.QUEUE_OF_ACTION[step.action], [])
            queue.append((case, step.item()))
            if len(queue) == SEND_BATCH:
                self.send(queue[:])
                queue.clear()

    def flush(self) -> None:
        for queue in self.waiting.values():
            if queue:
                self.send(queue[:])
                queue.clear()


class FollowUpWorker:
    """One page of one due partition. Ports: the case store (due_page, get, write), the
    step sender ((case, step) pairs, any cases) and the work sender (the next page)."""

    def __init__(self, *, cases: Any, send_case_steps: Callable[[list[tuple[Case, dict[str, Any]]]], Any],
                 send_work: Callable[[list[dict[str, Any]]], Any]) -> None:
        self.cases = cases
        self.send_case_steps = send_case_steps
        self.send_work = send_work

    def run(self, work: dict[str, Any]) -> dict[str, int]:
        """Follow up one page of the partition the work names; returns counts. The next
        page goes on the queue after this page's steps were sent: a worker that fails
        before that is given the same page again (docs/decisions.md, "Follow-ups")."""
        now = datetime.fromisoformat(str(work["run_at"]).replace("Z", "+00:00"))
        page, cursor = self.cases.due_page((work["municipality_code"], int(work["shard"])), str(work["until"]),
                                           work.get("cursor"))
        counts = {"cases": 0, "queued": 0, "resent": 0, "conflicts": 0, "failed": 0, "pages": 1}
        outbox = _Outbox(self.send_case_steps)
        for case in page:
            counts["cases"] += 1
            try:
                self._follow_up(case, now, outbox, counts)
            except Exception:  # one bad case must not hold up every other case's follow-ups
                counts["failed"] += 1
                log.exception("follow-up failed", extra={"case_id": case.get("case_id")})
        outbox.flush()
        if cursor:
            self.send_work([{**work, "cursor": cursor}])
        return counts

    def _follow_up(self, case: Case, now: datetime, outbox: _Outbox, counts: dict[str, int]) -> None:
        for attempt in range(2):
            stale = paths.stale_queued_steps(case, now, older_than=STALE_AFTER)
            statuses = [s.status for s in paths.steps_of(case)]
            due = paths.queue_due_steps(case, now)
            if statuses != [s.status for s in paths.steps_of(case)]:  # queued or skipped: store it first
                try:
                    self.cases.write(case)
                except ConcurrentChange:
                    # The page is read eventually consistent, or a consultant changed the
                    # case meanwhile: once more from the case itself, else the next run.
                    fresh = self.cases.get(case["household"], case["case_id"]) if attempt == 0 else None
                    if fresh is None:
                        counts["conflicts"] += 1
                        return
                    case = fresh
                    continue
            outbox.add(case, due + stale)
            counts["queued"] += len(due)
            counts["resent"] += len(stale)
            return
