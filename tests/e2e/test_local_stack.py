"""The local stack from the outside: what a developer sees on http://127.0.0.1:<port>."""
from __future__ import annotations

import pytest

from tests.e2e.client import request

pytestmark = pytest.mark.e2e


def a_partner_key(stack):
    return next(iter(stack.partner_keys.values()))


def test_a_request_without_a_key_is_401(local_stack):
    status, body = request(local_stack, "GET", "/signals/EN-1")
    assert status == 401
    assert body["error"] == "unauthorized" and body["message"]


def test_an_unknown_key_is_401(local_stack):
    status, body = request(local_stack, "GET", "/signals/EN-1", key="vs_not_a_key_of_anyone")
    assert (status, body["error"]) == (401, "unauthorized")


def test_an_unknown_route_with_a_valid_key_is_404_json(local_stack):
    status, body = request(local_stack, "GET", "/no/such/route", key=a_partner_key(local_stack))
    assert (status, body["error"]) == (404, "not_found")
    assert isinstance(body["message"], str)


def test_the_clock_moves_forward(local_stack):
    status, body = request(local_stack, "POST", "/_local/clock", body={"advance_days": 1})
    assert status == 200
    assert body["now"].endswith("Z")


def test_drain_waits_until_quiet(local_stack):
    assert request(local_stack, "POST", "/_local/drain") == (200, {"quiet": True})


def test_signals_pass_through_the_gateway_to_the_intake_and_back(local_stack):
    key = local_stack.partner_keys["energie-noord"]
    signal = {"reference": "E2E-LOCAL-1", "municipality_code": "GM0632", "arrears_since": "2026-01-01",
              "amount": "412.50", "debtor": {"last_name": "Dijk", "address": {"postcode": "3441 AB",
                                                                             "house_number": 12}}}
    status, created = request(local_stack, "POST", "/signals", key=key, body=signal)
    assert status == 201, created
    assert (created["reference"], created["status"]) == ("E2E-LOCAL-1", "received")
    assert request(local_stack, "POST", "/signals", key=key, body=signal) == (200, created)   # idempotent replay
    status, feedback = request(local_stack, "GET", "/signals/E2E-LOCAL-1", key=key)
    assert (status, feedback["signal_id"]) == (200, created["signal_id"])
    status, invalid = request(local_stack, "POST", "/signals", key=key, body={"reference": "E2E-LOCAL-2"})
    assert (status, invalid["error"]) == (422, "validation")
    assert request(local_stack, "POST", "/signals", key=key, body=b"{not json")[0] == 400
    # Classification and the steps it queues are handled by the pumps: the stack gets quiet.
    assert request(local_stack, "POST", "/_local/drain") == (200, {"quiet": True})
