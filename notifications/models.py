"""The outbox of notices, the consumer's channel choices and the SMS opt-outs."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tenants.encryption.blind_index import BlindIndexField
from tenants.encryption.fields import EncryptedTextField

from .kinds import Kind


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("Text message")


class Notice(models.Model):
    """One notice to one address on one channel, written in the transaction of the event
    that causes it and delivered by ``notifications.notice_deliver``. The address is
    encrypted; the text is rendered at delivery from the kind, language and link only."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")
        BOUNCED = "bounced", _("Bounced")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notices",
    )
    kind = models.CharField(max_length=32, choices=Kind.choices)
    channel = models.CharField(max_length=8, choices=Channel.choices)
    language = models.CharField(max_length=2, choices=settings.LANGUAGES, default="en")
    address = EncryptedTextField()
    link = models.CharField(max_length=300, blank=True)  # a path of this deployment
    # "Once" for events that may be seen again (a reminder, a bank item's renewal).
    dedupe_key = models.CharField(max_length=120, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    provider_id = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="notice_due_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["dedupe_key", "channel"],
                condition=~models.Q(dedupe_key=""),
                name="notice_once_per_channel",
            ),
            models.CheckConstraint(
                condition=models.Q(state__in=["pending", "delivered", "failed", "bounced"]),
                name="notice_state_known",
            ),
        ]

    def __str__(self) -> str:
        return f"Notice {self.public_id} ({self.kind}, {self.channel})"


class ChannelPreference(models.Model):
    """What one person chose: e-mail on or off; texts only after an explicit opt-in whose
    consent text (version, language, SHA-256) is kept like the intake consents."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notice_preference"
    )
    email = models.BooleanField(default=True)
    sms = models.BooleanField(default=False)
    sms_consent_version = models.CharField(max_length=32, blank=True)
    sms_consent_language = models.CharField(max_length=2, blank=True)
    sms_consent_sha256 = models.CharField(max_length=64, blank=True)
    sms_consented_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"ChannelPreference {self.user_id}"

    @property
    def texts_allowed(self) -> bool:
        return self.sms and self.sms_consented_at is not None


class SmsOptOut(models.Model):
    """A number that answered STOP (or was reported opted out by SNS): no more texts to it,
    whoever it belongs to, until its owner opts in again in the portal."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    phone = EncryptedTextField()
    phone_index = BlindIndexField("phone", sources=["phone"], unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"SmsOptOut {self.pk}"
