"""Talking to a counselor: requests for a call (no application needed) and the secure
messages of an application."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tenants.encryption.fields import EncryptedTextField

from .application import Application
from .household import PHONE_FORMAT


class CounselingRequest(models.Model):
    """ "Talk to a counselor": reachable from every page, with or without an application
    (NFCC: no pre-screening). Open until the counselor side marks it handled."""

    class Time(models.TextChoices):
        MORNING = "morning", _("Mornings (9 to 12)")
        AFTERNOON = "afternoon", _("Afternoons (12 to 5)")
        EVENING = "evening", _("Evenings (5 to 8)")
        SATURDAY = "saturday", _("Saturdays")

    class Topic(models.TextChoices):
        """What the consumer wants to talk about (closed list, also the analytics topic)."""

        BUDGET = "budget", _("Making a budget")
        DEBT = "debt", _("Paying off debt")
        HOUSING = "housing", _("Housing, rent or mortgage")
        STUDENT_LOANS = "student_loans", _("Student loans")
        BANKRUPTCY = "bankruptcy", _("Bankruptcy")
        OTHER = "other", _("Something else")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    consumer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="counseling_requests"
    )
    application = models.ForeignKey(
        Application,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="counseling_requests",
    )
    preferred_times = models.JSONField(default=list, blank=True)
    phone = EncryptedTextField(blank=True, null=True, validators=[PHONE_FORMAT])
    language = models.CharField(max_length=2, choices=[("en", "English"), ("es", "Español")])
    note = EncryptedTextField(blank=True, null=True)
    topic = models.CharField(max_length=16, choices=Topic.choices, default=Topic.DEBT)
    created_at = models.DateTimeField(default=timezone.now)
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["handled_at", "created_at"])]

    def __str__(self) -> str:
        return f"CounselingRequest {self.public_id}"

    @property
    def preferred_times_display(self) -> str:
        """The times chosen, in words ("Mornings (9 to 12), Saturdays")."""
        labels = dict(self.Time.choices)
        return ", ".join(str(labels.get(time, time)) for time in self.preferred_times)


class Message(models.Model):
    """A secure message on an application's thread; `reply_to` threads replies."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="messages")
    reply_to = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="replies"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="intake_messages"
    )
    from_staff = models.BooleanField(default=False)
    body = EncryptedTextField()
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Message {self.public_id}"
