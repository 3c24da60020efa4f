"""Cognito ID tokens: verified against the user pool's JWKS (identity.md, "Sign-in").

The pool's public keys are fetched once per container, over HTTPS from Cognito
(on the local stack from its moto server, `AWS_ENDPOINT_URL`), and kept; a token
signed with a key id not among them makes one new fetch (Cognito rotates keys),
at most once per REFRESH_SECONDS, so a stream of forged key ids cannot make the
authorizer hammer Cognito. A token is accepted when it is RS256-signed by one of
those keys and its issuer is the pool, its audience the web app's client, its
`token_use` "id" and it has not expired. Everything else (`alg: none`, another
pool or client, an access token, a tampered or expired token) is None.

Token times are Cognito's, so expiry is checked against the real time, not
against `vroegsignaal.clock` (which the local stack can move).
"""
from __future__ import annotations

import base64
import contextlib
import json
import os
import threading
import time
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from vroegsignaal.domain import cognito_groups

ALGORITHMS = ["RS256"]       # what Cognito signs with; `none` and HMAC are never accepted
REFRESH_SECONDS = 60.0       # at most one JWKS fetch per minute for unknown key ids
FETCH_TIMEOUT_SECONDS = 3.0
LOOPBACK = ("127.0.0.1", "localhost", "::1")


@dataclass(frozen=True)
class UserPool:
    region: str
    pool_id: str
    client_id: str
    endpoint: str | None = None   # a local Cognito (moto); None: AWS

    @property
    def issuer(self) -> str:
        return f"https://cognito-idp.{self.region}.amazonaws.com/{self.pool_id}"

    @property
    def jwks_url(self) -> str:
        base = self.endpoint.rstrip("/") if self.endpoint else self.issuer
        return f"{base}/{self.pool_id}/.well-known/jwks.json" if self.endpoint else f"{base}/.well-known/jwks.json"


def configured_pool() -> UserPool | None:
    """The pool of the function's environment (USER_POOL_ID, USER_POOL_CLIENT_ID); None without one."""
    pool_id, client_id = os.environ.get("USER_POOL_ID"), os.environ.get("USER_POOL_CLIENT_ID")
    if not pool_id or not client_id:
        return None
    region = pool_id.split("_", 1)[0] if "_" in pool_id else os.environ.get("AWS_REGION", "eu-west-1")
    return UserPool(region, pool_id, client_id, os.environ.get("AWS_ENDPOINT_URL") or None)


def _fetch_key_set(url: str) -> KeySet:
    parts = urlsplit(url)
    if parts.scheme != "https" and parts.hostname not in LOOPBACK:
        raise ValueError(f"the JWKS is fetched over HTTPS only, not {url}")
    with urllib.request.urlopen(url, timeout=FETCH_TIMEOUT_SECONDS) as response:  # noqa: S310 - scheme checked
        return KeySet.import_key_set(json.loads(response.read()))


class IdTokenVerifier:
    def __init__(self, pool: UserPool, fetch: Any = None, now: Any = time.time):
        self.pool = pool
        self._fetch = fetch or _fetch_key_set
        self._now = now
        self._keys: KeySet | None = None
        self._fetched_at = float("-inf")
        self._lock = threading.Lock()
        self._claims = jwt.JWTClaimsRegistry(
            now=lambda: int(self._now()), leeway=0,
            iss={"essential": True, "value": pool.issuer}, aud={"essential": True, "value": pool.client_id},
            token_use={"essential": True, "value": "id"}, sub={"essential": True}, exp={"essential": True})

    def _key_set(self, kid: str) -> KeySet | None:
        with self._lock:
            known = self._keys is not None and any(key.kid == kid for key in self._keys.keys)
            if not known and self._now() - self._fetched_at >= REFRESH_SECONDS:
                self._fetched_at = self._now()
                # Cognito unreachable: the keys we had (if any) stay; tried again after REFRESH_SECONDS.
                with contextlib.suppress(OSError, ValueError):
                    self._keys = self._fetch(self.pool.jwks_url)
                known = self._keys is not None and any(key.kid == kid for key in self._keys.keys)
            return self._keys if known else None

    def claims(self, token: str) -> dict[str, Any] | None:
        """The verified claims of a Cognito ID token of this pool and client; None otherwise."""
        header = _header(token)
        if header is None or header.get("alg") not in ALGORITHMS or not isinstance(header.get("kid"), str):
            return None
        keys = self._key_set(header["kid"])
        if keys is None:
            return None
        try:
            decoded = jwt.decode(token, keys, algorithms=ALGORITHMS)
            self._claims.validate(decoded.claims)
        except (JoseError, ValueError, TypeError):
            return None
        return dict(decoded.claims)


def _header(token: str) -> dict[str, Any] | None:
    parts = token.split(".")
    if len(parts) != 3:
        return None
    try:
        header = json.loads(base64.urlsafe_b64decode(parts[0] + "=" * (-len(parts[0]) % 4)))
    except (ValueError, UnicodeDecodeError):
        return None
    return header if isinstance(header, dict) else None


def looks_like_jwt(token: str) -> bool:
    """A compact JWS (three base64url parts, a JSON header): not an API key (`vs_...`)."""
    return token.startswith("eyJ") and token.count(".") == 2


def user_principal(claims: dict[str, Any]) -> dict[str, str]:
    """The flat principal of a signed-in person (BRIEF "The caller"): kind, user_id (the
    Cognito `sub`), name (display name) and memberships as JSON text {code: role}."""
    groups = claims.get("cognito:groups") or []
    found = cognito_groups.memberships([g for g in groups if isinstance(g, str)] if isinstance(groups, list) else [])
    name = claims.get("name") or claims.get("cognito:username") or claims["sub"]
    return {"kind": "user", "user_id": str(claims["sub"]), "name": str(name),
            "memberships": json.dumps(found, sort_keys=True, separators=(",", ":"))}


_verifier: IdTokenVerifier | None = None


def verifier() -> IdTokenVerifier | None:
    """The container's verifier (its JWKS kept between invocations); None without a pool."""
    global _verifier
    pool = configured_pool()
    if pool is None:
        return None
    if _verifier is None or _verifier.pool != pool:
        _verifier = IdTokenVerifier(pool)
    return _verifier


def forget() -> None:
    global _verifier
    _verifier = None
