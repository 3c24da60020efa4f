"""Partner intake API (signals-api.md): POST /signals, POST /signals/batch,
GET /signals/{reference}, GET /signals?changed_since= (the status feed). Thin: HTTP in, services.intake, HTTP out.

Every route is a partner's: the key is checked once per request (api.install)."""
from __future__ import annotations

from dataclasses import asdict

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from vroegsignaal import api, observability
from vroegsignaal.adapters import registry, secrets
from vroegsignaal.adapters.feed import DynamoFeed
from vroegsignaal.adapters.signals import DynamoSignalStore
from vroegsignaal.http.intake import batch_answer, signal_answer
from vroegsignaal.services.feed import Feed
from vroegsignaal.services.intake import Intake, ResultKind

ONE_SIGNAL_MAX_BYTES = 1024 * 1024
BATCH_MAX_BYTES = 6 * 1024 * 1024
_METRIC = {ResultKind.RECEIVED: "SignalsReceived", ResultKind.DUPLICATE: "SignalsDuplicate"}

logger = Logger()
metrics = Metrics()
tracer = observability.tracer()
app = APIGatewayRestResolver()
api.install(app, callers_of="partner")

store = DynamoSignalStore(secrets.household_secret)
intake = Intake(store, is_known_municipality=registry.is_known_municipality)
feed = Feed(DynamoFeed())


def _partner() -> dict:
    return app.context["caller"]


def _count(partner: dict, **counts: int) -> None:
    metrics.add_dimension("partner_type", partner["partner_type"])
    for name, value in counts.items():
        metrics.add_metric(name=name, unit=MetricUnit.Count, value=value)


@app.post("/signals")
@tracer.capture_method
def post_signal():
    partner = _partner()
    raw = api.read_json(app.current_event, max_bytes=ONE_SIGNAL_MAX_BYTES)
    result = intake.receive(raw, partner)
    status, body = signal_answer(result)
    logger.info("signal handled", extra={"status": status, "partner_id": partner["partner_id"],
                                         "signal_id": result.signal_id})
    _count(partner, **{_METRIC.get(result.kind, "SignalsRejected"): 1})
    return api.json_response(status, body)


@app.post("/signals/batch")
@tracer.capture_method
def post_batch():
    partner = _partner()
    raw = api.read_json(app.current_event, max_bytes=BATCH_MAX_BYTES)
    batch = intake.receive_batch(raw, partner)  # ValidationFailed (the envelope): 422, nothing stored
    logger.info("batch handled", extra={"partner_id": partner["partner_id"], "received": batch.received,
                                        "duplicates": batch.duplicates, "rejected": batch.rejected})
    _count(partner, SignalsReceived=batch.received, SignalsDuplicate=batch.duplicates,
           SignalsRejected=batch.rejected)
    return api.json_response(200, batch_answer(batch))


@app.get("/signals")
@tracer.capture_method
def get_changes():
    return api.json_response(200, feed.changes(_partner(), app.current_event.query_string_parameters))


@app.get("/signals/<reference>")
@tracer.capture_method
def get_signal(reference: str):
    return api.json_response(200, asdict(intake.status_of(reference, _partner())))


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@metrics.log_metrics
@tracer.capture_lambda_handler
def lambda_handler(event, context):
    return app.resolve(event, context)
