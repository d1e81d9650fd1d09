"""A consumer-like record with every encrypted field type and blind index, and its plain twin
for the benchmark."""

from __future__ import annotations

import uuid

from django.db import models

from tenants.encryption.blind_index import BlindIndexField
from tenants.encryption.fields import (
    EncryptedDateField,
    EncryptedDecimalField,
    EncryptedJSONField,
    EncryptedTextField,
)


class Client(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    last_name = models.CharField(max_length=100)
    ssn = EncryptedTextField()
    email = EncryptedTextField(null=True, blank=True)
    phone = EncryptedTextField(null=True, blank=True)
    birth_date = EncryptedDateField(null=True, blank=True)
    monthly_income = EncryptedDecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    notes = EncryptedTextField(blank=True, default="")
    email_index = BlindIndexField("email", sources=["email"])
    phone_index = BlindIndexField("phone", sources=["phone"])
    ssn_name_index = BlindIndexField("ssn_last4_name", sources=["ssn", "last_name"])

    def __str__(self) -> str:
        return f"client {self.public_id}"


class PlainClient(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    last_name = models.CharField(max_length=100)
    ssn = models.TextField()
    email = models.TextField(blank=True, default="")
    phone = models.TextField(blank=True, default="")
    birth_date = models.DateField(null=True, blank=True)
    monthly_income = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    notes = models.TextField(blank=True, default="")

    def __str__(self) -> str:
        return f"plain client {self.public_id}"


class BankAccount(models.Model):
    """A UUID primary key serves as the row identity."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    account_number = EncryptedTextField(identity_field="id")

    def __str__(self) -> str:
        return f"bank account {self.id}"


class Plan(models.Model):
    """An encrypted JSON document (as proposal versions and offer snapshots hold)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    terms = EncryptedJSONField(default=dict, blank=True)

    def __str__(self) -> str:
        return f"plan {self.public_id}"
