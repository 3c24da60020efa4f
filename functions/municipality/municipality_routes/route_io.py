"""What every municipality route reads from its request, and how it logs and counts."""
from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from aws_lambda_powertools.metrics import MetricUnit
from vroegsignaal import api

BODY_MAX_BYTES = 64 * 1024  # move, contact attempt, close, task change: small JSON

logger = Logger(child=True)
metrics = Metrics()


def query(router: APIGatewayRouter) -> dict[str, str] | None:
    return router.current_event.query_string_parameters


def json_body(router: APIGatewayRouter, max_bytes: int = BODY_MAX_BYTES) -> Any:
    return api.read_json(router.current_event, max_bytes=max_bytes)


def log(code: str, message: str, **ids: Any) -> None:
    """Ids and counts only: never debtor data, nor free text a consultant typed."""
    logger.info(message, extra={"municipality_code": code, **ids})


def count(name: str, value: int = 1) -> None:
    metrics.add_metric(name=name, unit=MetricUnit.Count, value=value)
