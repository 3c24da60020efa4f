"""People and systems (identity.md): the roles a person has per municipality, the
typed caller of the municipality API, and what each role may do.

A person has one role per municipality (their memberships). A municipality key
is no person: it acts as the `coordinator` of its own municipality. A partner
key has no municipality at all (it is for the partner API only).
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal


class Role(StrEnum):
    CONSULENT = "consulent"
    COORDINATOR = "coordinator"
    BEZOEKER = "bezoeker"


# What each role may (identity.md, "Roles"): the route table (http/policy.py) names one
# of these sets per route.
EVERY_ROLE = frozenset(Role)
STAFF = frozenset({Role.CONSULENT, Role.COORDINATOR})  # a consultant's work, and a coordinator's
COORDINATORS = frozenset({Role.COORDINATOR})  # criteria changes, letter template, reports, export, audit

Kind = Literal["user", "municipality", "partner"]


def parse_memberships(value: Any) -> dict[str, Role]:
    """Memberships as the authorizer passes them: JSON text (or a mapping) of
    municipality code -> role. Anything that is not a known role is no membership."""
    if isinstance(value, str):
        try:
            value = json.loads(value) if value.strip() else {}
        except ValueError:
            return {}
    if not isinstance(value, Mapping):
        return {}
    roles = {role.value: role for role in Role}
    return {str(code): roles[role] for code, role in value.items() if isinstance(role, str) and role in roles}


@dataclass(frozen=True, slots=True)
class Caller:
    """Who calls: a person (user id, display name, memberships) or a key (key id and
    its tenant). `id` is the user id or the key id."""

    kind: Kind
    id: str
    name: str | None = None
    memberships: Mapping[str, Role] = field(default_factory=dict)
    municipality_code: str | None = None  # a municipality key's
    partner_id: str | None = None  # a partner key's

    @property
    def is_person(self) -> bool:
        return self.kind == "user"

    def role_in(self, code: str) -> Role | None:
        """The caller's role in that municipality; None: no access to it at all."""
        if self.kind == "user":
            return self.memberships.get(code)
        if self.kind == "municipality" and self.municipality_code == code:
            return Role.COORDINATOR
        return None

    def may(self, code: str, roles: frozenset[Role]) -> bool:
        role = self.role_in(code)
        return role is not None and role in roles

    def is_visitor_in(self, code: str) -> bool:
        """A `bezoeker` there: only their own tasks and those tasks' cases."""
        return self.role_in(code) is Role.BEZOEKER

    def actor(self) -> dict[str, str]:
        """How the audit trail names the caller: ids only (and a person's display name)."""
        if self.kind == "user":
            return {"type": "user", "id": self.id, **({"name": self.name} if self.name else {})}
        return {"type": "key", "id": self.id}
