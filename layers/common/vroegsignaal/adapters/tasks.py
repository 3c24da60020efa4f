"""Tasks (phone calls and home visits for consultants) in the table.

A task's id is derived from its case and step, so creating it twice (a
redelivered message) finds the first one instead of making a second.
"""
from __future__ import annotations

from typing import Any

from vroegsignaal import ids
from vroegsignaal.domain.errors import ConcurrentChange

from . import dynamo, keys, table

_INDEX_ATTRS = ("pk", "sk", "type", "gsi2pk", "gsi2sk", "gsi8pk", "gsi8sk", "gsi9pk", "gsi9sk", "gsi10pk", "gsi10sk")
TASK_FIELDS = ("task_id", "case_id", "basket_id", "type", "status", "assignee", "due", "created_at", "done_at")


def task_id_for(case_id: str, step_id: str) -> str:
    return ids.derived_id("task", case_id, step_id)


def task_item(task: dict[str, Any]) -> dict[str, Any]:
    # Every item's `type` says what the item is, so the task's own type is `task_type`.
    fields = {k: v for k, v in task.items() if k != "type"}
    pk, sk = keys.task(task["task_id"])
    # gsi2: every task of the municipality, oldest first; gsi10: by status and assignee, oldest
    # first; gsi8: by status and assignee, by due date; gsi9: by status, by due date
    # (adapters/task_lists.py).
    code, status, assignee = task["municipality_code"], task["status"], task.get("assignee")
    created_key = keys.task_created_sort_key(task["created_at"], task["task_id"])
    due_key = keys.task_due_sort_key(task.get("due"), task["task_id"])
    return {**fields, "task_type": task["type"], "pk": pk, "sk": sk, "type": "task",
            "gsi2pk": keys.municipality_tasks_index(code), "gsi2sk": created_key,
            "gsi10pk": keys.task_by_assignee_index(code, status, assignee), "gsi10sk": created_key,
            "gsi8pk": keys.task_list_index(code, status, assignee), "gsi8sk": due_key,
            "gsi9pk": keys.task_due_index(code, status), "gsi9sk": due_key}


def task_of(item: dict[str, Any]) -> dict[str, Any]:
    task = {k: v for k, v in item.items() if k not in _INDEX_ATTRS and k != "task_type"}
    task["type"] = item["task_type"]
    return task


def view(task: dict[str, Any]) -> dict[str, Any]:
    """A task as the API shows it."""
    return {name: task.get(name) for name in TASK_FIELDS}


def put_new(task: dict[str, Any]) -> dict[str, Any]:
    """A transact item creating the task once."""
    return {"Put": {"TableName": table.table_name(), "Item": table.to_attrs(task_item(task)),
                    "ConditionExpression": "attribute_not_exists(pk)"}}


def create_once(task: dict[str, Any]) -> bool:
    """Store a new task; False when it exists already (a redelivered step)."""
    try:
        with dynamo.translated(task["task_id"]):
            table.dynamodb().put_item(**put_new(task)["Put"])
        return True
    except ConcurrentChange:
        return False


def delete(task_id: str) -> None:
    """Remove a task (made for a case that is gone meanwhile); nothing when there is none."""
    pk, sk = keys.task(task_id)
    with dynamo.translated(task_id):
        table.dynamodb().delete_item(TableName=table.table_name(), Key=table.key(pk, sk))


def put_changed(task: dict[str, Any], *, expected_status: str) -> dict[str, Any]:
    """A transact item writing a changed task, if its status is still what was read."""
    return {"Put": {"TableName": table.table_name(), "Item": table.to_attrs(task_item(task)),
                    "ConditionExpression": "#s = :expected", "ExpressionAttributeNames": {"#s": "status"},
                    "ExpressionAttributeValues": {":expected": {"S": expected_status}}}}


def get(task_id: str) -> dict[str, Any] | None:
    item = table.get(*keys.task(task_id))
    return task_of(item) if item else None


def write_changed(task: dict[str, Any], *, expected_status: str) -> None:
    """Write the task alone, if its status is still what was read."""
    with dynamo.translated(task["task_id"]):
        table.dynamodb().put_item(**put_changed(task, expected_status=expected_status)["Put"])
