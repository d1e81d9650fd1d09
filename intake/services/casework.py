"""Writes of the counselor's casework on the intake's tables: moving an application
along its allowed statuses. Called by the counselor side, which keeps the reason text in
its own records (the intake's audit event carries fixed phrases only)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from integrations.warehouse import facts as wf
from integrations.warehouse.services import outbox_emit
from tenants.audit.models import AuditAction
from tenants.audit.selectors import audit_role_for
from tenants.roles import CASEWORK_ROLES

from ..errors import IntakeError
from ..models import Application, PlanOffer, StatusChange
from .common import consumer_audit

S = Application.Status

# Status changes a counselor may make. The others happen in their own services: draft ->
# submitted (application_submit), -> offered (plan_offer_publish), -> enrolled
# (plan_offer_accept), -> declined (plan_offer_decline). A closed case stays closed.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    S.SUBMITTED: (S.IN_REVIEW, S.CLOSED),
    S.IN_REVIEW: (S.CLOSED,),
    S.OFFERED: (S.IN_REVIEW, S.CLOSED),
    S.DECLINED: (S.IN_REVIEW, S.CLOSED),
    S.ENROLLED: (S.CLOSED,),
}

CLOSE_REASONS: tuple[str, ...] = wf.CLOSE_REASONS


class StatusChangeRefused(IntakeError):
    """Not an allowed transition, no reason, or a missing or unknown close reason."""


class StatusChangeConflict(StatusChangeRefused):
    """Someone else changed the application's status first; ``current`` is its status now."""

    def __init__(self, message: str, current: str) -> None:
        super().__init__(message)
        self.current = current


def allowed_statuses(status: str) -> tuple[str, ...]:
    """The statuses a counselor may move an application in ``status`` to (maybe none)."""
    return TRANSITIONS.get(status, ())


def months_between(start: datetime, end: datetime) -> int:
    """Whole calendar months from ``start`` to ``end`` (0 if ``end`` is not later)."""
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if (end.day, end.time()) < (start.day, start.time()):
        months -= 1
    return max(months, 0)


@transaction.atomic
def application_status_change(
    *,
    application: Application,
    status: str,
    reason: str,
    actor: Any,
    request: HttpRequest | None = None,
    close_reason: str | None = None,
) -> Application:
    """Moves the application from the status the caller saw (``application.status``) to
    ``status``, if TRANSITIONS allows it.

    ``reason`` (free text, kept by the caller) must not be empty; closing needs
    ``close_reason``, one of CLOSE_REASONS. The UPDATE is conditional (``WHERE status =
    <the status the caller saw>``), so of two counselors moving the same case only the
    first succeeds: the second gets StatusChangeConflict.

    Side effects: the application's status; the stage's timeline row (StatusChange, once
    per stage: re-entering a stage keeps its first time); leaving ``offered`` marks the open
    offer superseded (the consumer can no longer sign it); one ``application_status``
    update audit event; closing emits the ``closed`` analytics event (close reason, whole
    months since the ``enrolled`` timeline row, 0 if never enrolled). Returns the
    application with its new status. Raises StatusChangeRefused, StatusChangeConflict.
    """
    old = application.status
    if status not in allowed_statuses(old):
        raise StatusChangeRefused(
            f"A case cannot move from {S(old).label if old in S.values else old} to "
            f"{S(status).label if status in S.values else status}."
        )
    if not (reason or "").strip():
        raise StatusChangeRefused("Give a reason for the status change.")
    if status == S.CLOSED:
        if close_reason not in CLOSE_REASONS:
            raise StatusChangeRefused("Choose why the case is closed.")
    elif close_reason:
        raise StatusChangeRefused("A close reason is only for closing a case.")
    moved = Application.objects.filter(pk=application.pk, status=old).update(
        status=status, updated_at=timezone.now()
    )
    if not moved:
        current = Application.objects.filter(pk=application.pk).values_list("status", flat=True)
        now_status = current.first() or ""
        raise StatusChangeConflict(
            "Someone changed this case's status while you were looking at it "
            f"(it is now {S(now_status).label if now_status in S.values else now_status}).",
            current=now_status,
        )
    application.status = status
    StatusChange.objects.get_or_create(application=application, stage=status)
    if old == S.OFFERED:
        application.plan_offers.filter(superseded=False, status=PlanOffer.Status.OPEN).update(
            superseded=True
        )
    consumer_audit(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type="application_status",
        object_id=str(application.public_id),
        application=application,
        request=request,
        purpose=f"status {old} to {status}"
        + (f" (close reason {close_reason})" if status == S.CLOSED else ""),
        role=audit_role_for(actor, CASEWORK_ROLES),
    )
    if status == S.CLOSED:
        enrolled_at = (
            StatusChange.objects.filter(application=application, stage=StatusChange.Stage.ENROLLED)
            .values_list("at", flat=True)
            .first()
        )
        months = months_between(enrolled_at, timezone.now()) if enrolled_at else 0
        outbox_emit(
            event_type=wf.EventType.CLOSED,
            subject=wf.Subject(
                consumer_ref=str(application.consumer_id), case_ref=str(application.public_id)
            ),
            facts=wf.Closed(reason=close_reason, months_enrolled=min(months, 600)),
        )
    return application
