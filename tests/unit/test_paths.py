"""Treatment paths: first step, follow-ups, moves, skips (criteria.md "Baskets")."""
from datetime import UTC, datetime, timedelta

from vroegsignaal.domain import paths
from vroegsignaal.domain.cases import register_contact_attempt

T0 = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
LETTER_THEN_CALL = [{"action": "letter"}, {"action": "phone_call", "after_days": 14}]


def new_case():
    return {"case_id": "case-1", "status": "open", "steps": []}


def test_first_step_is_queued_and_the_next_waits_for_it():
    case = new_case()
    queued = paths.enter_basket(case, "enkelvoudig", LETTER_THEN_CALL, T0)
    assert [s.action for s in queued] == ["letter"]
    letter, call = case["steps"]
    assert (letter.status, call.status, call.due) == ("queued", "pending", None)
    assert paths.next_step(case) == {"action": "letter", "due": "2026-11-27"}


def test_next_step_falls_due_after_days_after_the_previous_was_carried_out():
    case = new_case()
    (letter,) = paths.enter_basket(case, "enkelvoudig", LETTER_THEN_CALL, T0)
    assert paths.complete_step(case, letter.step_id, T0 + timedelta(days=1))
    assert case["steps"][1].due == "2026-12-12"
    assert paths.queue_due_steps(case, T0 + timedelta(days=14)) == []
    (call,) = paths.queue_due_steps(case, T0 + timedelta(days=15))
    assert call.action == "phone_call" and call.status == "queued"


def test_completing_twice_or_a_cancelled_step_does_nothing():
    case = new_case()
    (letter,) = paths.enter_basket(case, "enkelvoudig", LETTER_THEN_CALL, T0)
    assert paths.complete_step(case, letter.step_id, T0)
    assert not paths.complete_step(case, letter.step_id, T0)
    other = new_case()
    (step,) = paths.enter_basket(other, "a", [{"action": "letter"}], T0)
    paths.cancel_open_steps(other)
    assert not paths.complete_step(other, step.step_id, T0)


def test_reached_contact_after_previous_step_skips_the_rest():
    case = new_case()
    (letter,) = paths.enter_basket(case, "enkelvoudig", LETTER_THEN_CALL + [{"action": "home_visit", "after_days": 7}], T0)
    paths.complete_step(case, letter.step_id, T0)
    register_contact_attempt(case, {"type": "Telefoon", "reached": True}, "attempt-1", T0 + timedelta(days=2))
    assert paths.queue_due_steps(case, T0 + timedelta(days=30)) == []
    assert [s.status for s in case["steps"]] == ["done", "skipped", "skipped"]


def test_unreached_contact_does_not_stop_the_path():
    case = new_case()
    (letter,) = paths.enter_basket(case, "enkelvoudig", LETTER_THEN_CALL, T0)
    paths.complete_step(case, letter.step_id, T0)
    register_contact_attempt(case, {"type": "Telefoon", "reached": False}, "attempt-1", T0 + timedelta(days=2))
    assert len(paths.queue_due_steps(case, T0 + timedelta(days=14))) == 1


def test_closed_case_skips_due_steps():
    case = new_case()
    (letter,) = paths.enter_basket(case, "enkelvoudig", LETTER_THEN_CALL, T0)
    paths.complete_step(case, letter.step_id, T0)
    case["status"] = "closed"
    assert paths.queue_due_steps(case, T0 + timedelta(days=20)) == []
    assert paths.next_due(case) is None


def test_move_cancels_old_steps_and_skips_an_action_already_carried_out():
    case = new_case()
    (letter,) = paths.enter_basket(case, "enkelvoudig", LETTER_THEN_CALL, T0)
    paths.complete_step(case, letter.step_id, T0)
    queued = paths.enter_basket(case, "brief-opnieuw", [{"action": "letter"}, {"action": "home_visit", "after_days": 3}], T0)
    assert queued == []  # the letter was sent already: never the same letter twice
    statuses = [(s.basket_id, s.action, s.status) for s in case["steps"]]
    assert statuses == [("enkelvoudig", "letter", "done"), ("enkelvoudig", "phone_call", "cancelled"),
                        ("brief-opnieuw", "letter", "skipped"), ("brief-opnieuw", "home_visit", "pending")]
    assert case["steps"][3].due == "2026-11-30"


def test_action_none_files_the_case_without_queueing():
    case = new_case()
    assert paths.enter_basket(case, "onder-drempel", [{"action": "none"}], T0) == []
    assert case["steps"][0].status == "done"
    assert paths.next_step(case) is None


def test_reentering_a_basket_makes_new_step_ids():
    case = new_case()
    (first,) = paths.enter_basket(case, "crisis", [{"action": "home_visit"}], T0)
    paths.enter_basket(case, "enkelvoudig", LETTER_THEN_CALL, T0)
    paths.enter_basket(case, "crisis", [{"action": "home_visit"}], T0)
    ids = [s.step_id for s in case["steps"]]
    assert len(ids) == len(set(ids))
    assert case["steps"][0].status == "cancelled"


def test_a_queued_step_stays_in_the_due_index_and_is_stale_after_a_while():
    case = new_case()
    (letter,) = paths.enter_basket(case, "enkelvoudig", LETTER_THEN_CALL, T0)
    assert paths.next_due(case) == "2026-11-27"
    assert paths.stale_queued_steps(case, T0 + timedelta(minutes=5)) == []
    assert paths.stale_queued_steps(case, T0 + timedelta(minutes=20)) == [letter]
    paths.complete_step(case, letter.step_id, T0)
    assert paths.next_due(case) == "2026-12-11"


def test_an_email_carried_out_as_a_letter_counts_as_a_letter():
    case = new_case()
    (step,) = paths.enter_basket(case, "mail", [{"action": "email"}], T0)
    paths.complete_step(case, step.step_id, T0, carried_out_as="letter")  # no address: a letter went out
    assert paths.enter_basket(case, "enkelvoudig", LETTER_THEN_CALL, T0) == []  # never the same letter twice


def test_due_dates_are_amsterdam_dates():
    late_evening_utc = datetime(2026, 11, 27, 23, 30, tzinfo=UTC)  # 00:30 on the 28th in Amsterdam
    case = new_case()
    (letter,) = paths.enter_basket(case, "enkelvoudig", LETTER_THEN_CALL, late_evening_utc)
    assert letter.due == "2026-11-28"
    paths.complete_step(case, letter.step_id, late_evening_utc)
    assert case["steps"][1].due == "2026-12-12"
