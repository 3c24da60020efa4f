"""A data row into the JSON body POST /signals takes."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .cells import blank, convert
from .columns import Header


def signal_body(header: Header, cells: Sequence[object]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The body of one row, and the problems of the row's shape (a value in a column
    without a name, more cells than the header has columns).

    An empty cell is an absent field. `debtor` and `debtor.address` are always
    there, so a row without them is told each required field it lacks.
    """
    body: dict[str, Any] = {"debtor": {"address": {}}}
    problems: list[dict[str, Any]] = []
    for position, value in enumerate(cells):
        if blank(value):
            continue
        field = header.fields[position] if position < len(header.fields) else None
        if field is None:
            problems.append({"loc": ["column", str(position + 1)],
                             "msg": "a value in a column the header row does not name"})
            continue
        *parents, name = field.split(".")
        target = body
        for parent in parents:
            target = target[parent]
        target[name] = convert(field, value)
    return body, problems
