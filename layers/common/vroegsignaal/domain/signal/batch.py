"""The envelope of ``POST /signals/batch``: exactly ``{"signals": [1-500 items]}``."""
from __future__ import annotations

from typing import Any

from ..errors import ValidationFailed
from .fields import Problems, unknown_fields

BATCH_MAX = 500


def validate_batch_envelope(raw: object) -> list[Any]:
    """The list of signals; each item is validated on its own. ValidationFailed otherwise."""
    problems = Problems()
    if not isinstance(raw, dict):
        problems.add((), 'the body must be a JSON object {"signals": [...]}')
        raise ValidationFailed(problems.details)
    unknown_fields(raw, frozenset({"signals"}), (), problems)
    signals = raw.get("signals")
    if "signals" not in raw:
        problems.add(("signals",), "field required")
    elif not isinstance(signals, list):
        problems.add(("signals",), "must be a list")
    elif not signals:
        problems.add(("signals",), "must hold at least 1 signal")
    elif len(signals) > BATCH_MAX:
        problems.add(("signals",), f"must hold at most {BATCH_MAX} signals")
    if problems.details or not isinstance(signals, list):
        raise ValidationFailed(problems.details)
    return signals
