""""Waarom in dit bakje" in Dutch, stored with every classification so a consultant
reads it at first sight (workspace.md): per basket tried, its name and the
statements about the case that decide it, with Dutch fact labels and the rule
("Meervoudige signalen: 2 verschillende signaalpartners (2 of meer)",
"Jongeren: jongste schuldenaar is 22 jaar (18 tot en met 27)"). The same
decisive statements as the engine's explanation (compiled.py): an `all` that
failed, or an `any` that held, by its first deciding part."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from .facts import AMOUNT_ATTRS, FACT_TYPES

LABELS = {
    "age": "Leeftijd jongste schuldenaar", "signal_count": "Aantal signalen",
    "partner_count": "Verschillende signaalpartners", "partner_types": "Soorten signaalpartners",
    "partner_type": "Soort partner van het laatste signaal", "amount": "Bedrag van het laatste signaal",
    "total_amount": "Totaalbedrag", "max_amount": "Hoogste bedrag", "days_in_arrears": "Dagen achterstand",
    "high_amount": "Hoog bedrag", "repeat": "Herhaalde melding", "crisis": "Crisis",
    "warm_transfer": "Warme overdracht", "supply_ending": "Eindelevering", "postcode": "Postcode",
    "has_phone": "Telefoonnummer bekend", "has_email": "E-mailadres bekend",
}
PARTNER_TYPES_NL = {"housing": "Huur", "energy": "Energie", "water": "Water", "health_insurance": "Zorg",
                    "mortgage": "Hypotheek", "other": "Overig"}
CATCH_ALL = "geen van de bakjes hiervoor past, dus dit bakje (het vangnet voor alle andere zaken)"
_OPERATORS = ("equals", "not_equals", "gt", "gte", "lt", "lte", "between", "in", "not_in", "contains",
              "starts_with", "exists")


def _money(value: Any) -> str:
    whole, _, cents = f"{Decimal(str(value)):.2f}".partition(".")
    groups: list[str] = []
    while len(whole.lstrip("-")) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return "€ " + ".".join([whole, *groups]) + "," + cents


def _value(fact: str, value: Any) -> str:
    if value is True:
        return "ja"
    if value is False:
        return "nee"
    if fact in AMOUNT_ATTRS:
        return _money(value)
    if fact in ("partner_type", "partner_types"):
        values = value if isinstance(value, list) else [value]
        return ", ".join(PARTNER_TYPES_NL.get(v, str(v)) for v in values)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _count(value: Any, one: str, many: str) -> str:
    return f"{value} {one if value == 1 else many}"


def fact_phrase(fact: str, value: Any) -> str:
    """What the fact says about this case, in a consultant's words."""
    if value is None:
        return f"{LABELS.get(fact, fact).lower()} onbekend"
    phrases: dict[str, Callable[[], str]] = {
        "age": lambda: f"jongste schuldenaar is {value} jaar",
        "signal_count": lambda: _count(value, "signaal", "signalen"),
        "partner_count": lambda: _count(value, "signaalpartner", "verschillende signaalpartners"),
        "partner_types": lambda: f"soorten partner: {_value(fact, value) or 'geen'}",
        "partner_type": lambda: f"laatste signaal is van soort {_value(fact, value)}",
        "amount": lambda: f"bedrag van het laatste signaal is {_money(value)}",
        "total_amount": lambda: f"totaalbedrag is {_money(value)}",
        "max_amount": lambda: f"hoogste bedrag is {_money(value)}",
        "days_in_arrears": lambda: _count(value, "dag achterstand", "dagen achterstand"),
        "high_amount": lambda: "een bedrag is hoog voor zijn soort partner" if value else "geen hoog bedrag",
        "repeat": lambda: "herhaalde melding: eerder een zaak voor dit huishouden" if value
        else "geen herhaalde melding",
        "crisis": lambda: "crisis gemeld" if value else "geen crisis gemeld",
        "warm_transfer": lambda: "warme overdracht gevraagd" if value else "geen warme overdracht",
        "supply_ending": lambda: "eindelevering aangekondigd" if value else "geen eindelevering",
        "postcode": lambda: f"postcode {value}",
        "has_phone": lambda: "telefoonnummer bekend" if value else "geen telefoonnummer bekend",
        "has_email": lambda: "e-mailadres bekend" if value else "geen e-mailadres bekend",
    }
    phrase = phrases.get(fact)
    return phrase() if phrase else f"{LABELS.get(fact, fact)}: {_value(fact, value)}"


def rule_phrase(fact: str, op: str, expected: Any) -> str:
    """The rule of a condition: "2 of meer", "18 tot en met 27"."""
    def v(x: Any) -> str:
        return _value(fact, x)

    rules: dict[str, Callable[[], str]] = {
        "equals": lambda: f"moet {v(expected)} zijn", "not_equals": lambda: f"mag niet {v(expected)} zijn",
        "gt": lambda: f"meer dan {v(expected)}", "gte": lambda: f"{v(expected)} of meer",
        "lt": lambda: f"minder dan {v(expected)}", "lte": lambda: f"{v(expected)} of minder",
        "between": lambda: f"{v(expected[0])} tot en met {v(expected[1])}",
        "in": lambda: "een van: " + ", ".join(v(x) for x in expected),
        "not_in": lambda: "geen van: " + ", ".join(v(x) for x in expected),
        "contains": lambda: f"bevat {v(expected)}",
        "starts_with": lambda: "begint met " + " of ".join(str(x) for x in
                                                          (expected if isinstance(expected, list) else [expected])),
        "exists": lambda: "moet bekend zijn" if expected else "moet onbekend zijn",
    }
    return rules[op]()


def _comparable(fact: str, value: Any) -> Any:
    return Decimal(str(value)) if fact in AMOUNT_ATTRS and value is not None else value


def _holds(fact: str, op: str, expected: Any, raw: Any) -> bool:
    if op == "exists":
        return (raw is not None) == bool(expected)
    if raw is None:
        return False
    value = _comparable(fact, raw)

    def e(x: Any) -> Any:
        return _comparable(fact, x) if not isinstance(x, bool) else x

    checks: dict[str, Callable[[], bool]] = {
        "equals": lambda: value == e(expected), "not_equals": lambda: value != e(expected),
        "gt": lambda: value > e(expected), "gte": lambda: value >= e(expected),
        "lt": lambda: value < e(expected), "lte": lambda: value <= e(expected),
        "between": lambda: e(expected[0]) <= value <= e(expected[1]),
        "in": lambda: value in [e(x) for x in expected], "not_in": lambda: value not in [e(x) for x in expected],
        "contains": lambda: isinstance(raw, list) and expected in raw,
        "starts_with": lambda: any(str(raw).startswith(p) for p in
                                   (expected if isinstance(expected, list) else [expected])),
    }
    return bool(checks[op]())


def explain_condition(condition: dict[str, Any], facts: dict[str, Any]) -> tuple[bool, list[str]]:
    """(held, the Dutch statements that decide it) of a document's condition on the facts' JSON."""
    if "all" in condition or "any" in condition:
        wanted = "any" in condition  # an `any` is decided by a part that held, an `all` by one that failed
        statements: list[str] = []
        for part in condition["any" if wanted else "all"]:
            held, texts = explain_condition(part, facts)
            if held == wanted:
                return held, texts
            statements.extend(texts)
        return not wanted, statements
    if "not" in condition:
        held, texts = explain_condition(condition["not"], facts)
        return not held, texts
    fact = condition["fact"]
    op = next(name for name in _OPERATORS if name in condition)
    held = _holds(fact, op, condition[op], facts.get(fact))
    statement = fact_phrase(fact, facts.get(fact))
    if not (FACT_TYPES.get(fact) == "boolean" and op in ("equals", "not_equals")):
        statement += f" ({'' if held else 'nodig: '}{rule_phrase(fact, op, condition[op])})"
    return held, [statement]


def dutch_lines(baskets: Sequence[Any], chosen: Any, facts: dict[str, Any]) -> list[dict[str, Any]]:
    """[{"basket_id", "name", "held", "text"}]: every basket tried before `chosen` (why
    not), then `chosen` (why)."""
    lines = []
    for basket in baskets[:chosen.position]:
        texts = explain_condition(basket.when, facts)[1]
        lines.append({"basket_id": basket.id, "name": basket.name, "held": False,
                      "text": "; ".join(dict.fromkeys(texts))})
    text = CATCH_ALL if chosen.when is None else "; ".join(dict.fromkeys(explain_condition(chosen.when, facts)[1]))
    lines.append({"basket_id": chosen.id, "name": chosen.name, "held": True, "text": text})
    return lines
