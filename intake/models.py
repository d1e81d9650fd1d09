"""The consumer's application. Its parts (household, income, expenses, debts,
documents, consents) hang off it; PII lives in those parts, in encrypted fields."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class Application(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        IN_REVIEW = "in_review", "In review"
        OFFERED = "offered", "Plan offered"
        ENROLLED = "enrolled", "Enrolled"
        CLOSED = "closed", "Closed"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    consumer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="applications"
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    language = models.CharField(
        max_length=2, choices=[("en", "English"), ("es", "Español")], default="en"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            # Double clicks and retries resume the same draft instead of making another.
            models.UniqueConstraint(
                fields=["consumer"],
                condition=models.Q(status="draft"),
                name="application_one_draft_per_consumer",
            )
        ]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"Application {self.public_id}"
