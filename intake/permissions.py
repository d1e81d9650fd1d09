"""Who may do what on the consumer side (one place for the role checks)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from tenants.roles import is_staff_member


def consumers_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Views that create a consumer's records (an application, a call-back request): staff
    get 403 and nothing is created. Put it under @login_required."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if is_staff_member(request.user):
            raise PermissionDenied("Staff do not apply as consumers.")
        return view(request, *args, **kwargs)

    return wrapped
