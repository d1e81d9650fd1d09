"""Template context for every page: which agency (or the front door) is serving, and the
staff navigation for people who work there."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from .roles import Role, has_role, is_caseworker
from .selectors import agency_profile_shown

# Staff pages are in English (the counselor side is not translated). Each link: URL name,
# label, who sees it. "Messages" carries the unread count, loaded after the page.
_STAFF_LINKS = (
    ("counselor:queue", "Cases", is_caseworker),
    ("counselor:follow-ups", "Follow-ups", is_caseworker),
    ("counselor:messages", "Messages", is_caseworker),
    ("counselor:supervisor", "Dashboard", lambda u: has_role(u, Role.SUPERVISOR)),
    ("counselor:creditor-terms", "Creditor terms", lambda u: has_role(u, Role.AGENCY_ADMIN)),
    ("admin:index", "Administration", lambda u: has_role(u, Role.AGENCY_ADMIN)),
)


def _current(path: str, href: str) -> bool:
    """The link of the section the page is in (Cases: the queue and every case)."""
    if href.endswith("/counselor/"):
        return path == href or path.startswith(f"{href}cases/")
    return path.startswith(href)


def deployment(request: HttpRequest) -> dict[str, object]:
    if settings.IS_FRONTDOOR:
        return {"agency": None, "is_frontdoor": True}
    user = getattr(request, "user", None)
    path = getattr(request, "path", "")
    staff_nav = [
        {"href": href, "label": label, "current": _current(path, href), "name": name}
        for name, label, shown in _STAFF_LINKS
        if shown(user)
        for href in [reverse(name)]
    ]
    return {"agency": agency_profile_shown(), "is_frontdoor": False, "staff_nav": staff_nav}
