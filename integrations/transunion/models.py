"""Bureau records: pull requests (claimed by workers) and credit reports.

The raw report is encrypted and kept only until ``retain_until``; the app uses the
parsed summary without identity data (tradelines, inquiries, public records) and the
score, both encrypted too.
"""

from __future__ import annotations

import uuid

from django.db import models

from tenants.encryption.fields import (
    EncryptedIntegerField,
    EncryptedJSONField,
    EncryptedTextField,
)


class BureauPull(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Report received"
        FAILED = "failed", "Verification failed — re-run"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # The caller's key (e.g. "application:<uuid>"): a double submit finds the same pull.
    idempotency_key = models.CharField(max_length=96, unique=True)
    # Our reference sent to the bureau (userRefNumber): how a lost answer is found again.
    reference = models.CharField(max_length=24, unique=True)
    consent_reference = models.CharField(max_length=96)
    subject = EncryptedTextField()  # JSON of the consumer's identity, needed to pull
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    claimed_by = models.CharField(max_length=64, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    error_code = models.CharField(max_length=64, blank=True)
    requested_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        app_label = "integrations"

    def __str__(self) -> str:
        return f"Bureau pull {self.public_id} ({self.status})"


class CreditReport(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    pull = models.OneToOneField(BureauPull, on_delete=models.PROTECT, related_name="report")
    raw_xml = EncryptedTextField(null=True, blank=True)  # purged after retain_until
    retain_until = models.DateTimeField()
    received_at = models.DateTimeField(auto_now_add=True)
    hit = models.BooleanField()
    frozen = models.BooleanField()
    score = EncryptedIntegerField(null=True, blank=True)
    # Tradelines (creditors, balances), inquiries, ...: no identity data, but the
    # consumer's credit file, so encrypted like the raw report.
    summary = EncryptedJSONField(default=dict)

    class Meta:
        app_label = "integrations"

    def __str__(self) -> str:
        return f"Credit report {self.public_id}"
