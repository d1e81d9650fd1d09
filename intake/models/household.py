"""About you: the applicant (and an optional co-applicant). Every identifying value is
encrypted; blind indexes let counselors find a person by e-mail, phone or SSN last 4 +
last name (docs/encryption.md)."""

from __future__ import annotations

import uuid

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from tenants.encryption.blind_index import BlindIndexField
from tenants.encryption.fields import EncryptedDateField, EncryptedTextField
from tenants.us_states import US_STATES

from .application import Application

# Formats of the structured values (forms normalise input to these before saving).
SSN_FORMAT = RegexValidator(r"^\d{3}-\d{2}-\d{4}$", "SSN as 123-45-6789")
PHONE_FORMAT = RegexValidator(r"^\d{10}$", "ten digits")
ZIP_FORMAT = RegexValidator(r"^\d{5}(-\d{4})?$", "ZIP or ZIP+4")
EMAIL_FORMAT = RegexValidator(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$", "an e-mail address")


class EmploymentStatus(models.TextChoices):
    FULL_TIME = "full_time", _("Employed full time")
    PART_TIME = "part_time", _("Employed part time")
    SELF_EMPLOYED = "self_employed", _("Self-employed")
    UNEMPLOYED = "unemployed", _("Not working")
    RETIRED = "retired", _("Retired")
    DISABLED = "disabled", _("Unable to work (disability)")
    STUDENT = "student", _("Student")


class Household(models.Model):
    """One per application; every field may be blank while the application is a draft."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="household"
    )
    first_name = EncryptedTextField(blank=True, null=True)
    middle_name = EncryptedTextField(blank=True, null=True)
    last_name = EncryptedTextField(blank=True, null=True)
    birth_date = EncryptedDateField(blank=True, null=True)
    ssn = EncryptedTextField(blank=True, null=True, validators=[SSN_FORMAT])
    street = EncryptedTextField(blank=True, null=True)
    street2 = EncryptedTextField(blank=True, null=True)
    city = EncryptedTextField(blank=True, null=True)
    state = models.CharField(max_length=2, blank=True, choices=sorted(US_STATES.items()))
    zip_code = EncryptedTextField(blank=True, null=True, validators=[ZIP_FORMAT])
    phone = EncryptedTextField(blank=True, null=True, validators=[PHONE_FORMAT])
    email = EncryptedTextField(blank=True, null=True, validators=[EMAIL_FORMAT])
    household_size = models.PositiveSmallIntegerField(null=True, blank=True)
    dependents = models.PositiveSmallIntegerField(null=True, blank=True)
    employment_status = models.CharField(
        max_length=16, blank=True, choices=EmploymentStatus.choices
    )
    preferred_language = models.CharField(
        max_length=2, blank=True, choices=[("en", "English"), ("es", "Español")]
    )
    has_co_applicant = models.BooleanField(default=False)
    co_first_name = EncryptedTextField(blank=True, null=True)
    co_last_name = EncryptedTextField(blank=True, null=True)
    co_birth_date = EncryptedDateField(blank=True, null=True)
    co_employment_status = models.CharField(
        max_length=16, blank=True, choices=EmploymentStatus.choices
    )
    email_index = BlindIndexField("email", sources=["email"])
    phone_index = BlindIndexField("phone", sources=["phone"])
    ssn_name_index = BlindIndexField("ssn_last4_name", sources=["ssn", "last_name"])
    name_index = BlindIndexField("full_name", sources=["first_name", "last_name"])
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Household {self.public_id}"

    @property
    def ssn_masked(self) -> str:
        """***-**-1234, never more."""
        return f"***-**-{self.ssn[-4:]}" if self.ssn else ""

    @property
    def full_name(self) -> str:
        parts = (self.first_name, self.middle_name, self.last_name)
        return " ".join(p for p in parts if p)
