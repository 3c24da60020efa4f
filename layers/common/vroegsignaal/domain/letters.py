"""Letters to residents: the text (a Jinja2 template) and the PDF (fpdf2).

A letter step renders the municipality's template (or the default one that
ships with this package, templates/letter_default.txt.j2) with a
`LetterContext`, then lays the text out as an A4 letter for a window
envelope. The e-mail step sends the same text (municipality-api.md).

Templates are written by municipalities, so they run in Jinja2's sandbox
with `StrictUndefined` (a misspelt variable is an error, never an empty
gap); `validate_template` renders an uploaded template with fictitious
sample data before it is stored. The variables a template may use are
`TEMPLATE_VARIABLES` (docs/letters.md).

Privacy: the context holds debtor data. Errors raised while rendering a
real context name the template line and the kind of error only; the full
Jinja2 message (which can quote a value) is given only for the fictitious
sample data of `validate_template`.

jinja2 and fpdf2 are imported inside the functions that use them, so a
handler that imports this module but renders no letter pays only for
`re`, `dataclasses` and `datetime`.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from functools import lru_cache
from pathlib import Path

from .errors import ValidationFailed
from .money import format_cents

TEMPLATE_MAX_CHARS = 20_000
# A rendered letter longer than this is a runaway template (about 15 pages).
RENDERED_MAX_CHARS = 50_000
# `range()` inside a template; letters never need long loops.
RANGE_MAX = 1_000
DEFAULT_TEMPLATE_PATH = Path(__file__).resolve().parent / "templates" / "letter_default.txt.j2"
FALLBACK_RECIPIENT = "De bewoner(s)"

_MONTHS = (
    "januari", "februari", "maart", "april", "mei", "juni",
    "juli", "augustus", "september", "oktober", "november", "december",
)
# partner_type -> (kind of fixed cost, who reported it, as said in a letter)
_PARTNERS = {
    "housing": ("huur", "uw verhuurder"),
    "energy": ("energie", "uw energieleverancier"),
    "water": ("water", "uw drinkwaterbedrijf"),
    "health_insurance": ("zorgverzekering", "uw zorgverzekeraar"),
    "mortgage": ("hypotheek", "uw hypotheekverstrekker"),
    "other": ("overige", "een organisatie waaraan u vaste lasten betaalt"),
}
_POSTCODE = re.compile(r"([1-9][0-9]{3})([A-Z]{2})", re.ASCII)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")

# What a municipality template may use (docs/letters.md lists them with examples).
TEMPLATE_VARIABLES: dict[str, str] = {
    "aanhef": 'salutation without the comma: "Beste mevrouw Van Dijk", "Beste heer Van Dijk", '
              '"Beste A.B. van Dijk" (gender X or unknown), "Beste bewoner(s)"',
    "naam": 'the addressee as on the envelope: "A.B. van Dijk", or "De bewoner(s)"',
    "adresregels": 'the address lines under the name (a list): "Rijnstraat 12 BIS", "3441 AB  WOERDEN"',
    "adres": 'the address on one line: "Rijnstraat 12 BIS, 3441 AB Woerden"',
    "gemeente": 'the municipality\'s name: "Woerden" (write "gemeente {{ gemeente }}")',
    "team": 'the team that sends the letter, or "" when not registered',
    "telefoon": 'the team\'s phone number, or ""',
    "email": 'the team\'s e-mail address, or ""',
    "postadres": 'the team\'s postal address, or ""',
    "afzender": 'who signs: the team, or "Gemeente Woerden" when no team is registered',
    "datum": 'the letter\'s date: "27 november 2026"',
    "kenmerk": 'the case\'s reference for the resident to quote: "1A2B-3C4D"',
    "bedrag": 'the case\'s total arrears in euros, Dutch notation: "1.912,50" '
              '(not used by the default letter)',
    "soorten": 'the kinds of fixed costs reported (a list): "huur", "energie", "water", '
               '"zorgverzekering", "hypotheek", "overige"',
    "melders": 'who reported (a list): "uw verhuurder", "uw energieleverancier", '
               '"uw drinkwaterbedrijf", "uw zorgverzekeraar", "uw hypotheekverstrekker", '
               '"een organisatie waaraan u vaste lasten betaalt"',
    "melders_tekst": 'the reporters in one phrase: "uw verhuurder en uw energieleverancier"',
}


@dataclass(frozen=True)
class LetterContact:
    """The municipality's contact details (all optional, "" when unknown)."""

    team: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""

    def __bool__(self) -> bool:
        return bool(self.team or self.phone or self.email or self.address)


@dataclass(frozen=True)
class LetterContext:
    """Everything a letter may say. Holds debtor data: never log it."""

    recipient: str                      # "A.B. van Dijk" or "De bewoner(s)"
    salutation: str                     # "Beste mevrouw Van Dijk"
    street_line: str                    # "Rijnstraat 12 BIS" ("" when unknown)
    postcode: str                       # "3441 AB"
    city: str                           # "Woerden" ("" when unknown)
    municipality: str                   # "Woerden"
    contact: LetterContact
    letter_date: date
    case_reference: str                 # "1A2B-3C4D"
    total_amount: str                   # "412,50"
    partner_kinds: tuple[str, ...] = ()     # ("energie", "huur")
    partner_phrases: tuple[str, ...] = ()   # ("uw energieleverancier", ...)

    @property
    def address_lines(self) -> tuple[str, ...]:
        """The lines under the name in the address block (PostNL style)."""
        place = "  ".join(part for part in (self.postcode, self.city.upper()) if part)
        return tuple(line for line in (self.street_line, place) if line)

    @property
    def address_one_line(self) -> str:
        place = " ".join(part for part in (self.postcode, self.city) if part)
        return ", ".join(part for part in (self.street_line, place) if part)

    @property
    def date_text(self) -> str:
        return dutch_date(self.letter_date)

    @property
    def municipality_title(self) -> str:
        return f"Gemeente {self.municipality}"

    @property
    def sender(self) -> str:
        return self.contact.team or self.municipality_title

    def variables(self) -> dict:
        """The template's namespace (TEMPLATE_VARIABLES)."""
        return {
            "aanhef": self.salutation,
            "naam": self.recipient,
            "adresregels": list(self.address_lines),
            "adres": self.address_one_line,
            "gemeente": self.municipality,
            "team": self.contact.team,
            "telefoon": self.contact.phone,
            "email": self.contact.email,
            "postadres": self.contact.address,
            "afzender": self.sender,
            "datum": self.date_text,
            "kenmerk": self.case_reference,
            "bedrag": self.total_amount,
            "soorten": list(self.partner_kinds),
            "melders": list(self.partner_phrases),
            "melders_tekst": dutch_join(self.partner_phrases),
        }


# --------------------------------------------------------------------------- formatting


def dutch_date(day: date) -> str:
    """date(2026, 11, 27) -> "27 november 2026"."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def dutch_amount(cents: int) -> str:
    """191250 -> "1.912,50" (built on money.format_cents)."""
    text = format_cents(cents)
    sign = "-" if text.startswith("-") else ""
    whole, decimals = text.lstrip("-").split(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    return f"{sign}{'.'.join(groups)},{decimals}"


def dutch_join(items) -> str:
    """["a", "b", "c"] -> "a, b en c"."""
    items = [item for item in items if item]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " en " + items[-1]


def short_reference(case_id: str) -> str:
    """The case's reference on a letter: the last 8 characters of the id's
    random part, upper-case, as "1A2B-3C4D" (easy to read out on the phone)."""
    tail = re.sub(r"[^0-9A-Za-z]", "", str(case_id).rsplit("-", 1)[-1]).upper()[-8:]
    return f"{tail[:4]}-{tail[4:]}" if len(tail) == 8 else tail


def format_postcode(value: object) -> str:
    """"3441ab" / "3441 AB" -> "3441 AB"; anything else is shown as given."""
    text = _text(value)
    compact = re.sub(r"\s+", "", text).upper()
    match = _POSTCODE.fullmatch(compact)
    return f"{match.group(1)} {match.group(2)}" if match else text


def _text(value: object) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""


def _house_number(number: object, suffix: object) -> str:
    if isinstance(number, bool) or not isinstance(number, (int, str)):
        return ""
    text = _text(str(number))
    addition = _text(suffix)
    if not text:
        return ""
    if not addition:
        return text
    # A single letter (huisletter) is written against the number: "12A";
    # a longer addition is separated: "12 BIS", "12 2HG".
    if len(addition) == 1 and addition.isalpha():
        return f"{text}{addition}"
    return f"{text} {addition}"


def _capitalise_prefix(prefix: str) -> str:
    return prefix[:1].upper() + prefix[1:]


def _names(debtor: dict | None) -> tuple[str, str]:
    """(addressee, salutation) from the debtor's name fields."""
    debtor = debtor if isinstance(debtor, dict) else {}
    last = _text(debtor.get("last_name"))
    if not last:
        return FALLBACK_RECIPIENT, "Beste bewoner(s)"
    initials = _text(debtor.get("initials"))
    prefix = _text(debtor.get("prefix"))
    recipient = " ".join(part for part in (initials, prefix, last) if part)
    # Dutch convention: a prefix that starts the name is capitalised ("Van Dijk").
    surname = " ".join(part for part in (_capitalise_prefix(prefix), last) if part)
    gender = debtor.get("gender")
    if gender == "F":
        salutation = f"Beste mevrouw {surname}"
    elif gender == "M":
        salutation = f"Beste heer {surname}"
    elif initials:
        salutation = f"Beste {recipient}"
    elif gender == "X":
        salutation = f"Beste {surname}"
    else:
        salutation = f"Beste heer/mevrouw {surname}"
    return recipient, salutation


def _partners(partner_types) -> tuple[tuple[str, ...], tuple[str, ...]]:
    kinds: list[str] = []
    phrases: list[str] = []
    for partner_type in partner_types or ():
        kind, phrase = _PARTNERS.get(partner_type, _PARTNERS["other"])
        if kind not in kinds:
            kinds.append(kind)
            phrases.append(phrase)
    return tuple(kinds), tuple(phrases)


def _municipality_name(municipality: dict) -> str:
    name = _text(municipality.get("name")) or _text(municipality.get("code"))
    # The letter writes "Gemeente {name}": do not say it twice.
    if name.lower().startswith("gemeente "):
        name = name[len("gemeente "):].strip()
    return name


def build_context(
    *,
    debtor: dict,
    address: dict,
    municipality: dict,
    partner_types: list[str],
    total_amount_cents: int,
    case_id: str,
    letter_date: date,
) -> LetterContext:
    """The context of one letter.

    `debtor` is the debtor of the case's latest signal (initials, prefix,
    last_name, gender), `address` the household address (street,
    house_number, house_number_suffix, postcode, city), `municipality` its
    registration (name and the optional `contact` of the tenants file),
    `partner_types` those of the case's signals.
    """
    address = address if isinstance(address, dict) else {}
    municipality = municipality if isinstance(municipality, dict) else {}
    recipient, salutation = _names(debtor)
    street_line = " ".join(
        part
        for part in (
            _text(address.get("street")),
            _house_number(address.get("house_number"), address.get("house_number_suffix")),
        )
        if part
    )
    contact = municipality.get("contact")
    contact = contact if isinstance(contact, dict) else {}
    kinds, phrases = _partners(partner_types)
    return LetterContext(
        recipient=recipient,
        salutation=salutation,
        street_line=street_line,
        postcode=format_postcode(address.get("postcode")),
        city=_text(address.get("city")),
        municipality=_municipality_name(municipality),
        contact=LetterContact(
            team=_text(contact.get("team")),
            phone=_text(contact.get("phone")),
            email=_text(contact.get("email")),
            address=_text(contact.get("address")),
        ),
        letter_date=letter_date,
        case_reference=short_reference(case_id),
        total_amount=dutch_amount(int(total_amount_cents)),
        partner_kinds=kinds,
        partner_phrases=phrases,
    )


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


# --------------------------------------------------------------------------- text


@lru_cache(maxsize=1)
def _environment():
    from jinja2 import StrictUndefined
    from jinja2.exceptions import SecurityError
    from jinja2.sandbox import SandboxedEnvironment

    class LetterSandbox(SandboxedEnvironment):
        """The sandbox, plus limits on `*` and `**` so a template cannot
        build a huge string or number (Jinja2's documented recipe)."""

        intercepted_binops = frozenset({"*", "**"})

        def call_binop(self, context, operator, left, right):
            if operator == "**":
                if isinstance(right, (int, float)) and abs(right) > 100:
                    raise SecurityError("the exponent of ** is too large")
                return left ** right
            if operator == "*":
                for sequence, times in ((left, right), (right, left)):
                    if (isinstance(sequence, (str, list, tuple)) and isinstance(times, int)
                            and len(sequence) * times > RENDERED_MAX_CHARS):
                        raise SecurityError("the result of * is too long")
            return super().call_binop(context, operator, left, right)

    def limited_range(*args):
        values = range(*args)
        if len(values) > RANGE_MAX:
            raise SecurityError(f"range() is limited to {RANGE_MAX} items")
        return values

    env = LetterSandbox(
        undefined=StrictUndefined,
        autoescape=False,          # plain text, not HTML
        trim_blocks=True,          # a line holding only {% ... %} leaves no empty line
        lstrip_blocks=True,
        keep_trailing_newline=False,
        auto_reload=False,
    )
    env.globals["range"] = limited_range
    env.globals.pop("lipsum", None)
    return env


@lru_cache(maxsize=32)
def _compile(source: str):
    return _environment().from_string(source)


@lru_cache(maxsize=1)
def default_template() -> str:
    """The default Dutch letter that ships with this package."""
    return DEFAULT_TEMPLATE_PATH.read_text(encoding="utf-8")


class _TooLong(Exception):
    pass


def _render(source: str, context: LetterContext) -> str:
    pieces: list[str] = []
    total = 0
    for piece in _compile(source).generate(context.variables()):
        total += len(piece)
        if total > RENDERED_MAX_CHARS:
            raise _TooLong()
        pieces.append(piece)
    return _tidy("".join(pieces))


def _tidy(text: str) -> str:
    """Line ends, trailing spaces and runs of blank lines (an {% if %} that
    left nothing) cleaned up; the text ends with one newline."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text)
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    text = re.sub(r"\n{3,}", "\n\n", text).strip("\n")
    return text + "\n" if text.strip() else ""


def _template_line(exc: BaseException) -> int | None:
    """The template line where a runtime error happened (Jinja2 rewrites the
    traceback so the template's frames carry template line numbers)."""
    line = getattr(exc, "lineno", None)
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _problem(msg: str) -> ValidationFailed:
    return ValidationFailed([{"loc": ["template"], "msg": msg}])


def _at(line: int | None) -> str:
    return f"line {line}: " if line else ""


def render_text(context: LetterContext, template_source: str | None = None) -> str:
    """The letter's text; `template_source` None means the default template.

    Raises ValidationFailed (loc ["template"]) when the template does not
    compile or render. The message names the line and the kind of error, not
    Jinja2's own message: with a real context that could quote debtor data.
    """
    from jinja2.exceptions import TemplateSyntaxError

    source = default_template() if template_source is None else template_source
    try:
        return _render(source, context)
    except TemplateSyntaxError as exc:
        raise _problem(f"{_at(exc.lineno)}the template does not compile") from None
    except _TooLong:
        raise _problem(f"the letter is longer than {RENDERED_MAX_CHARS} characters") from None
    except Exception as exc:  # noqa: BLE001 - any failure of a municipality's template
        line = _template_line(exc)
        raise _problem(
            f"{_at(line)}the template failed to render ({type(exc).__name__})"
        ) from None


def subject_line(context: LetterContext) -> str:
    """The "Betreft" of the letter and the subject of the e-mail."""
    return f"Hulp bij betalingsachterstand – gemeente {context.municipality}"


def email_text(context: LetterContext, template_source: str | None = None) -> str:
    """The e-mail step sends the letter's text (municipality-api.md)."""
    return render_text(context, template_source)


# --------------------------------------------------------------------------- validation


def _sample_render(source: str, context: LetterContext, when: str) -> str:
    """Render with fictitious data; Jinja2's own message may be shown."""
    try:
        return _render(source, context)
    except _TooLong:
        raise _problem(f"{when}the letter is longer than {RENDERED_MAX_CHARS} characters") from None
    except Exception as exc:  # noqa: BLE001
        from jinja2.exceptions import UndefinedError

        line = _template_line(exc)
        detail = str(exc) or type(exc).__name__
        if isinstance(exc, UndefinedError) and detail.endswith("is undefined"):
            detail = f"unknown variable {detail[: -len(' is undefined')]}"
        raise _problem(f"{when}{_at(line)}{detail}") from None


def validate_template(source: str) -> None:
    """Check a municipality's template before it is stored.

    Raises ValidationFailed([{"loc": ["template"], "msg": ...}]) when it is
    not a text, is empty or longer than TEMPLATE_MAX_CHARS, does not compile
    (the message gives the line), does not render with the sample data
    (SAMPLE_CONTEXT, and SAMPLE_CONTEXT_MINIMAL: no name, no contact
    details), renders to an empty letter, or cannot be laid out as a PDF.
    """
    from jinja2.exceptions import TemplateSyntaxError

    if not isinstance(source, str):
        raise _problem("must be the template's text")
    if not source.strip():
        raise _problem("must not be empty")
    if len(source) > TEMPLATE_MAX_CHARS:
        raise _problem(f"must be at most {TEMPLATE_MAX_CHARS} characters")
    try:
        _compile(source)
    except TemplateSyntaxError as exc:
        raise _problem(f"syntax error on {_at(exc.lineno)}{exc.message}") from None
    except Exception as exc:  # noqa: BLE001 - e.g. RecursionError on absurd nesting
        raise _problem(f"the template does not compile ({type(exc).__name__})") from None

    text = _sample_render(source, SAMPLE_CONTEXT, "")
    _sample_render(source, SAMPLE_CONTEXT_MINIMAL, "without a name or contact details: ")
    if not pdf_safe(text).strip():
        raise _problem("renders to an empty letter")
    try:
        render_pdf(SAMPLE_CONTEXT, text)
    except Exception as exc:  # noqa: BLE001
        raise _problem(f"cannot be laid out as a PDF ({type(exc).__name__})") from None


# --------------------------------------------------------------------------- PDF

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
        def footer(self):
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
    moment = datetime.combine(context.letter_date, time(12, 0), tzinfo=timezone.utc)
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
    body = pdf_safe(_tidy(text))
    for paragraph in re.split(r"\n\s*\n", body.strip("\n")):
        if not paragraph.strip():
            continue
        pdf.set_x(_LEFT)
        pdf.multi_cell(0, _LINE, paragraph, align="L")
        pdf.ln(_LINE * 0.7)
    return bytes(pdf.output())
