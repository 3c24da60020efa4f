"""What a municipality sees (municipality-api.md): its baskets, the cases in a
basket, one case whole, its tasks, a letter. Read only.

Ports (duck-typed, so unit tests use in-memory fakes):
- cases: find(code, case_id), log(case), basket_counts(code), oldest_open(code, basket_id),
  basket_page(code, basket_id, status=, limit=, cursor=), filtered_basket_page(code, basket_id, status=,
  filters=, limit=, cursor=), basket_has_cases(code, basket_id), municipality_cases(code, opened_since=, status=),
  summaries(code, [(household, case_id)])
- tasks: get(task_id), list_page(code, filters=, due_before=, limit=, cursor=), due_page(code, filters=,
  due_before=, limit=, cursor=)
- criteria: active(code), versions(code), version(code, version)
- letters: get_letter(code, case_id, letter_id)
- history (optional): history(case) -> the case's audit entries, oldest first
- registry (optional): partner(partner_id), municipality(code) -> the profile (with its "name") or None

Conventions of every view: money is a string with two decimals, dates
YYYY-MM-DD, timestamps ISO 8601 UTC with a Z. Views hold debtor data (that is
their job); nothing here logs.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from vroegsignaal import clock
from vroegsignaal.domain import cases as case_rules
from vroegsignaal.domain import paths
from vroegsignaal.domain.case import Case, ContactAttempt, LetterRecord, Move, Step
from vroegsignaal.domain.criteria import Basket, Criteria, default_criteria
from vroegsignaal.domain.errors import Conflict, NotFound, ValidationFailed

__all__ = ["Conflict", "NotFound", "ValidationFailed", "Views", "case_summary", "case_tasks", "case_view",
           "parse_query", "task_row", "task_view"]
from vroegsignaal.domain.ddas import PARTNER_TYPES
from vroegsignaal.domain.money import format_cents, parse_euros

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


# --------------------------------------------------------------------------- query strings


def int_between(low: int, high: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        if not text.isascii() or not text.isdigit() or not low <= int(text) <= high:
            raise ValueError(f"must be a whole number from {low} to {high}")
        return int(text)
    return parse


def one_of(*values: str) -> Callable[[str], str]:
    def parse(text: str) -> str:
        if text not in values:
            raise ValueError("must be one of " + ", ".join(values))
        return text
    return parse


def text_of(max_chars: int) -> Callable[[str], str]:
    def parse(text: str) -> str:
        if not 1 <= len(text) <= max_chars:
            raise ValueError(f"must be 1 to {max_chars} characters")
        return text
    return parse


PAGINATION = {"limit": int_between(1, MAX_LIMIT), "cursor": text_of(2000)}
_POSTCODE_PREFIX = re.compile(r"[1-9](?:[0-9]{0,2}|[0-9]{3}[A-Z]{0,2})", re.ASCII)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


def postcode_prefix(text: str) -> str:
    """"3441 a" -> "3441A": the start of a postcode (a wijk), 1 to 6 characters."""
    compact = re.sub(r"\s+", "", text).upper()
    if not _POSTCODE_PREFIX.fullmatch(compact):
        raise ValueError("must be the start of a postcode such as 3441 or 3441A")
    return compact


def amount_cents(text: str) -> int:
    cents = parse_euros(text)
    if cents < 0:
        raise ValueError("must not be negative")
    return cents


def day(text: str) -> str:
    try:
        if not _DATE.fullmatch(text):
            raise ValueError
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise ValueError("must be a date YYYY-MM-DD") from None


# Basket list filters (query name -> parsed under the name the store reads).
BASKET_FILTERS: dict[str, Callable[[str], Any]] = {
    "postcode_prefix": postcode_prefix, "partner_type": one_of(*sorted(PARTNER_TYPES)),
    "min_amount": amount_cents, "max_amount": amount_cents}
BASKET_FILTER_FIELDS = {"postcode_prefix": "postcode_prefix", "partner_type": "partner_type",
                        "min_amount": "min_amount_cents", "max_amount": "max_amount_cents"}


def parse_query(query: dict[str, str] | None, spec: dict[str, Callable[[str], Any]]) -> dict[str, Any]:
    """The query string's parameters, parsed; ValidationFailed with every problem
    (loc ["query", name]); an unknown parameter is a problem too (a typo is never
    silently ignored). Messages never repeat the value."""
    values: dict[str, Any] = {}
    problems: list[dict[str, Any]] = []
    for name, text in (query or {}).items():
        parse = spec.get(name)
        if parse is None:
            problems.append({"loc": ["query", name], "msg": "unknown query parameter"})
            continue
        try:
            values[name] = parse(text if isinstance(text, str) else "")
        except ValueError as error:
            problems.append({"loc": ["query", name], "msg": str(error)})
    if problems:
        raise ValidationFailed(problems)
    return values


# --------------------------------------------------------------------------- views


def ts(value: str | None) -> str | None:
    """Any stored timestamp as ISO 8601 UTC with a Z (steps store `+00:00`)."""
    if not value:
        return None
    if value.endswith("Z"):
        return value
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return clock.iso(moment)


def case_summary(case: Case) -> dict[str, Any]:
    """A case in a list (GET baskets/{basket_id}/cases): a listed case carries its
    stored summary, a whole case has it computed (from its aggregate, not its signals)."""
    summary = case.get("summary") or case_rules.summary(case)
    return {
        "case_id": case["case_id"],
        # Cases stored before kenmerk, street and city were in the summary read them from the case.
        "kenmerk": summary.get("kenmerk", case.get("kenmerk")),
        "basket_id": case.get("basket_id"),
        "status": case["status"],
        "opened_at": ts(case["opened_at"]),
        "street": summary.get("street"),
        "postcode": case["postcode"],
        "house_number": case["house_number"],
        "house_number_suffix": case.get("house_number_suffix"),
        "city": summary.get("city"),
        "names": summary["names"],
        "signal_count": summary["signal_count"],
        "partner_types": summary["partner_types"],
        "total_amount": format_cents(summary["total_amount_cents"]),
        "next_step": summary["next_step"],
    }


def _signal_view(entry: dict[str, Any]) -> dict[str, Any]:
    record = entry["signal"]
    return {
        "signal_id": entry["signal_id"],
        "reference": entry["reference"],
        "partner_id": entry["partner_id"],
        "partner_type": entry["partner_type"],
        "received_at": ts(entry.get("received_at")),
        "signal_date": record["signal_date"],
        "arrears_since": record["arrears_since"],
        "amount": format_cents(int(record["amount_cents"])),
        "customer_number": record.get("customer_number"),
        "crisis": bool(record.get("crisis")),
        "warm_transfer": bool(record.get("warm_transfer")),
        "supply_ending": bool(record.get("supply_ending")),
        "debtor": record["debtor"],
    }


def _step_view(step: Step, task: dict[str, Any] | None = None) -> dict[str, Any]:
    # "queued" (handed to a queue, not yet carried out) is "pending" to the API.
    status = "pending" if step.status == "queued" else step.status
    view = {"step_id": step.step_id, "action": step.action, "basket_id": step.basket_id,
            "status": status, "due": step.due, "done_at": ts(step.done_at)}
    if step.status == "failed":
        view["reason"] = step.reason
    if task is not None:
        # A task step is done once its task exists: its task's status tells "taak aangemaakt"
        # (open) from "taak afgerond" (done).
        view["task_id"], view["task_status"] = task["task_id"], task["status"]
    return view


def task_view(task: dict[str, Any]) -> dict[str, Any]:
    return {
        "task_id": task["task_id"],
        "case_id": task["case_id"],
        "basket_id": task.get("basket_id"),
        "type": task.get("type"),
        "status": task["status"],
        "assignee": task.get("assignee"),
        "due": task.get("due"),
        "created_at": ts(task.get("created_at")),
        "done_at": ts(task.get("done_at")),
    }


def task_row(task: dict[str, Any], case: dict[str, Any] | None, basket_name: str | None,
             today: str) -> dict[str, Any]:
    """A task in a work list: the task and what the consultant needs of its case to call
    or visit (`case`: its listed fields and summary; None when it is gone)."""
    summary = (case or {}).get("summary") or {}
    address = None
    if case is not None:
        address = {"street": summary.get("street"), "house_number": case.get("house_number"),
                   "house_number_suffix": case.get("house_number_suffix"), "postcode": case.get("postcode"),
                   "city": summary.get("city")}
    return {**task_view(task), "kenmerk": summary.get("kenmerk"), "basket_name": basket_name,
            "overdue": task["status"] == "open" and bool(task.get("due")) and str(task.get("due")) < today,
            "names": list(summary.get("names") or []), "address": address,
            "phone": (case or {}).get("latest_phone")}


def attempt_view(attempt: ContactAttempt) -> dict[str, Any]:
    return {"attempt_id": attempt.attempt_id, "type": attempt.type, "reached": attempt.reached,
            "date": attempt.date, "part_of_day": attempt.part_of_day, "note": attempt.note,
            "registered_at": ts(attempt.registered_at)}


def move_view(move: Move) -> dict[str, Any]:
    return {"at": ts(move.at), "from": move.from_basket, "to": move.to_basket, "reason": move.reason}


def letter_view(letter: LetterRecord) -> dict[str, Any]:
    return {"letter_id": letter.letter_id, "created_at": ts(letter.created_at), "step": letter.step,
            "channel": letter.channel}


def case_view(case: Case, tasks: list[dict[str, Any]],
              log: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """The whole case (GET cases/{case_id}); `tasks` are the case's task items, `log`
    its log by kind (every signal, classification, contact attempt and move)."""
    tasks_by_step = {task["step_id"]: task for task in tasks if task.get("step_id")}
    return {
        **case_summary(case),
        "signals": [_signal_view(entry) for entry in log.get(case_rules.SIGNAL, [])],
        "classifications": [
            {"at": ts(c["at"]), "criteria_version": c["criteria_version"], "basket_id": c["basket_id"],
             "facts": c["facts"], "explanation": c["explanation"]}
            for c in log.get(case_rules.CLASSIFICATION, [])
        ],
        "steps": [_step_view(step, tasks_by_step.get(step.step_id)) for step in paths.steps_of(case)],
        "letters": [letter_view(LetterRecord.from_item(letter)) for letter in case.get("letters", [])],
        "tasks": [task_view(task) for task in tasks],
        "contact_attempts": [attempt_view(ContactAttempt.from_body(attempt))
                             for attempt in log.get(case_rules.CONTACT_ATTEMPT, [])],
        "moved_by_hand": bool(case.get("moved_by_hand")),
        "moves": [move_view(Move.from_body(m)) for m in log.get(case_rules.MOVE, [])],
        "picked_up_at": ts(case.get("picked_up_at")),
        "closed_at": ts(case.get("closed_at")),
        "outcome": case.get("outcome"),
    }


def case_tasks(case: Case, tasks_port: Any) -> list[dict[str, Any]]:
    """The case's tasks (their ids are on the case), oldest first; a handful at most."""
    found = [tasks_port.get(task_id) for task_id in dict.fromkeys(case.get("tasks") or [])]
    return [task for task in found if task is not None and task.get("case_id") == case["case_id"]]


def _path(basket: Basket) -> list[dict[str, Any]]:
    return [{"action": step["action"], "after_days": int(step.get("after_days") or 0)} for step in basket.path]


# --------------------------------------------------------------------------- the read service


class Views:
    def __init__(self, *, cases: Any, tasks: Any, criteria: Any, letters: Any,
                 history: Callable[[Case], list[dict[str, Any]]] | None = None, registry: Any = None) -> None:
        self.cases = cases
        self.history = history  # the case's audit entries (services/audit.py), for its view
        self.registry = registry  # partners' and municipalities' names, for the screens
        self.tasks = tasks
        self.criteria = criteria
        self.letters = letters
        # Uploaded versions never change: keep the ones read (per container).
        self._versions: dict[tuple[str, str], Criteria] = {}

    def _version(self, code: str, version: str | None) -> Criteria | None:
        if not version:
            return None
        key = (code, version)
        if key not in self._versions:
            criteria = self.criteria.version(code, version)
            if criteria is None:
                return None
            self._versions[key] = criteria
        return self._versions[key]

    def _name(self, kind: str, tenant_id: str) -> str | None:
        """A registered partner's or municipality's name; None when not known (the screen shows the id)."""
        profile = getattr(self.registry, kind)(tenant_id) if self.registry is not None else None
        name = (profile or {}).get("name")
        return str(name) if name else None

    # ---- baskets

    def baskets(self, code: str) -> dict[str, Any]:
        """GET baskets: the per-basket counters (kept with every case write), and per
        basket with open cases its oldest open case (one small read each): the cost
        grows with the number of baskets, never with the number of cases."""
        active = self.criteria.active(code)
        groups: dict[str, dict[str, Any]] = {}
        for basket_id, counts in self.cases.basket_counts(code).items():
            if counts["open_cases"] <= 0:
                continue
            groups[basket_id] = {**counts, "oldest": ts(self.cases.oldest_open(code, basket_id))}

        def row(basket_id: str, name: str, path: list[dict[str, Any]], is_active: bool) -> dict[str, Any]:
            group = groups.get(basket_id, {})
            return {"id": basket_id, "name": name, "path": path, "open_cases": group.get("open_cases", 0),
                    "open_signals": group.get("open_signals", 0),
                    "oldest_open_case_at": group.get("oldest"), "active": is_active}

        rows = [row(b.id, b.name, _path(b), True) for b in active.criteria.baskets]
        for basket_id in sorted(set(groups) - {b.id for b in active.criteria.baskets}):
            # A basket of an earlier version: its name and path from a version that had it.
            basket = None
            for version in reversed(groups[basket_id]["versions"]):
                criteria = self._version(code, version)
                basket = criteria.basket(basket_id) if criteria else None
                if basket is not None:
                    break
            rows.append(row(basket_id, basket.name if basket else basket_id, _path(basket) if basket else [], False))
        # Additive: the municipality's name, so the screens need not show its code.
        return {"baskets": rows, "municipality_name": self._name("municipality", code)}

    def _basket_known(self, code: str, basket_id: str) -> bool:
        """In the active criteria, the default, any uploaded version, or holding a case."""
        if self.criteria.active(code).criteria.basket(basket_id) or default_criteria().basket(basket_id):
            return True
        for row in self.criteria.versions(code):
            criteria = self._version(code, row["version"])
            if criteria is not None and criteria.basket(basket_id):
                return True
        return bool(self.cases.basket_has_cases(code, basket_id))

    def basket_cases(self, code: str, basket_id: str, query: dict[str, str] | None) -> dict[str, Any]:
        params = parse_query(query, {"status": one_of("open", "closed", "all"), **BASKET_FILTERS, **PAGINATION})
        status = params.get("status", "open")
        if "min_amount" in params and "max_amount" in params and params["min_amount"] > params["max_amount"]:
            raise ValidationFailed([{"loc": ["query", "min_amount"], "msg": "must not be more than max_amount"}])
        filters = {stored: params[name] for name, stored in BASKET_FILTER_FIELDS.items() if name in params}
        items, next_cursor = self.cases.filtered_basket_page(
            code, basket_id, status=None if status == "all" else status, filters=filters,
            limit=params.get("limit", DEFAULT_LIMIT), cursor=params.get("cursor"))
        # Only an empty first page needs to ask whether the basket exists at all.
        if not items and not params.get("cursor") and not self._basket_known(code, basket_id):
            raise NotFound("no basket with that id in this municipality")
        return {"cases": [case_summary(case) for case in items], "next_cursor": next_cursor}

    # ---- cases

    def find_case(self, code: str, case_id: str) -> Case:
        case: Case | None = self.cases.find(code, case_id)
        if case is None:
            raise NotFound("no case with that id in this municipality")
        return case

    def case(self, code: str, case_id: str) -> dict[str, Any]:
        case = self.find_case(code, case_id)
        view = case_view(case, case_tasks(case, self.tasks), self.cases.log(case))
        # Additive: each signal's partner by name (a case has a handful of partners: one cached read each).
        for signal in view["signals"]:
            signal["partner_name"] = self._name("partner", signal["partner_id"])
        if self.history is not None:
            view["history"] = self.history(case)
        return view

    def letter(self, code: str, case_id: str, letter_id: str) -> bytes:
        """The PDF of a letter listed on the case."""
        case = self.find_case(code, case_id)
        if not any(letter.get("letter_id") == letter_id for letter in case.get("letters", [])):
            raise NotFound("no letter with that id on this case")
        pdf: bytes | None = self.letters.get_letter(code, case_id, letter_id)
        if pdf is None:
            raise NotFound("the letter is no longer stored")
        return pdf

    # ---- tasks

    def task_list(self, code: str, query: dict[str, str] | None, *, user_id: str | None = None) -> dict[str, Any]:
        """GET tasks: oldest first, or by due date (`sort=due`, with any of the filters);
        each row with what a work list shows of its case (names, address, phone, kenmerk,
        basket name). `user_id`: who `me` is."""
        params = parse_query(query, {
            "status": one_of("open", "done", "cancelled"), "assignee": text_of(100),
            "basket_id": text_of(40), "type": one_of("phone_call", "home_visit"), "sort": one_of("due"),
            "due_before": day, **PAGINATION})
        filters: dict[str, Any] = {name: params[name] for name in ("status", "basket_id", "type") if name in params}
        if "assignee" in params:
            filters["assignee"] = self._assignee(params["assignee"], user_id)
        page = self.tasks.due_page if params.get("sort") == "due" else self.tasks.list_page
        items, next_cursor = page(code, filters=filters, due_before=params.get("due_before"),
                                  limit=params.get("limit", DEFAULT_LIMIT), cursor=params.get("cursor"))
        return {"tasks": self._task_rows(code, items), "next_cursor": next_cursor}

    @staticmethod
    def _assignee(text: str, user_id: str | None) -> str | None:
        if text == "none":
            return None
        if text == "me":
            if not user_id:
                raise ValidationFailed([{"loc": ["query", "assignee"],
                                         "msg": "'me' is for a signed-in person; a key names the user id"}])
            return user_id
        return text

    def _basket_name(self, code: str, active: Criteria, basket_id: str | None, version: str | None) -> str | None:
        if not basket_id:
            return None
        for criteria in (active, self._version(code, version), default_criteria()):
            basket = criteria.basket(basket_id) if criteria is not None else None
            if basket is not None:
                return str(basket.name)
        return basket_id

    def _task_rows(self, code: str, tasks: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The rows of a page: its cases in one batch read, the active criteria once."""
        if not tasks:
            return []
        cases = self.cases.summaries(code, [(t["household"], t["case_id"]) for t in tasks if t.get("household")])
        active, today = self.criteria.active(code).criteria, clock.today().isoformat()
        return [task_row(task, cases.get(task["case_id"]),
                         self._basket_name(code, active, task.get("basket_id"),
                                           (cases.get(task["case_id"]) or {}).get("criteria_version")), today)
                for task in tasks]
