"""REQUEST authorizer: a bearer key -> its principal (partner or municipality).

Missing or unknown key: raise "Unauthorized" (API Gateway answers 401). A known
key is allowed on the whole API and its principal is passed on as context;
each handler answers 403 to a key of the wrong kind for its route. Allowing
the whole API keeps API Gateway's cached result valid for every route.

The answer carries the tenant's usage plan key as `usageIdentifierKey` (the
API's key source is AUTHORIZER), so the usage plan throttles and counts each
partner and municipality on its own; a tenant without one (the local stack)
gets none.
"""
from __future__ import annotations

from aws_lambda_powertools import Logger
from vroegsignaal.adapters import registry

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


@logger.inject_lambda_context
def lambda_handler(event, context):
    token = _bearer(event.get("headers"))
    principal = registry.principal_for_key(token) if token else None
    if not principal:
        logger.info("rejected: missing or unknown key")
        raise Exception("Unauthorized")  # API Gateway's contract for a 401
    principal_id = principal.get("partner_id") or principal.get("municipality_code")
    logger.info("allowed", extra={"kind": principal["kind"], "principal": principal_id})
    answer = {
        "principalId": principal_id,
        "policyDocument": {
            "Version": "2012-10-17",
            "Statement": [{"Action": "execute-api:Invoke", "Effect": "Allow",
                           "Resource": _api_wide(event["methodArn"])}],
        },
        "context": principal,
    }
    usage_key = registry.usage_key_for(token)
    if usage_key:
        answer["usageIdentifierKey"] = usage_key
    return answer
