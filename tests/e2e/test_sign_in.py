"""Signing in and keys on the local stack, over HTTP only (identity.md): a demo person signs
in with Cognito's InitiateAuth against the endpoint /config.json names and calls the API;
a rotated key works during its overlap and not after it (the local clock moved); a revoked
key is refused once the caches' time has passed. Keys come from the admin command
(`python -m infra.admin --local URL`), as an operator makes them."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import boto3
import pytest

from tests.e2e.client import request

ROOT = Path(__file__).resolve().parents[2]
CACHES_SECONDS = 300   # at most: API Gateway's result cache plus the authorizer's key cache
AWS_ENV = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "eu-west-1",
           "AWS_REGION": "eu-west-1", "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled"}


def demo_user(role, code="GM0632"):
    users = json.loads((ROOT / "infra" / "tenants.demo.json").read_text(encoding="utf-8"))["users"]
    return next(u for u in users if u["memberships"] == [{"code": code, "role": role}])


@pytest.fixture(scope="module")
def cognito(local_stack):
    status, config = request(local_stack, "GET", "/config.json")
    assert status == 200
    return config["cognito"]


def sign_in(cognito, username, password):
    client = boto3.client("cognito-idp", endpoint_url=cognito["endpoint"], region_name=cognito["region"],
                          aws_access_key_id="testing", aws_secret_access_key="testing")
    return client.initiate_auth(AuthFlow="USER_PASSWORD_AUTH", ClientId=cognito["client_id"],
                                AuthParameters={"USERNAME": username, "PASSWORD": password})["AuthenticationResult"]


def admin(local_stack, *argv):
    result = subprocess.run([sys.executable, "-m", "infra.admin", "--local", local_stack.base_url, *argv],
                            cwd=ROOT, env={**os.environ, **AWS_ENV}, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout


def move_clock(local_stack, seconds):
    status, _ = request(local_stack, "POST", "/_local/clock", body={"advance_days": seconds / 86400})
    assert status == 200


def test_config_names_the_local_user_pool(cognito):
    assert cognito["user_pool_id"].startswith(cognito["region"] + "_")
    assert cognito["client_id"] and cognito["endpoint"].startswith("http://127.0.0.1:")


def test_a_demo_person_signs_in_and_the_api_takes_the_id_token(local_stack, cognito):
    person = demo_user("consulent")
    token = sign_in(cognito, person["username"], person["password"])["IdToken"]
    status, body = request(local_stack, "GET", "/municipalities/GM0632/baskets", key=token)
    # Past the authorizer (a 401 would be it): the route's role check answers from here on.
    assert status != 401, body


@pytest.mark.parametrize("which", ["AccessToken", "tampered"])
def test_an_access_token_or_a_tampered_id_token_is_401(local_stack, cognito, which):
    person = demo_user("coordinator")
    tokens = sign_in(cognito, person["username"], person["password"])
    token = tokens.get(which) or re.sub(r"\.[^.]{8}", ".AAAAAAAA", tokens["IdToken"], count=1)
    status, body = request(local_stack, "GET", "/municipalities/GM0632/baskets", key=token)
    assert status == 401 and body["error"] == "unauthorized"


def test_a_wrong_password_does_not_sign_in(cognito):
    from botocore.exceptions import ClientError

    with pytest.raises(ClientError, match="NotAuthorized"):
        sign_in(cognito, demo_user("consulent")["username"], "not-the-password")


def _new_partner_key(local_stack, partner_id):
    output = admin(local_stack, "register-partner", "--id", partner_id, "--type", "water", "--name", partner_id)
    return output.strip().splitlines()[-1]


def _key_id(local_stack, partner_id):
    (line,) = [line for line in admin(local_stack, "list-keys").splitlines() if f"partner {partner_id} " in line
               and "revoked" not in line and "retires" not in line]
    return line.split()[0]


def _authorized(local_stack, key):
    """A partner's POST /signals with an empty body: 422 past the authorizer, 401 before it."""
    status, _ = request(local_stack, "POST", "/signals", key=key, body={})
    assert status in (401, 422)
    return status == 422


def test_a_rotated_key_works_during_the_overlap_and_not_after_it(local_stack):
    old = _new_partner_key(local_stack, "e2e-rotation")
    assert _authorized(local_stack, old)
    output = admin(local_stack, "rotate-key", "--key-id", _key_id(local_stack, "e2e-rotation"), "--overlap-days", "1")
    new = output.splitlines()[1]
    assert _authorized(local_stack, old) and _authorized(local_stack, new)
    move_clock(local_stack, 86400 + CACHES_SECONDS)
    assert not _authorized(local_stack, old)
    assert _authorized(local_stack, new)


def test_a_revoked_key_is_refused(local_stack):
    key = _new_partner_key(local_stack, "e2e-revocation")
    assert _authorized(local_stack, key)
    admin(local_stack, "revoke-key", "--key-id", _key_id(local_stack, "e2e-revocation"))
    move_clock(local_stack, CACHES_SECONDS)
    assert not _authorized(local_stack, key)
    listing = admin(local_stack, "list-keys")
    assert re.search(r"partner e2e-revocation .* revoked", listing)


def test_the_user_pool_and_its_people_are_kept_with_the_state(tmp_path):
    """`make serve` again: the same pool and client (a token signed before the stop still
    verifies after it), the people still sign in."""
    import signal

    from tests.e2e.client import ServedStack

    person = demo_user("coordinator", "GM0344")
    seen = []
    for run in ("first", "second"):
        work = tmp_path / run
        work.mkdir()
        stack = ServedStack(tmp_path / "state", work).wait_ready()
        try:
            _, config = request(stack, "GET", "/config.json")
            token = sign_in(config["cognito"], person["username"], person["password"])["IdToken"]
            status, _ = request(stack, "GET", "/municipalities/GM0344/baskets", key=seen[0][1] if seen else token)
            seen.append(((config["cognito"]["user_pool_id"], config["cognito"]["client_id"]), token, status))
        finally:
            stack.signal_group(signal.SIGTERM)
            assert stack.wait() == 0
    assert seen[0][0] == seen[1][0]
    assert seen[1][2] != 401   # the first run's token, verified by the second run
