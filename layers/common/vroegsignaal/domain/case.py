"""The case and its typed parts: the steps of its treatment paths, what a
consultant registers (a contact attempt, a move by hand) and what a letter
step leaves on the case (a letter record).

Each part has one conversion to and from the plain JSON-able dict it is (an entry
of the case's `steps` or `letters`, a log entry's body); how the table packs them
is the adapter's (adapters/case_codec.py); the rules that act on them are in
domain/paths.py and domain/cases.py.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NotRequired, TypedDict

from vroegsignaal import ids


@dataclass(frozen=True, slots=True)
class ContactAttempt:
    """A registered attempt to reach the resident (municipality-api.md, "Contact attempts")."""

    attempt_id: str
    type: str | None
    reached: bool
    date: str | None
    part_of_day: str | None
    note: str | None
    registered_at: str | None

    def body(self) -> dict[str, Any]:
        return {"attempt_id": self.attempt_id, "type": self.type, "reached": self.reached, "date": self.date,
                "part_of_day": self.part_of_day, "note": self.note, "registered_at": self.registered_at}

    @classmethod
    def from_body(cls, body: dict[str, Any]) -> ContactAttempt:
        return cls(attempt_id=str(body["attempt_id"]), type=body.get("type"),
                   reached=bool(body.get("reached")), date=body.get("date"),
                   part_of_day=body.get("part_of_day"), note=body.get("note"),
                   registered_at=body.get("registered_at"))


@dataclass(frozen=True, slots=True)
class Move:
    """A consultant moved the case from one basket (None: none yet) to another."""

    at: str | None
    from_basket: str | None
    to_basket: str | None
    reason: str | None

    def body(self) -> dict[str, Any]:
        return {"at": self.at, "from": self.from_basket, "to": self.to_basket, "reason": self.reason}

    @classmethod
    def from_body(cls, body: dict[str, Any]) -> Move:
        return cls(at=body.get("at"), from_basket=body.get("from"), to_basket=body.get("to"),
                   reason=body.get("reason"))


@dataclass(frozen=True, slots=True)
class LetterRecord:
    """A letter (or e-mail) a step made; its PDF is kept in the letter store."""

    letter_id: str
    created_at: str | None
    step: str | None  # the step_id that made it
    action: str | None  # the step's action (letter or email)
    channel: str  # what it went out as: an e-mail step without an address is a letter

    def item(self) -> dict[str, Any]:
        return {"letter_id": self.letter_id, "created_at": self.created_at, "step": self.step,
                "action": self.action, "channel": self.channel}

    @classmethod
    def from_item(cls, item: dict[str, Any]) -> LetterRecord:
        # Letters stored before channels were recorded went out as letters.
        return cls(letter_id=str(item["letter_id"]), created_at=item.get("created_at"), step=item.get("step"),
                   action=item.get("action"), channel=str(item.get("channel") or "letter"))


@dataclass(slots=True)
class Step:
    """One step of a treatment path (domain/paths.py). Status: pending (waits for its
    due date), queued (handed to the letters or tasks queue), done, skipped,
    cancelled or failed (`reason`: the system could not carry it out). Dates and
    moments are ISO strings; `generation` counts the case's entries into a basket."""

    step_id: str
    basket_id: str
    generation: int
    index: int
    action: str
    after_days: int
    status: str = "pending"
    due: str | None = None
    done_at: str | None = None
    queued_at: str | None = None
    carried_out_as: str | None = None  # what was done, when it differs from the action
    reason: str | None = None  # why a failed step failed

    def item(self) -> dict[str, Any]:
        stored: dict[str, Any] = {
            "step_id": self.step_id, "basket_id": self.basket_id, "generation": self.generation,
            "index": self.index, "action": self.action, "after_days": self.after_days, "status": self.status,
            "due": self.due, "done_at": self.done_at}
        # Optional attributes are stored only once they are set.
        for name, value in (("queued_at", self.queued_at), ("carried_out_as", self.carried_out_as),
                            ("reason", self.reason)):
            if value is not None:
                stored[name] = value
        return stored

    @staticmethod
    def id_for(case_id: str, generation: int, basket_id: str, index: int) -> str:
        """The id of a path's step: the same case, entry, basket and place give the same id."""
        return ids.derived_id("step", case_id, str(generation), basket_id, str(index))

    @classmethod
    def from_item(cls, item: dict[str, Any]) -> Step:
        return cls(step_id=str(item["step_id"]), basket_id=str(item["basket_id"]),
                   generation=int(item["generation"]), index=int(item["index"]), action=str(item["action"]),
                   after_days=int(item.get("after_days") or 0), status=str(item["status"]), due=item.get("due"),
                   done_at=item.get("done_at"), queued_at=item.get("queued_at"),
                   carried_out_as=item.get("carried_out_as"), reason=item.get("reason"))


class Case(TypedDict):
    """A case (vroegsignaalzaak) of bounded size, whatever its household sends; what
    grows with it is its log (domain/cases.py, `LogEntry`). A TypedDict, so the
    handlers, queues and stored items read it as the dict it is stored as, and mypy
    checks every key the domain and services use. adapters/cases.py converts it
    to and from the table item (`steps` are `Step`s here, dicts there)."""

    case_id: str
    municipality_code: str
    household: str
    postcode: str
    house_number: Any  # as the partner sent it (a number)
    house_number_suffix: str | None
    status: str  # open or closed
    start_date: str  # the earliest signal_date, YYYY-MM-DD
    opened_at: str
    basket_id: str | None
    criteria_version: str | None
    moved_by_hand: bool
    aggregate: dict[str, Any]  # SignalAggregate.record(): what the facts need of its signals
    names: list[str]  # display names, capped
    kenmerk: NotRequired[str | None]  # "K7QM-4XPD" (domain/kenmerk.py); cases opened before kenmerken have none
    last_names: NotRequired[list[str]]  # the debtors' last names with prefix, capped: what name search finds
    latest_debtor: dict[str, Any] | None  # of the latest signal, for letters
    latest_email: str | None
    latest_phone: str | None
    steps: list[Step]
    letters: list[dict[str, Any]]  # LetterRecord.item()s
    tasks: list[str]  # ids of the tasks its steps made
    classification_count: int
    contact_attempt_count: int
    last_reached_at: str | None
    move_count: int
    picked_up_at: str | None
    closed_at: str | None
    outcome: str | None
    expires_at: int | None  # epoch seconds (retention.py); None: kept while open
    version: int  # optimistic locking: the version it was read at
    path_generation: NotRequired[int]  # entries into a basket so far
    joined_signal: NotRequired[dict[str, str]]  # ids of the signal the last join added (domain/feed.py)
    last_signal: NotRequired[dict[str, Any]]  # signal_date and partner_type of the last signal added
    repeat: NotRequired[bool]  # a classification found it a repeat (domain/monthly.py)
    summary: NotRequired[dict[str, Any]]  # on a case as a list reads it (stored with every write)
    _read_expires_at: NotRequired[int | None]  # the store's: the expiry it read
    _read_item: NotRequired[dict[str, Any]]  # the store's: the item it read (adapters/case_followers.py)
