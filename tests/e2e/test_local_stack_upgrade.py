"""`make serve` on a state folder kept from an older template: the table gets the
indexes added since, and the items stored before get their keys (the backfill), so
a developer who pulls a change with a new index keeps their data and their lists."""
from __future__ import annotations

from pathlib import Path

import pytest

from infra.local import LocalStack

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
GSI10_DEFINITIONS = "        - {AttributeName: gsi10pk, AttributeType: S}\n" \
                    "        - {AttributeName: gsi10sk, AttributeType: S}\n"
TASK = {"task_id": "task-kept-1", "case_id": "case-kept-1", "household": "hh-kept", "municipality_code": "GM0632",
        "basket_id": "jongeren", "step_id": "step-1", "type": "phone_call", "status": "open", "assignee": None,
        "due": "2026-12-10", "created_at": "2026-12-01T09:00:00.000000Z", "done_at": None}


def _template_without_gsi10(folder: Path) -> Path:
    text = (ROOT / "template.yaml").read_text(encoding="utf-8")
    start = text.index("        # ---- task lists: tasks by municipality, status and assignee, oldest first")
    end = text.index("        # ---- the audit trail (roles)", start)
    assert "IndexName: gsi10" in text[start:end] and text.count(GSI10_DEFINITIONS) == 1, \
        "the gsi10 block of template.yaml changed: adapt this test"
    text = text[:start] + text[end:]
    text = text.replace(GSI10_DEFINITIONS, "")
    for folder_key in ("CodeUri: functions/", "ContentUri: layers/"):  # the code stays where it is
        text = text.replace(folder_key, folder_key.replace(": ", f": {ROOT}/"))
    older = folder / "template.yaml"
    older.write_text(text, encoding="utf-8")
    return older


def _stored_task() -> dict:
    from vroegsignaal.adapters import keys, table

    return table.get(*keys.task(TASK["task_id"]))


def test_a_kept_table_gets_gsi10_and_a_task_stored_before_it_gets_its_keys(tmp_path):
    state = tmp_path / "state"
    with LocalStack(port=0, template=_template_without_gsi10(tmp_path), state_dir=state, fresh=True) as stack:
        from vroegsignaal.adapters import table, tasks

        item = {k: v for k, v in tasks.task_item(TASK).items() if not k.startswith("gsi10")}  # as stored before
        table.dynamodb().put_item(TableName=table.table_name(), Item=table.to_attrs(item))
        assert "gsi10pk" not in _stored_task()
        indexes = stack.client("dynamodb").describe_table(TableName=table.table_name())["Table"]
        assert "gsi10" not in {index["IndexName"] for index in indexes["GlobalSecondaryIndexes"]}
    with LocalStack(port=0, template=ROOT / "template.yaml", state_dir=state) as stack:
        assert stack.resources.added_indexes == {"Table": ["gsi10"]}
        assert _stored_task()["gsi10pk"] == tasks.task_item(TASK)["gsi10pk"]
