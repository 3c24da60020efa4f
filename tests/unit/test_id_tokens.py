"""Cognito ID tokens (adapters/jwks.py), with RSA keys made here: what is accepted and
everything identity.md refuses (tampered, `alg: none`, another pool or client, expired,
an access token). No network: the JWKS "fetch" is a function of the test."""
from __future__ import annotations

import base64
import json

import pytest
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey
from vroegsignaal.adapters.jwks import REFRESH_SECONDS, IdTokenVerifier, UserPool, looks_like_jwt, user_principal

NOW = 1_800_000_000
POOL = UserPool("eu-west-1", "eu-west-1_Pool", "web-client")


@pytest.fixture(scope="module")
def signing_key():
    return RSAKey.generate_key(2048, parameters={"kid": "key-1"})


class Jwks:
    """The pool's published keys, counting how often they are fetched."""

    def __init__(self, *keys):
        self.keys = list(keys)
        self.fetches = 0

    def __call__(self, url):
        assert url == "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Pool/.well-known/jwks.json"
        self.fetches += 1
        return KeySet.import_key_set({"keys": [key.as_dict(private=False) for key in self.keys]})


class Clock:
    def __init__(self):
        self.now = NOW

    def __call__(self):
        return self.now


def claims(**changes):
    base = {"iss": POOL.issuer, "aud": POOL.client_id, "token_use": "id", "sub": "0b6c-sub", "name": "Fatima el Amrani",
            "cognito:username": "fatima", "cognito:groups": ["GM0632:consulent", "GM0344:bezoeker"],
            "iat": NOW - 60, "exp": NOW + 3540}
    return {key: value for key, value in {**base, **changes}.items() if value is not None}


def sign(key, payload, kid="key-1", alg="RS256"):
    return jwt.encode({"alg": alg, "kid": kid}, payload, key)


@pytest.fixture
def verifier(signing_key):
    return IdTokenVerifier(POOL, fetch=Jwks(signing_key), now=Clock())


def test_a_valid_id_token_gives_its_claims(verifier, signing_key):
    verified = verifier.claims(sign(signing_key, claims()))
    assert verified is not None and verified["sub"] == "0b6c-sub"


def test_a_tampered_payload_is_refused(verifier, signing_key):
    header, _, signature = sign(signing_key, claims()).split(".")
    forged = base64.urlsafe_b64encode(json.dumps(claims(**{"cognito:groups": ["GM0632:coordinator"]})).encode())
    assert verifier.claims(f"{header}.{forged.rstrip(b'=').decode()}.{signature}") is None


def test_a_tampered_signature_is_refused(verifier, signing_key):
    header, payload, signature = sign(signing_key, claims()).split(".")
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
    assert verifier.claims(f"{header}.{payload}.{flipped}") is None


def test_alg_none_is_refused(verifier):
    def part(document):
        return base64.urlsafe_b64encode(json.dumps(document).encode()).rstrip(b"=").decode()

    assert verifier.claims(f"{part({'alg': 'none', 'kid': 'key-1'})}.{part(claims())}.") is None


def test_a_token_signed_with_a_key_of_another_pool_is_refused(verifier):
    stranger = RSAKey.generate_key(2048, parameters={"kid": "key-1"})
    assert verifier.claims(sign(stranger, claims())) is None


@pytest.mark.parametrize("change", [{"iss": "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Other"},
                                    {"aud": "another-client"}, {"iss": None}, {"aud": None}, {"sub": None}])
def test_a_token_of_another_pool_or_client_is_refused(verifier, signing_key, change):
    assert verifier.claims(sign(signing_key, claims(**change))) is None


def test_an_expired_token_is_refused(verifier, signing_key):
    assert verifier.claims(sign(signing_key, claims(iat=NOW - 7200, exp=NOW - 1))) is None


def test_a_token_without_expiry_is_refused(verifier, signing_key):
    assert verifier.claims(sign(signing_key, claims(exp=None))) is None


def test_an_access_token_is_refused(verifier, signing_key):
    """Cognito's access token: token_use "access", the client in client_id, no aud."""
    access = claims(token_use="access", aud=None, client_id=POOL.client_id, scope="aws.cognito.signin.user.admin")
    assert verifier.claims(sign(signing_key, access)) is None


def test_the_keys_are_fetched_once_for_many_tokens(signing_key):
    jwks = Jwks(signing_key)
    verifier = IdTokenVerifier(POOL, fetch=jwks, now=Clock())
    for _ in range(5):
        assert verifier.claims(sign(signing_key, claims())) is not None
    assert jwks.fetches == 1


def test_an_unknown_key_id_fetches_the_keys_again_when_cognito_rotated_them(signing_key):
    rotated = RSAKey.generate_key(2048, parameters={"kid": "key-2"})
    jwks, clock = Jwks(signing_key), Clock()
    verifier = IdTokenVerifier(POOL, fetch=jwks, now=clock)
    assert verifier.claims(sign(signing_key, claims())) is not None
    jwks.keys.append(rotated)
    clock.now += REFRESH_SECONDS
    assert verifier.claims(sign(rotated, claims(), kid="key-2")) is not None
    assert jwks.fetches == 2


def test_unknown_key_ids_fetch_the_keys_at_most_once_per_refresh_period(signing_key):
    jwks, clock = Jwks(signing_key), Clock()
    verifier = IdTokenVerifier(POOL, fetch=jwks, now=clock)
    verifier.claims(sign(signing_key, claims()))
    stranger = RSAKey.generate_key(2048, parameters={"kid": "forged"})
    for _ in range(20):
        assert verifier.claims(sign(stranger, claims(), kid="forged")) is None
        clock.now += 1
    assert jwks.fetches == 1 + 20 // int(REFRESH_SECONDS)


def test_a_signed_in_person_becomes_a_flat_principal():
    principal = user_principal(claims(**{"cognito:groups": ["GM0632:consulent", "GM0344:bezoeker", "Admins"]}))
    assert principal == {"kind": "user", "user_id": "0b6c-sub", "name": "Fatima el Amrani",
                         "memberships": '{"GM0344":"bezoeker","GM0632":"consulent"}'}
    assert all(isinstance(value, str) for value in principal.values())   # API Gateway's context: strings only


def test_a_person_without_groups_has_no_memberships():
    assert json.loads(user_principal(claims(**{"cognito:groups": None}))["memberships"]) == {}


@pytest.mark.parametrize("token, expected", [("eyJhbGciOi.eyJzdWIi.c2ln", True), ("vs_abc.def.ghi", False),
                                             ("vs_demo_J-QQ4L8lZl", False), ("eyJhbGciOi.eyJzdWIi", False)])
def test_a_jwt_is_told_from_an_api_key(token, expected):
    assert looks_like_jwt(token) is expected


@pytest.mark.parametrize("token_use", ["access", None, ""])
def test_a_token_that_is_no_id_token_is_refused_even_with_the_right_audience(verifier, signing_key, token_use):
    assert verifier.claims(sign(signing_key, claims(token_use=token_use))) is None


def test_a_token_signed_with_hmac_is_refused(verifier):
    from joserfc.jwk import OctKey

    assert verifier.claims(sign(OctKey.generate_key(256), claims(), alg="HS256")) is None
