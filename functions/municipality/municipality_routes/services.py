"""The services behind the municipality routes, wired once per container."""
from __future__ import annotations

from vroegsignaal.adapters import letters as letter_store
from vroegsignaal.adapters import queues
from vroegsignaal.adapters.criteria_store import CriteriaRepository
from vroegsignaal.adapters.search_index import SearchIndex
from vroegsignaal.adapters.task_lists import TaskListStore
from vroegsignaal.adapters.workspace_cases import WorkspaceCaseStore
from vroegsignaal.services.casework import Casework
from vroegsignaal.services.criteria_admin import CriteriaAdmin
from vroegsignaal.services.letter_templates import LetterTemplates
from vroegsignaal.services.search import CaseSearch
from vroegsignaal.services.views import Views

_cases = WorkspaceCaseStore()
_tasks = TaskListStore()
_criteria = CriteriaRepository()
views = Views(cases=_cases, tasks=_tasks, criteria=_criteria, letters=letter_store)
casework = Casework(cases=_cases, tasks=_tasks, criteria=_criteria, send_steps=queues.send_steps)
criteria_admin = CriteriaAdmin(repository=_criteria, cases=_cases)
templates = LetterTemplates(store=letter_store)
search = CaseSearch(index=SearchIndex(), cases=_cases)
