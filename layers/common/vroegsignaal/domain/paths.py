"""Treatment paths (behandelpaden): the steps a basket sets going for a case.

criteria.md, "Baskets": a path is 1-5 steps. The first runs when the case
enters the basket; each later one falls due `after_days` after the previous
step was carried out, and runs only if the case is still open and nobody was
reached since that previous step; otherwise it and the rest are skipped. When
a case moves to another basket, the old basket's steps not yet carried out
are cancelled and the new path starts, its first step skipped if that action
was already carried out for the case.

Steps are `Step`s (domain/case.py) in the case's `steps`, with status pending
(waits for its due date), queued (handed to the letters or tasks queue), done,
skipped, cancelled or failed (with a `reason`: the system could not carry it
out). Dates are ISO strings.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from vroegsignaal import clock
from vroegsignaal.domain.case import Case, Step

# Actions the system carries out through a queue, and which queue.
QUEUE_OF_ACTION = {"letter": "letters", "email": "letters", "phone_call": "tasks", "home_visit": "tasks"}
OPEN_STATUSES = ("pending", "queued")


def _step(case_id: str, basket_id: str, index: int, action: str, after_days: int, generation: int) -> Step:
    return Step(step_id=Step.id_for(case_id, generation, basket_id, index),
                basket_id=basket_id, generation=generation, index=index, action=action, after_days=after_days)


def steps_of(case: Case) -> list[Step]:
    return case.get("steps", [])


def carried_out(case: Case, action: str) -> bool:
    """Was this action already carried out for the case (a created task counts)? What
    counts is what was done: an e-mail step without an address was carried out as a letter."""
    return any((s.carried_out_as or s.action) == action and s.status == "done" for s in steps_of(case))


def enter_basket(case: Case, basket_id: str, path: Iterable[dict[str, Any]], now: datetime) -> list[Step]:
    """Move the case into a basket's path (mutates the case). Returns the steps to queue now."""
    for step in steps_of(case):
        if step.status in OPEN_STATUSES:
            step.status = "cancelled"
    generation = case.get("path_generation", 0) + 1
    case["path_generation"] = generation
    _forget_old_steps(case, generation)
    new_steps = [_step(case["case_id"], basket_id, i, s["action"], int(s.get("after_days") or 0), generation)
                 for i, s in enumerate(path)]
    first = new_steps[0]
    if carried_out(case, first.action):
        first.status = "skipped"
        first.done_at = now.isoformat()
    case.setdefault("steps", []).extend(new_steps)
    return _start(case, first, now)


def _forget_old_steps(case: Case, generation: int) -> None:
    """Keep the case bounded however often it changes basket: of paths before the
    previous one only the steps that were carried out (or failed) stay; the
    classification history in the log says which baskets the case went through."""
    case["steps"] = [s for s in steps_of(case) if s.generation >= generation - 1 or s.status in ("done", "failed")]


def _start(case: Case, step: Step, now: datetime) -> list[Step]:
    """Start a step that is due now; returns the steps to queue."""
    if step.status == "pending":
        step.due = clock.local_date(now).isoformat()
        if step.action == "none":  # files the case, nothing to carry out
            step.status = "done"
            step.done_at = now.isoformat()
        else:
            _queue(step, now)
            return [step]
    _schedule_next(case, step)
    return []


def _in_path(case: Case, step: Step, index: int) -> Step | None:
    """The step at `index` of the same path (same entry into the basket)."""
    return next((s for s in steps_of(case) if s.generation == step.generation and s.index == index), None)


def _schedule_next(case: Case, step: Step) -> None:
    """After a step was carried out (or skipped), the next one falls due after_days later."""
    nxt = _in_path(case, step, step.index + 1)
    if nxt is not None and nxt.status == "pending" and step.done_at:
        carried = clock.local_date(datetime.fromisoformat(step.done_at))
        nxt.due = (carried + timedelta(days=nxt.after_days)).isoformat()


def find_step(case: Case, step_id: str) -> Step | None:
    return next((s for s in steps_of(case) if s.step_id == step_id), None)


def complete_step(case: Case, step_id: str, now: datetime, *, carried_out_as: str | None = None) -> bool:
    """Mark a queued step carried out (mutates the case), as `carried_out_as` when that
    differs from its action. False when it no longer waits to be carried out (done
    before, or cancelled): the caller does nothing."""
    step = find_step(case, step_id)
    if step is None or step.status != "queued":
        return False
    step.status = "done"
    step.done_at = now.isoformat()
    if carried_out_as and carried_out_as != step.action:
        step.carried_out_as = carried_out_as
    _schedule_next(case, step)
    return True


def fail_step(case: Case, step_id: str, reason: str, now: datetime) -> bool:
    """A step the system could not carry out (a letter whose template fails): it is
    not tried again, the case shows why, and the rest of its path goes on as after
    a step carried out. False when it no longer waits to be carried out."""
    step = find_step(case, step_id)
    if step is None or step.status != "queued":
        return False
    step.status = "failed"
    step.reason = reason
    step.done_at = now.isoformat()
    _schedule_next(case, step)
    return True


def reached_since(case: Case, moment: str) -> bool:
    """Was the resident reached (a contact attempt with reached: true) after this moment?
    The case keeps the time of the last such attempt (its attempts are in its log)."""
    last = case.get("last_reached_at")
    return isinstance(last, str) and datetime.fromisoformat(last) > datetime.fromisoformat(moment)


def queue_due_steps(case: Case, now: datetime) -> list[Step]:
    """The follow-up rule (mutates the case): pending steps whose due date has come
    are queued if the case is open and nobody was reached since the previous step,
    else they and the rest of their path are skipped. Returns the steps to queue."""
    to_queue = []
    today = clock.local_date(now)
    for step in list(steps_of(case)):
        if step.status != "pending" or not step.due or date.fromisoformat(step.due) > today:
            continue
        previous = _in_path(case, step, step.index - 1)
        if case.get("status") != "open" or (previous and previous.done_at and reached_since(case, previous.done_at)):
            _skip_rest(case, step, now)
            continue
        _queue(step, now)
        to_queue.append(step)
    return to_queue


def _queue(step: Step, now: datetime) -> None:
    step.status = "queued"
    step.queued_at = now.isoformat()


def stale_queued_steps(case: Case, now: datetime, *, older_than: timedelta = timedelta(minutes=15)) -> list[Step]:
    """Queued steps not carried out for a while: their message may never have been sent
    (a failure between writing the case and sending). Sending again is harmless:
    the consumers are idempotent on (case, step)."""
    return [s for s in steps_of(case) if s.status == "queued"
            and s.queued_at is not None and datetime.fromisoformat(s.queued_at) <= now - older_than]


def _skip_rest(case: Case, step: Step, now: datetime) -> None:
    for other in steps_of(case):
        if other.generation == step.generation and other.index >= step.index and other.status == "pending":
            other.status = "skipped"
            other.done_at = now.isoformat()


def cancel_open_steps(case: Case) -> None:
    """Closing a case stops its path."""
    for step in steps_of(case):
        if step.status in OPEN_STATUSES:
            step.status = "cancelled"


def next_step(case: Case) -> dict[str, Any] | None:
    """What happens next for the case: {"action", "due"} or None."""
    if case.get("status") != "open":
        return None
    waiting = [(s.due, s.action) for s in steps_of(case) if s.status in OPEN_STATUSES and s.due]
    if not waiting:
        return None
    due, action = min(waiting, key=lambda pair: pair[0])
    return {"action": action, "due": due}


def next_due(case: Case) -> str | None:
    """The earliest due date of a step not yet carried out: the follow-up schedule's
    index (queued steps stay in it until carried out, so a lost message is sent again)."""
    if case.get("status") != "open":
        return None
    dues = [s.due for s in steps_of(case) if s.status in OPEN_STATUSES and s.due]
    return min(dues) if dues else None
