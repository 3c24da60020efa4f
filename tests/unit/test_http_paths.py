"""Path parameters decoded once, at the edge, for events shaped as API Gateway sends them:
REST proxy events keep `path` and `pathParameters` percent-encoded; others arrive decoded."""
import json

import pytest
from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from vroegsignaal import api


def _app():
    app = APIGatewayRestResolver()
    api.install(app)

    @app.get("/signals/<reference>")
    def one(reference: str):
        return api.json_response(200, {"reference": reference})

    router = APIGatewayRouter()

    @router.get("/cases/<case_id>/letters/<letter_id>")
    def letter(code: str, case_id: str, letter_id: str):
        return api.json_response(200, {"code": code, "case_id": case_id, "letter_id": letter_id})

    app.include_router(router, prefix="/municipalities/<code>")
    return app


def rest_event(resource: str, path: str, parameters: dict) -> dict:
    """As API Gateway (REST, Lambda proxy) hands it over: path and pathParameters as sent."""
    return {"resource": resource, "path": path, "httpMethod": "GET", "headers": {}, "multiValueHeaders": {},
            "queryStringParameters": None, "multiValueQueryStringParameters": None,
            "pathParameters": parameters, "stageVariables": None, "body": None, "isBase64Encoded": False,
            "requestContext": {"resourcePath": resource, "httpMethod": "GET", "path": f"/prod{path}",
                               "stage": "prod", "requestId": "r", "identity": {"sourceIp": "127.0.0.1"}}}


def answer(event) -> tuple[int, dict]:
    response = _app().resolve(event, None)
    return response["statusCode"], json.loads(response["body"])


@pytest.mark.parametrize("path", ["/signals/EN%3A2026%3A000123", "/signals/EN:2026:000123",
                                  "/signals/EN%3a2026%3a000123"], ids=["encoded", "decoded", "lower-case-hex"])
def test_a_reference_arrives_as_the_partner_wrote_it(path):
    event = rest_event("/signals/{reference}", path, {"reference": path.rsplit("/", 1)[1]})
    assert answer(event) == (200, {"reference": "EN:2026:000123"})


def test_every_parameter_of_a_router_route_is_decoded():
    event = rest_event("/municipalities/{code}/cases/{case_id}/letters/{letter_id}",
                       "/municipalities/GM0632/cases/case%2D1/letters/let%3A2",
                       {"code": "GM0632", "case_id": "case%2D1", "letter_id": "let%3A2"})
    assert answer(event) == (200, {"code": "GM0632", "case_id": "case-1", "letter_id": "let:2"})


def test_an_encoding_that_is_no_utf8_is_no_resource():
    event = rest_event("/signals/{reference}", "/signals/%FF", {"reference": "%FF"})
    status, body = answer(event)
    assert (status, body["error"]) == (404, "not_found")
