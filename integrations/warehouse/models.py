"""The analytics outbox and its ship batches (docs/analytics.md)."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone

from .facts import EventType


class ShipBatch(models.Model):
    """A set of outbox events shipped as one Parquet file named after the batch id.

    ``writing`` while a worker holds the lease; back to ``pending`` when the destination
    failed; ``shipped`` once the file is in place. A ``writing`` batch whose lease expired
    (its worker died) is taken again and its file written again, under the same name.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        WRITING = "writing", "Writing"
        SHIPPED = "shipped", "Shipped"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.WRITING)
    agency = models.CharField(max_length=40)
    partition_date = models.DateField()
    event_count = models.PositiveIntegerField(default=0)
    lease_token = models.UUIDField(default=uuid.uuid4)
    lease_expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=1)
    last_error = models.CharField(max_length=60, blank=True)
    object_key = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    shipped_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "integrations_warehouse_shipbatch"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["pending", "writing", "shipped"]),
                name="warehouse_batch_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(status="shipped", shipped_at__isnull=False)
                | ~models.Q(status="shipped"),
                name="warehouse_batch_shipped_has_time",
            ),
        ]
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=~models.Q(status="shipped"),
                name="warehouse_batch_open_idx",
            )
        ]

    def __str__(self) -> str:
        return f"batch {self.pk} ({self.status}, {self.event_count} events)"


class OutboxEvent(models.Model):
    """One de-identified domain event, written in the transaction of its change.

    ``payload`` holds only exported columns (integrations.warehouse.schema), already
    pseudonymized, banded and rounded: nothing here identifies a consumer. A ``submitted``
    event is written with ``released`` false, its profile columns empty and its finest
    profile in ``profile`` (generalise.Fine); shipping fills the columns at the level that
    keeps the consumer among at least five (release.py), empties ``profile`` and sets
    ``released``. Only released events are claimed for a batch.
    """

    event_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    event_type = models.CharField(max_length=24, choices=[(t.value, t.value) for t in EventType])
    occurred_at = models.DateTimeField(default=timezone.now)
    schema_version = models.PositiveSmallIntegerField()
    payload = models.JSONField()
    profile = models.JSONField(null=True, blank=True)
    released = models.BooleanField(default=True)
    shipped_batch = models.ForeignKey(
        ShipBatch, null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )

    class Meta:
        db_table = "integrations_warehouse_outbox"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(event_type__in=[t.value for t in EventType]),
                name="warehouse_event_type_valid",
            )
        ]
        indexes = [
            models.Index(
                fields=["occurred_at"],
                condition=models.Q(shipped_batch__isnull=True),
                name="warehouse_outbox_unshipped_idx",
            ),
            models.Index(
                fields=["id"],
                condition=models.Q(released=False),
                name="warehouse_outbox_held_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} {self.event_id}"


class ProfileRelease(models.Model):
    """The generalised profile a consumer was first shipped with: one row per pseudonym.

    The warehouse's shipped history, kept in the deployment because the agency can write
    to the warehouse but not read it, and the outbox is purged. It gives the consumers
    already shipped per combination (so a new one joins a combination only when it keeps
    at least five), and a consumer's later submissions ship with the same values, never
    at a finer level (docs/analytics.md, "k-anonymity at the source").
    """

    agency = models.CharField(max_length=40)
    consumer_pid = models.CharField(max_length=64, unique=True)  # per agency already
    level = models.PositiveSmallIntegerField()
    # The shipped values of the profile columns (deidentify.PROFILE_COLUMNS, in order), as
    # compact JSON: one string per combination, so the history is counted by a GROUP BY.
    combination = models.CharField(max_length=200)
    released_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        db_table = "integrations_warehouse_profile_release"
        indexes = [
            models.Index(fields=["agency", "combination"], name="warehouse_release_combo_idx")
        ]

    def __str__(self) -> str:
        return f"profile of {self.consumer_pid[:12]}… at level {self.level}"
