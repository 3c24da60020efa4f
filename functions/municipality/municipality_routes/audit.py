"""The audit trail (identity.md, "The audit trail")."""
from __future__ import annotations

from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from vroegsignaal import api

from .route_io import query
from .services import audit

router = APIGatewayRouter()


@router.get("/audit")
def list_audit_entries(code: str):
    return api.json_response(200, audit.entries(code, query(router)))
