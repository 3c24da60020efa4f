"""The intake use case with an in-memory store: idempotency, conflicts, batches."""
from datetime import date, datetime, timezone

from tests.factories import DELETE, PARTNER, signal_body
from tests.fakes import InMemorySignalStore
from vroegsignaal.services.intake import Intake

TODAY = date(2026, 11, 27)


def make_intake(known=("GM0632", "GM0344")):
    store = InMemorySignalStore()
    intake = Intake(store, is_known_municipality=lambda code: code in known, today=lambda: TODAY,
                    now=lambda: datetime(2026, 11, 27, 9, 0, tzinfo=timezone.utc))
    return intake, store


def test_new_signal_is_stored_with_integer_cents():
    intake, store = make_intake()
    outcome = intake.receive(signal_body(), PARTNER)
    assert outcome.status == 201
    assert outcome.body["status"] == "received" and outcome.body["reference"] == "EN-2026-000123"
    (item,) = store.items.values()
    assert item["signal"]["amount_cents"] == 41250
    assert item["pk"] == "SIGNAL#energie-noord#EN-2026-000123"
    assert item["signal"]["debtor"]["address"]["postcode"] == "3441AB"


def test_identical_replay_after_normalisation_is_200_with_same_id():
    intake, _ = make_intake()
    first = intake.receive(signal_body(), PARTNER)
    replay = intake.receive(signal_body(amount=412.5, debtor__address__postcode="3441ab", crisis=DELETE), PARTNER)
    assert replay.status == 200
    assert replay.body["signal_id"] == first.body["signal_id"]


def test_same_reference_other_content_is_409():
    intake, store = make_intake()
    first = intake.receive(signal_body(), PARTNER)
    conflict = intake.receive(signal_body(amount="500.00"), PARTNER)
    assert conflict.status == 409
    assert conflict.body["error"] == "conflict" and conflict.body["signal_id"] == first.body["signal_id"]
    assert len(store.items) == 1


def test_omitted_signal_date_differs_from_explicit_today():
    intake, _ = make_intake()
    intake.receive(signal_body(signal_date=DELETE), PARTNER)
    assert intake.receive(signal_body(signal_date=DELETE), PARTNER).status == 200
    assert intake.receive(signal_body(signal_date=TODAY.isoformat()), PARTNER).status == 409


def test_invalid_replay_is_422_not_409():
    intake, _ = make_intake()
    intake.receive(signal_body(), PARTNER)
    assert intake.receive(signal_body(amount="-1"), PARTNER).status == 422


def test_unknown_municipality_is_422():
    intake, store = make_intake(known=())
    outcome = intake.receive(signal_body(), PARTNER)
    assert outcome.status == 422
    assert ["municipality_code"] in [d["loc"] for d in outcome.body["details"]]
    assert not store.items


def test_batch_stores_the_good_and_reports_the_bad_in_order():
    intake, store = make_intake()
    signals = [signal_body(reference=f"EN-{i}") for i in range(5)]
    signals[1]["debtor"]["address"]["postcode"] = "ABCD 12"
    signals[3] = "not an object"
    signals.append(signal_body(reference="EN-0"))  # same reference again: a replay
    signals.append(signal_body(reference="EN-2", amount="1.00"))  # same reference, other content
    outcome = intake.receive_batch({"signals": signals}, PARTNER)
    body = outcome.body
    assert outcome.status == 200
    assert (body["received"], body["duplicates"], body["rejected"]) == (3, 1, 3)
    assert [r["index"] for r in body["results"]] == list(range(7))
    assert [r["status"] for r in body["results"]] == [201, 422, 201, 422, 201, 200, 409]
    assert body["results"][1]["details"][0]["loc"] == ["debtor", "address", "postcode"]
    assert body["results"][3]["reference"] is None
    assert body["results"][5]["signal_id"] == body["results"][0]["signal_id"]
    assert "message" in body["results"][6]
    assert len(store.items) == 3


def test_batch_envelope_errors_store_nothing():
    intake, store = make_intake()
    for body in ({"signals": []}, {"signals": [signal_body()] * 501}, {"signals": [signal_body()], "extra": 1},
                 [signal_body()], {"items": []}):
        outcome = intake.receive_batch(body, PARTNER)
        assert outcome.status == 422, body if not isinstance(body, dict) else body.keys()
        assert outcome.body["error"] == "validation"
    assert not store.items
