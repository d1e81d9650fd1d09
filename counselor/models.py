"""Counselor-side records: the agency's creditor terms (every version kept) and DMP
proposals (numbered versions of JSON snapshots, with an optimistic-concurrency counter)."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower

from intake.models import Application
from integrations.warehouse.facts import CLOSE_REASONS
from tenants.encryption.fields import EncryptedJSONField, EncryptedTextField

PERCENT = {"max_digits": 5, "decimal_places": 2}


class PlanOutcome(models.TextChoices):
    """The eligibility test's four branches (counselor.engine.eligibility.Outcome), as people
    read them."""

    DMP_STANDARD = "dmp_standard", "DMP (standard)"
    DMP_HARDSHIP = "dmp_hardship", "DMP (hardship)"
    BUDGET_COUNSELING = "budget_counseling", "Budget counseling"
    OTHER_OPTIONS = "other_options", "Other options"


class CreditorTerms(models.Model):
    """One version of one creditor's DMP terms in this agency's table.

    A change never updates a row's terms: it closes the current version
    (``valid_to``) and inserts the next one with who changed it and why, so every
    version stays. ``public_id`` names the creditor entry across its versions.
    """

    public_id = models.UUIDField(default=uuid.uuid4, editable=False, db_index=True)
    version = models.PositiveIntegerField(default=1)
    creditor = models.CharField(max_length=120)
    aliases = models.JSONField(
        default=list, blank=True, help_text="Names as they appear on credit reports."
    )
    is_default = models.BooleanField(
        default=False, help_text="The agency's terms for creditors that match no row."
    )
    min_payment_pct = models.DecimalField(**PERCENT, default=Decimal("2.00"))
    concession_apr = models.DecimalField(**PERCENT, null=True, blank=True)
    max_term_months = models.PositiveSmallIntegerField(default=60)
    fair_share_pct = models.DecimalField(**PERCENT, default=Decimal("0.00"))
    reage_after_payments = models.PositiveSmallIntegerField(null=True, blank=True)
    notes = models.TextField(blank=True)
    active = models.BooleanField(default=True)
    valid_from = models.DateTimeField()
    valid_to = models.DateTimeField(null=True, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    change_reason = models.CharField(max_length=300)

    class Meta:
        ordering = ["creditor", "-version"]
        verbose_name_plural = "creditor terms"
        constraints = [
            models.UniqueConstraint(fields=["public_id", "version"], name="terms_version_unique"),
            models.UniqueConstraint(
                fields=["public_id"],
                condition=models.Q(valid_to__isnull=True),
                name="terms_one_current_version",
            ),
            models.UniqueConstraint(
                Lower("creditor"),
                condition=models.Q(valid_to__isnull=True),
                name="terms_current_creditor_unique",
            ),
            models.UniqueConstraint(
                fields=["is_default"],
                condition=models.Q(is_default=True, valid_to__isnull=True),
                name="terms_one_current_default",
            ),
            models.CheckConstraint(
                condition=models.Q(min_payment_pct__gte=0, min_payment_pct__lte=100)
                & models.Q(fair_share_pct__gte=0, fair_share_pct__lte=100)
                & (
                    models.Q(concession_apr__isnull=True)
                    | models.Q(concession_apr__gte=0, concession_apr__lte=100)
                )
                & models.Q(max_term_months__gte=1, max_term_months__lte=600),
                name="terms_values_in_range",
            ),
        ]
        indexes = [models.Index(fields=["valid_to", "active"], name="terms_current_idx")]

    def __str__(self) -> str:
        return f"{self.creditor} v{self.version}"

    @property
    def is_current(self) -> bool:
        return self.valid_to is None


class Proposal(models.Model):
    """A case's DMP proposal. ``version`` is the number of the latest saved version and
    the optimistic-concurrency token: a save names the version it started from.

    ``case`` is the application, keyed by its public id (the column stays ``case_id``, so
    ``proposal.case_id`` is that public id). The proposal goes with the application when
    the application is purged.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.OneToOneField(
        "intake.Application",
        to_field="public_id",
        db_column="case_id",
        on_delete=models.CASCADE,
        related_name="proposal",
    )
    version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Proposal for case {self.case_id} (v{self.version})"


class ProposalVersion(models.Model):
    """One saved version: the builder's inputs and the engine's results, as JSON with
    Decimals as strings. Never changed after it is written."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    inputs = EncryptedJSONField()
    results = EncryptedJSONField()
    # The eligibility outcome of `results`, kept plain for the queue's filter: one of four
    # plan kinds says nothing about whose case it is or their figures.
    outcome = models.CharField(max_length=24, blank=True, choices=PlanOutcome.choices)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    saved_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["proposal", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "number"], name="proposal_version_unique")
        ]

    def __str__(self) -> str:
        return f"v{self.number}"


class CaseAssignment(models.Model):
    """The counselor side's record of a case (an intake ``Application``; the counselor
    side keys to it, the intake never imports this app): who works it (no row, or an empty
    ``assigned_to``, is "unassigned") and ``version``, the case's optimistic-concurrency
    token, raised by every counselor write on the case (assignment, notes)."""

    application = models.OneToOneField(
        "intake.Application", on_delete=models.CASCADE, related_name="case_assignment"
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField()
    version = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["assigned_to", "application"], name="case_assigned_idx")]

    def __str__(self) -> str:
        return f"Assignment of application {self.application_id}"


class CaseNote(models.Model):
    """One version of a counselor's note on a case. Append-only: an edit inserts the next
    version (same ``note_id``) and marks the earlier one superseded; nothing is deleted.
    ``case_version`` is the case version this write produced (what changed, for conflicts).
    """

    application = models.ForeignKey(
        "intake.Application", on_delete=models.CASCADE, related_name="case_notes"
    )
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    note_id = models.UUIDField(default=uuid.uuid4, editable=False)
    version = models.PositiveIntegerField(default=1)
    body = EncryptedTextField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    case_version = models.PositiveIntegerField()
    superseded = models.BooleanField(default=False)

    class Meta:
        ordering = ["application", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["note_id", "version"], name="case_note_version_unique"),
            models.UniqueConstraint(
                fields=["note_id"],
                condition=models.Q(superseded=False),
                name="case_note_one_current",
            ),
        ]
        indexes = [models.Index(fields=["application", "case_version"], name="case_note_case_idx")]

    def __str__(self) -> str:
        return f"Note {self.note_id} v{self.version}"


class CaseStatusNote(models.Model):
    """Why a counselor moved a case from one status to another (the intake's
    ``application_status_change`` moves it; the reason text, which may name the consumer's
    circumstances, is kept here, encrypted). Never changed after it is written."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    application = models.ForeignKey(
        "intake.Application", on_delete=models.CASCADE, related_name="case_status_notes"
    )
    from_status = models.CharField(max_length=12, choices=Application.Status.choices)
    to_status = models.CharField(max_length=12, choices=Application.Status.choices)
    close_reason = models.CharField(
        max_length=12,
        blank=True,
        choices=[(reason, reason.replace("_", " ").capitalize()) for reason in CLOSE_REASONS],
    )
    reason = EncryptedTextField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    case_version = models.PositiveIntegerField()

    class Meta:
        ordering = ["application", "created_at", "pk"]
        indexes = [
            models.Index(fields=["application", "case_version"], name="case_status_note_case_idx")
        ]

    def __str__(self) -> str:
        return f"Status note {self.pk}: {self.from_status} -> {self.to_status}"


class CaseTask(models.Model):
    """A follow-up on a case: what to do (encrypted: it can name the consumer), by when,
    for whom. Open until ``done_at`` is stamped; never deleted."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    application = models.ForeignKey(
        "intake.Application", on_delete=models.CASCADE, related_name="case_tasks"
    )
    title = EncryptedTextField()
    due_date = models.DateField()
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    case_version = models.PositiveIntegerField()

    class Meta:
        ordering = ["application", "due_date", "pk"]
        indexes = [
            models.Index(
                fields=["application", "due_date"],
                condition=models.Q(done_at__isnull=True),
                name="case_task_open_idx",
            )
        ]

    def __str__(self) -> str:
        return f"Task {self.public_id}"


class OfferException(models.Model):
    """A supervisor's approval to send one proposal version that the offer rule refuses
    (a plan the budget cannot carry, or longer than 60 months): the grounds the rule gave
    when it was approved, and the supervisor's reason (encrypted: it can name the
    household's circumstances), which the consumer's document states. Never changed."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    version = models.OneToOneField(
        ProposalVersion, on_delete=models.CASCADE, related_name="offer_exception"
    )
    grounds = models.JSONField(help_text="What the offer rule refused, e.g. budget, term.")
    reason = EncryptedTextField()
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Offer exception for proposal version {self.version_id}"


class DashboardSnapshot(models.Model):
    """The supervisor dashboard's figures as last counted (``counselor.selectors.dashboard.
    Figures``, one field each): one row, rewritten by the beat task "dashboard-refresh" every
    minute and by a supervisor's "Refresh now". Aggregates and staff usernames only."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    computed_at = models.DateTimeField()
    workload = models.JSONField(default=list)  # [[counselor id, username, open cases], ...]
    statuses = models.JSONField(default=dict)  # {status value: cases}, drafts left out
    first_contact = models.DurationField(null=True)
    to_offer = models.DurationField(null=True)
    offers = models.PositiveIntegerField(default=0)
    accepted = models.PositiveIntegerField(default=0)
    declined = models.PositiveIntegerField(default=0)
    verifications_finished = models.PositiveIntegerField(default=0)
    verifications_failed = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="dashboard_snapshot_one_row")
        ]

    def __str__(self) -> str:
        return f"Dashboard figures of {self.computed_at:%Y-%m-%d %H:%M}"
