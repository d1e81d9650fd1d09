"""Auditing for views: ``@audited`` records each use of a view that reads or writes
consumer data, and each refusal (a 404 or 403 from an access helper) as a denied event.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from .models import AuditOutcome
from .selectors import audit_role_for
from .services import audit_record

View = Callable[..., HttpResponse]


@dataclass(frozen=True)
class AuditSpec:
    """What a view records; attached to the view as ``view.audit_spec``."""

    action: str
    object_type: str
    acting_as: tuple[str, ...]
    purpose: str
    id_kwarg: str
    case_kwarg: str | None

    def target(self, kwargs: dict[str, Any]) -> tuple[str, str]:
        """(object_id, case_id) from the URL keyword arguments."""
        case = kwargs.get(self.case_kwarg, "") if self.case_kwarg else ""
        return str(kwargs.get(self.id_kwarg, "")), str(case)


def audit_request_record(
    request: HttpRequest, spec: AuditSpec, kwargs: dict[str, Any], outcome: str
) -> None:
    """Records one event for a request to an audited view.

    Side effects: one AuditEvent (see ``services.audit_record``).
    """
    object_id, case_id = spec.target(kwargs)
    audit_record(
        actor=request.user,
        role=audit_role_for(request.user, spec.acting_as),
        action=spec.action,
        object_type=spec.object_type,
        object_id=object_id,
        case_id=case_id,
        purpose=spec.purpose,
        outcome=outcome,
        request=request,
    )


def _outcome_of(response: HttpResponse) -> str:
    if response.status_code in (403, 404):
        return AuditOutcome.DENIED
    return AuditOutcome.ERROR if response.status_code >= 500 else AuditOutcome.ALLOWED


def audited(
    action: str,
    object_type: str,
    *,
    acting_as: tuple[str, ...],
    purpose: str,
    id_kwarg: str = "public_id",
    case_kwarg: str | None = None,
) -> Callable[[View], View]:
    """Records every call of the view: allowed, denied (Http404/PermissionDenied) or error.

    ``acting_as`` names the roles the view serves; the one the user holds is recorded
    (it is not a permission check: the view and its access helper still decide).
    ``id_kwarg``/``case_kwarg`` name the URL arguments holding the object and case ids.
    Put it inside ``login_required`` so anonymous requests go to sign-in unrecorded.
    The event is written before the response leaves, so a failed write is a 500, never
    an unrecorded read. Exceptions from the view are re-raised unchanged.
    """
    spec = AuditSpec(action, object_type, tuple(acting_as), purpose, id_kwarg, case_kwarg)

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                response = view(request, *args, **kwargs)
            except (Http404, PermissionDenied):
                audit_request_record(request, spec, kwargs, AuditOutcome.DENIED)
                raise
            except Exception:
                audit_request_record(request, spec, kwargs, AuditOutcome.ERROR)
                raise
            audit_request_record(request, spec, kwargs, _outcome_of(response))
            return response

        wrapper.audit_spec = spec  # type: ignore[attr-defined]
        return wrapper

    return decorate
