"""The people of the municipality (identity.md, "Roles")."""
from __future__ import annotations

from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from vroegsignaal import api

from .services import users

router = APIGatewayRouter()


@router.get("/users")
def list_users(code: str):
    return api.json_response(200, users.list(code))
