"""Writes of the audit trail: the one place audit events are recorded.

Every event is a row in the hash chain and, once committed, one JSON log line on the
``creditgenie.audit`` logger for the log pipeline (CloudWatch). Log lines carry ids,
labels and hashes only, never names, e-mail addresses or other personal data.
"""

from __future__ import annotations

import ipaddress
import logging
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.ipv6 import clean_ipv6_address

from .chain import GENESIS_HASH, chain_hash
from .errors import AuditEventInvalid
from .models import AuditAction, AuditEvent, AuditOutcome

logger = logging.getLogger("creditgenie.audit")

# Key of the PostgreSQL advisory lock that serializes appends to the chain.
CHAIN_LOCK_KEY = 0x6367_6175_6469_74  # "cgaudit"

_LIMITS = {"object_type": 64, "object_id": 64, "case_id": 64, "purpose": 200, "grant_id": 64}


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, or X-Forwarded-For behind trusted proxies.

    ``CREDITGENIE_TRUSTED_PROXY_COUNT`` (default 0) is how many proxies in front of the
    app append to X-Forwarded-For; the client is the entry that many from the right.
    Entries further left are whatever the client sent and are never trusted.
    """
    address = request.META.get("REMOTE_ADDR", "")
    hops = getattr(settings, "CREDITGENIE_TRUSTED_PROXY_COUNT", 0)
    if hops:
        forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [p for p in forwarded if p]
        if len(forwarded) >= hops:
            address = forwarded[-hops]
    return _ip_normalize(address)


def _ip_normalize(address: str) -> str | None:
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return None
    # Django stores IPv6 in its own normal form; hash what will be stored.
    return clean_ipv6_address(address) if parsed.version == 6 else str(parsed)


def _actor_label(actor: Any, request: HttpRequest | None) -> str:
    if actor is not None and actor.is_authenticated:
        return actor.get_username()[:150]
    return "anonymous" if request is not None else "system"


def _validated(fields: dict[str, Any]) -> dict[str, Any]:
    if fields["action"] not in AuditAction.values:
        raise AuditEventInvalid(f"unknown audit action {fields['action']!r}")
    if fields["outcome"] not in AuditOutcome.values:
        raise AuditEventInvalid(f"unknown audit outcome {fields['outcome']!r}")
    if not fields["object_type"]:
        raise AuditEventInvalid("object_type is required")
    for name, limit in _LIMITS.items():
        if len(fields[name]) > limit:
            raise AuditEventInvalid(f"{name} is longer than {limit} characters")
    return fields


def _chain_lock() -> None:
    # Held until the surrounding transaction ends, so the next writer reads this row as
    # the head only once it is committed (or gone): appends never fork the chain. The
    # unique primary key on seq is the second line of defence (e.g. on SQLite).
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_KEY])


def _chain_append(fields: dict[str, Any]) -> AuditEvent:
    _chain_lock()
    head = AuditEvent.objects.order_by("-seq").values_list("seq", "hash").first()
    last_seq, prev_hash = head if head else (0, GENESIS_HASH)
    event = AuditEvent(seq=last_seq + 1, created_at=timezone.now(), prev_hash=prev_hash, **fields)
    event.hash = chain_hash(prev_hash, event.__dict__)
    event.save()
    return event


def audit_log_fields(event: AuditEvent) -> dict[str, object]:
    """What the log line says about an event: its chained content and hashes."""
    return {**event.content, "prev_hash": event.prev_hash, "hash": event.hash}


def _log(event: AuditEvent) -> None:
    level = logging.INFO if event.outcome == AuditOutcome.ALLOWED else logging.WARNING
    logger.log(level, "audit event", extra={"audit": audit_log_fields(event)})


@transaction.atomic
def audit_record(
    *,
    actor: Any,
    role: str,
    action: str,
    object_type: str,
    object_id: str,
    purpose: str = "",
    grant_id: object | None = None,
    outcome: str = AuditOutcome.ALLOWED,
    request: HttpRequest | None = None,
    case_id: str = "",
) -> AuditEvent:
    """Records one audit event at the head of the chain.

    ``actor`` is a user, an anonymous user or None (the system); ``case_id`` is the
    public id of the application the event belongs to, so a case's history is one query.
    The request, when given, supplies the request id and the client IP.

    Side effects: takes the chain lock until the surrounding transaction ends; inserts
    one AuditEvent; after commit, logs one line on ``creditgenie.audit``.
    Raises AuditEventInvalid for an unknown action or outcome or an oversized field.
    """
    fields = _validated(
        {
            "actor": actor if actor is not None and actor.is_authenticated else None,
            "actor_label": _actor_label(actor, request),
            "role": str(role),
            "action": str(action),
            "object_type": object_type,
            "object_id": str(object_id),
            "case_id": str(case_id),
            "purpose": purpose,
            "grant_id": "" if grant_id is None else str(grant_id),
            "outcome": str(outcome),
            "request_id": str(getattr(request, "request_id", ""))[:64],
            "ip": client_ip(request) if request is not None else None,
        }
    )
    event = _chain_append(fields)
    transaction.on_commit(lambda: _log(event), robust=True)
    return event
