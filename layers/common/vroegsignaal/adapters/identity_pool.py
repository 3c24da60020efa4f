"""The people of the Cognito user pool (identity.md): added, listed, given a role, removed.

A membership is a group `<code>:<role>` (domain/cognito_groups.py), created here the
first time it is needed; a person has one role per municipality, so giving a new role
takes the person out of that municipality's other groups. The same calls work against
AWS and the local stack's moto (AWS_ENDPOINT_URL).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from vroegsignaal.domain import cognito_groups

from .aws import client


@dataclass
class Person:
    username: str
    user_id: str                      # the Cognito sub: what tokens, tasks and the audit trail name
    name: str
    email: str
    enabled: bool = True
    memberships: dict[str, str] = field(default_factory=dict)   # code -> role


def _cognito() -> Any:
    return client("cognito-idp")


def _error_code(error: Exception) -> str:
    response = getattr(error, "response", None) or {}
    return str(response.get("Error", {}).get("Code", ""))


def _ensure_group(pool_id: str, group: str) -> None:
    try:
        _cognito().create_group(UserPoolId=pool_id, GroupName=group,
                                Description="Vroegsignaal membership (municipality:role)")
    except Exception as error:
        if _error_code(error) != "GroupExistsException":
            raise


def _groups_of(pool_id: str, username: str) -> list[str]:
    groups: list[str] = []
    kwargs: dict[str, Any] = {"UserPoolId": pool_id, "Username": username}
    while True:
        page = _cognito().admin_list_groups_for_user(**kwargs)
        groups += [group["GroupName"] for group in page.get("Groups", [])]
        if not page.get("NextToken"):
            return groups
        kwargs["NextToken"] = page["NextToken"]


def set_role(pool_id: str, username: str, code: str, role: str | None) -> None:
    """Give the person `role` in municipality `code` (None: no membership there any more)."""
    wanted = cognito_groups.group_name(code, role) if role else None
    for group in _groups_of(pool_id, username):
        membership = cognito_groups.membership_of(group)
        if membership and membership[0] == code and group != wanted:
            _cognito().admin_remove_user_from_group(UserPoolId=pool_id, Username=username, GroupName=group)
    if wanted:
        _ensure_group(pool_id, wanted)
        _cognito().admin_add_user_to_group(UserPoolId=pool_id, Username=username, GroupName=wanted)


def add_user(pool_id: str, username: str, name: str, email: str, memberships: dict[str, str],
             password: str | None = None) -> str:
    """Create the person (no e-mail from Cognito when a password is given: it is set as
    permanent, the local stack's way) and their memberships; an existing person keeps
    their account and gets these memberships. Returns the user id (sub)."""
    for code, role in memberships.items():
        cognito_groups.group_name(code, role)   # refuse a wrong code or role before creating anything
    attributes = [{"Name": "name", "Value": name}, {"Name": "email", "Value": email},
                  {"Name": "email_verified", "Value": "true"}]
    try:
        created = _cognito().admin_create_user(
            UserPoolId=pool_id, Username=username, UserAttributes=attributes,
            **({"MessageAction": "SUPPRESS", "TemporaryPassword": password} if password else {}))["User"]
        user_id = _attribute(created.get("Attributes", []), "sub")
    except Exception as error:
        if _error_code(error) != "UsernameExistsException":
            raise
        user_id = _attribute(_cognito().admin_get_user(UserPoolId=pool_id, Username=username)
                             .get("UserAttributes", []), "sub")
    if password:
        _cognito().admin_set_user_password(UserPoolId=pool_id, Username=username, Password=password, Permanent=True)
    for code, role in memberships.items():
        set_role(pool_id, username, code, role)
    return user_id


def _attribute(attributes: list[dict[str, str]], name: str) -> str:
    return next((a["Value"] for a in attributes if a["Name"] == name), "")


def list_users(pool_id: str) -> list[Person]:
    people: list[Person] = []
    kwargs: dict[str, Any] = {"UserPoolId": pool_id}
    while True:
        page = _cognito().list_users(**kwargs)
        for user in page.get("Users", []):
            attributes = user.get("Attributes", [])
            people.append(Person(
                username=user["Username"], user_id=_attribute(attributes, "sub"), name=_attribute(attributes, "name"),
                email=_attribute(attributes, "email"), enabled=bool(user.get("Enabled", True)),
                memberships=cognito_groups.memberships(_groups_of(pool_id, user["Username"]))))
        if not page.get("PaginationToken"):
            return sorted(people, key=lambda person: person.username)
        kwargs["PaginationToken"] = page["PaginationToken"]


def remove_user(pool_id: str, username: str) -> None:
    """The person can no longer sign in; tokens already issued expire within the hour."""
    _cognito().admin_user_global_sign_out(UserPoolId=pool_id, Username=username)
    _cognito().admin_delete_user(UserPoolId=pool_id, Username=username)
