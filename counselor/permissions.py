"""Who may do what on the counselor side (one place for the role checks)."""

from __future__ import annotations

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
