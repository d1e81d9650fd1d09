"""Retention: closed and abandoned applications are purged after the agency's retention
period (GLBA Safeguards Rule 314.4(c)(6), FACTA disposal); the audit trail about them stays
as their stub (docs/retention.md).

Two case rules decide which applications have expired (settings, in days):
- abandoned drafts: a draft untouched for CREDITGENIE_RETENTION_DRAFT_DAYS (180);
- closed cases: closed and untouched for CREDITGENIE_RETENTION_CLOSED_DAYS (1827, 5 years).

Purging an application runs every registered part handler (each model hanging off an
application says how its rows go, and may hold the case: consents are kept 5 years), then
deletes the application, blanks the consumer's name and e-mail when no application of
theirs is left, and records one `purge` audit event. Later models plug in with
`retention_part_register`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import QuerySet

from integrations.models import ConsumerProfile
from tenants.audit.models import AuditAction
from tenants.audit.services import audit_record
from tenants.roles import STAFF_ROLES, has_role
from tenants.uploads.selectors import stored_files_for_case
from tenants.uploads.services import stored_file_delete

from ..models import Application

logger = logging.getLogger("creditgenie.retention")
SYSTEM_ROLE = "system"


@dataclass(frozen=True)
class CaseRule:
    """Applications in `statuses` untouched for the number of days in `days_setting`."""

    name: str
    statuses: tuple[str, ...]
    days_setting: str

    def cutoff(self, now: datetime) -> datetime:
        return now - timedelta(days=getattr(settings, self.days_setting))

    def expired(self, now: datetime) -> QuerySet[Application]:
        return Application.objects.filter(status__in=self.statuses, updated_at__lt=self.cutoff(now))


CASE_RULES = (
    CaseRule("abandoned-draft", (Application.Status.DRAFT,), "CREDITGENIE_RETENTION_DRAFT_DAYS"),
    CaseRule("closed-case", (Application.Status.CLOSED,), "CREDITGENIE_RETENTION_CLOSED_DAYS"),
)


@dataclass(frozen=True)
class PartHandler:
    """How one model's rows of an application are disposed of.

    `purge(application)` deletes them and returns how many; `keep_until(application)`, when
    given, returns the earliest time they may go (None: no hold), which holds the whole case.
    `early` handlers run before the others: one that calls a vendor and may raise
    PurgeDeferred goes before anything that cannot be rolled back (file bytes).
    """

    label: str
    purge: Callable[[Application], int]
    keep_until: Callable[[Application], datetime | None] | None = None
    early: bool = False


class PurgeDeferred(Exception):
    """A part handler cannot dispose of its rows yet (a vendor is down): the application's
    purge is rolled back and counted as deferred; the next run tries again. ``retry``, when
    given, is called after the rollback (e.g. to queue the vendor task, which retries sooner
    with backoff)."""

    def __init__(self, reason: str, retry: Callable[[], None] | None = None) -> None:
        super().__init__(reason)
        self.retry = retry


@dataclass(frozen=True)
class PurgeResult:
    """One application's purge: "purged", "held", "skipped" or "deferred", and rows per part
    handler."""

    outcome: str
    parts: dict[str, int] = field(default_factory=dict)


@dataclass
class RetentionRun:
    """What one run did, per rule: applications purged, held and deferred; files deleted."""

    purged: dict[str, int] = field(default_factory=dict)
    held: dict[str, int] = field(default_factory=dict)
    deferred: dict[str, int] = field(default_factory=dict)
    files: int = 0


def consent_keep_until(given_at: datetime) -> datetime:
    """The earliest purge time of a consent record given at `given_at` (FCRA: 5 years)."""
    return given_at + timedelta(days=settings.CREDITGENIE_RETENTION_CONSENT_DAYS)


def _stored_files_purge(application: Application) -> int:
    files = list(stored_files_for_case(case_id=str(application.public_id)))
    for stored_file in files:
        stored_file_delete(
            stored_file=stored_file,
            actor=None,
            role=SYSTEM_ROLE,
            purpose="retention",
            action=AuditAction.PURGE,
        )
    return len(files)


STORED_FILES = "uploads.StoredFile"
_part_handlers: dict[str, PartHandler] = {
    STORED_FILES: PartHandler(STORED_FILES, _stored_files_purge)
}


def retention_part_register(handler: PartHandler) -> None:
    """Adds (or replaces) the handler of one model; call it from the app's ready()."""
    _part_handlers[handler.label] = handler


def retention_part_handlers() -> tuple[PartHandler, ...]:
    return tuple(_part_handlers.values())


def _held_until(application: Application) -> datetime | None:
    holds = [h.keep_until(application) for h in _part_handlers.values() if h.keep_until]
    return max((h for h in holds if h is not None), default=None)


@transaction.atomic
def application_purge(*, application_id: int, rule: CaseRule, now: datetime) -> PurgeResult:
    """Purges one expired application if it still is one.

    Skipped when another run holds it, or it is no longer expired (reopened, touched).
    Held when a part handler keeps it past `now`. Raises PurgeDeferred (everything rolled
    back) when a part handler cannot dispose of its rows yet.
    Side effects: runs every part handler (stored files: bytes and rows), deletes the
    application, may blank the consumer's name and e-mail, records audit `purge` events.
    """
    application = (
        rule.expired(now).select_for_update(skip_locked=True).filter(pk=application_id).first()
    )
    if application is None:
        return PurgeResult("skipped")
    held = _held_until(application)
    if held is not None and held > now:
        return PurgeResult("held")
    handlers = sorted(_part_handlers.values(), key=lambda h: not h.early)
    parts = {h.label: h.purge(application) for h in handlers}
    _application_delete(application, rule)
    return PurgeResult("purged", parts)


def _application_delete(application: Application, rule: CaseRule) -> None:
    consumer, case_id = application.consumer, str(application.public_id)
    application.delete()
    audit_record(
        actor=None,
        role=SYSTEM_ROLE,
        action=AuditAction.PURGE,
        object_type="application",
        object_id=case_id,
        case_id=case_id,
        purpose=f"retention: {rule.name}",
    )
    if not Application.objects.filter(consumer=consumer).exists():
        _consumer_blank(consumer, case_id)


def _consumer_blank(consumer: object, case_id: str) -> None:
    """The account stays (audit events point at it; sign-in fills it again from the
    identity provider); its personal fields go. Staff accounts are never touched."""
    if has_role(consumer, *STAFF_ROLES):
        return
    User = get_user_model()
    User.objects.filter(pk=consumer.pk).update(first_name="", last_name="", email="")
    ConsumerProfile.objects.filter(user=consumer).delete()
    audit_record(
        actor=None,
        role=SYSTEM_ROLE,
        action=AuditAction.PURGE,
        object_type="user",
        object_id=str(consumer.pk),
        case_id=case_id,
        purpose="retention: personal fields of the account",
    )


def _expired_ids(rule: CaseRule, now: datetime, after: int, batch: int) -> list[int]:
    ids = rule.expired(now).filter(pk__gt=after).order_by("pk").values_list("pk", flat=True)
    return list(ids[:batch])


def retention_purge(*, now: datetime) -> RetentionRun:
    """One sweep over every case rule, in batches of CREDITGENIE_RETENTION_BATCH_SIZE, each
    application in its own transaction. Idempotent: purged rows are gone, held and locked
    ones are visited once per sweep and found again by the next, and so are deferred ones
    (a vendor was down: nothing of them was deleted).
    Side effects: as application_purge, per application; one log line per rule (no PII).
    """
    run = RetentionRun()
    for rule in CASE_RULES:
        counts = {"purged": 0, "held": 0, "skipped": 0, "deferred": 0}
        files_before = run.files
        last = 0
        while ids := _expired_ids(rule, now, last, settings.CREDITGENIE_RETENTION_BATCH_SIZE):
            for application_id in ids:
                try:
                    result = application_purge(application_id=application_id, rule=rule, now=now)
                except PurgeDeferred as deferred:
                    result = PurgeResult("deferred")
                    if deferred.retry is not None:
                        deferred.retry()
                counts[result.outcome] += 1
                run.files += result.parts.get(STORED_FILES, 0)
            last = ids[-1]
        run.purged[rule.name], run.held[rule.name] = counts["purged"], counts["held"]
        run.deferred[rule.name] = counts["deferred"]
        logger.info(
            "retention purge",
            extra={"rule": rule.name, **counts, "files": run.files - files_before},
        )
    return run
