"""The budget and the records around it: consents, incomes, expenses, debts, documents,
and the verification request queued at submit."""

from __future__ import annotations

import uuid

from django.core.validators import (
    MaxValueValidator,
    MinValueValidator,
    RegexValidator,
    validate_ipv46_address,
)
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tenants.encryption.fields import EncryptedDecimalField, EncryptedJSONField, EncryptedTextField
from tenants.uploads.models import StoredFile

from .application import Application

HASH_FORMAT = RegexValidator(r"^[0-9a-f]{64}$", "sha256 hex digest")


def money_field(**kwargs: object) -> EncryptedDecimalField:
    """Money: 12 digits, cents, encrypted (a household's figures are nonpublic personal
    information); null while a draft has no (valid) value yet."""
    return EncryptedDecimalField(
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        **kwargs,
    )


class Frequency(models.TextChoices):
    WEEKLY = "weekly", _("Every week")
    BIWEEKLY = "biweekly", _("Every two weeks")
    SEMIMONTHLY = "semimonthly", _("Twice a month")
    MONTHLY = "monthly", _("Every month")
    QUARTERLY = "quarterly", _("Every three months")
    ANNUAL = "annual", _("Once a year")


class Consent(models.Model):
    """One consent as given: the exact text version and its hash, when, from where.

    Kept at least 5 years (FCRA written instruction); withdrawal stamps `withdrawn_at`
    and never deletes the record.
    """

    class Kind(models.TextChoices):
        PRIVACY = "privacy", _("Privacy notice (GLBA)")
        ESIGN = "esign", _("Electronic records and signatures (E-SIGN)")
        CREDIT_PULL = "credit_pull", _("Soft credit check (FCRA written instruction)")
        BANK_DATA = "bank_data", _("Use of bank data (Plaid)")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="consents")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    text_version = models.CharField(max_length=32, validators=[RegexValidator(r"^[\w.-]+$")])
    text_language = models.CharField(max_length=2, choices=[("en", "English"), ("es", "Español")])
    text_hash = models.CharField(max_length=64, validators=[HASH_FORMAT])
    granted_at = models.DateTimeField(default=timezone.now)
    ip = EncryptedTextField(null=True, blank=True, validators=[validate_ipv46_address])
    user_agent = EncryptedTextField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # At most one live consent of a kind: a re-grant after withdrawal is a new row.
            models.UniqueConstraint(
                fields=["application", "kind"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="consent_one_live_per_kind",
            )
        ]

    def __str__(self) -> str:
        return f"Consent {self.public_id}"


class Income(models.Model):
    class Kind(models.TextChoices):
        WAGES = "wages", _("Wages or salary")
        SELF_EMPLOYMENT = "self_employment", _("Self-employment")
        SOCIAL_SECURITY = "social_security", _("Social Security")
        PENSION = "pension", _("Pension or retirement")
        SUPPORT = "support_received", _("Child support or alimony received")
        PUBLIC_ASSISTANCE = "public_assistance", _("Public assistance")
        OTHER = "other", _("Other income")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="incomes")
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    gross = money_field()
    net = money_field()
    frequency = models.CharField(max_length=12, choices=Frequency.choices)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return f"Income {self.public_id}"


class Expense(models.Model):
    """One worksheet line (intake.engine.budget.LINE_ITEMS or a category name), one per line."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="expenses")
    category = models.CharField(max_length=24, validators=[RegexValidator(r"^[a-z_]+$")])
    amount = money_field()
    frequency = models.CharField(
        max_length=12, choices=Frequency.choices, default=Frequency.MONTHLY
    )

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["application", "category"], name="expense_one_line")
        ]

    def __str__(self) -> str:
        return f"Expense {self.public_id}"


class Debt(models.Model):
    class Kind(models.TextChoices):
        CREDIT_CARD = "credit_card", _("Credit card")
        MEDICAL = "medical", _("Medical bill")
        PERSONAL_LOAN = "personal_loan", _("Personal loan")
        STUDENT_LOAN = "student_loan", _("Student loan")
        AUTO = "auto", _("Car loan")
        MORTGAGE = "mortgage", _("Mortgage")
        TAX = "tax", _("Tax debt")
        OTHER = "other", _("Other debt")

    class Source(models.TextChoices):
        STATED = "stated", _("You told us")
        BUREAU = "bureau", _("From your credit report")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="debts")
    position = models.PositiveSmallIntegerField(default=0)
    creditor = EncryptedTextField(blank=True, null=True)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    secured = models.BooleanField(default=False)
    account_number = EncryptedTextField(
        blank=True, null=True, validators=[RegexValidator(r"^[0-9A-Za-z -]{2,34}$")]
    )
    balance = money_field()
    apr = EncryptedDecimalField(
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    minimum_payment = money_field()
    past_due = money_field()
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.STATED)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return f"Debt {self.public_id}"

    @property
    def account_masked(self) -> str:
        return f"…{self.account_number[-4:]}" if self.account_number else ""


class Document(models.Model):
    """A document the consumer uploaded through tenants.uploads (StoredFile.case_id is the
    application's public id, so retention purges the bytes with the case). The link is
    nullable only because a quarantined or purged file's row may go first."""

    class Kind(models.TextChoices):
        PAY_STUB = "pay_stub", _("Pay stub")
        BANK_STATEMENT = "bank_statement", _("Bank statement")
        CREDITOR_STATEMENT = "creditor_statement", _("Creditor statement or letter")
        ID = "id", _("Photo ID")
        OTHER = "other", _("Other document")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="documents")
    stored_file = models.OneToOneField(
        StoredFile, on_delete=models.CASCADE, null=True, related_name="intake_document"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Document {self.public_id}"


class VerificationRequest(models.Model):
    """Verification of a submitted application was asked for (one per application): the
    bureau pull and bank syncs behind it, and the reconciliation's result."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="verification_request"
    )
    created_at = models.DateTimeField(default=timezone.now)

    # What the submit-time task started: the bureau pull (integrations BureauPull public id)
    # or why there is none ("no_consent", "no_subject"), and when the work was queued.
    class BureauOutcome(models.TextChoices):
        REQUESTED = "requested", "Pull requested"
        NO_CONSENT = "no_consent", "No live FCRA consent: refused"
        NO_SUBJECT = "no_subject", "Identity answers incomplete"

    bureau_pull_id = models.UUIDField(null=True, blank=True)
    bureau_outcome = models.CharField(max_length=16, blank=True, choices=BureauOutcome.choices)
    started_at = models.DateTimeField(null=True, blank=True)
    # The reconciliation: when it ran, and its figures (selectors.verification_summary).
    completed_at = models.DateTimeField(null=True, blank=True)
    result = EncryptedJSONField(default=dict, blank=True)

    class Meta:
        # The queue's "running" filter reads the few verifications still running, whatever
        # the number of cases (counselor/selectors/queue.py).
        indexes = [
            models.Index(
                fields=["application"],
                condition=models.Q(completed_at__isnull=True),
                name="verification_running_idx",
            )
        ]

    def __str__(self) -> str:
        return f"VerificationRequest {self.pk}"
