"""Who may do what on the counselor side (one place for the role checks)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from tenants.roles import Role, has_role, is_caseworker


def can_build_plans(user: object) -> bool:
    """Counselors and supervisors price, save and print DMP proposals."""
    return is_caseworker(user)


def can_administer_terms(user: object) -> bool:
    """Agency administrators keep the creditor terms table and the fee schedule."""
    return has_role(user, Role.AGENCY_ADMIN)


def can_approve_offer_exceptions(user: object) -> bool:
    """Supervisors approve an offer the rules refuse (COA: plans over 60 months, plans the
    budget cannot carry)."""
    return has_role(user, Role.SUPERVISOR)


def sees_every_case(user: object) -> bool:
    """Supervisors see every case; counselors only theirs and the unassigned queue."""
    return has_role(user, Role.SUPERVISOR)


def case_visible_q(user: Any, *, via: str = "") -> Q:
    """The cases ``user`` may open (need to know), as a condition on ``Application`` or,
    with ``via`` (e.g. ``"case__"``), on a model that points to one: every case for
    supervisors; for counselors, the cases assigned to them and the unassigned ones. A
    colleague's case needs an assignment (by a supervisor) first."""
    if sees_every_case(user):
        return Q()
    assigned = f"{via}case_assignment__assigned_to"
    return Q(**{f"{assigned}__isnull": True}) | Q(**{assigned: user.pk})
