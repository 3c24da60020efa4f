"""Municipality API (municipality-api.md): criteria, baskets and cases, tasks,
letters, exports, each a Router of municipality_routes/. Thin: HTTP in, a
service call, HTTP out.

The key is checked once per request, before any route runs (api.install): a
municipality key for this `{code}` only (a partner key or another
municipality's key is 403); ids of another municipality are 404 (the services
look them up within `{code}`). Logs and metrics carry ids and counts, never
debtor data.
"""
from __future__ import annotations

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from aws_lambda_powertools.logging import correlation_paths
from municipality_routes import cases, criteria, exports, letters, route_io, tasks
from vroegsignaal import api, observability

PREFIX = "/municipalities/<code>"

logger = Logger()
metrics = route_io.metrics
tracer = observability.tracer()
app = APIGatewayRestResolver()
api.install(app, callers_of="municipality")
for part in (criteria, cases, tasks, letters, exports):
    app.include_router(part.router, prefix=PREFIX)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@metrics.log_metrics
@tracer.capture_lambda_handler
def lambda_handler(event, context):
    return app.resolve(event, context)
