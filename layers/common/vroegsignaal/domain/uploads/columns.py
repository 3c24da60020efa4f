"""The header row: which column holds which field of the signal body."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

# The JSON field names of POST /signals, nested ones with dots (signals-api.md).
COLUMNS = (
    "reference", "municipality_code", "signal_date", "arrears_since", "amount", "customer_number",
    "crisis", "warm_transfer", "supply_ending",
    "debtor.initials", "debtor.prefix", "debtor.last_name", "debtor.date_of_birth", "debtor.gender",
    "debtor.bsn", "debtor.phone", "debtor.email",
    "debtor.address.street", "debtor.address.house_number", "debtor.address.house_number_suffix",
    "debtor.address.postcode", "debtor.address.city",
)
REQUIRED_COLUMNS = (
    "reference", "municipality_code", "arrears_since", "amount", "debtor.last_name",
    "debtor.address.house_number", "debtor.address.postcode",
)
MAX_ROWS = 50_000
_SHOWN_NAME_MAX = 40  # a header cell is partner text: quoted, but never at any length


class UnreadableFile(Exception):
    """The file as a whole cannot be read (not CSV/XLSX, bad encoding, no header row,
    unknown or missing columns, too many rows). `message` names the problem; it quotes
    column names at most, never a data cell."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class Header:
    """The field of every column by position; None for a column without a name."""

    fields: tuple[str | None, ...]

    @classmethod
    def read(cls, cells: Sequence[object]) -> Header:
        """The header row, or UnreadableFile naming every unknown, repeated or missing column."""
        fields = tuple(_column_name(cell) for cell in cells)
        if not set(fields) & set(REQUIRED_COLUMNS):
            # Most likely a data row: its cells are not quoted back (they may be debtor data).
            raise UnreadableFile("the first row names none of the required columns " +
                                 ", ".join(map(repr, REQUIRED_COLUMNS)) + ": the header row is missing")
        problems = []
        unknown = [name for name in fields if name is not None and name not in COLUMNS]
        if unknown:
            problems.append("unknown column(s) " + ", ".join(_quoted(name) for name in unknown))
        repeated = sorted({name for name in fields if name is not None and fields.count(name) > 1})
        if repeated:
            problems.append("column(s) named twice " + ", ".join(_quoted(name) for name in repeated))
        missing = [name for name in REQUIRED_COLUMNS if name not in fields]
        if missing:
            problems.append("missing required column(s) " + ", ".join(_quoted(name) for name in missing))
        if problems:
            raise UnreadableFile("the header row has " + "; ".join(problems) +
                                 " (the columns are the field names of POST /signals, see docs/partners.md)")
        return cls(fields)


def _column_name(cell: object) -> str | None:
    """Header cells are compared trimmed and in lower case; an empty one names no column."""
    if cell is None:
        return None
    text = str(cell).strip().lower()
    return text or None


def _quoted(name: str) -> str:
    return repr(name if len(name) <= _SHOWN_NAME_MAX else name[:_SHOWN_NAME_MAX] + "…")
