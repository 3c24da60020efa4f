"""The services behind the municipality routes, wired once per container."""
from __future__ import annotations

from vroegsignaal.adapters import config, queues, registry
from vroegsignaal.adapters import letters as letter_store
from vroegsignaal.adapters.audit import DynamoAuditLog
from vroegsignaal.adapters.criteria_store import CriteriaRepository
from vroegsignaal.adapters.ddas_source import DdasSource
from vroegsignaal.adapters.monthly_counters import MonthlyCounters
from vroegsignaal.adapters.preview_jobs import DynamoPreviewJobs
from vroegsignaal.adapters.search_index import SearchIndex
from vroegsignaal.adapters.task_lists import TaskListStore
from vroegsignaal.adapters.users import CognitoDirectory
from vroegsignaal.adapters.workspace_cases import WorkspaceCaseStore
from vroegsignaal.domain.monthly import BasketName
from vroegsignaal.services.audit import AuditTrail
from vroegsignaal.services.casework import Casework
from vroegsignaal.services.criteria_admin import CriteriaAdmin
from vroegsignaal.services.exports import DdasExports
from vroegsignaal.services.letter_templates import LetterTemplates
from vroegsignaal.services.reports import MonthlyReports
from vroegsignaal.services.search import CaseSearch
from vroegsignaal.services.users import Users
from vroegsignaal.services.views import Views
from vroegsignaal.services.visits import Visits

_cases = WorkspaceCaseStore()
_tasks = TaskListStore()
_criteria = CriteriaRepository()
audit = AuditTrail(store=DynamoAuditLog())
users = Users(directory=CognitoDirectory())
visits = Visits(cases=_cases, tasks=_tasks)
views = Views(cases=_cases, tasks=_tasks, criteria=_criteria, letters=letter_store, history=audit.history,
              registry=registry)
casework = Casework(cases=_cases, tasks=_tasks, criteria=_criteria, send_steps=queues.send_steps,
                    is_user=users.is_member)
criteria_admin = CriteriaAdmin(repository=_criteria, cases=_cases, jobs=DynamoPreviewJobs(),
                               queue_job=queues.queue_preview_job, counters=MonthlyCounters())
templates = LetterTemplates(store=letter_store)
search = CaseSearch(index=SearchIndex(), cases=_cases)
exports = DdasExports(DdasSource(), supplier_code=config.ddas_supplier_code,
                      window_days=lambda code: _criteria.active(code).criteria.settings.matching_window_days)
reports = MonthlyReports(MonthlyCounters(), baskets=lambda code: [
    BasketName(basket.id, basket.name) for basket in _criteria.active(code).criteria.baskets])
