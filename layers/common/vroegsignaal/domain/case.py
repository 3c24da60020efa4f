"""The typed parts of a case: what a consultant registers (a contact attempt, a
move by hand) and what a letter step leaves on the case (a letter record).

Each part has one conversion to and from the plain JSON-able dict it is stored
as (a log entry's body, an entry of the case's `letters`), so the stored shape
stays what it was; the rules that make them are in domain/cases.py.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any


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
