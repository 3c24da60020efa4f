"""A person's memberships as Cognito groups: one group `<code>:<role>` per municipality
(for example `GM0632:consulent`), so the ID token's `cognito:groups` claim carries them
and only an administrator can change them (docs/decisions.md, identity)."""
from __future__ import annotations

import re

ROLES = ("bezoeker", "consulent", "coordinator")   # least to most allowed
_GROUP = re.compile(r"^(GM\d{4}):(bezoeker|consulent|coordinator)$")


def group_name(code: str, role: str) -> str:
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; one of {list(ROLES)}")
    if not re.fullmatch(r"GM\d{4}", code):
        raise ValueError(f"{code!r} is no municipality code (GM + 4 digits)")
    return f"{code}:{role}"


def membership_of(group: str) -> tuple[str, str] | None:
    """(code, role) of a membership group; None for any other group."""
    match = _GROUP.match(group)
    return (match.group(1), match.group(2)) if match else None


def memberships(groups: list[str] | tuple[str, ...]) -> dict[str, str]:
    """{code: role} from group names. One role per municipality: should a person be in two
    groups of one municipality (a half-done change), the least allowed role counts."""
    found: dict[str, str] = {}
    for group in groups:
        membership = membership_of(group)
        if membership is None:
            continue
        code, role = membership
        if code not in found or ROLES.index(role) < ROLES.index(found[code]):
            found[code] = role
    return found
