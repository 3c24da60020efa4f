"""The letter as a PDF (fpdf2): A4 for a Dutch window envelope, in the core
font Helvetica (Windows-1252); `pdf_safe` makes any text printable in it.
fpdf2 is imported only when a PDF is made."""
from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime, time

from .context import LetterContext
from .text import subject_line, tidy

# Characters outside Windows-1252 (the core fonts' encoding) that have an
# obvious stand-in; others lose their accents (ş -> s) or become "?".
_STAND_INS = {
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2212": "-", "\u2015": "—",
    "\u2032": "'", "\u2033": '"', "\u00a0": " ", "\u2007": " ", "\u2009": " ",
    "\u202f": " ", "\u200a": " ", "\u2002": " ", "\u2003": " ",
    "\u2264": "<=", "\u2265": ">=", "\u2260": "!=", "\u2192": "->", "\u2190": "<-",
    "\u2713": "v", "\u2714": "v", "\u25cf": "•", "\u25aa": "•", "\u2023": "•",
    "ı": "i", "İ": "I", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ħ": "h", "Ħ": "H",
    "ŀ": "l", "Ŀ": "L", "ĸ": "k", "ŉ": "'n", "ſ": "s", "ə": "e", "Ə": "E",
    "\t": "    ",
}


def pdf_safe(text: str) -> str:
    """Text the PDF's core font (Helvetica, Windows-1252) can show.

    Everything in Windows-1252 stays (é ë ï ô ’ “ ” – € …); other characters
    are replaced by a stand-in or lose their accents; control and format
    characters (zero-width spaces, …) are dropped. Never raises.
    """
    text = unicodedata.normalize("NFC", str(text)).replace("\r\n", "\n").replace("\r", "\n")
    out: list[str] = []
    for char in text:
        if char == "\n":
            out.append(char)
            continue
        if char in _STAND_INS:
            out.append(_STAND_INS[char])
            continue
        category = unicodedata.category(char)
        if category in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"):
            continue
        try:
            char.encode("cp1252")
            out.append(char)
            continue
        except UnicodeEncodeError:
            pass
        base = "".join(
            c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
        )
        try:
            base.encode("cp1252")
            out.append(base if base else "?")
        except UnicodeEncodeError:
            out.append("?")
    return "".join(out)


# Layout in millimetres (A4: 210 x 297). The address block sits where a
# Dutch window envelope (left window) shows it.
_LEFT = 22.0
_RIGHT = 20.0
_LETTERHEAD_X = 122.0
_ADDRESS_Y = 50.0
_ADDRESS_W = 85.0
_META_Y = 95.0
_BODY_SIZE = 10.5
_LINE = 5.2


def render_pdf(context: LetterContext, text: str) -> bytes:
    """The letter as an A4 PDF: the municipality's letterhead top right, the
    address block top left (window envelope), date, reference and subject,
    then `text` (blank lines separate paragraphs; the sign-off is part of the
    text). Helvetica in Windows-1252; see `pdf_safe` for other characters.
    The PDF's dates come from the letter date, so the output is deterministic.
    """
    from fpdf import FPDF

    reference = pdf_safe(context.case_reference)

    class Letter(FPDF):
        def footer(self) -> None:
            self.set_y(-14)
            self.set_font("helvetica", size=8)
            self.set_text_color(110, 110, 110)
            label = f"Kenmerk {reference} · pagina {self.page_no()} van {{nb}}"
            self.cell(0, 4, label, align="R")
            self.set_text_color(0, 0, 0)

    pdf = Letter(orientation="portrait", unit="mm", format="A4")
    pdf.core_fonts_encoding = "cp1252"
    pdf.set_margins(_LEFT, 15, _RIGHT)
    pdf.set_auto_page_break(auto=True, margin=22)
    moment = datetime.combine(context.letter_date, time(12, 0), tzinfo=UTC)
    pdf.set_creation_date(moment)
    pdf.set_title(pdf_safe(subject_line(context)))
    pdf.set_author(pdf_safe(context.municipality_title))
    pdf.set_creator("Vroegsignaal")
    pdf.add_page()

    # Letterhead, top right.
    head_w = pdf.w - _RIGHT - _LETTERHEAD_X
    pdf.set_xy(_LETTERHEAD_X, 15)
    pdf.set_font("helvetica", style="B", size=13)
    pdf.multi_cell(head_w, 6, pdf_safe(context.municipality_title), align="L")
    contact = context.contact
    head_lines = [
        contact.team,
        contact.address,
        f"Telefoon {contact.phone}" if contact.phone else "",
        f"E-mail {contact.email}" if contact.email else "",
    ]
    pdf.set_font("helvetica", size=9)
    for line in head_lines:
        if line:
            pdf.set_x(_LETTERHEAD_X)
            pdf.multi_cell(head_w, 4.4, pdf_safe(line), align="L")
    after_head = pdf.get_y()

    # Address block, top left.
    pdf.set_xy(_LEFT, _ADDRESS_Y)
    pdf.set_font("helvetica", size=_BODY_SIZE)
    for line in (context.recipient, *context.address_lines):
        pdf.set_x(_LEFT)
        pdf.multi_cell(_ADDRESS_W, _LINE, pdf_safe(line), align="L")
    after_address = pdf.get_y()

    # Date, reference, subject.
    pdf.set_y(max(_META_Y, after_head + 6, after_address + 8))
    for label, value in (
        ("Datum", context.date_text),
        ("Ons kenmerk", context.case_reference),
        ("Betreft", subject_line(context)),
    ):
        pdf.set_x(_LEFT)
        pdf.set_font("helvetica", style="B", size=_BODY_SIZE)
        pdf.cell(28, _LINE, f"{label}:")
        pdf.set_font("helvetica", size=_BODY_SIZE)
        pdf.multi_cell(0, _LINE, pdf_safe(value), align="L")
    pdf.ln(_LINE * 1.6)

    # Body: paragraphs from blank lines; single line breaks are kept.
    pdf.set_font("helvetica", size=_BODY_SIZE)
    body = pdf_safe(tidy(text))
    for paragraph in re.split(r"\n\s*\n", body.strip("\n")):
        if not paragraph.strip():
            continue
        pdf.set_x(_LEFT)
        pdf.multi_cell(0, _LINE, paragraph, align="L")
        pdf.ln(_LINE * 0.7)
    return bytes(pdf.output())
