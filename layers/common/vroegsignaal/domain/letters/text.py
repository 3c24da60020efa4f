"""The letter's text: a template (the municipality's, or the default that ships
with this package, domain/templates/letter_default.txt.j2) rendered in the
sandbox with a `LetterContext`; the same text is the e-mail's.

Privacy: the context holds debtor data, so a real letter that fails raises
`LetterFailed` with the template line and the kind of failure only, never
Jinja2's own message (which can quote a value).
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from ..errors import LetterFailed
from . import sandbox
from .context import LetterContext

DEFAULT_TEMPLATE_PATH = Path(__file__).resolve().parents[1] / "templates" / "letter_default.txt.j2"

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@lru_cache(maxsize=1)
def default_template() -> str:
    """The default Dutch letter that ships with this package."""
    return DEFAULT_TEMPLATE_PATH.read_text(encoding="utf-8")


def tidy(text: str) -> str:
    """Line ends, trailing spaces and runs of blank lines (an {% if %} that
    left nothing) cleaned up; the text ends with one newline."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text)
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    text = re.sub(r"\n{3,}", "\n\n", text).strip("\n")
    return text + "\n" if text.strip() else ""


def at_line(line: int | None) -> str:
    return f"line {line}: " if line else ""


def render_text(context: LetterContext, template_source: str | None = None) -> str:
    """The letter's text; `template_source` None means the default template.

    Raises LetterFailed(reason) when the template does not compile, exceeds a
    bound of the sandbox (time, size) or fails to render: the reason names the
    line and the kind of failure, never a value of the context.
    """
    from jinja2.exceptions import TemplateSyntaxError

    source = default_template() if template_source is None else template_source
    try:
        return tidy(sandbox.render(source, context.variables()))
    except TemplateSyntaxError as exc:
        raise LetterFailed(f"{at_line(exc.lineno)}the template does not compile") from None
    except sandbox.TemplateLimit as exc:
        raise LetterFailed(f"{at_line(sandbox.template_line(exc))}{exc}") from None
    except Exception as exc:  # noqa: BLE001 - any failure of a municipality's template
        line = sandbox.template_line(exc)
        raise LetterFailed(f"{at_line(line)}the template failed to render ({type(exc).__name__})") from None


def subject_line(context: LetterContext) -> str:
    """The "Betreft" of the letter and the subject of the e-mail."""
    return f"Hulp bij betalingsachterstand – gemeente {context.municipality}"


def email_text(context: LetterContext, template_source: str | None = None) -> str:
    """The e-mail step sends the letter's text (municipality-api.md)."""
    return render_text(context, template_source)
