"""What every intake write shares: the draft lock and the audit event."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _

from tenants.audit.services import audit_record
from tenants.roles import Role

from ..errors import ApplicationLocked
from ..models import Application
from .analytics import step_completed_emit

INTAKE_PURPOSE = "consumer intake"


def draft_lock(application: Application) -> Application:
    """The application row locked for update (inside the caller's transaction).

    Serializes autosaves of one application with its submit. Raises ApplicationLocked
    when it is no longer a draft.
    """
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if locked.status != Application.Status.DRAFT:
        raise ApplicationLocked(_("This application was already sent, so it cannot be changed."))
    return locked


def step_mark(application: Application, step: str, complete: bool) -> None:
    """Adds or removes `step` from the completed steps (one UPDATE when it changes).

    The first completion of a step ever (not again after an edit un-completed it) is a
    ``step_completed`` analytics event, in the caller's transaction (`application` is the
    row locked by draft_lock)."""
    done = [s for s in application.completed_steps if s != step] + ([step] if complete else [])
    first = complete and step not in application.reported_steps
    if sorted(done) != sorted(application.completed_steps) or first:
        application.completed_steps = sorted(done)
        if first:
            application.reported_steps = sorted([*application.reported_steps, step])
        Application.objects.filter(pk=application.pk).update(
            completed_steps=application.completed_steps,
            reported_steps=application.reported_steps,
        )
    if first:
        step_completed_emit(application, step)


def consumer_audit(
    *,
    actor: Any,
    action: str,
    object_type: str,
    object_id: str,
    application: Application,
    request: HttpRequest | None,
    purpose: str = INTAKE_PURPOSE,
    role: str = Role.CONSUMER,
) -> None:
    """One audit event about the application's data, recorded by the consumer (or system)."""
    audit_record(
        actor=actor,
        role=role,
        action=action,
        object_type=object_type,
        object_id=object_id,
        case_id=str(application.public_id),
        purpose=purpose,
        request=request,
    )
