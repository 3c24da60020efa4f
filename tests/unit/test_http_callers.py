"""The key is checked once per request, before any route runs: by a middleware
of each API, on the principal the authorizer put in the request context."""
import json

import pytest
from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from vroegsignaal import api

from tests.unit.test_http_paths import rest_event

PARTNER = {"kind": "partner", "partner_id": "energie-noord", "partner_type": "energy"}
WOERDEN = {"kind": "municipality", "municipality_code": "GM0632"}


def resolver(callers_of: str):
    app = APIGatewayRestResolver()
    api.install(app, callers_of=callers_of)
    ran = []
    router = APIGatewayRouter()

    @router.get("/baskets")
    def baskets(code: str):
        ran.append(code)
        return api.json_response(200, {"caller": router.context["caller"]})

    app.include_router(router, prefix="/municipalities/<code>")

    @app.get("/signals/<reference>")
    def signal(reference: str):
        ran.append(reference)
        return api.json_response(200, {"caller": app.context["caller"]})

    return app, ran


def call(app, path: str, resource: str, parameters: dict, principal: dict | None) -> tuple[int, dict]:
    event = rest_event(resource, path, parameters)
    event["requestContext"]["authorizer"] = principal
    response = app.resolve(event, None)
    return response["statusCode"], json.loads(response["body"])


@pytest.mark.parametrize("principal, status", [(None, 401), ({"kind": "stranger"}, 401), (PARTNER, 403),
                                               ({"kind": "municipality", "municipality_code": "GM0344"}, 403),
                                               (WOERDEN, 200)],
                         ids=["none", "unknown-kind", "partner", "other-municipality", "own"])
def test_the_municipality_api_lets_only_the_key_of_the_code_reach_a_route(principal, status):
    app, ran = resolver("municipality")
    answer_status, body = call(app, "/municipalities/GM0632/baskets", "/municipalities/{code}/baskets",
                               {"code": "GM0632"}, principal)
    assert answer_status == status
    assert ran == (["GM0632"] if status == 200 else [])
    if status == 200:
        assert body["caller"]["municipality_code"] == "GM0632"


@pytest.mark.parametrize("principal, status", [(None, 401), (WOERDEN, 403), (PARTNER, 200)],
                         ids=["none", "municipality", "partner"])
def test_the_partner_api_lets_only_partner_keys_reach_a_route(principal, status):
    app, ran = resolver("partner")
    answer_status, body = call(app, "/signals/EN-1", "/signals/{reference}", {"reference": "EN-1"}, principal)
    assert answer_status == status and ran == (["EN-1"] if status == 200 else [])
    if status == 200:
        assert body["caller"]["partner_id"] == "energie-noord"


def test_an_encoded_code_is_compared_decoded():
    app, ran = resolver("municipality")
    status, _ = call(app, "/municipalities/GM%30632/baskets", "/municipalities/{code}/baskets",
                     {"code": "GM%30632"}, WOERDEN)
    assert status == 200 and ran == ["GM0632"]
