"""The partner's status feed, in domain terms (domain/feed.py) and as the service
reads its query (services/feed.py); no AWS."""
from __future__ import annotations

import pytest
from vroegsignaal.domain import feed
from vroegsignaal.domain.errors import ValidationFailed
from vroegsignaal.services.feed import Feed

NOW = "2026-11-25T10:00:00.000000Z"
RECEIVED_AT = "2026-11-20T09:00:00.000000Z"


def case(*, signals=1, partners=("energie-noord",), picked_up_at=None, closed_at=None, expires_at=100,
         joined=None):
    return {"case_id": "case-1", "household": "hh", "status": "closed" if closed_at else "open",
            "picked_up_at": picked_up_at, "closed_at": closed_at, "expires_at": expires_at,
            "aggregate": {"signal_count": signals, "partner_ids": list(partners)},
            "joined_signal": joined or {"signal_id": f"sig-{signals}", "reference": f"EN-{signals}",
                                        "partner_id": partners[-1], "received_at": RECEIVED_AT}}


def test_a_new_case_lists_its_signal_at_its_receipt():
    (change,) = feed.entry_changes(None, case(), NOW)
    assert (change.partner_id, change.status, change.at, change.status_changed_at) == (
        "energie-noord", "received", NOW, None)
    assert change.joined == {"reference": "EN-1", "signal_id": "sig-1", "changed_at": RECEIVED_AT}


def test_a_pick_up_changes_the_entry_of_every_partner_of_the_case_once():
    before = case(signals=2, partners=("energie-noord", "woonstede"))
    after = case(signals=2, partners=("energie-noord", "woonstede"), picked_up_at=NOW, expires_at=None)
    changes = feed.entry_changes(before, after, NOW)
    assert [(c.partner_id, c.status, c.at, c.status_changed_at, c.joined) for c in changes] == [
        ("energie-noord", "in_progress", NOW, NOW, None), ("woonstede", "in_progress", NOW, NOW, None)]


def test_a_close_is_a_change_at_the_closing_time():
    closed_at = "2026-11-26T12:00:00.000000Z"
    (change,) = feed.entry_changes(case(picked_up_at=NOW), case(picked_up_at=NOW, closed_at=closed_at), NOW)
    assert (change.status, change.at, change.status_changed_at) == ("closed", closed_at, closed_at)


def test_a_signal_joining_a_picked_up_case_changes_when_it_joins():
    (change,) = feed.entry_changes(case(picked_up_at=RECEIVED_AT), case(signals=2, picked_up_at=RECEIVED_AT), NOW)
    assert (change.status, change.at, change.status_changed_at) == ("in_progress", NOW, None)
    assert change.joined is not None and change.joined["changed_at"] == NOW


def test_a_write_that_changes_no_status_and_adds_no_signal_changes_no_entry():
    assert feed.entry_changes(case(), case(), NOW) == []


def test_a_new_expiry_alone_changes_no_entry():
    # Entries have no expiry of their own: retention deletes them with the case.
    assert feed.entry_changes(case(expires_at=1), case(expires_at=2), NOW) == []


def test_an_entry_reports_each_signal_at_its_latest_change():
    entry = {"status": "in_progress", "status_changed_at": "2026-11-22T00:00:00.000000Z", "signals": [
        {"reference": "EN-1", "signal_id": "sig-1", "changed_at": RECEIVED_AT},
        {"reference": "EN-2", "signal_id": "sig-2", "changed_at": "2026-11-23T00:00:00.000000Z"}]}
    assert [(s["reference"], s["status"], s["changed_at"]) for s in feed.entry_signals(entry)] == [
        ("EN-1", "in_progress", "2026-11-22T00:00:00.000000Z"), ("EN-2", "in_progress", "2026-11-23T00:00:00.000000Z")]


@pytest.mark.parametrize(("text", "expected"), [
    ("2026-11-20T08:00:00Z", "2026-11-20T08:00:00.000000Z"),
    ("2026-11-20T09:00:00+01:00", "2026-11-20T08:00:00.000000Z"),
    ("2026-11-20T08:00:00.123Z", "2026-11-20T08:00:00.123000Z"),
])
def test_changed_since_is_compared_in_utc(text, expected):
    assert feed.parse_since(text) == expected


@pytest.mark.parametrize("text", ["", "gisteren", "2026-11-20", "2026-11-20T08:00:00", "2026-13-01T00:00:00Z",
                                  "9999-12-31T23:59:59-01:00", "0001-01-01T00:00:00+01:00"])
def test_a_changed_since_that_is_not_a_timestamp_with_a_zone_is_refused(text):
    with pytest.raises(ValueError):
        feed.parse_since(text)


class Store:
    def __init__(self):
        self.asked = []

    def changes(self, partner_id, *, since, start, limit):
        self.asked.append((partner_id, since, start, limit))
        return [{"reference": "EN-1"}], ("2026-11-20T09:00:00.000000Z#sig-1", 1)


def test_the_service_asks_for_the_partners_own_feed_and_resumes_at_the_cursor():
    store = Store()
    service = Feed(store)
    page = service.changes({"partner_id": "energie-noord"}, {"changed_since": "2026-11-20T08:00:00Z", "limit": "1"})
    assert page["signals"] == [{"reference": "EN-1"}] and page["next_cursor"]
    service.changes({"partner_id": "energie-noord"}, {"changed_since": "2026-11-20T08:00:00Z",
                                                      "cursor": page["next_cursor"]})
    assert store.asked == [("energie-noord", "2026-11-20T08:00:00.000000Z", None, 1),
                           ("energie-noord", "2026-11-20T08:00:00.000000Z",
                            ("2026-11-20T09:00:00.000000Z#sig-1", 1), 50)]


def test_the_service_names_every_problem_of_the_query():
    with pytest.raises(ValidationFailed) as failed:
        Feed(Store()).changes({"partner_id": "p"}, {"limit": "500", "cursor": "x", "sort": "new"})
    assert sorted(d["loc"][1] for d in failed.value.details) == ["changed_since", "cursor", "limit", "sort"]


def test_a_case_lists_its_first_signals_on_the_entries_and_the_rest_in_chunks_of_bounded_size():
    assert [feed.chunk_of(n) for n in (1, feed.INLINE_MAX)] == [None, None]
    assert feed.chunk_of(feed.INLINE_MAX + 1) == 0
    assert feed.chunk_of(feed.INLINE_MAX + feed.CHUNK_SIZE) == 0
    assert feed.chunk_of(feed.INLINE_MAX + feed.CHUNK_SIZE + 1) == 1


def test_an_entry_reports_its_chunks_after_its_own_list():
    entry = {"status": "received", "signals": [{"reference": "EN-1", "signal_id": "sig-1", "changed_at": "1"}]}
    chunks = [{"signals": [{"reference": "EN-2", "signal_id": "sig-2", "changed_at": "2"}]},
              {"signals": [{"reference": "EN-3", "signal_id": "sig-3", "changed_at": "3"}]}]
    assert [s["reference"] for s in feed.entry_signals(entry, chunks)] == ["EN-1", "EN-2", "EN-3"]


def test_a_cursor_with_a_key_no_table_could_hold_is_not_ours():
    import base64
    import json
    cursor = base64.urlsafe_b64encode(json.dumps(
        {"since": "2026-11-20T08:00:00.000000Z", "key": "x" * 2000, "read": 0}).encode()).decode()
    with pytest.raises(ValidationFailed) as failed:
        Feed(Store()).changes({"partner_id": "p"}, {"changed_since": "2026-11-20T08:00:00Z", "cursor": cursor})
    assert [d["loc"] for d in failed.value.details] == [["query", "cursor"]]


def test_a_case_closed_without_a_closing_time_changes_now():
    after = {**case(), "status": "closed"}
    (change,) = feed.entry_changes(case(), after, NOW)
    assert (change.status, change.at) == ("closed", NOW)
