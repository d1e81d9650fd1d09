"""Data keys: the AES-256 keys that encrypt field values, stored only wrapped under the
agency's master key (local key file or KMS key)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone


class DataKey(models.Model):
    """One data key. Exactly one is active (used for new writes); retired keys stay so the
    values written under them remain readable. The id is random, short and never reused: it
    names the key inside every stored value."""

    class Provider(models.TextChoices):
        LOCAL = "local", "Local key file"
        KMS = "kms", "AWS KMS"

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        RETIRED = "retired", "Retired"

    id = models.CharField(primary_key=True, max_length=8, editable=False)
    wrapped_key = models.BinaryField()
    provider = models.CharField(max_length=10, choices=Provider.choices)
    master_key_id = models.CharField(max_length=2048)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(default=timezone.now)
    rewrapped_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["status"],
                condition=Q(status="active"),
                name="encryption_datakey_one_active",
            ),
        ]

    def __str__(self) -> str:
        return f"data key {self.id} ({self.status}, {self.provider})"
