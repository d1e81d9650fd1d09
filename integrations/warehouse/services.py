"""Writing to the analytics outbox: the one call the consumer and counselor sides make."""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .deidentify import facts_fields, profile_fields, subject_fields
from .errors import FactsError, OutboxUsageError
from .facts import EventType, Subject, event_type_parse, facts_build
from .models import OutboxEvent
from .schema import SCHEMA_VERSION, payload_check

logger = logging.getLogger(__name__)
# Rows emitted inside ``outbox_batched``, inserted together when it ends.
_batched: ContextVar[list[OutboxEvent] | None] = ContextVar("outbox_batched", default=None)
BATCH_SIZE = 2000


@contextmanager
def outbox_batched() -> Iterator[None]:
    """Outbox rows emitted inside are inserted together at the end, ``BATCH_SIZE`` rows a
    statement (the demo seed's hundreds of thousands of events), in the same transaction.
    Side effects: the INSERTs, when the block ends without an error."""
    rows: list[OutboxEvent] = []
    token = _batched.set(rows)
    try:
        yield
    finally:
        _batched.reset(token)
    OutboxEvent.objects.bulk_create(rows, batch_size=BATCH_SIZE)


@functools.cache
def _stream_off_warn() -> None:
    """Said once per process, not once per event."""
    logger.warning("analytics stream off: CREDITGENIE_ANALYTICS_KEY is not set")


def outbox_emit(
    *,
    event_type: EventType | str,
    subject: Subject,
    facts: Any,
    occurred_at: datetime | None = None,
) -> OutboxEvent | None:
    """Records one de-identified event in the outbox, inside the caller's transaction.

    `facts` is the event type's facts dataclass (integrations.warehouse.facts) or a mapping
    of its fields. The consumer and case references are replaced by keyed pseudonyms, the
    profile by its finest bands (kept aside and held until shipping generalises it so that
    the consumer is one of at least five: release.py), amounts are rounded; only the result
    is stored, so the raw values never reach the table. Side effects: one INSERT, committed
    or rolled back with the caller's change (inside ``outbox_batched``: at its end). Returns
    None (and stores nothing) when the deployment has no CREDITGENIE_ANALYTICS_KEY: the
    stream is off.

    Raises FactsError for an unknown event type, a field outside the allowlist or a value
    of the wrong type or range; OutboxUsageError outside a transaction.
    """
    kind = event_type_parse(event_type)
    checked = facts_build(kind, facts)
    if type(subject) is not Subject:
        raise FactsError("subject must be integrations.warehouse.facts.Subject")
    if not transaction.get_connection().in_atomic_block:
        raise OutboxUsageError("outbox_emit must run inside the transaction of its change")
    key = settings.CREDITGENIE_ANALYTICS_KEY
    if not key:
        _stream_off_warn()
        return None
    moment = occurred_at or timezone.now()
    payload = subject_fields(subject, key=bytes.fromhex(key), agency=settings.CREDITGENIE_TENANT)
    payload |= facts_fields(checked)
    payload_check(kind, payload)
    profile = getattr(checked, "profile", None)
    if profile is not None:
        profile = profile_fields(profile, on=timezone.localdate(moment))
    event = OutboxEvent(
        event_type=kind.value,
        occurred_at=moment,
        schema_version=SCHEMA_VERSION,
        payload=payload,
        profile=profile,
        released=profile is None,
    )
    batch = _batched.get()
    if batch is not None:
        batch.append(event)
    else:
        event.save(force_insert=True)
    return event
