"""Monthly counters (domain/monthly.py): a case follower (case_followers.py), so
the figures change in the same transaction as the case, exactly once under
redelivery; one item per municipality and month, holding only counts."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from vroegsignaal.domain import monthly

from . import keys, table

_FIGURE = "f:"  # counter attributes are the figure names behind this prefix


def add_figures(code: str, month: str, figures: Mapping[str, int]) -> dict[str, Any]:
    """An Update adding these figures to the month's counters (one per item and transaction)."""
    names = {"#t": "type", "#m": "month"}
    values: dict[str, Any] = {":type": "monthly_counter", ":code": code, ":month": month}
    adds = []
    for i, (figure, n) in enumerate(sorted(figures.items())):
        names[f"#f{i}"], values[f":f{i}"] = f"{_FIGURE}{figure}", int(n)
        adds.append(f"#f{i} :f{i}")
    return {"Update": {
        "TableName": table.table_name(), "Key": table.key(*keys.monthly_counter(code, month)),
        "UpdateExpression": "SET #t = :type, municipality_code = :code, #m = :month ADD " + ", ".join(adds),
        "ExpressionAttributeNames": names, "ExpressionAttributeValues": table.to_attrs(values)}}


def follow(before: dict[str, Any] | None, after: dict[str, Any]) -> list[dict[str, Any]]:
    """The case follower: what this write of the case adds to each month."""
    code = after["municipality_code"]
    return [add_figures(code, month, figures) for month, figures in sorted(monthly.changes(before, after).items())]


class MonthlyCounters:
    def months(self, code: str, first: str, last: str) -> dict[str, dict[str, int]]:
        """Month -> figure -> count, for the months from `first` to `last` that counted anything."""
        pk, low = keys.monthly_counter(code, first)
        _, high = keys.monthly_counter(code, last)
        items = table.query_all(key_condition="pk = :pk AND sk BETWEEN :low AND :high",
                                values={":pk": pk, ":low": low, ":high": high})
        return {item["month"]: {name[len(_FIGURE):]: int(value) for name, value in item.items()
                                if name.startswith(_FIGURE)} for item in items}
