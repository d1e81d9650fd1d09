"""Plaid records: items (encrypted access tokens), accounts, transactions, webhook dedupe.

Integrations knows nothing of applications: intake keeps the item's ``public_id``.
"""

from __future__ import annotations

import uuid

from django.core.validators import RegexValidator
from django.db import models

from tenants.encryption.fields import EncryptedDecimalField, EncryptedTextField

from ..attempts import Vendor

MASK = RegexValidator(r"^[0-9A-Za-z]{0,8}$", "an account mask is up to 8 letters or digits")


class PlaidItem(models.Model):
    class Status(models.TextChoices):
        OK = "ok", "Connected"
        LOGIN_REQUIRED = "login_required", "Reconnect needed"
        PENDING_EXPIRATION = "pending_expiration", "Consent expiring"
        REVOKED = "revoked", "Access revoked"
        REMOVED = "removed", "Removed"
        # A permanent or unexpected error, or a sync that timed out: "re-run" is offered.
        FAILED = "failed", "Sync failed — re-run"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    item_id = models.CharField(max_length=64, unique=True)
    access_token = EncryptedTextField()
    institution_id = models.CharField(max_length=32, blank=True)
    status = models.CharField(max_length=24, choices=Status.choices, default=Status.OK)
    error_code = models.CharField(max_length=64, blank=True)
    cursor = models.TextField(blank=True)  # /transactions/sync position, stored with the data
    # Claim of the running sync: the Celery task id (a redelivered message keeps it).
    sync_claimed_by = models.CharField(max_length=64, blank=True)
    sync_claimed_at = models.DateTimeField(null=True, blank=True)
    synced_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "integrations"

    def __str__(self) -> str:
        return f"Plaid item {self.public_id} ({self.status})"


class PlaidAccount(models.Model):
    """An account the consumer shared: its name, mask and figures are encrypted; Plaid's
    opaque account id and the type (depository/credit, checking/savings) stay plain."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    item = models.ForeignKey(PlaidItem, on_delete=models.CASCADE, related_name="accounts")
    account_id = models.CharField(max_length=64, unique=True)
    name = EncryptedTextField()
    mask = EncryptedTextField(blank=True, validators=[MASK])
    type = models.CharField(max_length=24)
    subtype = models.CharField(max_length=32, blank=True)
    current = EncryptedDecimalField(max_digits=12, decimal_places=2, null=True)
    available = EncryptedDecimalField(max_digits=12, decimal_places=2, null=True)
    limit = EncryptedDecimalField(max_digits=12, decimal_places=2, null=True)
    purchase_apr = EncryptedDecimalField(max_digits=6, decimal_places=2, null=True)
    minimum_payment = EncryptedDecimalField(max_digits=12, decimal_places=2, null=True)

    class Meta:
        app_label = "integrations"

    def __str__(self) -> str:
        return f"Plaid account {self.public_id} ({self.type}/{self.subtype})"


class PlaidTransaction(models.Model):
    """What counseling needs of a transaction: amount, date, category, merchant; the amount,
    category and merchant are encrypted (read in Python by reconciliation only)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    item = models.ForeignKey(PlaidItem, on_delete=models.CASCADE, related_name="transactions")
    transaction_id = models.CharField(max_length=64, unique=True)
    account_id = models.CharField(max_length=64)
    amount = EncryptedDecimalField(max_digits=12, decimal_places=2)
    date = models.DateField()
    pending = models.BooleanField(default=False)
    category = EncryptedTextField()
    merchant = EncryptedTextField(blank=True)

    class Meta:
        app_label = "integrations"

    def __str__(self) -> str:
        return f"Plaid transaction {self.public_id} ({self.date})"


class WebhookDelivery(models.Model):
    """One verified webhook delivery; the unique key makes duplicates a no-op."""

    vendor = models.CharField(max_length=16, choices=Vendor.choices)
    dedupe_key = models.CharField(max_length=96)
    webhook_type = models.CharField(max_length=48)
    webhook_code = models.CharField(max_length=48)
    item_id = models.CharField(max_length=64, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "integrations"
        constraints = [
            models.UniqueConstraint(fields=["vendor", "dedupe_key"], name="webhook_delivery_once")
        ]

    def __str__(self) -> str:
        return f"{self.vendor} {self.webhook_type}/{self.webhook_code}"
