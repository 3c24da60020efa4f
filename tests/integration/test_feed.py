"""The partner's status feed, GET /signals?changed_since= (signals-api.md), through the
intake handler against moto: signals posted and classified as in production, cases
picked up and closed through the municipality API."""
from __future__ import annotations

import pytest

from tests.factories import signal_body
from tests.integration.events import PARTNERS, LambdaContext, api_event, call, municipality, stream_event

pytestmark = pytest.mark.usefixtures("tenants")
EPOCH = "2000-01-01T00:00:00Z"


def post(h, partner: str, reference: str, **overrides) -> dict:
    status, body = call(h.intake, api_event("POST", "/signals", body=signal_body(reference=reference, **overrides),
                                            principal=PARTNERS[partner]))
    assert status == 201, body
    return body


def classify(h, partner: str, reference: str) -> str:
    """Classify the stored signal from the stream; the id of the case holding it."""
    from vroegsignaal.adapters import aws, table
    key = table.key(f"SIGNAL#{partner}#{reference}", "SIGNAL")
    image = aws.client("dynamodb").get_item(TableName=table.table_name(), Key=key)["Item"]
    assert h.classify(stream_event([image]), LambdaContext()) == {"batchItemFailures": []}
    return table.get(f"SIGNAL#{partner}#{reference}", "SIGNAL")["case_id"]


def feed(h, partner: str, **query) -> tuple[int, dict]:
    return call(h.intake, api_event("GET", "/signals", principal=PARTNERS[partner],
                                    query={"changed_since": EPOCH, **query}))


def changes(h, partner: str, **query) -> list[dict]:
    status, body = feed(h, partner, **query)
    assert status == 200, body
    return body["signals"]


def pick_up(h, case_id: str) -> dict:
    status, _ = call(h.mun, api_event("POST", "/municipalities/{code}/cases/{case_id}/contact-attempts",
                                      {"code": "GM0632", "case_id": case_id}, principal=municipality("GM0632"),
                                      body={"type": "Telefoon", "reached": False}))
    assert status == 201
    return case_item(case_id)


def close(h, case_id: str) -> dict:
    status, _ = call(h.mun, api_event("POST", "/municipalities/{code}/cases/{case_id}/close",
                                      {"code": "GM0632", "case_id": case_id}, principal=municipality("GM0632"),
                                      body={"outcome": "Inwoner is overleden"}))
    assert status == 200
    return case_item(case_id)


def case_item(case_id: str) -> dict:
    from vroegsignaal.adapters.cases import DynamoCaseStore
    case = DynamoCaseStore().find("GM0632", case_id)
    assert case is not None
    return case


def test_a_received_signal_is_in_the_feed_before_any_case_holds_it(h):
    sent = post(h, "energie-noord", "EN-1")
    stored = changes(h, "energie-noord")
    assert [(s["reference"], s["signal_id"], s["status"]) for s in stored] == [("EN-1", sent["signal_id"], "received")]
    assert set(stored[0]) == {"reference", "signal_id", "status", "changed_at"}


def test_joining_a_case_nobody_picked_up_is_not_a_change(h):
    post(h, "energie-noord", "EN-1")
    before = changes(h, "energie-noord")
    classify(h, "energie-noord", "EN-1")
    assert changes(h, "energie-noord") == before  # once, still received at its receipt


def test_a_pick_up_and_a_close_are_reported_once_with_their_time(h):
    post(h, "energie-noord", "EN-1")
    case_id = classify(h, "energie-noord", "EN-1")
    picked = pick_up(h, case_id)
    assert [(s["reference"], s["status"], s["changed_at"]) for s in changes(h, "energie-noord")] == [
        ("EN-1", "in_progress", picked["picked_up_at"])]
    closed = close(h, case_id)
    assert [(s["reference"], s["status"], s["changed_at"]) for s in changes(h, "energie-noord")] == [
        ("EN-1", "closed", closed["closed_at"])]


def test_every_signal_of_a_picked_up_case_changes_with_it(h):
    for reference in ("EN-1", "EN-2", "EN-3"):
        post(h, "energie-noord", reference)
        case_id = classify(h, "energie-noord", reference)
    picked = pick_up(h, case_id)
    stored = changes(h, "energie-noord")
    assert sorted(s["reference"] for s in stored) == ["EN-1", "EN-2", "EN-3"]
    assert {(s["status"], s["changed_at"]) for s in stored} == {("in_progress", picked["picked_up_at"])}


def test_a_signal_joining_a_picked_up_case_changes_when_it_joins(h):
    post(h, "energie-noord", "EN-1")
    case_id = classify(h, "energie-noord", "EN-1")
    picked = pick_up(h, case_id)
    post(h, "energie-noord", "EN-2")
    assert classify(h, "energie-noord", "EN-2") == case_id
    stored = {s["reference"]: s for s in changes(h, "energie-noord")}
    assert stored["EN-1"]["changed_at"] == picked["picked_up_at"]
    assert stored["EN-2"]["status"] == "in_progress"
    assert stored["EN-2"]["changed_at"] > picked["picked_up_at"]
    assert [s["reference"] for s in changes(h, "energie-noord", changed_since=stored["EN-2"]["changed_at"])] == [
        "EN-2"]


def test_never_another_partners_signal_even_in_the_same_case(h):
    post(h, "energie-noord", "EN-1")
    case_id = classify(h, "energie-noord", "EN-1")
    post(h, "woonstede", "WS-1")
    assert classify(h, "woonstede", "WS-1") == case_id  # one household, one case
    pick_up(h, case_id)
    assert [s["reference"] for s in changes(h, "energie-noord")] == ["EN-1"]
    assert [s["reference"] for s in changes(h, "woonstede")] == ["WS-1"]
    assert changes(h, "vitens") == []


def test_changed_since_leaves_out_older_changes(h):
    post(h, "energie-noord", "EN-1")
    first = changes(h, "energie-noord")[0]
    post(h, "energie-noord", "EN-2")
    assert [s["reference"] for s in changes(h, "energie-noord", changed_since=first["changed_at"])] == ["EN-1", "EN-2"]
    later = changes(h, "energie-noord")[1]["changed_at"]
    assert [s["reference"] for s in changes(h, "energie-noord", changed_since=later)] == ["EN-2"]
    assert changes(h, "energie-noord", changed_since="2999-01-01T00:00:00+01:00") == []


def test_pages_go_oldest_change_first_each_signal_once(h):
    references = [f"EN-{n}" for n in range(1, 6)]
    for reference in references[:3]:
        post(h, "energie-noord", reference)
        case_id = classify(h, "energie-noord", reference)
    for reference in references[3:]:
        post(h, "energie-noord", reference, debtor__address__house_number=99)  # another household, no case yet
    pick_up(h, case_id)  # the first three change after the last two arrived
    seen, cursor = [], None
    for _ in range(10):
        query = {"limit": "2", **({"cursor": cursor} if cursor else {})}
        status, page = feed(h, "energie-noord", **query)
        assert status == 200 and len(page["signals"]) <= 2, page
        seen += page["signals"]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert [s["changed_at"] for s in seen] == sorted(s["changed_at"] for s in seen)
    assert sorted(s["reference"] for s in seen) == references
    assert [s["reference"] for s in seen[:2]] == ["EN-4", "EN-5"]


@pytest.mark.parametrize(("query", "loc"), [
    ({}, "changed_since"),
    ({"changed_since": "yesterday"}, "changed_since"),
    ({"changed_since": "2026-11-20"}, "changed_since"),
    ({"changed_since": "2026-11-20T08:00:00"}, "changed_since"),
    ({"changed_since": EPOCH, "limit": "0"}, "limit"),
    ({"changed_since": EPOCH, "cursor": "not-a-cursor"}, "cursor"),
    ({"changed_since": EPOCH, "since": EPOCH}, "since"),
])
def test_a_bad_query_is_422_naming_the_problem(h, query, loc):
    status, body = call(h.intake, api_event("GET", "/signals", principal=PARTNERS["energie-noord"], query=query))
    assert status == 422, body
    assert body["error"] == "validation"
    assert [d["loc"] for d in body["details"]] == [["query", loc]]


def test_a_cursor_belongs_to_its_changed_since(h):
    for reference in ("EN-1", "EN-2"):
        post(h, "energie-noord", reference)
    _, page = feed(h, "energie-noord", limit="1")
    status, body = feed(h, "energie-noord", changed_since="2001-01-01T00:00:00Z", cursor=page["next_cursor"])
    assert status == 422 and body["details"][0]["loc"] == ["query", "cursor"]


def test_feed_entries_go_with_their_case(h):
    from vroegsignaal.adapters import keys, table
    post(h, "energie-noord", "EN-1")
    case_id = classify(h, "energie-noord", "EN-1")
    case = case_item(case_id)
    entries = table.query_all(key_condition="pk = :pk AND begins_with(sk, :prefix)",
                              values={":pk": keys.household(case["household"]),
                                      ":prefix": keys.FEED_ENTRY_PREFIX + case_id})
    # Found from the case (its household and the case-scoped prefix), no expiry of its own:
    # retention deletes it with the case, however often the case's expiry moves.
    assert len(entries) == 1 and "expires_at" not in entries[0] and case["expires_at"]
    assert keys.FEED_ENTRY_PREFIX in keys.CASE_SCOPED_PREFIXES
    pick_up(h, case_id)
    closed = close(h, case_id)
    assert closed["expires_at"] and "expires_at" not in table.get(entries[0]["pk"], entries[0]["sk"])


def test_a_case_that_outgrows_its_entry_reports_every_signal_through_chunks(h, monkeypatch):
    from vroegsignaal.domain import feed as feed_rules
    monkeypatch.setattr(feed_rules, "INLINE_MAX", 2)
    monkeypatch.setattr(feed_rules, "CHUNK_SIZE", 2)
    references = [f"EN-{n}" for n in range(1, 8)]
    for reference in references:
        post(h, "energie-noord", reference)
        case_id = classify(h, "energie-noord", reference)
    picked = pick_up(h, case_id)
    stored = changes(h, "energie-noord")
    assert [s["reference"] for s in stored] == references
    assert {(s["status"], s["changed_at"]) for s in stored} == {("in_progress", picked["picked_up_at"])}
    seen, cursor = [], None
    for _ in range(10):
        _, page = feed(h, "energie-noord", limit="3", **({"cursor": cursor} if cursor else {}))
        seen += [s["reference"] for s in page["signals"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == references
