"""Reads: the agency profile and the front door's routing decisions."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q

from .kept import KeptPerProcess
from .models import Agency, AgencyProfile, ReferralCode, RoutingCount, Territory


def agency_profile_get() -> AgencyProfile | None:
    """This deployment's agency profile (None before provisioning created it)."""
    return AgencyProfile.objects.first()


# The profile as page headers show it (name, phone, e-mail, logo), kept per process: every
# page's context reads it. A save in this process forgets it at once (signals in apps.py);
# another process's copy is at most this many seconds old.
SHOWN_SECONDS = 30.0
profile_kept: KeptPerProcess[AgencyProfile | None] = KeptPerProcess(
    agency_profile_get, SHOWN_SECONDS
)


def agency_profile_shown() -> AgencyProfile | None:
    """The agency profile for page headers, from this process's copy (read again after
    ``SHOWN_SECONDS`` or a save). Fees, documents and offers read ``agency_profile_get``."""
    return profile_kept.get()


def agency_zone(profile: AgencyProfile | None) -> ZoneInfo:
    """The agency's timezone (the deployment's TIME_ZONE before provisioning made a
    profile)."""
    return ZoneInfo(profile.timezone if profile else settings.TIME_ZONE)


def agency_zone_shown() -> ZoneInfo:
    """The agency's timezone for times on pages, from the process's copy of the profile."""
    return agency_zone(agency_profile_shown())


def agency_profile_forget(**_signal: object) -> None:
    """Forgets this process's copy of the profile (on save and delete)."""
    profile_kept.forget()


def agencies_active() -> list[Agency]:
    """Agencies a consumer may be sent to, for the chooser."""
    return list(Agency.objects.filter(active=True).order_by("display_name", "slug"))


def agency_by_referral(code: str) -> Agency | None:
    """The active agency behind an active referral code (codes are case-insensitive)."""
    referral = (
        ReferralCode.objects.select_related("agency")
        .filter(code=code.strip().lower(), active=True, agency__active=True)
        .first()
    )
    return referral.agency if referral else None


@dataclass(frozen=True)
class TerritoryMatch:
    agency: Agency
    method: str  # RoutingCount.Method value: "zip" or "state"


def agency_by_territory(*, state: str, zip_code: str) -> TerritoryMatch | None:
    """The active agency serving a state and/or ZIP, with a deterministic tie-break.

    The most specific rule wins: the longest matching ZIP prefix, then a whole-state
    rule. Among equally specific rules, the agency with the lower priority number
    wins, then the alphabetically first slug, so the same input always routes the
    same way.
    """
    prefixes = [zip_code[:n] for n in range(1, len(zip_code) + 1)] if zip_code else []
    condition = Q(zip_prefix__in=prefixes) if prefixes else Q(pk__in=[])
    if state:
        condition |= Q(state=state, zip_prefix="")
    candidates = Territory.objects.filter(condition, agency__active=True).select_related("agency")
    if state:
        candidates = candidates.filter(state=state)
    ranked = sorted(
        candidates,
        key=lambda t: (-len(t.zip_prefix), t.agency.priority, t.agency.slug),
    )
    if not ranked:
        return None
    best = ranked[0]
    method = RoutingCount.Method.ZIP if best.zip_prefix else RoutingCount.Method.STATE
    return TerritoryMatch(agency=best.agency, method=method)
