"""Which criteria version is active for a municipality (criteria.md, "Explanation and versions")."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from vroegsignaal.domain.criteria import Criteria, default_criteria

DEFAULT_VERSION = "default"


@dataclass(frozen=True)
class ActiveCriteria:
    version: str
    label: str | None
    activated_at: str | None
    criteria: Criteria

    @property
    def is_default(self) -> bool:
        return self.version == DEFAULT_VERSION

    def view(self) -> dict[str, Any]:
        """The body of GET /municipalities/{code}/criteria."""
        return {"version": self.version, "label": self.label, "activated_at": self.activated_at,
                "default": self.is_default, "document": self.criteria.document}


def default_active() -> ActiveCriteria:
    """The default criteria, as a version of their own."""
    criteria = default_criteria()
    return ActiveCriteria(DEFAULT_VERSION, criteria.document.get("label"), None, criteria)
