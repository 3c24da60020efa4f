"""REQUEST authorizer: a bearer key or a Cognito ID token -> its principal.

A key (`vs_...`) gives its partner or municipality, with its `key_id`; an ID
token of the stack's user pool (adapters/jwks.py verifies it) gives the person:
`kind=user`, `user_id` (the Cognito `sub`), `name` and `memberships` (JSON text
{code: role}, from the person's `<code>:<role>` groups). Anything else, missing,
unknown, revoked, retired, forged or expired: raise "Unauthorized" (API Gateway
answers 401). A known caller is allowed on the whole API and its principal is
passed on as context; each handler answers 403 to a caller without the role
its route needs. Allowing the whole API keeps API Gateway's cached result valid
for every route.

The answer carries the tenant's usage plan key as `usageIdentifierKey` (the
API's key source is AUTHORIZER), so the usage plan throttles and counts each
partner and municipality on its own; a person counts for their first
municipality. A caller without one (the local stack) gets none.
"""
from __future__ import annotations

import json

from aws_lambda_powertools import Logger
from vroegsignaal.adapters import jwks, registry

logger = Logger()


def _bearer(headers: dict | None) -> str | None:
    for name, value in (headers or {}).items():
        if name.lower() == "authorization" and isinstance(value, str):
            scheme, _, token = value.strip().partition(" ")
            if scheme.lower() == "bearer" and token.strip():
                return token.strip()
    return None


def _api_wide(method_arn: str) -> str:
    # arn:aws:execute-api:region:account:api-id/stage/METHOD/path -> .../stage/*/*
    prefix, _, rest = method_arn.partition("/")
    stage = rest.split("/", 1)[0]
    return f"{prefix}/{stage}/*/*"


def _person(token: str) -> tuple[dict | None, str | None]:
    verifier = jwks.verifier()
    claims = verifier.claims(token) if verifier else None
    if claims is None:
        return None, None
    principal = jwks.user_principal(claims)
    codes = sorted(json.loads(principal["memberships"]))
    return principal, registry.usage_key_for_municipality(codes[0]) if codes else None


def _system(token: str) -> tuple[dict | None, str | None]:
    principal = registry.principal_for_key(token)
    if principal is None:
        return None, None
    registry.note_use(principal["key_id"])
    return principal, registry.usage_key_for(token)


@logger.inject_lambda_context
def lambda_handler(event, context):
    token = _bearer(event.get("headers"))
    principal, usage_key = (_person(token) if jwks.looks_like_jwt(token) else _system(token)) if token else (None, None)
    if not principal:
        logger.info("rejected: missing, unknown or invalid key or token")
        raise Exception("Unauthorized")  # API Gateway's contract for a 401
    principal_id = principal.get("user_id") or principal.get("partner_id") or principal.get("municipality_code")
    logger.info("allowed", extra={"kind": principal["kind"], "principal": principal_id,
                                  "key_id": principal.get("key_id")})
    answer = {
        "principalId": principal_id,
        "policyDocument": {
            "Version": "2012-10-17",
            "Statement": [{"Action": "execute-api:Invoke", "Effect": "Allow",
                           "Resource": _api_wide(event["methodArn"])}],
        },
        "context": principal,
    }
    if usage_key:
        answer["usageIdentifierKey"] = usage_key
    return answer
