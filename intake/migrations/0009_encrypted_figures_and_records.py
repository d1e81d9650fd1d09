"""Incomes, expenses, debts, consents' and signatures' IP and browser, offers, the
reconciliation's result and flags: encrypted (docs/encryption.md). Written by hand: each
column becomes text, then its values are sealed for their rows; the three models without a
row identity get one first."""

import uuid

from django.core.validators import MaxValueValidator, MinValueValidator, validate_ipv46_address
from django.db import migrations, models

import tenants.encryption.fields
from tenants.encryption.backfill import encrypt_in_place, host_address


def money(**kwargs):
    return tenants.encryption.fields.EncryptedDecimalField(
        blank=True,
        decimal_places=2,
        max_digits=12,
        null=True,
        validators=[MinValueValidator(0)],
        **kwargs,
    )


def text(**kwargs):
    return tenants.encryption.fields.EncryptedTextField(**kwargs)


def identity(null):
    if null:
        return models.UUIDField(editable=False, null=True)
    return models.UUIDField(default=uuid.uuid4, editable=False, unique=True)


NEW_IDENTITY = ("expense", "verificationflag", "verificationrequest")
ADDRESS = {"ip": host_address}
SEALED = (
    ("Income", ("gross", "net"), {}),
    ("Expense", ("amount",), {"new_identity": True}),
    ("Debt", ("creditor", "balance", "apr", "minimum_payment", "past_due"), {}),
    ("Consent", ("ip", "user_agent"), {"convert": ADDRESS}),
    ("PlanAcceptance", ("ip", "user_agent"), {"convert": ADDRESS}),
    ("PlanOffer", ("snapshot", "document"), {}),
    ("VerificationRequest", ("result",), {"new_identity": True}),
    ("VerificationFlag", ("detail", "data"), {"new_identity": True}),
)


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0008_plan_signature"),
        ("encryption", "0001_initial"),
    ]

    operations = [
        *(migrations.AddField(name, "public_id", identity(null=True)) for name in NEW_IDENTITY),
        migrations.AlterField("income", "gross", money()),
        migrations.AlterField("income", "net", money()),
        migrations.AlterField("expense", "amount", money()),
        migrations.AlterField("debt", "creditor", text(blank=True, null=True)),
        migrations.AlterField("debt", "balance", money()),
        migrations.AlterField(
            "debt",
            "apr",
            tenants.encryption.fields.EncryptedDecimalField(
                blank=True,
                decimal_places=2,
                max_digits=5,
                null=True,
                validators=[MinValueValidator(0), MaxValueValidator(100)],
            ),
        ),
        migrations.AlterField("debt", "minimum_payment", money()),
        migrations.AlterField("debt", "past_due", money()),
        *(
            migrations.AlterField(
                model,
                "ip",
                text(blank=True, null=True, validators=[validate_ipv46_address]),
            )
            for model in ("consent", "planacceptance")
        ),
        *(
            migrations.AlterField(model, "user_agent", text(blank=True, null=True))
            for model in ("consent", "planacceptance")
        ),
        migrations.AlterField(
            "planoffer", "snapshot", tenants.encryption.fields.EncryptedJSONField()
        ),
        migrations.AlterField("planoffer", "document", text()),
        migrations.AlterField(
            "verificationrequest",
            "result",
            tenants.encryption.fields.EncryptedJSONField(blank=True, default=dict),
        ),
        migrations.AlterField("verificationflag", "detail", text()),
        migrations.AlterField(
            "verificationflag",
            "data",
            tenants.encryption.fields.EncryptedJSONField(blank=True, default=dict),
        ),
        *(
            migrations.RunPython(
                encrypt_in_place("intake", model, names, **options),
                migrations.RunPython.noop,
            )
            for model, names, options in SEALED
        ),
        *(migrations.AlterField(name, "public_id", identity(null=False)) for name in NEW_IDENTITY),
    ]
