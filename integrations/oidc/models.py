"""Who signed in: a person is their (issuer, subject) pair, never their e-mail address;
a consumer's name and e-mail live encrypted on their profile, not on the user."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from tenants.encryption.blind_index import BlindIndexField
from tenants.encryption.fields import EncryptedTextField


class OidcIdentity(models.Model):
    """Links a provider identity to a user. E-mail addresses change and can be shared;
    ``sub`` is the provider's stable, unique id for the person within its issuer."""

    issuer = models.CharField(max_length=255)
    subject = models.CharField(max_length=255)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="oidc_identities"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_sign_in_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        app_label = "integrations"
        verbose_name = "OpenID identity"
        verbose_name_plural = "OpenID identities"
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="oidc_identity_unique")
        ]

    def __str__(self) -> str:
        return f"{self.subject} at {self.issuer}"


class ConsumerProfile(models.Model):
    """A consumer's name and e-mail address as the identity provider gave them, encrypted.

    A consumer's ``auth_user`` row holds an opaque username and no name or e-mail (GLBA:
    nonpublic personal information is encrypted at rest); this row holds them instead.
    Staff accounts keep their names on the user (employees) and have no profile.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consumer_profile"
    )
    given_name = EncryptedTextField(blank=True, null=True)
    family_name = EncryptedTextField(blank=True, null=True)
    email = EncryptedTextField(blank=True, null=True)
    email_index = BlindIndexField("email", sources=["email"])
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "integrations"

    def __str__(self) -> str:
        return f"ConsumerProfile {self.public_id}"

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.given_name, self.family_name) if part)
