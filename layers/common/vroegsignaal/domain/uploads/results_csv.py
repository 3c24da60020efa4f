"""An upload's row results as CSV (GET /signals/uploads/{id} with Accept: text/csv)."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

RESULT_COLUMNS = ("row", "reference", "status", "signal_id", "message", "problems")


def results_csv(results: Iterable[dict[str, Any]]) -> str:
    """One line per row: problems as `debtor.address.postcode: must be ...` joined by `; `,
    the field named as its column in the upload. `,` separated, UTF-8, CRLF."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(RESULT_COLUMNS)
    for result in results:
        problems = "; ".join(f"{'.'.join(detail['loc']) or 'row'}: {detail['msg']}"
                             for detail in result.get("details") or [])
        writer.writerow([result["index"], result.get("reference") or "", result["status"],
                         result.get("signal_id") or "", result.get("message") or "", problems])
    return out.getvalue()
