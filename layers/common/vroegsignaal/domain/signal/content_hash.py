"""The content hash that tells a replay (same content) from a conflict."""
from __future__ import annotations

import hashlib
import json

from .model import Signal

_HASH_VERSION = "signal-v1"


def content_hash(signal: Signal) -> str:
    """sha256 hex of the normalised content.

    Equal for ``"412.5"`` / ``412.50``, ``"3441 ab"`` / ``"3441AB"``, an omitted
    flag / ``false``. An omitted signal_date hashes as "omitted" (whatever day
    it was defaulted to), so it only equals another omitted one.
    """
    record = signal.to_record()
    if not signal.signal_date_given:
        del record["signal_date"]  # "signal_date_given": false is the marker
    canonical = json.dumps(
        [_HASH_VERSION, record], sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
