"""The DDAS export (municipality-api.md, "DDAS export")."""
from __future__ import annotations

from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from vroegsignaal import api

from .route_io import log, query
from .services import exports

router = APIGatewayRouter()


@router.get("/exports/ddas")
def export_ddas(code: str):
    document = exports.ddas(code, query(router))
    levering = document["leveringen"][0]
    log(code, "DDAS export delivered", period_from=document["startdatumLevering"],
        period_to=document["einddatumLevering"], signals=len(levering["vroegsignalen"]),
        cases=len(levering["vroegsignaalzaken"]))
    return api.json_response(200, document)
