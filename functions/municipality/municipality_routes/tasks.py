"""Tasks (municipality-api.md, "Tasks")."""
from __future__ import annotations

from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from vroegsignaal import api
from vroegsignaal.http.policy import task_list_query

from .route_io import json_body, log, query
from .services import casework, views

router = APIGatewayRouter()


@router.get("/tasks")
def list_tasks(code: str):
    # A bezoeker's own tasks only; `assignee=me` is the caller (policy.py).
    return api.json_response(200, views.task_list(code, task_list_query(router.context["caller"], code, query(router))))


@router.patch("/tasks/<task_id>")
def update_task(code: str, task_id: str):
    task = casework.update_task(code, task_id, json_body(router))
    log(code, "task changed", task_id=task_id, case_id=task["case_id"], status=task["status"])
    return api.json_response(200, task)
