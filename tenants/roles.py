"""The roles people hold in an agency deployment.

A role is a Django Group of the same name. Groups mirror the identity provider's
groups (`cognito:groups`) and are refreshed at every sign-in, so a role is never a
permanent grant. Permission predicates of each app build on `has_role`.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, Group
from django.db import models
from django.db.models import Exists, OuterRef


class Role(models.TextChoices):
    CONSUMER = "consumer", "Consumer"
    COUNSELOR = "counselor", "Counselor"
    SUPERVISOR = "supervisor", "Supervisor"
    AGENCY_ADMIN = "agency_admin", "Agency administrator"
    PLATFORM_SUPPORT = "platform_support", "Platform support"


STAFF_ROLES = frozenset({Role.COUNSELOR, Role.SUPERVISOR, Role.AGENCY_ADMIN, Role.PLATFORM_SUPPORT})
# The people who work cases: review applications, build plans, send offers.
CASEWORK_ROLES = (Role.COUNSELOR, Role.SUPERVISOR)


def roles_of(user: object) -> frozenset[str]:
    """The roles of a user, read once per request object and cached on it."""
    if isinstance(user, AnonymousUser) or not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_creditgenie_roles", None)
    if cached is None:
        names = user.groups.filter(name__in=Role.values).values_list("name", flat=True)
        cached = frozenset(names)
        user._creditgenie_roles = cached
    return cached


def _holds(role: str) -> str:
    return f"creditgenie_holds_{role}"


def user_with_roles(pk: object) -> Any | None:
    """The user `pk` with their roles read in the same query (one EXISTS a role), so
    `roles_of` asks nothing more: how a signed-in request's user is loaded (the sign-in
    backends' `get_user`), one query a page instead of two. None if there is no such user."""
    holds = {
        _holds(role): Exists(Group.objects.filter(user=OuterRef("pk"), name=role))
        for role in Role.values
    }
    user = get_user_model()._default_manager.annotate(**holds).filter(pk=pk).first()
    if user is not None:
        user._creditgenie_roles = frozenset(r for r in Role.values if getattr(user, _holds(r)))
    return user


def has_role(user: object, *roles: str) -> bool:
    return bool(roles_of(user) & set(roles))


def is_caseworker(user: object) -> bool:
    """Counselors and supervisors: the queue, cases, plans and offers."""
    return has_role(user, *CASEWORK_ROLES)


def is_staff_member(user: object) -> bool:
    """Anyone who works for the agency or the platform. Staff never apply as consumers:
    a person who also needs help signs in with a consumer account of their own."""
    return has_role(user, *STAFF_ROLES)


def staff_workspace(user: object) -> str:
    """The URL name where a staff member starts: the team dashboard for supervisors, My
    cases for counselors, the admin for everyone else on staff; "" for consumers."""
    if has_role(user, Role.SUPERVISOR):
        return "counselor:supervisor"
    if is_caseworker(user):
        return "counselor:queue"
    return "admin:index" if is_staff_member(user) else ""


def role_grant(user: object, role: str) -> None:
    """Adds a role (used by sign-in and demo data). Side effects: group membership."""
    group, _ = Group.objects.get_or_create(name=Role(role).value)
    user.groups.add(group)
    user.__dict__.pop("_creditgenie_roles", None)
