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

from .anchors import anchor_encode, anchor_new, anchor_storage
from .chain import CHAINED_FIELDS, ChainReport, chain_hash
from .errors import AuditChainBroken, AuditEventInvalid
from .ip import ip_seal
from .key import chain_key_create, chain_key_stored
from .models import AuditAction, AuditEvent, AuditOutcome, ChainVerification
from .selectors import audit_chain_verify_anchored

logger = logging.getLogger("creditgenie.audit")
verification_logger = logging.getLogger("creditgenie.audit.verification")

# The event name an alarm matches (docs/audit.md): { $.event = "audit_chain_broken" }.
CHAIN_BROKEN_EVENT = "audit_chain_broken"

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
    # An id, never the username: usernames can hold a name or an e-mail address.
    if actor is not None and actor.is_authenticated:
        return f"user-{actor.pk}"
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


# Takes the head row: the row lock serializes appends until the transaction ends, and a
# writer that waited reads the head its predecessor committed (docs/audit.md).
_HEAD_TAKE = "UPDATE audit_auditchainhead SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash"
_HEAD_SET = "UPDATE audit_auditchainhead SET hash = %s WHERE id = 1"
_COLUMNS = (*CHAINED_FIELDS, "prev_hash", "hash")
_INSERT = (
    "INSERT INTO audit_auditevent (seq, created_at, actor_id, actor_label, role, action, "
    "object_type, object_id, case_id, purpose, grant_id, outcome, request_id, ip, prev_hash, "
    "hash) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
)
_FIELD_BY_COLUMN = {field.column: field for field in AuditEvent._meta.concrete_fields}
# PostgreSQL: one round trip writes the head's new hash and the row together.
_INSERT_AND_HEAD = f"WITH head AS ({_HEAD_SET}) {_INSERT}"


def _db_value(event: AuditEvent, column: str) -> object:
    field = _FIELD_BY_COLUMN[column]
    return field.get_db_prep_save(getattr(event, field.attname), connection)


def _chain_append(fields: dict[str, Any]) -> AuditEvent:
    key = chain_key_stored()
    with connection.cursor() as cursor:
        cursor.execute(_HEAD_TAKE)
        seq, prev_hash = cursor.fetchone()
        if key is None:  # read again under the head lock: a racing writer may have made it
            key = chain_key_stored() or chain_key_create(keyed_after=seq - 1)
        event = AuditEvent(seq=seq, created_at=timezone.now(), prev_hash=prev_hash, **fields)
        event.hash = chain_hash(prev_hash, event.__dict__, key.for_row(seq))
        values = [_db_value(event, column) for column in _COLUMNS]
        values[_COLUMNS.index("ip")] = ip_seal(seq, event.ip)  # stored sealed (ip.py)
        if connection.vendor == "postgresql":
            cursor.execute(_INSERT_AND_HEAD, [event.hash, *values])
        else:
            cursor.execute(_HEAD_SET, [event.hash])
            cursor.execute(_INSERT, values)
    event._state.adding = False
    return event


def audit_log_fields(event: AuditEvent) -> dict[str, object]:
    """What the log line says about an event: its chained content and hashes, without
    the client address (personal data, sealed in the row)."""
    content = {name: value for name, value in event.content.items() if name != "ip"}
    return {**content, "prev_hash": event.prev_hash, "hash": event.hash}


def _log(event: AuditEvent) -> None:
    level = logging.INFO if event.outcome == AuditOutcome.ALLOWED else logging.WARNING
    logger.log(level, "audit event", extra={"audit": audit_log_fields(event)})


@transaction.atomic(savepoint=False)
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

    Side effects: locks the chain head until the surrounding transaction ends (the first
    append of a deployment also makes the chain key); inserts one AuditEvent; after
    commit, logs one line on ``creditgenie.audit``.
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


def _chain_broken(report: ChainReport) -> None:
    first = report.problems[0] if report.problems else ""
    verification_logger.error(
        "audit chain verification failed",
        extra={
            "event": CHAIN_BROKEN_EVENT,
            "first_bad_seq": report.first_bad_seq,
            "problem_count": report.problem_count,
            "problem": str(first),
        },
    )


def audit_chain_check() -> ChainVerification:
    """Verifies the whole chain under the chain key against every anchor; when intact,
    anchors the head in write-once storage.

    Side effects: reads every event and anchor; writes one anchor (intact chain with at
    least one event); inserts one ChainVerification; a broken chain logs one ERROR line
    with event ``audit_chain_broken``. Raises KeyProviderError without the master key and
    the storage's errors when the anchors cannot be read or written.
    """
    key = chain_key_stored()
    report = audit_chain_verify_anchored()
    now = timezone.now()
    written = ""
    if report.intact and key is not None and report.count:
        anchor = anchor_new(
            last_seq=report.last_seq, last_hash=report.last_hash, rows=report.count, at=now
        )
        anchor_storage().write(anchor.name, anchor_encode(anchor, key))
        written = anchor.name
    if not report.intact:
        _chain_broken(report)
    return ChainVerification.objects.create(
        ran_at=now,
        intact=report.intact,
        rows=report.count,
        last_seq=report.last_seq,
        first_bad_seq=report.first_bad_seq,
        problem=str(report.problems[0])[:300] if report.problems else "",
        anchor=written,
    )


def audit_chain_check_raising() -> ChainVerification:
    """audit_chain_check, raising AuditChainBroken (naming the first bad row) when broken."""
    result = audit_chain_check()
    if not result.intact:
        raise AuditChainBroken(
            f"audit chain broken from row {result.first_bad_seq}: {result.problem}"
        )
    return result
