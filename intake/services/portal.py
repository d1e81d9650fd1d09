"""Writes of the consumer portal and of its counterparts on the counselor side: consent
withdrawal, "talk to a counselor", secure messages, plan offers and declining them (signing
one is in `signatures`)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.kinds import Kind
from tenants.audit.models import AuditAction
from tenants.audit.services import audit_record
from tenants.roles import Role

from ..errors import OfferAlreadySigned, OfferChanged, OfferNotOpen
from ..models import (
    Application,
    CounselingRequest,
    Message,
    PlanOffer,
    StatusChange,
)
from .analytics import counseling_requested_emit, offer_declined_emit
from .common import consumer_audit
from .drafts import _withdraw
from .notices import agency_notice, consumer_notice, staff_notice


def document_sha256(document: str) -> str:
    return hashlib.sha256(document.encode()).hexdigest()


@transaction.atomic
def consent_withdraw(
    *, application: Application, kind: str, actor: Any, request: HttpRequest | None = None
) -> bool:
    """Withdraws the live consent of `kind`; True if there was one. A withdrawn FCRA
    instruction stops every later credit pull (selectors.consent_is_live).

    Side effects: stamps `withdrawn_at` (conditional UPDATE); one audit `update`.
    """
    consent = application.consents.filter(kind=kind, withdrawn_at__isnull=True).first()
    return consent is not None and _withdraw(consent, application, actor, request)


@transaction.atomic
def counseling_request_create(
    *,
    consumer: Any,
    application: Application | None,
    preferred_times: Iterable[str],
    phone: str | None,
    language: str,
    note: str | None,
    topic: str = CounselingRequest.Topic.DEBT,
    request: HttpRequest | None = None,
) -> CounselingRequest:
    """A request to talk to a counselor; reaches the counselor queue whatever the
    state of the application (NFCC: no pre-screening).

    Side effects: one CounselingRequest (phone and note encrypted; `topic` from the closed
    list, anything else is "other"); one audit `create`; one ``counseling_requested``
    analytics event; a notice (outbox) without personal data to the agency's address, if
    it has one.
    """
    wanted = [t for t in preferred_times if t in CounselingRequest.Time.values]
    counseling = CounselingRequest.objects.create(
        consumer=consumer,
        application=application,
        preferred_times=wanted,
        phone=phone or None,
        language=language,
        note=note or None,
        topic=topic if topic in CounselingRequest.Topic.values else CounselingRequest.Topic.OTHER,
    )
    if application is not None:
        consumer_audit(
            actor=consumer,
            action=AuditAction.CREATE,
            object_type="counseling_request",
            object_id=str(counseling.public_id),
            application=application,
            request=request,
            purpose="consumer asked to talk to a counselor",
        )
    else:
        _audit_without_case(consumer, counseling, request)
    counseling_requested_emit(counseling)
    agency_notice(kind=Kind.AGENCY_ACTIVITY)
    return counseling


def _audit_without_case(consumer: Any, counseling: CounselingRequest, request: Any) -> None:
    audit_record(
        actor=consumer,
        role=Role.CONSUMER,
        action=AuditAction.CREATE,
        object_type="counseling_request",
        object_id=str(counseling.public_id),
        purpose="consumer asked to talk to a counselor",
        request=request,
    )


@transaction.atomic
def message_post(
    *,
    application: Application,
    author: Any,
    body: str,
    from_staff: bool,
    reply_to: Message | None = None,
    request: HttpRequest | None = None,
) -> Message:
    """A secure message on the application's thread (from the consumer or a counselor).

    Side effects: one Message (body encrypted); one audit `create`; a notice (outbox)
    without personal data to the other side: the consumer, or the case's counselor (the
    agency's address when nobody has the case).
    """
    if reply_to is not None and reply_to.application_id != application.pk:
        reply_to = None
    message = Message.objects.create(
        application=application,
        author=author,
        body=body,
        from_staff=from_staff,
        reply_to=reply_to,
    )
    consumer_audit(
        actor=author,
        action=AuditAction.CREATE,
        object_type="message",
        object_id=str(message.public_id),
        application=application,
        request=request,
        purpose="secure message",
        role=Role.COUNSELOR if from_staff else Role.CONSUMER,
    )
    if from_staff:
        consumer_notice(application=application, kind=Kind.MESSAGE_FOR_CONSUMER, page="messages")
    else:
        staff_notice(application=application, kind=Kind.MESSAGE_FOR_COUNSELOR)
    return message


def stage_record(application: Application, stage: str) -> None:
    """The application's timeline row for `stage` (once)."""
    StatusChange.objects.get_or_create(application=application, stage=stage)


@transaction.atomic
def plan_offer_publish(
    *,
    application: Application,
    snapshot: Mapping[str, Any],
    document: str,
    actor: Any = None,
) -> PlanOffer:
    """Publishes a counselor's plan to the consumer: the snapshot (per-creditor payments,
    deposit, payoff date, savings, fees) frozen as JSON, and the written action plan text
    whose SHA-256 the consumer's e-signature will carry. Called by the counselor side.

    Side effects: locks the application; marks earlier offers superseded; inserts a
    PlanOffer; status -> offered and the `offered` timeline row; one audit `create`; the
    consumer's "offer ready" notice (outbox).
    """
    locked = Application.objects.select_for_update().get(pk=application.pk)
    locked.plan_offers.filter(superseded=False).update(superseded=True)
    offer = PlanOffer.objects.create(
        application=locked,
        snapshot=dict(snapshot),
        document=document,
        document_hash=document_sha256(document),
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    Application.objects.filter(pk=locked.pk).update(status=Application.Status.OFFERED)
    stage_record(locked, StatusChange.Stage.OFFERED)
    consumer_audit(
        actor=actor,
        action=AuditAction.CREATE,
        object_type="plan_offer",
        object_id=str(offer.public_id),
        application=locked,
        request=None,
        purpose="plan offer sent",
        role=Role.COUNSELOR if actor is not None else "system",
    )
    consumer_notice(application=locked, kind=Kind.OFFER_READY, page="offer")
    return offer


def offer_for_answer(application: Application, offer_id: Any, document_hash: str) -> PlanOffer:
    """The offer the consumer answers, locked; raises OfferAlreadySigned, OfferNotOpen or
    OfferChanged (the document shown is not the one stored)."""
    offer = (
        application.plan_offers.select_for_update().filter(public_id=offer_id).first()
        if offer_id
        else None
    )
    if offer is not None and offer.is_accepted:
        raise OfferAlreadySigned(
            _("This plan is already signed. A signed plan never changes: download your copy.")
        )
    if offer is None or offer.superseded or offer.status != PlanOffer.Status.OPEN:
        raise OfferNotOpen(_("This offer is no longer open. Please look at your latest offer."))
    if offer.rendering_of(document_hash) is None:
        raise OfferChanged(_("The offer changed since you opened it. Please read it again."))
    return offer


@transaction.atomic
def plan_offer_decline(
    *,
    application: Application,
    offer_id: Any,
    document_hash: str,
    reason: str,
    actor: Any,
    category: str = PlanOffer.DeclineCategory.OTHER,
    request: HttpRequest | None = None,
) -> PlanOffer:
    """The consumer declines the current offer, with a reason: `category` from the closed
    list (anything else is "other") and optional free text `reason`.

    Side effects: offer open -> declined with the category and the reason (encrypted);
    status -> declined and its timeline row; one audit `update`; one ``declined``
    analytics event (the category only). Raises OfferNotOpen, OfferChanged.
    """
    offer = offer_for_answer(application, offer_id, document_hash)
    offer.status, offer.responded_at = PlanOffer.Status.DECLINED, timezone.now()
    offer.decline_reason = reason.strip() or None
    categories = PlanOffer.DeclineCategory
    offer.decline_category = category if category in categories.values else categories.OTHER
    offer.save(update_fields=["status", "responded_at", "decline_reason", "decline_category"])
    Application.objects.filter(pk=application.pk).update(status=Application.Status.DECLINED)
    stage_record(application, StatusChange.Stage.DECLINED)
    consumer_audit(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type="plan_offer",
        object_id=str(offer.public_id),
        application=application,
        request=request,
        purpose="plan offer declined",
    )
    offer_declined_emit(application, offer.decline_category)
    return offer
