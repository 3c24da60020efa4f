"""What a letter may say: `LetterContext`, built from a case by `build_context`,
and the Dutch formatting of names, addresses, dates and amounts.

The context holds debtor data: never log it. `TEMPLATE_VARIABLES` lists the
names a municipality's template may use (docs/letters.md).
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from ..money import format_cents

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
    "kenmerk": 'the case\'s reference for the resident to quote: "K7QM-4XPD"',
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
    case_reference: str                 # "K7QM-4XPD"
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

    def variables(self) -> dict[str, Any]:
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
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    return f"{sign}{'.'.join(groups)},{decimals}"


def dutch_join(items: Iterable[str]) -> str:
    """["a", "b", "c"] -> "a, b en c"."""
    present = [item for item in items if item]
    if len(present) <= 1:
        return "".join(present)
    return ", ".join(present[:-1]) + " en " + present[-1]


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


def _names(debtor: object) -> tuple[str, str]:
    """(addressee, salutation) from the debtor's name fields."""
    fields: dict[str, Any] = debtor if isinstance(debtor, dict) else {}
    last = _text(fields.get("last_name"))
    if not last:
        return FALLBACK_RECIPIENT, "Beste bewoner(s)"
    initials = _text(fields.get("initials"))
    prefix = _text(fields.get("prefix"))
    recipient = " ".join(part for part in (initials, prefix, last) if part)
    # Dutch convention: a prefix that starts the name is capitalised ("Van Dijk").
    surname = " ".join(part for part in (_capitalise_prefix(prefix), last) if part)
    gender = fields.get("gender")
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


def _partners(partner_types: Iterable[str] | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    kinds: list[str] = []
    phrases: list[str] = []
    for partner_type in partner_types or ():
        kind, phrase = _PARTNERS.get(partner_type, _PARTNERS["other"])
        if kind not in kinds:
            kinds.append(kind)
            phrases.append(phrase)
    return tuple(kinds), tuple(phrases)


def _municipality_name(municipality: dict[str, Any]) -> str:
    name = _text(municipality.get("name")) or _text(municipality.get("code"))
    # The letter writes "Gemeente {name}": do not say it twice.
    if name.lower().startswith("gemeente "):
        name = name[len("gemeente "):].strip()
    return name


def build_context(
    *,
    debtor: dict[str, Any] | None,
    address: dict[str, Any] | None,
    municipality: dict[str, Any] | None,
    partner_types: list[str],
    total_amount_cents: int,
    case_id: str,
    letter_date: date,
    kenmerk: str | None = None,
) -> LetterContext:
    """The context of one letter.

    `debtor` is the debtor of the case's latest signal (initials, prefix,
    last_name, gender), `address` the household address (street,
    house_number, house_number_suffix, postcode, city), `municipality` its
    registration (name and the optional `contact` of the tenants file),
    `partner_types` those of the case's signals, `kenmerk` the case's reference
    (domain/kenmerk.py) printed on the letter.
    """
    place: dict[str, Any] = address if isinstance(address, dict) else {}
    registration: dict[str, Any] = municipality if isinstance(municipality, dict) else {}
    recipient, salutation = _names(debtor)
    street_line = " ".join(
        part
        for part in (
            _text(place.get("street")),
            _house_number(place.get("house_number"), place.get("house_number_suffix")),
        )
        if part
    )
    given_contact = registration.get("contact")
    contact: dict[str, Any] = given_contact if isinstance(given_contact, dict) else {}
    kinds, phrases = _partners(partner_types)
    return LetterContext(
        recipient=recipient,
        salutation=salutation,
        street_line=street_line,
        postcode=format_postcode(place.get("postcode")),
        city=_text(place.get("city")),
        municipality=_municipality_name(registration),
        contact=LetterContact(
            team=_text(contact.get("team")),
            phone=_text(contact.get("phone")),
            email=_text(contact.get("email")),
            address=_text(contact.get("address")),
        ),
        letter_date=letter_date,
        case_reference=kenmerk or short_reference(case_id),  # cases opened before kenmerken have none
        total_amount=dutch_amount(int(total_amount_cents)),
        partner_kinds=kinds,
        partner_phrases=phrases,
    )
