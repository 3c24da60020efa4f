"""Keys that cannot be guessed (identity.md): what a brought key must be, and the groups
that carry a person's memberships."""
from __future__ import annotations

import secrets

import pytest
from vroegsignaal.domain import api_keys, cognito_groups


def test_a_key_the_system_makes_is_accepted_everywhere():
    from vroegsignaal.adapters.registry import new_api_key

    key = new_api_key()
    assert api_keys.estimated_bits(key.removeprefix("vs_")) >= 128
    assert api_keys.refusal(key, local_stack=False) is None


@pytest.mark.parametrize("key", ["secret", "vs_1234567890123456789012345678901234567890", "a" * 64, "abab" * 20,
                                 "vs_" + secrets.token_hex(8)],
                         ids=["word", "digits", "one-letter", "repeated", "64-bit"])  # stable ids: pytest-xdist workers collect alike
def test_a_weak_key_is_refused_outside_the_local_stack(key):
    assert "too weak" in api_keys.refusal(key, local_stack=False)


def test_a_demo_key_is_refused_outside_the_local_stack_strong_as_it_looks():
    assert "demo key" in api_keys.refusal("vs_demo_" + secrets.token_urlsafe(32), local_stack=False)


@pytest.mark.parametrize("key", ["secret", "vs_demo_ZTUUnkmR1o2CtRJWHcez1QI2G4nhik8glDkEBAWs"])
def test_the_local_stack_takes_the_keys_its_tenants_file_brings(key):
    assert api_keys.refusal(key, local_stack=True) is None


def test_memberships_come_from_the_membership_groups_only():
    groups = ["GM0632:consulent", "GM0344:coordinator", "Admins", "GM12:consulent", "GM0632-consulent"]
    assert cognito_groups.memberships(groups) == {"GM0632": "consulent", "GM0344": "coordinator"}


def test_two_groups_of_one_municipality_give_the_least_allowed_role():
    assert cognito_groups.memberships(["GM0632:coordinator", "GM0632:bezoeker"]) == {"GM0632": "bezoeker"}


@pytest.mark.parametrize("code, role", [("GM0632", "admin"), ("0632", "consulent"), ("GM0632:x", "consulent")])
def test_a_group_for_an_unknown_role_or_code_is_refused(code, role):
    with pytest.raises(ValueError):
        cognito_groups.group_name(code, role)
