"""How searched values are compared (municipality-api.md, search): a last name
ignoring case, diacritics, spaces and punctuation ("Çelik" = "celik",
"van den Berg" = "vandenberg"); an address by postcode and house number. The
search entries store values in this form and a search asks in it."""
from __future__ import annotations

import unicodedata

NAME_MIN, NAME_MAX = 2, 100
INDEX_LETTERS = 2  # a name entry's partition: the first letters of the name


def name_key(text: str) -> str:
    """"Çelik-de Vries" -> "celikdevries": letters and digits only, no diacritics, lower case."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return "".join(ch for ch in plain.replace("ß", "ss") if ch.isalnum())


def name_keys(last_name: str) -> list[str]:
    """The keys one stored last name is found by: the whole name with its prefix and,
    when it has one, the name without it ("van den Berg": "vandenberg" and "berg")."""
    whole = name_key(last_name)
    words = last_name.split()
    keys = [whole] if len(whole) >= NAME_MIN else []
    last_word = name_key(words[-1]) if words else ""
    if len(words) > 1 and len(last_word) >= NAME_MIN and last_word not in keys:
        keys.append(last_word)
    return keys


def house_number_key(number: object) -> str:
    return str(number).strip()


def suffix_key(suffix: object) -> str:
    return "".join(ch for ch in str(suffix or "").upper() if ch.isalnum())
