"""Unanswered plan offers: one reminder after NOTIFICATIONS["OFFER_REMINDER_DAYS"], expiry
after NOTIFICATIONS["OFFER_EXPIRY_DAYS"] (run hourly by beat; `now` is passed so tests freeze time).
Each step is claimed with a conditional UPDATE, so a second run (or a second beat) never
reminds or expires twice."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction

from notifications.kinds import Kind
from tenants.audit.models import AuditAction

from ..models import Application, PlanOffer, StatusChange
from .analytics import offer_declined_emit
from .common import consumer_audit
from .notices import consumer_notice, staff_notice
from .portal import stage_record

NO_RESPONSE = "no_response"  # the analytics stream's decline reason for an expired offer


@dataclass(frozen=True)
class OfferSweep:
    reminded: int
    expired: int


def offers_remind_and_expire(*, now: datetime) -> OfferSweep:
    """Reminds, then expires, the open offers that are due. An offer past both limits (the
    beat was stopped) is only expired."""
    expire_before = now - timedelta(days=settings.NOTIFICATIONS["OFFER_EXPIRY_DAYS"])
    remind_before = now - timedelta(days=settings.NOTIFICATIONS["OFFER_REMINDER_DAYS"])
    open_offers = PlanOffer.objects.filter(status=PlanOffer.Status.OPEN, superseded=False)
    to_remind = open_offers.filter(
        reminded_at__isnull=True, created_at__lte=remind_before, created_at__gt=expire_before
    ).values_list("pk", flat=True)
    to_expire = open_offers.filter(created_at__lte=expire_before).values_list("pk", flat=True)
    reminded = sum(plan_offer_remind(offer_id=pk, now=now) for pk in list(to_remind))
    expired = sum(plan_offer_expire(offer_id=pk, now=now) for pk in list(to_expire))
    return OfferSweep(reminded=reminded, expired=expired)


@transaction.atomic
def plan_offer_remind(*, offer_id: int, now: datetime) -> bool:
    """Side effects: stamps `reminded_at` (once); the consumer's reminder notice."""
    claimed = PlanOffer.objects.filter(
        pk=offer_id, status=PlanOffer.Status.OPEN, superseded=False, reminded_at__isnull=True
    ).update(reminded_at=now)
    if claimed:
        offer = PlanOffer.objects.select_related("application").get(pk=offer_id)
        consumer_notice(
            application=offer.application,
            kind=Kind.OFFER_REMINDER,
            page="offer",
            dedupe_key=f"offer_reminder:{offer.public_id}",
        )
    return bool(claimed)


@transaction.atomic
def plan_offer_expire(*, offer_id: int, now: datetime) -> bool:
    """The offer ends unanswered: both portals show it expired.

    Side effects: offer open -> expired (conditional UPDATE, once); application status ->
    declined and its timeline row; one audit `update` (system); one ``declined`` analytics
    event with reason ``no_response``; the consumer's and the counselor's notices."""
    claimed = PlanOffer.objects.filter(
        pk=offer_id, status=PlanOffer.Status.OPEN, superseded=False
    ).update(status=PlanOffer.Status.EXPIRED, responded_at=now)
    if not claimed:
        return False
    offer = PlanOffer.objects.select_related("application", "created_by").get(pk=offer_id)
    application = offer.application
    Application.objects.filter(pk=application.pk).update(status=Application.Status.DECLINED)
    stage_record(application, StatusChange.Stage.DECLINED)
    consumer_audit(
        actor=None,
        action=AuditAction.UPDATE,
        object_type="plan_offer",
        object_id=str(offer.public_id),
        application=application,
        request=None,
        purpose="plan offer expired without an answer",
        role="system",
    )
    offer_declined_emit(application, NO_RESPONSE)
    key = f"offer_expired:{offer.public_id}"
    consumer_notice(application=application, kind=Kind.OFFER_EXPIRED, page="offer", dedupe_key=key)
    staff_notice(
        application=application,
        kind=Kind.OFFER_EXPIRED_COUNSELOR,
        extra=(offer.created_by,),
        dedupe_key=key,
    )
    return True
