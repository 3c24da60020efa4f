"""How a case item packs its steps, letters and aggregate (adapters/cases.py writes
and reads them through here): as lists of values without attribute names, which is
half their bytes and so fewer write units (decisions.md, "Write units"). Items
written before hold dicts; they read as they are.
"""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from vroegsignaal.domain.case import LetterRecord, Step

_STEP_FIELDS = ("step_id", "basket_id", "generation", "index", "action", "after_days", "status", "due", "done_at",
                "queued_at", "carried_out_as", "reason")
_MOMENTS = (_STEP_FIELDS.index("done_at"), _STEP_FIELDS.index("queued_at"))
_LETTER_FIELDS = ("letter_id", "created_at", "step", "action", "channel")
# The aggregate's fields (SignalAggregate.record()): stored as a list of their values.
AGGREGATE_FIELDS = ("signal_count", "partner_ids", "partner_types", "total_amount_cents", "max_amount_cents",
                    "latest", "latest_partner_type", "latest_amount_cents", "earliest_arrears_since",
                    "youngest_date_of_birth", "flags", "frontier")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def stored_step(step: Step, case_id: str) -> list[Any]:
    """The step as its case's item stores it: its values in _STEP_FIELDS order, without
    the trailing unset ones, and "" for an id the rest gives (Step.id_for)."""
    values = [getattr(step, name) for name in _STEP_FIELDS]
    if step.step_id == Step.id_for(case_id, step.generation, step.basket_id, step.index):
        values[0] = ""
    for position in _MOMENTS:
        values[position] = _stored_moment(values[position])
    while values[-1] is None:
        values.pop()
    return values


def step_from_stored(stored: list[Any] | dict[str, Any], case_id: str) -> Step:
    """A step as stored (stored_step; a dict, Step.item(), in items written before)."""
    if isinstance(stored, dict):
        return Step.from_item(stored)
    fields = dict(zip(_STEP_FIELDS, stored, strict=False))
    for position in _MOMENTS:
        name = _STEP_FIELDS[position]
        if name in fields:
            fields[name] = _read_moment(fields[name])
    if not fields["step_id"]:
        fields["step_id"] = Step.id_for(case_id, int(fields["generation"]), str(fields["basket_id"]),
                                        int(fields["index"]))
    return Step.from_item(fields)


def stored_letter(record: LetterRecord) -> list[Any]:
    """The record as the case item stores it: its values in item() order."""
    item = record.item()
    return [item[name] for name in _LETTER_FIELDS]


def letter_from_stored(stored: list[Any] | dict[str, Any]) -> LetterRecord:
    """A record as stored (stored_letter; a dict, item(), in items written before)."""
    if isinstance(stored, dict):
        return LetterRecord.from_item(stored)
    return LetterRecord.from_item(dict(zip(_LETTER_FIELDS, stored, strict=False)))


def stored_aggregate(record: dict[str, Any]) -> list[Any] | dict[str, Any]:
    """The aggregate's values in AGGREGATE_FIELDS order (as it is, should it hold other fields)."""
    return [record.get(name) for name in AGGREGATE_FIELDS] if set(record) <= set(AGGREGATE_FIELDS) else record


def aggregate_from_stored(stored: list[Any] | dict[str, Any]) -> dict[str, Any]:
    """The aggregate record a case item stores (a dict in items written before)."""
    return stored if isinstance(stored, dict) else dict(zip(AGGREGATE_FIELDS, stored, strict=False))


def _read_moment(stored: Any) -> str | None:
    """A step's moment as stored: a number of microseconds since 1970 for a UTC
    `isoformat()`, else the text itself."""
    if stored is None or isinstance(stored, str):
        return stored
    return (_EPOCH + int(stored) * _MICROSECOND).isoformat()


def _stored_moment(moment: str | None) -> str | int | None:
    """A UTC `isoformat()` as its microseconds since 1970 (9 bytes instead of 32), when
    that reads back as the same text; any other text as it is."""
    if moment is None:
        return None
    try:
        parsed = datetime.fromisoformat(moment)
    except ValueError:
        return moment
    if parsed.utcoffset() != timedelta(0):
        return moment
    micros = (parsed - _EPOCH) // _MICROSECOND
    return micros if _read_moment(micros) == moment else moment
