"""The DDAS export (municipality-api.md, "DDAS export")."""
from __future__ import annotations

from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from vroegsignaal import api

router = APIGatewayRouter()


@router.get("/exports/ddas")
def export_ddas(code: str):
    raise api.ApiError(501, "not_implemented", "the DDAS export is not available yet")
