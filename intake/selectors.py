"""Reads of the consumer side, scoped to what the signed-in person may see."""

from __future__ import annotations

from uuid import UUID

from django.http import Http404, HttpRequest

from .models import Application


def get_application_for(request: HttpRequest, public_id: UUID) -> Application:
    """The application if the signed-in consumer owns it; 404 otherwise.

    A foreign or unknown application is the same 404, so its existence is not revealed.
    """
    application = Application.objects.filter(
        public_id=public_id, consumer_id=request.user.pk
    ).first()
    if application is None:
        raise Http404("No such application")
    return application
