"""Letters to residents: the text (a Jinja2 template) and the PDF (fpdf2).

A letter step renders the municipality's template (or the default one that
ships with this package) with a `LetterContext`, then lays the text out as
an A4 letter for a window envelope; the e-mail step sends the same text
(municipality-api.md). Its parts:

- context.py: what a letter may say (`build_context`, `TEMPLATE_VARIABLES`)
  and the Dutch formatting of names, addresses, dates and amounts;
- sandbox.py: the Jinja2 sandbox every template runs in, with its bounds of
  time and size;
- text.py: rendering a letter's text (`render_text`, `subject_line`);
- pdf.py: the PDF layout (`render_pdf`, `pdf_safe`);
- validation.py: checking an upload with sample data (`validate_template`).

jinja2 and fpdf2 are imported inside the functions that use them, so a
handler that imports this package but renders no letter pays only for
`re`, `dataclasses` and `datetime`.
"""
from __future__ import annotations

from .context import (
    FALLBACK_RECIPIENT,
    TEMPLATE_VARIABLES,
    LetterContact,
    LetterContext,
    build_context,
    dutch_amount,
    dutch_date,
    dutch_join,
    format_postcode,
    short_reference,
)
from .pdf import pdf_safe, render_pdf
from .sandbox import RANGE_MAX, RENDER_SECONDS, RENDERED_MAX_CHARS, TEMPLATE_MAX_CHARS, VALUE_MAX_CHARS
from .text import DEFAULT_TEMPLATE_PATH, default_template, email_text, render_text, subject_line
from .validation import SAMPLE_CONTEXT, SAMPLE_CONTEXT_MINIMAL, validate_template, variables_used

__all__ = [
    "DEFAULT_TEMPLATE_PATH", "FALLBACK_RECIPIENT", "RANGE_MAX", "RENDERED_MAX_CHARS", "RENDER_SECONDS",
    "SAMPLE_CONTEXT", "SAMPLE_CONTEXT_MINIMAL", "TEMPLATE_MAX_CHARS", "TEMPLATE_VARIABLES",
    "VALUE_MAX_CHARS", "LetterContact", "LetterContext", "build_context", "default_template",
    "dutch_amount", "dutch_date", "dutch_join", "email_text", "format_postcode", "pdf_safe",
    "render_pdf", "render_text", "short_reference", "subject_line", "validate_template",
    "variables_used",
]
