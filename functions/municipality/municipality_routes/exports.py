"""What a municipality delivers: the DDAS export and the monthly report
(municipality-api.md, "DDAS export", "Reports")."""
from __future__ import annotations

from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from vroegsignaal import api

from .route_io import log, query
from .services import exports, reports

router = APIGatewayRouter()


# gzip when the caller accepts it: a large municipality's quarter is tens of MB of JSON,
# past Lambda's 6 MB answer; compressed it is a tenth of that (docs/decisions.md).
@router.get("/exports/ddas", compress=True)
def export_ddas(code: str):
    document = exports.ddas(code, query(router))
    levering = document["leveringen"][0]
    log(code, "DDAS export delivered", period_from=document["startdatumLevering"],
        period_to=document["einddatumLevering"], signals=len(levering["vroegsignalen"]),
        cases=len(levering["vroegsignaalzaken"]))
    return api.json_response(200, document)


@router.get("/reports/monthly")
def monthly_report(code: str):
    """JSON, or the same figures as CSV when the caller accepts text/csv."""
    accept = (router.current_event.headers.get("Accept") or router.current_event.headers.get("accept") or "")
    if api.CSV in accept.lower():
        return api.csv_response(reports.monthly_csv(code, query(router)), filename=f"{code}-monthly.csv")
    return api.json_response(200, reports.monthly(code, query(router)))
