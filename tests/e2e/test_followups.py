"""The follow-up schedule on the local stack: the hourly run fans out over every
municipality's due partitions, the worker (FollowUpsQueue's event source) queues the
steps that fell due, and they are carried out (issue 13)."""
from __future__ import annotations

import pytest

from tests.e2e.client import request
from tests.e2e.test_werkbakjes import UTRECHT, WOERDEN, Product

pytestmark = pytest.mark.e2e


def phone_calls(product, code, signal):
    return [t for t in product.case_of(code, signal)["tasks"] if t["type"] == "phone_call"]


def test_each_municipalitys_due_phone_call_goes_out_through_the_worker(local_stack):
    product = Product(local_stack)
    woerden = product.send("energie-noord", amount="70.00")
    utrecht = product.send("energie-noord", amount="75.00", municipality_code=UTRECHT,
                           debtor__address__city="Utrecht")
    product.drain()
    assert phone_calls(product, WOERDEN, woerden) == phone_calls(product, UTRECHT, utrecht) == []
    # Runs the schedule: for every case the shared stack holds by now (other tests' too),
    # so it may take longer than the route's 30 s default to be quiet again.
    assert request(local_stack, "POST", "/_local/clock", body={"advance_days": 14, "timeout": 150},
                   timeout=170)[0] == 200
    for code, signal in ((WOERDEN, woerden), (UTRECHT, utrecht)):
        (call,) = phone_calls(product, code, signal)
        assert call["status"] == "open"
