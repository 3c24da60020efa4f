"""The typed case (domain/case.py) and its one conversion to and from the table
item (adapters/cases.py): stored data keeps its shape, and reads back as it was."""
from datetime import UTC, datetime

from vroegsignaal.adapters.case_codec import step_from_stored, stored_step
from vroegsignaal.adapters.cases import case_from_item, case_item
from vroegsignaal.domain import paths
from vroegsignaal.domain.case import ContactAttempt, LetterRecord, Move, Step
from vroegsignaal.domain.cases import new_case, register_contact_attempt

T0 = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
STEP_ATTRIBUTES = {"step_id", "basket_id", "generation", "index", "action", "after_days", "status", "due", "done_at"}


def signal_item():
    debtor = {"last_name": "Dijk", "initials": "A.B.", "address": {"postcode": "3441AB", "house_number": 12}}
    return {"signal_id": "sig-1", "received_at": "2026-11-27T09:00:00.000000Z", "reference": "EN-1",
            "partner_id": "energie-noord", "partner_type": "energy",
            "signal": {"municipality_code": "GM0632", "signal_date": "2026-11-20", "arrears_since": "2026-10-01",
                       "amount_cents": 19125, "debtor": debtor}}


def a_case_in_a_path():
    case = new_case(case_id="case-1", household="HH-1", signal_item=signal_item())
    case["basket_id"] = "enkelvoudig"
    paths.enter_basket(case, "enkelvoudig", [{"action": "letter"}, {"action": "phone_call", "after_days": 14}], T0)
    return case


def test_a_new_step_is_stored_with_the_attributes_it_always_had():
    step = Step(step_id="s", basket_id="b", generation=1, index=0, action="letter", after_days=0)
    assert set(step.item()) == STEP_ATTRIBUTES


def test_optional_step_attributes_are_stored_once_set():
    case = a_case_in_a_path()
    letter, call = case["steps"]
    paths.fail_step(case, letter.step_id, "too long", T0)
    assert set(letter.item()) == STEP_ATTRIBUTES | {"queued_at", "reason"}
    assert set(call.item()) == STEP_ATTRIBUTES


def test_the_table_item_holds_steps_as_lists_and_reads_back_as_steps():
    case = a_case_in_a_path()
    item = case_item(case)
    assert all(isinstance(step, list) for step in item["steps"])  # no attribute names: a smaller item
    assert item["version"] == case["version"] and "_read_item" not in item
    back = case_from_item(item)
    assert back["steps"] == case["steps"] and all(isinstance(step, Step) for step in back["steps"])
    assert {k: v for k, v in back.items() if k not in ("_read_item", "summary")} == case


def test_steps_and_letters_stored_as_dicts_before_read_back_the_same():
    case = a_case_in_a_path()
    paths.fail_step(case, case["steps"][0].step_id, "too long", T0)
    case["letters"] = [LetterRecord(letter_id="letter-1", created_at="2026-11-27T09:00:00.000000Z", step="s",
                                    action="email", channel="letter").item()]
    older = {**case_item(case), "steps": [step.item() for step in case["steps"]], "letters": case["letters"]}
    assert case_from_item(older)["steps"] == case["steps"] == case_from_item(case_item(case))["steps"]
    assert case_from_item(older)["letters"] == case["letters"] == case_from_item(case_item(case))["letters"]


def test_what_a_join_tells_the_followers_is_not_kept_on_the_item():
    case = a_case_in_a_path()
    case["joined_signal"] = {"signal_id": "sig-1", "reference": "EN-1", "partner_id": "energie-noord",
                             "received_at": "2026-11-27T09:00:00.000000Z"}
    case["last_signal"] = {"signal_date": "2026-11-20", "partner_type": "energy"}
    assert "joined_signal" not in case_item(case) and "last_signal" not in case_item(case)


def test_the_item_can_be_written_at_the_next_version_without_changing_the_case():
    case = a_case_in_a_path()
    assert case_item(case, version=case["version"] + 1)["version"] == 1 and case["version"] == 0


def test_a_contact_attempt_is_logged_with_the_body_the_api_returns():
    case = a_case_in_a_path()
    entry = register_contact_attempt(case, {"type": "Telefoon", "reached": True, "date": "2026-11-27",
                                            "part_of_day": None, "note": None}, "attempt-1", T0)
    assert list(entry.body) == ["attempt_id", "type", "reached", "date", "part_of_day", "note", "registered_at"]
    assert ContactAttempt.from_body(entry.body).body() == entry.body
    assert case["last_reached_at"] == entry.body["registered_at"]


def test_a_move_keeps_the_stored_from_and_to_names():
    move = Move(at="2026-11-27T09:00:00.000000Z", from_basket="a", to_basket="b", reason="r")
    assert move.body() == {"at": move.at, "from": "a", "to": "b", "reason": "r"}
    assert Move.from_body(move.body()) == move


def test_a_letter_stored_before_channels_were_recorded_went_out_as_a_letter():
    assert LetterRecord.from_item({"letter_id": "l1", "created_at": None, "step": "s"}).channel == "letter"
    record = LetterRecord(letter_id="l2", created_at=None, step="s", action="email", channel="email")
    assert LetterRecord.from_item(record.item()) == record


def test_a_classification_is_stored_without_its_lines_and_reads_back_whole():
    from vroegsignaal.adapters.cases import _log_items, _read_body
    from vroegsignaal.domain.cases import CLASSIFICATION, LogEntry
    from vroegsignaal.domain.criteria import Facts, example_document, parse_criteria

    from tests.unit.test_criteria_conditions import PRESENT
    explanation = parse_criteria(example_document()).classify(Facts(**PRESENT)).explanation
    body = {"at": "2026-11-27T09:00:00.000000Z", "basket_id": explanation["basket_id"], "explanation": explanation}
    (item,) = _log_items(a_case_in_a_path(), [LogEntry(CLASSIFICATION, "2026-11-27#000001", body)])
    assert "lines" not in item["body"]["explanation"] and explanation["lines"]
    assert _read_body(CLASSIFICATION, item["body"]) == body


def test_a_path_steps_id_is_not_stored_but_derived_again_and_another_id_is_kept():
    case = a_case_in_a_path()
    derived = case["steps"][0]
    other = Step(step_id="s9", basket_id="b", generation=9, index=0, action="phone_call", after_days=0)
    assert stored_step(derived, "case-1")[0] == "" and stored_step(other, "case-1")[0] == "s9"
    assert step_from_stored(stored_step(derived, "case-1"), "case-1") == derived
    assert step_from_stored(stored_step(other, "case-1"), "case-1") == other
    assert step_from_stored(stored_step(derived, "case-1"), "case-2").step_id != derived.step_id  # the case's own


def test_a_steps_utc_moments_are_stored_as_numbers_and_read_back_as_the_same_text():
    case = a_case_in_a_path()
    letter, call = case["steps"]
    paths.complete_step(case, letter.step_id, T0)
    letter.queued_at = "2026-11-27T09:00:00Z"  # another spelling stays text
    stored = stored_step(letter, "case-1")
    assert isinstance(stored[8], int) and stored[9] == "2026-11-27T09:00:00Z"
    assert step_from_stored(stored, "case-1") == letter and letter.done_at == T0.isoformat()


def test_the_aggregate_is_stored_as_its_values_and_followers_read_it_as_before():
    from vroegsignaal.adapters.cases import followed
    case = a_case_in_a_path()
    item = case_item(case)
    assert isinstance(item["aggregate"], list)
    assert case_from_item(item)["aggregate"] == case["aggregate"] == followed(item)["aggregate"]
    older = {**item, "aggregate": case["aggregate"]}  # written before: a dict
    assert case_from_item(older)["aggregate"] == case["aggregate"] == followed(older)["aggregate"]
