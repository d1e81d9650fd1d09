"""Writes of access grants: issue, revoke, and use (which is always audited)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from tenants.audit.models import AuditAction, AuditOutcome
from tenants.audit.services import audit_record
from tenants.roles import Role, has_role

from .errors import GrantError, GrantRequired
from .models import Grant
from .selectors import grant_live_for


@transaction.atomic
def grant_issue(
    *,
    user: object,
    scope: str,
    reason: str,
    duration: timedelta,
    issued_by: object | None,
    request: HttpRequest | None = None,
) -> Grant:
    """Issues a grant to a platform support person for ``duration`` from now.

    Side effects: one Grant row; one audit event (create, object ``grant``).
    Raises GrantError when the grantee is not platform support, the reason is blank or
    the duration is not between one minute and ``CREDITGENIE_GRANT_MAX_SECONDS``.
    """
    if not has_role(user, Role.PLATFORM_SUPPORT):
        raise GrantError("grants are for platform support staff only")
    if not reason.strip():
        raise GrantError("a grant needs a reason")
    if (
        not timedelta(minutes=1)
        <= duration
        <= timedelta(seconds=settings.CREDITGENIE_GRANT_MAX_SECONDS)
    ):
        raise GrantError("a grant lasts between one minute and the configured maximum")
    now = timezone.now()
    grant = Grant.objects.create(
        user=user,
        scope=Grant.Scope(scope),
        reason=reason.strip(),
        issued_by=issued_by,
        issued_at=now,
        expires_at=now + duration,
    )
    _audit(
        grant,
        actor=issued_by,
        role=Role.AGENCY_ADMIN if issued_by else "",
        action=AuditAction.CREATE,
        purpose="grant issued",
        request=request,
    )
    return grant


@transaction.atomic
def grant_revoke(*, grant: Grant, actor: object | None, request: HttpRequest | None = None) -> None:
    """Ends a grant now. Side effects: sets ``revoked_at``; one audit event (update)."""
    if grant.revoked_at is None:
        grant.revoked_at = timezone.now()
        grant.save(update_fields=["revoked_at"])
    _audit(
        grant,
        actor=actor,
        role=Role.AGENCY_ADMIN if actor else "",
        action=AuditAction.UPDATE,
        purpose="grant revoked",
        request=request,
    )


def grant_use(*, request: HttpRequest, scope: str, action: str, purpose: str) -> Grant:
    """The signed-in person's live grant for ``scope``, with the use audited.

    Side effects: one audit event carrying the grant id (allowed), or one denied event
    when there is no live grant. Raises GrantRequired (a PermissionDenied) then.
    """
    grant = grant_live_for(user=request.user, scope=scope)
    audit_record(
        actor=request.user,
        role=Role.PLATFORM_SUPPORT,
        action=action,
        object_type=f"{scope}_access",
        object_id=str(getattr(request.resolver_match, "view_name", ""))[:64],
        purpose=purpose,
        grant_id=grant.public_id if grant else None,
        outcome=AuditOutcome.ALLOWED if grant else AuditOutcome.DENIED,
        request=request,
    )
    if grant is None:
        raise GrantRequired(f"no live {scope} grant")
    return grant


def _audit(
    grant: Grant,
    *,
    actor: object | None,
    role: str,
    action: str,
    purpose: str,
    request: HttpRequest | None,
) -> None:
    audit_record(
        actor=actor,
        role=role,
        action=action,
        object_type="grant",
        object_id=str(grant.public_id),
        purpose=purpose,
        grant_id=grant.public_id,
        request=request,
    )
