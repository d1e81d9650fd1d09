"""Template context for every page: which agency (or the front door) is serving, and the
staff navigation for people who work there."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from .roles import Role, has_role, is_caseworker
from .selectors import agency_profile_shown

# Staff pages are in English (the counselor side is not translated).
_STAFF_LINKS = (
    ("counselor:queue", "Case queue", is_caseworker),
    ("counselor:supervisor", "Supervisor dashboard", lambda u: has_role(u, Role.SUPERVISOR)),
    ("admin:index", "Administration", lambda u: has_role(u, Role.AGENCY_ADMIN)),
)


def deployment(request: HttpRequest) -> dict[str, object]:
    if settings.IS_FRONTDOOR:
        return {"agency": None, "is_frontdoor": True}
    user = getattr(request, "user", None)
    staff_nav = [(reverse(name), label) for name, label, shown in _STAFF_LINKS if shown(user)]
    return {"agency": agency_profile_shown(), "is_frontdoor": False, "staff_nav": staff_nav}
