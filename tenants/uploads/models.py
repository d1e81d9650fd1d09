"""One stored document: its bytes live in the default storage under a random key; this row
holds what we know about them. The original name is encrypted (it can carry a name or an
account number); the row never holds the contents."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from tenants.encryption.fields import EncryptedTextField


class StoredFile(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for the malware scan"
        CLEAN = "clean", "Clean"
        INFECTED = "infected", "Infected (quarantined)"
        REJECTED = "rejected", "Rejected by the scanner"

    class ContentType(models.TextChoices):
        PDF = "application/pdf", "PDF"
        PNG = "image/png", "PNG image"
        JPEG = "image/jpeg", "JPEG image"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # uploads/<yyyy>/<mm>/<32 random hex digits>: never derived from the name or the ids.
    storage_key = models.CharField(max_length=200, unique=True, editable=False)
    original_name = EncryptedTextField()
    size = models.PositiveIntegerField()  # bytes as stored (after re-encoding), before sealing
    sha256 = models.CharField(max_length=64)
    content_type = models.CharField(max_length=32, choices=ContentType.choices)
    # True when the app sealed the bytes (AES-256-GCM); False when S3 encrypts them (SSE-KMS).
    sealed = models.BooleanField()
    status = models.CharField(max_length=8, choices=Status.choices)
    signature = models.CharField(max_length=200, blank=True)  # the scanner's finding, if any
    case_id = models.CharField(max_length=64, blank=True, db_index=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    scanned_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["pending", "clean", "infected", "rejected"]),
                name="storedfile_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(size__gte=1), name="storedfile_size_positive"
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"StoredFile {self.public_id}"

    @property
    def downloadable(self) -> bool:
        return self.status == self.Status.CLEAN
