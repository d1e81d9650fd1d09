"""The consumer's application. Its parts (household, income, expenses, debts,
documents, consents) hang off it; PII lives in those parts, in encrypted fields."""

from __future__ import annotations

import re
import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Every application but drafts: what the counselor queue lists.
SENT = ~models.Q(status="draft")
# References are read aloud and typed: no 0/O, 1/I/L or U (30 characters, 30^6 codes).
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
_REFERENCE = re.compile(rf"^(?:CG)?([{REFERENCE_ALPHABET}]{{6}})$")


def reference_new() -> str:
    """A consumer's reference such as ``CG-7K3-9QX``: random, so it says nothing about the
    person or the order of applications."""
    chars = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(6))
    return f"CG-{chars[:3]}-{chars[3:]}"


def references_unused(count: int) -> list[str]:
    """`count` references no application has yet, for a bulk insert (which cannot draw
    again for one row): random codes collide now and then at 100,000 cases (30^6 codes)."""
    taken = set(Application.objects.values_list("reference", flat=True))
    fresh: list[str] = []
    while len(fresh) < count:
        reference = reference_new()
        if reference not in taken:
            taken.add(reference)
            fresh.append(reference)
    return fresh


def reference_normal(typed: str) -> str | None:
    """A reference as typed ("cg 7k3 9qx", "7K3-9QX") in its stored form, or None when it
    cannot be one."""
    compact = re.sub(r"[\s-]", "", typed.upper())
    match = _REFERENCE.match(compact)
    return f"CG-{match.group(1)[:3]}-{match.group(1)[3:]}" if match else None


class Application(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        IN_REVIEW = "in_review", _("In review")
        OFFERED = "offered", _("Plan offered")
        ENROLLED = "enrolled", _("Enrolled")
        DECLINED = "declined", _("Declined")
        CLOSED = "closed", _("Closed")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # What the consumer and the counselor say on the phone (not an identifier of the person).
    reference = models.CharField(max_length=10, unique=True, default=reference_new, editable=False)
    consumer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="applications"
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    language = models.CharField(
        max_length=2, choices=[("en", "English"), ("es", "Español")], default="en"
    )
    # Wizard steps whose saved data passed every check (slugs, see intake/wizard/steps.py).
    completed_steps = models.JSONField(default=list, blank=True, editable=False)
    # Steps whose first completion went to the analytics stream (never shrinks, so a step
    # completed again after an edit is not counted twice).
    reported_steps = models.JSONField(default=list, blank=True, editable=False)
    bank_step_skipped = models.BooleanField(default=False)
    # "I don't bank online": the manual fallback of the bank step (statements instead).
    bank_manual = models.BooleanField(default=False)
    documents_step_done = models.BooleanField(default=False)
    submitted_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            # Double clicks and retries resume the same draft instead of making another.
            models.UniqueConstraint(
                fields=["consumer"],
                condition=models.Q(status="draft"),
                name="application_one_draft_per_consumer",
            )
        ]
        # The counselor queue reads its pages along these (keyset, newest or oldest first)
        # and counts its tabs from them: docs/counselor.md, "The queue at scale".
        indexes = [
            models.Index(fields=["status", "created_at"]),
            models.Index(
                fields=["submitted_at", "id"], condition=SENT, name="application_queue_idx"
            ),
            models.Index(
                fields=["language", "submitted_at", "id"],
                condition=SENT,
                name="application_queue_lang_idx",
            ),
            models.Index(fields=["status", "submitted_at", "id"], name="application_status_idx"),
            models.Index(
                fields=["status", "language", "submitted_at", "id"],
                name="application_status_lang_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"Application {self.public_id}"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_enrolled(self) -> bool:
        return self.status == self.Status.ENROLLED

    @property
    def takes_new_offer(self) -> bool:
        """A sent case that is neither enrolled nor closed: a new offer would otherwise
        supersede the signed one, or reopen a closed case."""
        return self.status not in (self.Status.DRAFT, self.Status.ENROLLED, self.Status.CLOSED)


class StatusChange(models.Model):
    """One step of the portal's timeline: the application reached `status` at `at`.

    `verifying` is a timeline stage of its own (verification queued) although the
    application's status stays `submitted` meanwhile.
    """

    class Stage(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        VERIFYING = "verifying", _("Verifying")
        IN_REVIEW = "in_review", _("In review")
        OFFERED = "offered", _("Plan offered")
        ENROLLED = "enrolled", _("Enrolled")
        DECLINED = "declined", _("Declined")
        CLOSED = "closed", _("Closed")

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="status_changes"
    )
    stage = models.CharField(max_length=12, choices=Stage.choices)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["application", "stage"], name="status_change_once")
        ]

    def __str__(self) -> str:
        return f"StatusChange {self.pk}"
