"""Where the front door sends a consumer: the agency's URL with campaign parameters kept."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import QueryDict

from .models import Agency

_KEPT_EXACT = {"ref", "gclid", "fbclid"}


def kept_parameters(query: QueryDict) -> list[tuple[str, str]]:
    """The referral and UTM parameters of a request, in their original order."""
    return [
        (key, value)
        for key, values in query.lists()
        if key in _KEPT_EXACT or key.startswith("utm_")
        for value in values
    ]


def agency_landing_url(agency: Agency, query: QueryDict, *, ref: str = "") -> str:
    """The agency's landing page, carrying the kept parameters (and the referral code)."""
    params = [(k, v) for k, v in kept_parameters(query) if not (ref and k == "ref")]
    if ref:
        params.insert(0, ("ref", ref))
    base = agency.public_url.rstrip("/") + "/"
    return f"{base}?{urlencode(params)}" if params else base
