"""Verification of a submitted application: the bank connections (Plaid items, kept by
their integrations public id: no tokens here), the reconciliation's flags, and the
verification request that ties the bureau pull and the bank syncs to the application."""

from __future__ import annotations

import uuid

from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone

from tenants.encryption.fields import EncryptedJSONField, EncryptedTextField

from .application import Application


class BankConnection(models.Model):
    """A bank the consumer connected on the bank step (``integrations`` PlaidItem public id).
    Withdrawing the bank-data consent removes the item at Plaid and stamps ``removed_at``."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="bank_connections"
    )
    item_public_id = models.UUIDField(unique=True)
    institution_id = models.CharField(
        max_length=32, validators=[RegexValidator(r"^[A-Za-z0-9_]{1,32}$")]
    )
    created_at = models.DateTimeField(default=timezone.now)
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"BankConnection {self.public_id}"


class VerificationFlag(models.Model):
    """One finding of the reconciliation (stated vs verified). ``consumer_visible`` marks
    the consumer-safe subset shown in the portal; ``detail`` is staff text (no PII)."""

    class Severity(models.TextChoices):
        INFO = "info", "Info"
        WARNING = "warning", "Warning"
        CRITICAL = "critical", "Critical"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="verification_flags"
    )

    class Source(models.TextChoices):
        BUREAU = "bureau", "Credit report"
        BANK = "bank", "Bank data"
        INCOME = "income", "Income"
        IDENTITY = "identity", "Identity"

    source = models.CharField(max_length=12, choices=Source.choices)
    code = models.CharField(max_length=32, validators=[RegexValidator(r"^[a-z_]{1,32}$")])
    severity = models.CharField(max_length=8, choices=Severity.choices)
    consumer_visible = models.BooleanField(default=False)
    detail = EncryptedTextField()  # may name a creditor from the report: escape
    data = EncryptedJSONField(default=dict, blank=True)  # figures (Decimal as strings)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.severity} {self.code}"
