"""The whole-suite privacy scan (tests/privacy_scan.py) recognises debtor data by shape."""
from __future__ import annotations

import pytest

from tests.privacy_scan import debtor_names, findings


@pytest.mark.parametrize("text, kind", [
    ('{"msg": "x", "postcode": "3441 AB"}', "postcode"),
    ("address 3441AB", "postcode"),
    ("call +31612345678", "phone"),
    ("call 0612345678", "phone"),
    ("to a.vandijk@example.nl", "e-mail"),
    ("bsn 111222333", "bsn"),
    ("dear Vermeulen", "name"),
])
def test_a_debtor_value_is_found(text: str, kind: str) -> None:
    assert kind in findings(text, {"Vermeulen"})


@pytest.mark.parametrize("text", [
    '{"signal_id": "sig-019ad3f0c2a1b2c3d4e5f6", "case_id": "case-0123456789ab"}',
    "sent from vroegsignalering@example.nl",
    '{"count": 123456789}',  # nine digits failing the eleven test
    "at 2026-12-01T10:12:44.000Z status 201",
])
def test_ids_counts_and_system_addresses_are_not_findings(text: str) -> None:
    assert findings(text, {"Vermeulen"}) == []


def test_the_test_data_names_are_known() -> None:
    assert "Dijk" in debtor_names()


def test_the_audit_entry_scan_finds_debtor_data_and_passes_ids_and_enums():
    from tests.privacy_scan import audit_entry_findings
    clean = {"at": "2026-12-01T09:12:44.123456Z", "actor": {"type": "user", "id": "0f3c9a2e-5d7b", "name": "Jan"},
             "action": "case.closed", "municipality_code": "GM0632", "case_id": "case-0192ab3c4d5e6f",
             "details": {"outcome": "Verwijzing zonder contact"}, "expires_at": 1811239200}
    assert audit_entry_findings([clean]) == []
    leaked = {**clean, "details": {"note": "belde 0612345678, a.vandijk@example.nl"}}
    assert set(audit_entry_findings([leaked])) >= {"phone", "e-mail"}
