"""The intake use case with an in-memory store, in domain terms: idempotency,
conflicts, batches in which every signal stands on its own."""
from datetime import UTC, date, datetime

import pytest
from vroegsignaal.domain.errors import NotFound, ValidationFailed
from vroegsignaal.services.intake import Intake, ResultKind

from tests.factories import DELETE, PARTNER, signal_body
from tests.fakes import InMemorySignalStore

TODAY = date(2026, 11, 27)


def make_intake(known=("GM0632", "GM0344"), store=None):
    store = store or InMemorySignalStore()
    intake = Intake(store, is_known_municipality=lambda code: code in known, today=lambda: TODAY,
                    now=lambda: datetime(2026, 11, 27, 9, 0, tzinfo=UTC))
    return intake, store


def test_new_signal_is_stored_with_integer_cents():
    intake, store = make_intake()
    result = intake.receive(signal_body(), PARTNER)
    assert result.kind is ResultKind.RECEIVED
    assert result.status == "received" and result.reference == "EN-2026-000123"
    (item,) = store.items.values()
    assert result.signal_id == item["signal_id"]
    assert item["signal"]["amount_cents"] == 41250
    assert (item["partner_id"], item["reference"]) == ("energie-noord", "EN-2026-000123")
    assert item["signal"]["debtor"]["address"]["postcode"] == "3441AB"


def test_identical_replay_after_normalisation_is_a_duplicate_with_the_same_id():
    intake, _ = make_intake()
    first = intake.receive(signal_body(), PARTNER)
    replay = intake.receive(signal_body(amount=412.5, debtor__address__postcode="3441ab", crisis=DELETE), PARTNER)
    assert replay.kind is ResultKind.DUPLICATE
    assert replay.signal_id == first.signal_id and replay.status == "received"


def test_same_reference_other_content_is_a_conflict():
    intake, store = make_intake()
    first = intake.receive(signal_body(), PARTNER)
    conflict = intake.receive(signal_body(amount="500.00"), PARTNER)
    assert conflict.kind is ResultKind.CONFLICT
    assert conflict.signal_id == first.signal_id and conflict.message
    assert len(store.items) == 1


def test_omitted_signal_date_differs_from_explicit_today():
    intake, _ = make_intake()
    intake.receive(signal_body(signal_date=DELETE), PARTNER)
    assert intake.receive(signal_body(signal_date=DELETE), PARTNER).kind is ResultKind.DUPLICATE
    assert intake.receive(signal_body(signal_date=TODAY.isoformat()), PARTNER).kind is ResultKind.CONFLICT


def test_invalid_replay_is_rejected_not_a_conflict():
    intake, _ = make_intake()
    intake.receive(signal_body(), PARTNER)
    assert intake.receive(signal_body(amount="-1"), PARTNER).kind is ResultKind.REJECTED


def test_unknown_municipality_is_rejected_with_the_field():
    intake, store = make_intake(known=())
    result = intake.receive(signal_body(), PARTNER)
    assert result.kind is ResultKind.REJECTED
    assert ["municipality_code"] in [d["loc"] for d in result.details]
    assert not store.items


def test_batch_stores_the_good_and_reports_the_bad_in_order():
    intake, store = make_intake()
    signals = [signal_body(reference=f"EN-{i}") for i in range(5)]
    signals[1]["debtor"]["address"]["postcode"] = "ABCD 12"
    signals[3] = "not an object"
    signals.append(signal_body(reference="EN-0"))  # same reference again: a replay
    signals.append(signal_body(reference="EN-2", amount="1.00"))  # same reference, other content
    batch = intake.receive_batch({"signals": signals}, PARTNER)
    assert (batch.received, batch.duplicates, batch.rejected) == (3, 1, 3)
    assert [r.kind for r in batch.results] == [
        ResultKind.RECEIVED, ResultKind.REJECTED, ResultKind.RECEIVED, ResultKind.REJECTED,
        ResultKind.RECEIVED, ResultKind.DUPLICATE, ResultKind.CONFLICT]
    assert batch.results[1].details[0]["loc"] == ["debtor", "address", "postcode"]
    assert batch.results[3].reference is None
    assert batch.results[5].signal_id == batch.results[0].signal_id
    assert len(store.items) == 3


@pytest.mark.parametrize("body", [{"signals": []}, {"signals": [signal_body()] * 501},
                                  {"signals": [signal_body()], "extra": 1}, [signal_body()], {"items": []}],
                         ids=["empty", "501", "extra-key", "a-list", "no-signals"])
def test_batch_envelope_errors_store_nothing(body):
    intake, store = make_intake()
    with pytest.raises(ValidationFailed):
        intake.receive_batch(body, PARTNER)
    assert not store.items


class StoreFailingOn(InMemorySignalStore):
    """A store whose write fails unexpectedly for one reference."""

    def __init__(self, reference):
        super().__init__()
        self.reference = reference

    def insert_signal(self, item):
        if item["reference"] == self.reference:
            raise RuntimeError("Dijk 111222333")  # what a library message might carry
        return super().insert_signal(item)


def test_a_signal_that_fails_unexpectedly_is_reported_and_the_others_go_on():
    intake, store = make_intake(store=StoreFailingOn("EN-2"))
    signals = [signal_body(reference=f"EN-{i}") for i in range(5)]
    signals[4]["amount"] = "-1"
    batch = intake.receive_batch({"signals": signals}, PARTNER)
    kinds = [r.kind for r in batch.results]
    assert kinds == [ResultKind.RECEIVED, ResultKind.RECEIVED, ResultKind.FAILED, ResultKind.RECEIVED,
                     ResultKind.REJECTED]
    failed = batch.results[2]
    assert failed.reference == "EN-2" and failed.signal_id is None and "Dijk" not in failed.message
    assert batch.received == len(store.items) == 3 and batch.rejected == 2


def test_receive_each_handles_any_number_without_an_envelope():
    intake, store = make_intake()
    batch = intake.receive_each((signal_body(reference=f"EN-{i}") for i in range(600)), PARTNER)
    assert batch.received == len(store.items) == 600


class StoreWithLookUp(InMemorySignalStore):
    def get_signal(self, partner_id, reference):
        return self.items.get(f"{partner_id}/{reference}")


def test_a_partner_sees_the_status_of_its_own_signal():
    intake, store = make_intake(store=StoreWithLookUp())
    received = intake.receive(signal_body(reference="EN:1"), PARTNER)
    store.statuses[received.signal_id] = "in_progress"
    status = intake.status_of("EN:1", PARTNER)
    assert (status.reference, status.signal_id, status.status) == ("EN:1", received.signal_id, "in_progress")
    assert status.received_at.startswith("2026-11-27T09:00:00") and status.received_at.endswith("Z")


@pytest.mark.parametrize("reference, partner", [("EN:1", {**PARTNER, "partner_id": "woonstede"}),
                                                ("EN:2", PARTNER), ("x" * 65, PARTNER), ("a/b", PARTNER)],
                         ids=["another-partner", "unknown", "too-long", "malformed"])
def test_anything_but_the_partners_own_signal_is_not_found(reference, partner):
    intake, _ = make_intake(store=StoreWithLookUp())
    intake.receive(signal_body(reference="EN:1"), PARTNER)
    with pytest.raises(NotFound):
        intake.status_of(reference, partner)
