"""Time-boxed elevated access: a platform support person entering one agency deployment.

A grant names who, for which scope, why, when it was issued and when it expires. It is
never permanent: it expires by itself (``expires_at``), may be revoked earlier, and
every use is an audit event carrying the grant's id.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone


class Grant(models.Model):
    class Scope(models.TextChoices):
        ADMIN = "admin", "Django admin of this agency"
        CASES = "cases", "Read consumer cases for support"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="access_grants"
    )
    scope = models.CharField(max_length=16, choices=Scope.choices)
    reason = models.CharField(max_length=500)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty when an operator issued it from the command line.",
    )
    issued_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-issued_at"]
        indexes = [models.Index(fields=["user", "scope", "expires_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("issued_at")), name="grant_expires_after_issue"
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="grant_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.scope} grant {self.public_id}"

    def is_live(self, at: datetime | None = None) -> bool:
        at = at or timezone.now()
        return self.revoked_at is None and self.issued_at <= at < self.expires_at
