"""The offline sorting behind `python -m infra.criteria sort`."""
import json
from datetime import date
from pathlib import Path

from vroegsignaal.services.dry_run import sort_signals

from infra.criteria import load_criteria, load_signals, main

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_example_signals_sort_into_the_expected_baskets():
    active = load_criteria(str(EXAMPLES / "criteria-woerden.json"), "GM0632")
    results = sort_signals(load_signals(str(EXAMPLES / "signals-woerden.json")), active, today=date(2026, 11, 27))
    assert [(r.reference, r.case, r.basket_id) for r in results] == [
        ("EN-1", "case 1", "enkelvoudig"), ("WS-1", "case 1", "meervoudig"), ("EN-2", "case 2", "jongeren"),
        ("VI-1", "case 3", "hoog-bedrag"), ("VI-2", "case 4", "onder-drempel"), ("EN-3", "case 5", "crisis"),
        ("EN-4", None, None)]
    assert results[-1].problems[0]["loc"] == ["debtor", "address", "postcode"]


def test_validate_command_names_every_problem(tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"schema_version": 1, "baskets": [
        {"id": "a", "name": "A", "action": "letter", "when": {"fact": "leeftijd", "gt": 1}},
        {"id": "a", "name": "B", "action": "pigeon"}]}))
    assert main(["validate", str(bad)]) == 1
    out = capsys.readouterr().out
    assert "/baskets/0/when/fact: unknown fact 'leeftijd'" in out
    assert "/baskets/1/id" in out and "/baskets/1/action" in out


def test_validate_command_accepts_the_example(capsys):
    assert main(["validate", str(EXAMPLES / "criteria-woerden.json"), "--municipality", "GM0632"]) == 0
    assert "valid" in capsys.readouterr().out


LATEST_DECIDES = {"schema_version": 1, "baskets": [
    {"id": "water-laatst", "name": "Water als laatste", "action": "none",
     "when": {"fact": "partner_type", "equals": "water"}},
    {"id": "overig", "name": "Overig", "action": "none"}]}


def _same_day(first_type: str, second_type: str) -> list[dict]:
    from tests.factories import signal_body
    return [{"partner_id": f"p-{kind}", "partner_type": kind,
             "signal": signal_body(reference=f"R-{n}", signal_date="2026-11-20", supply_ending=False)}
            for n, kind in enumerate((first_type, second_type))]


def test_signals_of_the_same_date_arrive_in_file_order_so_the_last_is_the_latest():
    """The latest signal among equal signal dates is the last in the file, every run
    (as the stream sees signals in the order they arrive)."""
    from vroegsignaal.domain.active_criteria import ActiveCriteria
    from vroegsignaal.domain.criteria import parse_criteria
    active = ActiveCriteria("file", None, None, parse_criteria(LATEST_DECIDES))
    for _ in range(20):  # arrival ties were broken by random ids: 20 equal runs cannot be luck
        water_last = sort_signals(_same_day("energy", "water"), active, today=date(2026, 11, 27))
        energy_last = sort_signals(_same_day("water", "energy"), active, today=date(2026, 11, 27))
        assert [r.basket_id for r in water_last] == ["overig", "water-laatst"]
        assert [r.basket_id for r in energy_last] == ["water-laatst", "overig"]
