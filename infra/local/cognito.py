"""The template's user pool in moto's Cognito, with the tenants file's people (identity.md).

From the template: the AWS::Cognito::UserPool (its name and password policy) and its
AWS::Cognito::UserPoolClient (the web app). Locally the client also allows
USER_PASSWORD_AUTH (sign-in with user name and password; no hosted sign-in, no MFA,
no federated identity provider). Created once: a state folder keeps them, and the
next start finds them by name. Their ids replace the stand-in Refs, so the functions'
environment (USER_POOL_ID, USER_POOL_CLIENT_ID) names them.

moto signs ID tokens with RS256 and serves the key at
<endpoint>/<pool id>/.well-known/jwks.json, as Cognito does at its issuer.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .cfn import ACCOUNT_ID, REGION, Resolver

LOCAL_AUTH_FLOWS = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]


@dataclass
class LocalUserPool:
    pool_id: str
    client_id: str
    endpoint: str      # the moto server (Cognito's API and the JWKS)

    def config(self) -> dict[str, Any]:
        """/config.json's "cognito" (workspace.md): no hosted sign-in domain locally."""
        return {"region": REGION, "user_pool_id": self.pool_id, "client_id": self.client_id,
                "endpoint": self.endpoint.rstrip("/") + "/"}


def _of_type(template: dict[str, Any], resolver: Resolver, kind: str) -> list[tuple[str, dict[str, Any]]]:
    return [(logical_id, resource.get("Properties") or {})
            for logical_id, resource in (template.get("Resources") or {}).items()
            if resource["Type"] == kind and resolver.resource_enabled(resource)]


def create_user_pool(template: dict[str, Any], resolver: Resolver, cognito: Any, endpoint: str) -> LocalUserPool | None:
    """The template's pool and web app client in moto (found again when they exist); None
    when the template declares no pool."""
    pools = _of_type(template, resolver, "AWS::Cognito::UserPool")
    if not pools:
        return None
    pool_logical_id, pool_props = pools[0]
    name = resolver.resolve(pool_props.get("UserPoolName", pool_logical_id))
    pool_id = _existing_pool(cognito, name)
    if pool_id is None:
        policies = resolver.resolve(pool_props.get("Policies") or {})
        pool_id = cognito.create_user_pool(
            PoolName=name, Policies=policies, MfaConfiguration="OFF",
            AdminCreateUserConfig={"AllowAdminCreateUserOnly": True},
            UsernameConfiguration=resolver.resolve(pool_props.get("UsernameConfiguration") or {"CaseSensitive": False}),
        )["UserPool"]["Id"]
    resolver.attributes[pool_logical_id].update(
        {"Ref": pool_id, "Arn": f"arn:aws:cognito-idp:{REGION}:{ACCOUNT_ID}:userpool/{pool_id}", "ProviderName": f"cognito-idp.{REGION}.amazonaws.com/{pool_id}"})
    client_id = ""
    for logical_id, props in _of_type(template, resolver, "AWS::Cognito::UserPoolClient"):
        if props.get("UserPoolId") != {"Ref": pool_logical_id}:
            continue
        client_name = resolver.resolve(props.get("ClientName", logical_id))
        client_id = _existing_client(cognito, pool_id, client_name) or cognito.create_user_pool_client(
            UserPoolId=pool_id, ClientName=client_name, GenerateSecret=False, ExplicitAuthFlows=LOCAL_AUTH_FLOWS,
            ReadAttributes=resolver.resolve(props.get("ReadAttributes") or ["name", "email"]))["UserPoolClient"]["ClientId"]
        resolver.attributes[logical_id]["Ref"] = client_id
        break
    return LocalUserPool(pool_id, client_id, endpoint)


def _existing_pool(cognito: Any, name: str) -> str | None:
    pools = cognito.list_user_pools(MaxResults=60).get("UserPools", [])
    return next((pool["Id"] for pool in pools if pool["Name"] == name), None)


def _existing_client(cognito: Any, pool_id: str, name: str) -> str | None:
    clients = cognito.list_user_pool_clients(UserPoolId=pool_id, MaxResults=60).get("UserPoolClients", [])
    return next((client["ClientId"] for client in clients if client["ClientName"] == name), None)


def add_people(pool: LocalUserPool, people: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The tenants file's "users" (identity.md) in the pool, with their passwords; returns
    what the banner shows: username, password, name and roles."""
    from vroegsignaal.adapters import identity_pool

    shown = []
    for person in people:
        memberships = {m["code"]: m["role"] for m in person.get("memberships", [])}
        identity_pool.add_user(pool.pool_id, person["username"], person["name"], person["email"], memberships,
                               password=person["password"])
        shown.append({"username": person["username"], "password": person["password"], "name": person["name"],
                      "role": ", ".join(f"{code} {role}" for code, role in sorted(memberships.items()))})
    return shown
