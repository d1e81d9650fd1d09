"""Template context for every page: which agency (or the front door) is serving."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from .selectors import agency_profile_get


def deployment(request: HttpRequest) -> dict[str, object]:
    if settings.IS_FRONTDOOR:
        return {"agency": None, "is_frontdoor": True}
    return {"agency": agency_profile_get(), "is_frontdoor": False}
