"""The offline sorting behind `python -m infra.criteria sort`."""
import json
from datetime import date
from pathlib import Path

from infra.criteria import load_criteria, load_signals, main
from vroegsignaal.services.dry_run import sort_signals

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
