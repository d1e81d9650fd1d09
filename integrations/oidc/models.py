"""Who signed in: a person is their (issuer, subject) pair, never their e-mail address."""

from __future__ import annotations

from django.conf import settings
from django.db import models


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
