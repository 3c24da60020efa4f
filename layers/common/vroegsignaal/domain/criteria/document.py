"""The criteria document: validate every rule of criteria.md, compile once.

`parse_criteria(doc)` checks the whole document and raises `ValidationFailed`
with every problem, each `{"pointer": <RFC 6901 pointer>, "msg": ...}`; a
valid document becomes a `Criteria` whose baskets hold compiled conditions.
`Criteria.classify(facts)` walks the compiled baskets in order and returns a
`Classification`; its `explanation` is built on first use from the compiled
conditions (nothing of the document is read again).
"""
from __future__ import annotations

from typing import Any

from vroegsignaal.domain.errors import ValidationFailed

from .compiled import Facts, Node, compile_condition
from .document_check import ACTIONS, validate_criteria
from .explanation_nl import dutch_lines
from .settings import Settings

__all__ = ["ACTIONS", "Basket", "Classification", "Criteria", "parse_criteria", "validate_criteria"]


class Basket:
    """A basket: `id`, `name`, `description` (or None), `path` (list of steps
    `{"action", "after_days"}`, the first with after_days 0; an `action`
    shorthand is a one-step path), `when` (the document's condition, None for
    the catch-all) and `condition` (compiled, None for the catch-all)."""

    __slots__ = ("id", "name", "description", "path", "when", "condition", "position")

    def __init__(self, id: str, name: str, description: str | None, path: list[dict[str, Any]],
                 when: dict[str, Any] | None, condition: Node | None, position: int):
        self.id = id
        self.name = name
        self.description = description
        self.path = path
        self.when = when
        self.condition = condition
        self.position = position

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "description": self.description,
                "path": [dict(step) for step in self.path]}

    def __repr__(self) -> str:
        return f"Basket({self.id!r})"


class Classification:
    """The outcome of `Criteria.classify`: `basket_id`, `basket`, `facts`
    (the JSON of the facts) and `explanation` (JSON, built on first use)."""

    __slots__ = ("basket", "_criteria", "_facts", "_explanation")

    def __init__(self, criteria: Criteria, facts: Facts, basket: Basket):
        self._criteria = criteria
        self._facts = facts
        self.basket = basket
        self._explanation: dict[str, Any] | None = None

    @property
    def basket_id(self) -> str:
        return self.basket.id

    @property
    def facts(self) -> dict[str, Any]:
        facts: dict[str, Any] = self.explanation["facts"]
        return facts

    @property
    def explanation(self) -> dict[str, Any]:
        if self._explanation is None:
            self._explanation = self._criteria.explain(self._facts, self.basket)
        return self._explanation

    def to_json(self) -> dict[str, Any]:
        return {"basket_id": self.basket.id, "facts": self.facts, "explanation": self.explanation}

    def __repr__(self) -> str:
        return f"Classification({self.basket.id!r})"


class Criteria:
    """A valid, compiled criteria document.

    `document` is the dict given to parse_criteria (not copied; do not change
    it), `settings` a `Settings`, `baskets` a tuple of `Basket` in order,
    `label` and `municipality_code` as in the document (or None).
    """

    __slots__ = ("document", "settings", "baskets", "label", "municipality_code", "_by_id", "_tests", "_catch_all")

    def __init__(self, document: dict[str, Any]):
        self.document = document
        self.settings = Settings.from_document(document.get("settings"))
        self.label = document.get("label")
        self.municipality_code = document.get("municipality_code")
        baskets = []
        for position, raw in enumerate(document["baskets"]):
            when = raw.get("when")
            baskets.append(Basket(
                raw["id"], raw["name"], raw.get("description"), _normalise_path(raw),
                when, None if when is None else compile_condition(when), position,
            ))
        self.baskets = tuple(baskets)
        self._by_id = {basket.id: basket for basket in baskets}
        self._tests = tuple((basket.condition.test, basket) for basket in baskets[:-1] if basket.condition)
        self._catch_all = baskets[-1]

    def basket(self, basket_id: str) -> Basket | None:
        """The basket with that id, or None."""
        return self._by_id.get(basket_id)

    def classify(self, facts: Facts) -> Classification:
        """The first basket whose condition holds for these `Facts`."""
        for test, basket in self._tests:
            if test(facts):
                return Classification(self, facts, basket)
        return Classification(self, facts, self._catch_all)

    def explain(self, facts: Facts, chosen: Basket) -> dict[str, Any]:
        """Why `facts` land in `chosen`: every basket before it with the
        statements that make its condition fail, then `chosen` with those that
        make it hold. JSON: only str, int, bool, None, list and dict."""
        failed = []
        lines = []
        for basket in self.baskets[:chosen.position]:
            # (it failed: classify stopped at the first that held)
            assert basket.condition is not None  # only the last basket has none
            texts = basket.condition.explain(facts)[1]
            text = texts[0] if len(texts) == 1 else ", ".join(dict.fromkeys(texts))
            failed.append({"basket_id": basket.id, "name": basket.name, "condition": text})
            lines.append(f"{basket.id}: {text}")
        if chosen.condition is None:
            text = "no condition: every other case"
        else:
            texts = chosen.condition.explain(facts)[1]
            text = texts[0] if len(texts) == 1 else ", ".join(dict.fromkeys(texts))
        lines.append(f"{chosen.id}: {text}")
        facts_json = facts.to_json()
        return {
            "basket_id": chosen.id,
            "matched": {"basket_id": chosen.id, "name": chosen.name, "condition": text},
            "failed": failed,
            "lines": lines,
            "dutch": dutch_lines(self.baskets, chosen, facts_json),  # what the web app shows (explanation_nl.py)
            "facts": facts_json,
        }

    def __repr__(self) -> str:
        return f"Criteria({self.label!r}, baskets={[b.id for b in self.baskets]!r})"


def _normalise_path(raw: dict[str, Any]) -> list[dict[str, Any]]:
    if "action" in raw:
        return [{"action": raw["action"], "after_days": 0}]
    return [
        {"action": step["action"], "after_days": int(step.get("after_days", 0))}
        for step in raw["path"]
    ]


def parse_criteria(doc: object, *, municipality_code: str | None = None) -> Criteria:
    """Validate a criteria document (criteria.md) and compile it.

    `municipality_code`: the municipality it is for (the one in the URL); a
    `municipality_code` in the document must equal it. Raises
    `ValidationFailed` with every problem at once.
    """
    problems = validate_criteria(doc, municipality_code=municipality_code)
    if problems:
        raise ValidationFailed(problems)
    assert isinstance(doc, dict)  # valid: an object
    return Criteria(doc)
