"""Partner intake API (signals-api.md): POST /signals, POST /signals/batch,
GET /signals/{reference}. Thin: HTTP in, services.intake, HTTP out."""
from __future__ import annotations

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit

from vroegsignaal import api, observability
from vroegsignaal.adapters import registry, secrets
from vroegsignaal.adapters.signals import DynamoSignalStore
from vroegsignaal.domain.signal import is_reference
from vroegsignaal.services.intake import Intake

ONE_SIGNAL_MAX_BYTES = 1024 * 1024
BATCH_MAX_BYTES = 6 * 1024 * 1024

logger = Logger()
metrics = Metrics()
tracer = observability.tracer()
app = APIGatewayRestResolver()
api.install(app)

store = DynamoSignalStore(secrets.household_secret)
intake = Intake(store, is_known_municipality=registry.is_known_municipality)


def _count(partner: dict, **counts: int) -> None:
    metrics.add_dimension("partner_type", partner["partner_type"])
    for name, value in counts.items():
        metrics.add_metric(name=name, unit=MetricUnit.Count, value=value)


@app.post("/signals")
@tracer.capture_method
def post_signal():
    partner = api.require_partner(app.current_event)
    raw = api.read_json(app.current_event, max_bytes=ONE_SIGNAL_MAX_BYTES)
    outcome = intake.receive(raw, partner)
    logger.info("signal handled", extra={"status": outcome.status, "partner_id": partner["partner_id"],
                                         "signal_id": outcome.body.get("signal_id")})
    _count(partner, **{{201: "SignalsReceived", 200: "SignalsDuplicate"}.get(outcome.status, "SignalsRejected"): 1})
    return api.json_response(outcome.status, outcome.body)


@app.post("/signals/batch")
@tracer.capture_method
def post_batch():
    partner = api.require_partner(app.current_event)
    raw = api.read_json(app.current_event, max_bytes=BATCH_MAX_BYTES)
    outcome = intake.receive_batch(raw, partner)
    if outcome.status == 200:
        body = outcome.body
        logger.info("batch handled", extra={"partner_id": partner["partner_id"], "received": body["received"],
                                            "duplicates": body["duplicates"], "rejected": body["rejected"]})
        _count(partner, SignalsReceived=body["received"], SignalsDuplicate=body["duplicates"],
               SignalsRejected=body["rejected"])
    return api.json_response(outcome.status, outcome.body)


@app.get("/signals/<reference>")
@tracer.capture_method
def get_signal(reference: str):
    partner = api.require_partner(app.current_event)
    # Not a well-formed reference: no signal can have it (and DynamoDB refuses over-long keys).
    item = store.get_signal(partner["partner_id"], reference) if is_reference(reference) else None
    if not item:
        raise api.ApiError(404, "not_found", "no signal with that reference from this partner")
    return api.json_response(200, {"reference": item["reference"], "signal_id": item["signal_id"],
                                   "received_at": item["received_at"], "status": store.signal_status(item)})


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@metrics.log_metrics
@tracer.capture_lambda_handler
def lambda_handler(event, context):
    return app.resolve(event, context)
