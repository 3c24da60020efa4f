"""The caller is read once per request, before any route runs, from the principal the
authorizer put in the request context: the partner API lets partner keys only; the
municipality API's principal becomes a typed Caller (its checks: test_http_policy.py)."""
import json

import pytest
from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from vroegsignaal import api
from vroegsignaal.domain.identity import Role
from vroegsignaal.http.callers import caller_of
from vroegsignaal.http.errors import ApiError

from tests.unit.test_http_paths import rest_event

PARTNER = {"kind": "partner", "partner_id": "energie-noord", "partner_type": "energy", "key_id": "key-1"}
WOERDEN = {"kind": "municipality", "municipality_code": "GM0632", "key_id": "key-2"}
PERSON = {"kind": "user", "user_id": "u-1", "name": "Fatima el Amrani",
          "memberships": json.dumps({"GM0632": "consulent", "GM0344": "bezoeker"})}


def partner_app():
    app = APIGatewayRestResolver()
    api.install(app, callers_of="partner")
    ran = []

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


@pytest.mark.parametrize("principal, status", [(None, 401), ({"kind": "stranger"}, 401), (WOERDEN, 403),
                                               (PERSON, 403), (PARTNER, 200)],
                         ids=["none", "unknown-kind", "municipality", "person", "partner"])
def test_the_partner_api_lets_only_partner_keys_reach_a_route(principal, status):
    app, ran = partner_app()
    answer_status, body = call(app, "/signals/EN-1", "/signals/{reference}", {"reference": "EN-1"}, principal)
    assert answer_status == status and ran == (["EN-1"] if status == 200 else [])
    if status == 200:
        assert body["caller"]["partner_id"] == "energie-noord"


def test_a_person_has_the_role_of_each_membership_and_none_elsewhere():
    caller = caller_of(PERSON)
    assert caller.is_person and caller.id == "u-1"
    assert (caller.role_in("GM0632"), caller.role_in("GM0344"), caller.role_in("GM0363")) == (
        Role.CONSULENT, Role.BEZOEKER, None)
    assert caller.actor() == {"type": "user", "id": "u-1", "name": "Fatima el Amrani"}


def test_a_municipality_key_is_the_coordinator_of_its_own_municipality_only():
    caller = caller_of(WOERDEN)
    assert not caller.is_person
    assert (caller.role_in("GM0632"), caller.role_in("GM0344")) == (Role.COORDINATOR, None)
    assert caller.actor() == {"type": "key", "id": "key-2"}


def test_a_partner_key_has_no_municipality():
    assert caller_of(PARTNER).role_in("GM0632") is None


@pytest.mark.parametrize("memberships", ["not json", "[1, 2]", json.dumps({"GM0632": "admin"}), ""])
def test_memberships_that_name_no_known_role_give_no_access(memberships):
    assert caller_of({**PERSON, "memberships": memberships}).role_in("GM0632") is None


def test_a_token_principal_without_a_user_id_is_401():
    with pytest.raises(ApiError) as raised:
        caller_of({"kind": "user", "memberships": "{}"})
    assert raised.value.status == 401
