"""Kenmerken and how searched names are compared (domain, no AWS)."""
from __future__ import annotations

import re

from vroegsignaal.domain.kenmerk import ALPHABET, compact_of, new_kenmerk
from vroegsignaal.domain.search_terms import name_key, name_keys


def test_a_kenmerk_is_8_characters_without_look_alikes_shown_with_a_dash():
    for _ in range(200):
        kenmerk = new_kenmerk()
        assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}", kenmerk)
        assert not set(kenmerk) & set("01OIL")


def test_the_alphabet_leaves_out_0_o_1_i_l():
    assert len(ALPHABET) == 31 and not set(ALPHABET) & set("01OIL")


def test_a_kenmerk_as_typed_ignores_dash_spaces_and_case():
    assert compact_of("k7qm-4xpd") == compact_of(" K7QM 4XPD ") == "K7QM4XPD"
    assert compact_of("K0QM-4XPD") is None and compact_of("K7QM-4XP") is None


def test_names_ignore_case_diacritics_spaces_and_punctuation():
    assert name_key("Çelik") == "celik" and name_key("van den Berg") == "vandenberg"
    assert name_key("El-Amrani") == name_key("el amrani") == "elamrani"
    assert name_key("Strauß") == "strauss"


def test_a_name_with_a_prefix_is_found_with_and_without_it():
    assert name_keys("van den Berg") == ["vandenberg", "berg"]
    assert name_keys("Jansen") == ["jansen"]
    assert name_keys("X") == []
