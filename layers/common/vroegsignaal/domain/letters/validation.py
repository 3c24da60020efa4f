"""Checking a municipality's template before it is stored, with fictitious
sample data, in the sandbox only (nothing of an upload runs outside it)."""
from __future__ import annotations

from datetime import date

from ..errors import ValidationFailed
from . import sandbox
from .context import TEMPLATE_VARIABLES, LetterContext, build_context
from .pdf import pdf_safe, render_pdf
from .text import at_line

TEMPLATE_MAX_CHARS = sandbox.TEMPLATE_MAX_CHARS

# Fictitious data for validating templates and for previews.
SAMPLE_CONTEXT = build_context(
    debtor={"initials": "J.", "prefix": "de", "last_name": "Voorbeeld", "gender": "F"},
    address={"street": "Voorbeeldstraat", "house_number": 12, "house_number_suffix": "A",
             "postcode": "1234AB", "city": "Voorbeeldstad"},
    municipality={"code": "GM9999", "name": "Voorbeeldstad",
                  "contact": {"team": "Team Vroegsignalering", "phone": "0123 456 789",
                              "email": "vroegsignalering@voorbeeldstad.example",
                              "address": "Postbus 1, 1234 AA Voorbeeldstad"}},
    partner_types=["energy", "housing"],
    total_amount_cents=41250,
    case_id="case-000000000000a1b2c3d4e5f6",
    letter_date=date(2026, 11, 27),
)
# The least a letter can know: no name, no street, no city, no contact details.
SAMPLE_CONTEXT_MINIMAL = build_context(
    debtor={},
    address={"house_number": 1, "postcode": "1234AB"},
    municipality={"code": "GM9999", "name": "Voorbeeldstad"},
    partner_types=["other"],
    total_amount_cents=100,
    case_id="case-0000000000000000000000ff",
    letter_date=date(2026, 1, 1),
)


def _problem(msg: str) -> ValidationFailed:
    return ValidationFailed([{"loc": ["template"], "msg": msg}])


def _sample_render(source: str, context: LetterContext, when: str) -> str:
    """Render with fictitious data; Jinja2's own message may be shown."""
    from jinja2.exceptions import UndefinedError

    try:
        return sandbox.render(source, context.variables())
    except Exception as exc:  # noqa: BLE001 - any failure of the template is the uploader's to fix
        line = sandbox.template_line(exc)
        detail = str(exc) or type(exc).__name__
        if isinstance(exc, UndefinedError) and detail.endswith("is undefined"):
            detail = f"unknown variable {detail[: -len(' is undefined')]}"
        raise _problem(f"{when}{at_line(line)}{detail}") from None


def _compile(source: str) -> None:
    from jinja2.exceptions import TemplateSyntaxError

    try:
        sandbox.compiled(source)
    except TemplateSyntaxError as exc:
        raise _problem(f"syntax error on {at_line(exc.lineno)}{exc.message}") from None
    except Exception as exc:  # noqa: BLE001 - e.g. RecursionError on absurd nesting
        raise _problem(f"the template does not compile ({type(exc).__name__})") from None


def validate_template(source: object) -> None:
    """Check a municipality's template before it is stored.

    Raises ValidationFailed([{"loc": ["template"], "msg": ...}]) when it is
    not a text, is empty or longer than TEMPLATE_MAX_CHARS, does not compile
    (the message gives the line), does not render with the sample data
    (SAMPLE_CONTEXT, and SAMPLE_CONTEXT_MINIMAL: no name, no contact
    details) within the sandbox's bounds, renders to an empty letter, or
    cannot be laid out as a PDF.
    """
    if not isinstance(source, str):
        raise _problem("must be the template's text")
    if not source.strip():
        raise _problem("must not be empty")
    if len(source) > TEMPLATE_MAX_CHARS:
        raise _problem(f"must be at most {TEMPLATE_MAX_CHARS} characters")
    _compile(source)
    text = _sample_render(source, SAMPLE_CONTEXT, "")
    _sample_render(source, SAMPLE_CONTEXT_MINIMAL, "without a name or contact details: ")
    if not pdf_safe(text).strip():
        raise _problem("renders to an empty letter")
    try:
        render_pdf(SAMPLE_CONTEXT, text)
    except Exception as exc:  # noqa: BLE001
        raise _problem(f"cannot be laid out as a PDF ({type(exc).__name__})") from None


def variables_used(source: str) -> list[str]:
    """The template variables (TEMPLATE_VARIABLES) a valid template uses, found
    in the syntax tree the sandbox parsed (its code generation folds nothing)."""
    from jinja2 import meta

    names = meta.find_undeclared_variables(sandbox.parse(source))
    return sorted(name for name in names if name in TEMPLATE_VARIABLES)
