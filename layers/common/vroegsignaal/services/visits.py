"""What a `bezoeker` (a visiting organisation, identity.md) reaches: the tasks
assigned to them and, for those tasks' cases, a reduced case view (the case
summary with the latest phone and e-mail, and their own tasks on it). Any other
case or task is as good as absent (NotFound: 404).

Ports: cases (find(code, case_id)), tasks (get(task_id)). A case holds the ids
of its tasks; a task its `assignee`.
"""
from __future__ import annotations

from typing import Any

from vroegsignaal.domain.case import Case
from vroegsignaal.domain.errors import NotFound

from .views import case_summary, case_tasks, task_view


class Visits:
    def __init__(self, *, cases: Any, tasks: Any) -> None:
        self.cases = cases
        self.tasks = tasks

    def _own_tasks(self, case: Case, user_id: str) -> list[dict[str, Any]]:
        return [task for task in case_tasks(case, self.tasks) if task.get("assignee") == user_id]

    def _case(self, code: str, case_id: str, user_id: str) -> tuple[Case, list[dict[str, Any]]] | None:
        case: Case | None = self.cases.find(code, case_id)
        if case is None:
            return None
        own = self._own_tasks(case, user_id)
        return (case, own) if own else None

    def case_reachable(self, code: str, case_id: str, user_id: str) -> bool:
        """Does the case hold a task assigned to this user?"""
        return self._case(code, case_id, user_id) is not None

    def task_reachable(self, code: str, task_id: str, user_id: str) -> bool:
        """Is the task (of this municipality) assigned to this user?"""
        task = self.tasks.get(task_id)
        return task is not None and task.get("municipality_code") == code and task.get("assignee") == user_id

    def case(self, code: str, case_id: str, user_id: str) -> dict[str, Any]:
        """The reduced case view: the summary, the latest phone and e-mail, their tasks."""
        found = self._case(code, case_id, user_id)
        if found is None:
            raise NotFound("no case with that id in this municipality")
        case, own = found
        return {**case_summary(case), "phone": case.get("latest_phone"), "email": case.get("latest_email"),
                "tasks": [task_view(task) for task in own]}
