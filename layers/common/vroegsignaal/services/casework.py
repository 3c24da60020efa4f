"""What consultants do to a case (municipality-api.md): move it by hand,
register a contact attempt, close it, and assign or finish its tasks.

Every change reads the case, changes it and writes it conditioned on the
version read (DynamoCaseStore.write); a concurrent change is retried from a
fresh read a few times, then answered 409. Steps a move starts are queued
after the write (a send that fails leaves them `queued`, and the follow-up
schedule sends queued steps again).

Ports: cases (find, get, log, write(case, log=, changed_tasks=)), tasks (get,
write_changed), criteria (active), send_steps(case, steps), is_user(code, user_id). Request bodies
are validated here with every problem at once; messages name the field,
never the value.
"""
from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Any, TypeVar

from vroegsignaal import clock, ids
from vroegsignaal.domain import cases as case_rules
from vroegsignaal.domain.case import Case, Step
from vroegsignaal.domain.ddas import CONTACT_TYPES, OUTCOMES, PARTS_OF_DAY
from vroegsignaal.domain.errors import ConcurrentChange, ValidationFailed
from vroegsignaal.domain.retention import pick_up

from .views import Conflict, NotFound, case_tasks, case_view, task_view

log = logging.getLogger(__name__)
T = TypeVar("T")

REASON_MAX = 500
NOTE_MAX = 2000
ASSIGNEE_MAX = 100
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)

# --------------------------------------------------------------------------- bodies


class _Problems:
    def __init__(self) -> None:
        self.details: list[dict[str, Any]] = []

    def add(self, field: str, msg: str) -> None:
        self.details.append({"loc": [field], "msg": msg})

    def object(self, body: Any, allowed: tuple[str, ...]) -> dict[str, Any]:
        """The body's allowed fields; ValidationFailed at once when it is no object."""
        if not isinstance(body, dict):
            self.details.append({"loc": [], "msg": "the body must be a JSON object"})
            self.raise_any()
        for key in body:
            if key not in allowed:
                self.add(str(key), "unknown field")
        # An explicit null for an optional field means the field is absent (signals-api.md).
        return {k: v for k, v in body.items() if k in allowed}

    def raise_any(self) -> None:
        if self.details:
            raise ValidationFailed(self.details)


def _text(problems: _Problems, body: dict[str, Any], field: str, max_chars: int, *, required: bool) -> str | None:
    value = body.get(field)
    if value is None:
        if required:
            problems.add(field, "required")
        return None
    if not isinstance(value, str) or not value.strip() or len(value) > max_chars:
        problems.add(field, f"must be a text of 1 to {max_chars} characters")
        return None
    return value


def validate_move(body: Any) -> tuple[str, str]:
    problems = _Problems()
    fields = problems.object(body, ("basket_id", "reason"))
    basket_id = _text(problems, fields, "basket_id", 40, required=True)
    reason = _text(problems, fields, "reason", REASON_MAX, required=True)
    problems.raise_any()
    return str(basket_id), str(reason)


def validate_contact_attempt(body: Any, *, today: date) -> dict[str, Any]:
    problems = _Problems()
    fields = problems.object(body, ("type", "reached", "date", "part_of_day", "note"))
    kind = fields.get("type")
    if kind is None:
        problems.add("type", "required")
    elif kind not in CONTACT_TYPES:
        problems.add("type", "must be one of " + ", ".join(CONTACT_TYPES))
    reached = fields.get("reached")
    if reached is None:
        problems.add("reached", "required")
    elif not isinstance(reached, bool):
        problems.add("reached", "must be true or false")
    day = fields.get("date")
    if day is None:
        day = today.isoformat()
    elif not isinstance(day, str) or not _DATE.fullmatch(day) or not _is_date(day):
        problems.add("date", "must be a date YYYY-MM-DD")
    elif date.fromisoformat(day) > today:
        problems.add("date", "must not be in the future")
    part = fields.get("part_of_day")
    if part is not None and part not in PARTS_OF_DAY:
        problems.add("part_of_day", "must be one of " + ", ".join(PARTS_OF_DAY))
    note = fields.get("note")
    if note is not None and (not isinstance(note, str) or len(note) > NOTE_MAX):
        problems.add("note", f"must be a text of at most {NOTE_MAX} characters")
    problems.raise_any()
    return {"type": kind, "reached": reached, "date": day, "part_of_day": part, "note": note}


def _is_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def validate_close(body: Any) -> str:
    problems = _Problems()
    fields = problems.object(body, ("outcome",))
    outcome = fields.get("outcome")
    if outcome is None:
        problems.add("outcome", "required")
    elif outcome not in OUTCOMES:
        problems.add("outcome", "must be one of the DDAS outcomes (EnumEindresultaat)")
    problems.raise_any()
    return str(outcome)


def validate_task_change(body: Any) -> dict[str, Any]:
    """{"assignee": text or null, "status": "open" or "done"}, either or both.
    Here null is meaningful: it un-assigns the task."""
    problems = _Problems()
    if not isinstance(body, dict):
        problems.details.append({"loc": [], "msg": "the body must be a JSON object"})
        problems.raise_any()
    for key in body:
        if key not in ("assignee", "status"):
            problems.add(str(key), "unknown field")
    if "assignee" not in body and "status" not in body:
        problems.details.append({"loc": [], "msg": "give 'assignee', 'status' or both"})
    changes: dict[str, Any] = {}
    if "assignee" in body:
        assignee = body["assignee"]
        if assignee is not None and (not isinstance(assignee, str) or not assignee.strip()
                                     or len(assignee) > ASSIGNEE_MAX):
            problems.add("assignee", f"must be a text of 1 to {ASSIGNEE_MAX} characters, or null")
        changes["assignee"] = assignee
    if "status" in body:
        if body["status"] not in ("open", "done"):
            problems.add("status", "must be 'open' or 'done'")
        changes["status"] = body["status"]
    problems.raise_any()
    return changes


# --------------------------------------------------------------------------- the service


class Casework:
    def __init__(self, *, cases: Any, tasks: Any, criteria: Any,
                 send_steps: Callable[[Case, list[dict[str, Any]]], Any],
                 now: Callable[[], datetime] = clock.now, today: Callable[[], date] = clock.today,
                 attempts: int = 3, is_user: Callable[[str, str], bool] | None = None) -> None:
        self.cases = cases
        self.tasks = tasks
        self.criteria = criteria
        self.send_steps = send_steps
        self.now = now
        self.today = today
        self.attempts = attempts
        self.is_user = is_user  # (code, user id): an assignee must be a user of the municipality

    def _retrying(self, change: Callable[[], T]) -> T:
        for attempt in range(self.attempts):
            try:
                return change()
            except ConcurrentChange:
                if attempt == self.attempts - 1:
                    raise Conflict("the case or task changed meanwhile; read it again and retry") from None
        raise AssertionError("unreachable")

    def _case(self, code: str, case_id: str) -> Case:
        case: Case | None = self.cases.find(code, case_id)
        if case is None:
            raise NotFound("no case with that id in this municipality")
        return case

    def _open_case(self, code: str, case_id: str) -> Case:
        case = self._case(code, case_id)
        if case["status"] != "open":
            raise Conflict("the case is closed")
        return case

    def view(self, case: Case) -> dict[str, Any]:
        return case_view(case, case_tasks(case, self.tasks), self.cases.log(case))

    def _send(self, case: Case, steps: list[Step]) -> None:
        if not steps:
            return
        try:
            self.send_steps(case, [step.item() for step in steps])
        except Exception:  # noqa: BLE001 - the move is stored; the follow-up schedule resends queued steps
            log.exception("steps not queued; the follow-up schedule will send them again",
                          extra={"case_id": case["case_id"]})

    # ---- move by hand

    def move(self, code: str, case_id: str, body: Any) -> dict[str, Any]:
        """A consultant moves the case: from now on it is not reclassified; the
        path changes as criteria.md says (unless it stays in its basket)."""
        basket_id, reason = validate_move(body)

        def change() -> tuple[Case, list[Step]]:
            case = self._open_case(code, case_id)
            basket = self.criteria.active(code).criteria.basket(basket_id)
            if basket is None:
                raise ValidationFailed([{"loc": ["basket_id"], "msg": "not a basket of the active criteria"}])
            to_queue, entry = case_rules.move_by_hand(case, basket_id, basket.path, reason, self.now())
            self.cases.write(case, log=[entry])
            return case, to_queue

        case, to_queue = self._retrying(change)
        self._send(case, to_queue)
        return self.view(case)

    # ---- contact attempts

    def add_contact_attempt(self, code: str, case_id: str, body: Any) -> dict[str, Any]:
        fields = validate_contact_attempt(body, today=self.today())

        def change() -> tuple[Case, dict[str, Any]]:
            case = self._open_case(code, case_id)
            entry = case_rules.register_contact_attempt(case, fields, ids.new_id("attempt"), self.now())
            self.cases.write(case, log=[entry])
            return case, entry.body

        _case, attempt = self._retrying(change)
        return attempt

    # ---- close

    def close(self, code: str, case_id: str, body: Any) -> dict[str, Any]:
        """Close the case: no further path step runs, its open tasks are cancelled
        in the same transaction, the partners see `closed`."""
        outcome = validate_close(body)

        def change() -> Case:
            case = self._case(code, case_id)
            if case["status"] == "closed":
                raise Conflict("the case is already closed")
            case_rules.close(case, outcome, self.now())
            cancelled = [({**task, "status": "cancelled"}, "open")
                         for task in case_tasks(case, self.tasks) if task["status"] == "open"]
            self.cases.write(case, changed_tasks=cancelled)
            return case

        case = self._retrying(change)
        return self.view(case)

    # ---- tasks

    def update_task(self, code: str, task_id: str, body: Any) -> dict[str, Any]:
        """Assign (or un-assign) a task, mark it done or open again. Assigning it
        or finishing it picks its case up, in the same transaction."""
        changes = validate_task_change(body)

        def change() -> dict[str, Any]:
            task = self.tasks.get(task_id)
            if task is None or task.get("municipality_code") != code:
                raise NotFound("no task with that id in this municipality")
            read_status = task["status"]
            if read_status == "cancelled":
                raise Conflict("the task is cancelled")
            assignee = changes.get("assignee")
            if assignee is not None and self.is_user is not None and not self.is_user(code, assignee):
                raise ValidationFailed([{"loc": ["assignee"], "msg": "not a user of this municipality"}])
            now = self.now()
            updated = dict(task)
            if "assignee" in changes:
                updated["assignee"] = changes["assignee"]
            if changes.get("status") == "done" and read_status != "done":
                updated["status"], updated["done_at"] = "done", clock.iso(now)
            elif changes.get("status") == "open":
                updated["status"], updated["done_at"] = "open", None
            reopens = read_status == "done" and updated["status"] == "open"
            picks_up = changes.get("assignee") is not None or changes.get("status") == "done"
            case = self._case_of_task(code, task) if picks_up or reopens else None
            if reopens and case is not None and case["status"] != "open":
                raise Conflict("the task's case is closed")
            if picks_up and case is not None and case["status"] == "open" and pick_up(case, clock.iso(now)):
                self.cases.write(case, changed_tasks=[(updated, read_status)])
            else:
                self.tasks.write_changed(updated, expected_status=read_status)
            return updated

        return task_view(self._retrying(change))

    def _case_of_task(self, code: str, task: dict[str, Any]) -> Case | None:
        case: Case | None
        if task.get("household"):
            case = self.cases.get(task["household"], task["case_id"])
            return case if case is not None and case.get("municipality_code") == code else None
        case = self.cases.find(code, task["case_id"])
        return case
