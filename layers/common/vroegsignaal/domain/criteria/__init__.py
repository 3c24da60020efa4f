"""The afwegingskader engine (criteria.md): which basket a case lands in.

    criteria = parse_criteria(document, municipality_code="GM0632")  # or default_criteria()
    facts = compute_facts(signals, postcode=..., case_start=..., earlier_case_starts=...,
                          settings=criteria.settings)
    result = criteria.classify(facts)
    result.basket_id, result.basket.path, result.explanation  # explanation: JSON, no floats

Plain Python (no pydantic, no AWS): imported by the Lambdas, so kept light.
"""
from __future__ import annotations

import json
import os
from typing import Any

from .conditions import OPERATORS, OPERATORS_BY_TYPE
from .document import (
    ACTIONS,
    Basket,
    Classification,
    Criteria,
    parse_criteria,
    validate_criteria,
)
from .facts import FACT_TYPES, Facts, SignalAggregate, SignalFacts, age_on, compute_facts
from .settings import Settings

__all__ = [
    "ACTIONS", "FACT_TYPES", "OPERATORS", "OPERATORS_BY_TYPE",
    "Basket", "Classification", "Criteria", "Facts", "Settings", "SignalAggregate", "SignalFacts",
    "age_on", "compute_facts", "default_criteria", "default_document", "example_document",
    "parse_criteria", "validate_criteria",
]

_HERE = os.path.dirname(os.path.abspath(__file__))
_default: Criteria | None = None


def _load(name: str) -> dict[str, Any]:
    with open(os.path.join(_HERE, name), encoding="utf-8") as file:
        document: dict[str, Any] = json.load(file)
    return document


def default_document() -> dict[str, Any]:
    """The default criteria of criteria.md (standaardinstelling), a fresh dict."""
    return _load("default.json")


def example_document() -> dict[str, Any]:
    """The example of criteria.md without its municipality_code, a fresh dict."""
    return _load("example.json")


def default_criteria() -> Criteria:
    """The default criteria, parsed once per process. Its version is
    "default" (the caller's business: the engine knows no versions)."""
    global _default
    if _default is None:
        _default = parse_criteria(default_document())
    return _default
