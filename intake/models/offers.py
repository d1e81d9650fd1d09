"""Plan offers the counselor sends (a frozen snapshot written through
`intake.services.plan_offer_publish`) and the consumer's e-signature on one."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.validators import validate_ipv46_address
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tenants.encryption.fields import EncryptedJSONField, EncryptedTextField

from .application import Application
from .parts import HASH_FORMAT


@dataclass(frozen=True)
class OfferRendering:
    """The offer's document in one language, with the SHA-256 a signature would carry."""

    html: str
    sha256: str
    language: str


class PlanOffer(models.Model):
    """A DMP offer as sent: never edited; a newer offer supersedes it."""

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for your answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        EXPIRED = "expired", _("Expired: no answer in time. Ask your counselor for a new offer.")

    class DeclineCategory(models.TextChoices):
        """Why the consumer declined, from a closed list (the analytics stream's reason)."""

        PAYMENT_TOO_HIGH = "payment_too_high", _("The monthly payment is too high")
        CHOSE_OTHER_OPTION = "chose_other_option", _("I chose another option")
        OTHER = "other", _("Another reason")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="plan_offers"
    )
    snapshot = EncryptedJSONField()
    document = EncryptedTextField()
    document_hash = models.CharField(max_length=64, validators=[HASH_FORMAT])
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    superseded = models.BooleanField(default=False)
    decline_reason = EncryptedTextField(blank=True, null=True)
    decline_category = models.CharField(max_length=20, choices=DeclineCategory.choices, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    # The one reminder of an unanswered offer (intake.services.offer_expiry).
    reminded_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["application"],
                condition=models.Q(superseded=False),
                name="plan_offer_one_current",
            )
        ]

    def __str__(self) -> str:
        return f"PlanOffer {self.public_id}"

    def renderings(self) -> list[OfferRendering]:
        """The frozen document first, then its renderings in the other languages, frozen
        with it when it was sent (the same numbers, other words). A rendering whose text
        does not match its hash is left out."""
        first = OfferRendering(
            self.document, self.document_hash, self.snapshot.get("language") or "en"
        )
        others = [
            OfferRendering(str(r["html"]), str(r["sha256"]), language)
            for language, r in (self.snapshot.get("renderings") or {}).items()
            if r["sha256"] != self.document_hash
            and hashlib.sha256(str(r["html"]).encode()).hexdigest() == r["sha256"]
        ]
        return [first, *others]

    def rendering(self, language: str) -> OfferRendering:
        """The document in ``language`` ("es-us" reads "es") when one was frozen, else the
        frozen document as sent."""
        wanted = language.split("-")[0].lower()
        renderings = self.renderings()
        return next((r for r in renderings if r.language == wanted), renderings[0])

    def rendering_of(self, sha256: str) -> OfferRendering | None:
        """The rendering whose SHA-256 this is (the one the consumer read and signs)."""
        return next((r for r in self.renderings() if r.sha256 == sha256), None)

    @property
    def is_open(self) -> bool:
        """Waiting for the consumer's answer (a superseded offer may still say so)."""
        return self.status == self.Status.OPEN

    @property
    def is_accepted(self) -> bool:
        return self.status == self.Status.ACCEPTED

    @property
    def is_declined(self) -> bool:
        return self.status == self.Status.DECLINED

    @property
    def is_expired(self) -> bool:
        return self.status == self.Status.EXPIRED


class PlanAcceptance(models.Model):
    """The consumer's e-signature (E-SIGN Act / UETA): who signed (the user, the typed names
    of the applicant and of a co-applicant), the version of the intent statement they
    affirmed, when, from where (a keyed hash of the IP address, the user agent), and the
    hash of the exact offer document signed. Never edited; kept with the case (PROTECT)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="plan_acceptances"
    )
    offer = models.OneToOneField(
        PlanOffer, on_delete=models.PROTECT, null=True, related_name="acceptance"
    )
    # The short id printed on the signed copy (blank on signatures made before it existed).
    signature_id = models.CharField(max_length=9, blank=True, editable=False)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    typed_name = EncryptedTextField()
    co_typed_name = EncryptedTextField(blank=True, null=True)
    intent_version = models.CharField(max_length=32, blank=True)
    intent_language = models.CharField(max_length=2, blank=True, choices=settings.LANGUAGES)
    consented = models.BooleanField(default=False)
    document_hash = models.CharField(max_length=64, validators=[HASH_FORMAT])
    accepted_at = models.DateTimeField(default=timezone.now)
    ip = EncryptedTextField(null=True, blank=True, validators=[validate_ipv46_address])
    ip_hash = models.CharField(max_length=32, blank=True)
    user_agent = EncryptedTextField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["signature_id"],
                condition=~models.Q(signature_id=""),
                name="plan_acceptance_signature_id_unique",
            )
        ]

    def __str__(self) -> str:
        return f"PlanAcceptance {self.public_id}"
