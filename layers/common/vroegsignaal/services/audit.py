"""The audit trail (identity.md): recording an entry after each audited request,
reading a municipality's trail (GET .../audit) and a case's history.

Port `store`: append(entry, household=, expires_at=), locate_case(code, case_id),
follow_expiry(household, case_id, expires_at), municipality_page(code, since=,
until=, actor=, action=, limit=, cursor=), case_page(household, case_id, ...).

A read of a resident's data whose entry cannot be written fails (the data is
not handed out unrecorded); a change that is already stored stays answered
(its entry's failure is logged with ids, so a retry does not repeat the change).
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from vroegsignaal import clock
from vroegsignaal.domain import audit
from vroegsignaal.domain.case import Case
from vroegsignaal.domain.errors import ValidationFailed

from .views import DEFAULT_LIMIT, PAGINATION, one_of, parse_query, text_of

log = logging.getLogger(__name__)

HISTORY_MAX = 200  # a case view's history: its latest entries (the whole trail: GET .../audit?case_id=)
_END_OF_DAY = "~"  # sorts after every time of a day in a sort key
_BEFORE_ALL = "0"  # sorts before every entry's time (a key value cannot be empty)


def _date(text: str) -> date:
    try:
        if len(text) != len("YYYY-MM-DD"):
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError("must be a date YYYY-MM-DD") from None


AUDIT_QUERY = {"from": _date, "to": _date, "actor": text_of(200), "case_id": text_of(100),
               "action": one_of(*audit.ACTIONS), **PAGINATION}


class AuditTrail:
    def __init__(self, *, store: Any, now: Callable[[], datetime] = clock.now) -> None:
        self.store = store
        self.now = now

    # ---- recording

    def record(self, *, code: str, actor: dict[str, str], action: str, case_id: str | None,
               details: dict[str, Any], change: bool) -> None:
        entry = audit.entry(at=clock.iso(self.now()), actor=actor, action=action, code=code, case_id=case_id,
                            details=details)
        try:
            self._append(code, entry)
        except Exception:
            if not change:
                raise
            log.exception("audit entry not stored", extra={"municipality_code": code, "action": action,
                                                           "case_id": case_id})

    def _append(self, code: str, entry: dict[str, Any]) -> None:
        case_id = entry.get("case_id")
        where = self.store.locate_case(code, case_id) if case_id else None
        if where is None:  # not about a case, or the case is gone: the municipality's own trail
            self.store.append(entry)
            return
        household, expires_at = where
        self.store.append(entry, household=household, expires_at=expires_at)
        if entry["action"] in audit.CHANGES_CASE_EXPIRY:
            self.store.follow_expiry(household, case_id, expires_at)

    # ---- reading

    def entries(self, code: str, query: dict[str, str] | None) -> dict[str, Any]:
        """GET .../audit: newest first, filtered by dates (inclusive), actor id, case and action."""
        params = parse_query(query, AUDIT_QUERY)
        if "from" in params and "to" in params and params["from"] > params["to"]:
            raise ValidationFailed([{"loc": ["query", "from"], "msg": "must not be after 'to'"},
                                    {"loc": ["query", "to"], "msg": "must not be before 'from'"}])
        since = params["from"].isoformat() if "from" in params else _BEFORE_ALL
        until = (params["to"].isoformat() if "to" in params else "9999-12-31") + _END_OF_DAY
        filters = {"since": since, "until": until, "actor": params.get("actor"), "action": params.get("action"),
                   "limit": params.get("limit", DEFAULT_LIMIT), "cursor": params.get("cursor")}
        if "case_id" in params:
            where = self.store.locate_case(code, params["case_id"])
            if where is None:  # another municipality's case, or one deleted with its entries
                return {"entries": [], "next_cursor": None}
            items, next_cursor = self.store.case_page(where[0], params["case_id"], **filters)
        else:
            items, next_cursor = self.store.municipality_page(code, **filters)
        return {"entries": items, "next_cursor": next_cursor}

    def history(self, case: Case) -> list[dict[str, Any]]:
        """The case's own entries for its view, oldest first (its latest HISTORY_MAX)."""
        items, _ = self.store.case_page(case["household"], case["case_id"], since=_BEFORE_ALL, until=_END_OF_DAY,
                                        limit=HISTORY_MAX)
        return list(reversed(items))
