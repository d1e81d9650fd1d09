"""Writes of the consumer side."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction

from .models import Application


def application_start(*, consumer: AbstractBaseUser, language: str = "en") -> Application:
    """The consumer's draft application, created on first call and resumed after.

    Safe under double submits: a unique constraint allows one draft per consumer and
    a losing concurrent insert returns the winner's draft.
    Side effects: may insert one Application row.
    """
    existing = Application.objects.filter(consumer=consumer, status=Application.Status.DRAFT)
    draft = existing.first()
    if draft is not None:
        return draft
    try:
        with transaction.atomic():
            return Application.objects.create(consumer=consumer, language=language)
    except IntegrityError:
        return existing.get()
