"""Municipality API (municipality-api.md): criteria, baskets and cases, tasks,
letters, exports, each a Router of municipality_routes/. Thin: HTTP in, a
service call, HTTP out.

Who may use each route is checked once per request, before any route runs, by
the route table of vroegsignaal/http/policy.py (a membership of `{code}` and a
role the route allows, else 403; a bezoeker reaches only their own tasks and
those tasks' cases), which also records the audit trail after each 2xx; ids
of another municipality are 404 (the services look them up within `{code}`).
Logs and metrics carry ids and counts, never debtor data.
"""
from __future__ import annotations

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from aws_lambda_powertools.logging import correlation_paths
from municipality_routes import audit, cases, criteria, exports, letters, route_io, services, tasks, users
from vroegsignaal import api, observability
from vroegsignaal.http import policy

PREFIX = "/municipalities/<code>"

logger = Logger()
metrics = route_io.metrics
tracer = observability.tracer()
app = APIGatewayRestResolver()
api.install(app, guard=policy.guard(visits=services.visits, trail=services.audit))
for part in (criteria, cases, tasks, letters, exports, users, audit):
    app.include_router(part.router, prefix=PREFIX)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@metrics.log_metrics
@tracer.capture_lambda_handler
def lambda_handler(event, context):
    return app.resolve(event, context)
