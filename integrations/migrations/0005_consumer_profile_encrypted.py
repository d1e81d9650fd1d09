"""Consumers' names and e-mail addresses move from auth_user to an encrypted profile; their
usernames become opaque. Written by hand: the move reads each consumer (a user in no staff
group) once, seals the values for the new profile row and blanks the user's columns."""

import hashlib
import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import tenants.encryption.blind_index
import tenants.encryption.fields

STAFF_GROUPS = ("counselor", "supervisor", "agency_admin", "platform_support")


def _opaque_username(identity, user):
    """As integrations.oidc.services.consumer_username makes it (kept here: a migration
    must not change when the service does); a user without an identity gets a random one."""
    if identity is None:
        return f"consumer.{uuid.uuid4().hex[:20]}"
    digest = hashlib.sha256(f"{identity.issuer}\n{identity.subject}".encode()).hexdigest()
    return f"consumer.{digest[:20]}"


def profiles_move(apps, schema_editor):
    user_model = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    profile_model = apps.get_model("integrations", "ConsumerProfile")
    identity_model = apps.get_model("integrations", "OidcIdentity")
    consumers = user_model.objects.exclude(groups__name__in=STAFF_GROUPS).filter(
        is_staff=False, is_superuser=False
    )
    for user in consumers.order_by("pk").iterator(chunk_size=500):
        profile_model.objects.update_or_create(
            user_id=user.pk,
            defaults={
                "given_name": user.first_name,
                "family_name": user.last_name,
                "email": user.email,
            },
        )
        identity = identity_model.objects.filter(user_id=user.pk).order_by("pk").first()
        if identity is not None or "@" in user.username:
            user.username = _opaque_username(identity, user)
        user.first_name = user.last_name = user.email = ""
        user.save(update_fields=["username", "first_name", "last_name", "email"])


class Migration(migrations.Migration):
    dependencies = [
        ("integrations", "0004_plaid_failed_status_no_bank_income"),
        ("encryption", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ConsumerProfile",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "public_id",
                    models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
                ),
                ("given_name", tenants.encryption.fields.EncryptedTextField(blank=True, null=True)),
                (
                    "family_name",
                    tenants.encryption.fields.EncryptedTextField(blank=True, null=True),
                ),
                ("email", tenants.encryption.fields.EncryptedTextField(blank=True, null=True)),
                (
                    "email_index",
                    tenants.encryption.blind_index.BlindIndexField("email", ["email"]),
                ),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "user",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="consumer_profile",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
        ),
        migrations.RunPython(profiles_move, migrations.RunPython.noop),
    ]
