"""Plaid accounts (name, mask, balances, limit, APR, minimum payment), Plaid transactions
(amount, category, merchant) and credit reports (score, summary with the tradelines):
encrypted (docs/encryption.md). Written by hand like intake 0009: the two Plaid models get a
row identity first, each column becomes text, then its values are sealed for their rows."""

import uuid

import django.core.validators
from django.db import migrations, models

import tenants.encryption.fields
from tenants.encryption.backfill import encrypt_in_place

MASK = django.core.validators.RegexValidator(
    "^[0-9A-Za-z]{0,8}$", "an account mask is up to 8 letters or digits"
)
NEW_IDENTITY = ("plaidaccount", "plaidtransaction")
ACCOUNT_FIGURES = ("current", "available", "limit", "minimum_payment")
SEALED = (
    (
        "PlaidAccount",
        ("name", "mask", *ACCOUNT_FIGURES, "purchase_apr"),
        {"new_identity": True},
    ),
    ("PlaidTransaction", ("amount", "category", "merchant"), {"new_identity": True}),
    ("CreditReport", ("score", "summary"), {}),
)


def constraints_now(apps, schema_editor):
    """The row updates above leave deferred foreign-key checks pending, and PostgreSQL
    refuses to ALTER a table with pending trigger events: run the checks now."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def identity(null):
    if null:
        return models.UUIDField(editable=False, null=True)
    return models.UUIDField(default=uuid.uuid4, editable=False, unique=True)


def money(digits=12, **kwargs):
    return tenants.encryption.fields.EncryptedDecimalField(
        decimal_places=2, max_digits=digits, **kwargs
    )


def text(**kwargs):
    return tenants.encryption.fields.EncryptedTextField(**kwargs)


class Migration(migrations.Migration):
    dependencies = [
        ("integrations", "0006_warehouse_profile_release"),
        ("encryption", "0001_initial"),
    ]

    operations = [
        *(migrations.AddField(name, "public_id", identity(null=True)) for name in NEW_IDENTITY),
        migrations.AlterField("plaidaccount", "name", text()),
        migrations.AlterField("plaidaccount", "mask", text(blank=True, validators=[MASK])),
        *(
            migrations.AlterField("plaidaccount", name, money(null=True))
            for name in ACCOUNT_FIGURES
        ),
        migrations.AlterField("plaidaccount", "purchase_apr", money(6, null=True)),
        migrations.AlterField("plaidtransaction", "amount", money()),
        migrations.AlterField("plaidtransaction", "category", text()),
        migrations.AlterField("plaidtransaction", "merchant", text(blank=True)),
        migrations.AlterField(
            "creditreport",
            "score",
            tenants.encryption.fields.EncryptedIntegerField(blank=True, null=True),
        ),
        migrations.AlterField(
            "creditreport", "summary", tenants.encryption.fields.EncryptedJSONField(default=dict)
        ),
        *(
            migrations.RunPython(
                encrypt_in_place("integrations", model, names, **options),
                migrations.RunPython.noop,
            )
            for model, names, options in SEALED
        ),
        migrations.RunPython(constraints_now, migrations.RunPython.noop),
        *(migrations.AlterField(name, "public_id", identity(null=False)) for name in NEW_IDENTITY),
    ]
