"""Reads of the audit trail: a case's history, the chain walk, the role an actor used."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.conf import settings
from django.core.paginator import Page, Paginator

from tenants.roles import roles_of

from .anchors import Anchor, AnchorInvalid, anchor_decode, anchor_storage
from .chain import CHAINED_FIELDS, ChainKey, ChainProblem, ChainReport, chain_walk
from .ip import ip_opened
from .key import chain_key_stored
from .models import AuditEvent

HISTORY_PAGE_SIZE = 50
_HISTORY_FIELDS = (
    "seq",
    "created_at",
    "actor_label",
    "role",
    "action",
    "object_type",
    "purpose",
    "outcome",
)


def audit_role_for(user: object, acting_as: Iterable[str]) -> str:
    """The role a user acted in: the first of ``acting_as`` they hold.

    A user holding none of them (typically a denied attempt) is recorded with the first
    role they do hold, alphabetically, or "" when they hold none.
    """
    held = roles_of(user)
    for role in acting_as:
        if role in held:
            return str(role)
    return min(held, default="")


def audit_history_page(*, case_id: str, page_number: object = 1) -> Page:
    """One page of a case's events, newest first; two queries (count and rows)."""
    events = AuditEvent.objects.filter(case_id=case_id).only(*_HISTORY_FIELDS).order_by("-seq")
    return Paginator(events, HISTORY_PAGE_SIZE).get_page(page_number)


def _chain_rows(chunk_size: int) -> Iterator[dict[str, object]]:
    fields = (*CHAINED_FIELDS, "prev_hash", "hash")
    rows = AuditEvent.objects.order_by("seq").values(*fields).iterator(chunk_size=chunk_size)
    return (ip_opened(row) for row in rows)  # the hash covers the address, not its seal


def audit_chain_verify(
    *, anchors: Iterable[tuple[int, str]] = (), chunk_size: int = 5000
) -> ChainReport:
    """Walks the whole chain in ``seq`` order under the chain key, ``chunk_size`` rows at a
    time, and checks every anchor ``(seq, hash)`` given.

    Reads with a server-side cursor on PostgreSQL, so memory stays flat on millions of
    rows. Returns the report; raises nothing for a broken chain (the report says so).
    Raises KeyProviderError when the master key that wraps the chain key is unavailable.
    """
    return chain_walk(_chain_rows(chunk_size), key=chain_key_stored(), anchors=anchors)


def _anchors_read(key: ChainKey | None) -> tuple[list[Anchor], list[ChainProblem]]:
    anchors, problems = [], []
    for name, body in anchor_storage().read_all(settings.CREDITGENIE_TENANT):
        if key is None:
            problems.append(ChainProblem(1, f"anchor {name} exists but the chain key is gone"))
            continue
        try:
            anchors.append(anchor_decode(name, body, key))
        except AnchorInvalid as exc:
            problems.append(ChainProblem(1, str(exc)))
    return anchors, problems


def audit_chain_verify_anchored(*, chunk_size: int = 5000) -> ChainReport:
    """audit_chain_verify against every anchor in write-once storage; an anchor that is not
    this deployment's (bad signature) is a problem too. Raises KeyProviderError without the
    master key, and the storage's errors when the anchors cannot be read."""
    anchors, problems = _anchors_read(chain_key_stored())
    report = audit_chain_verify(
        anchors=[(a.last_seq, a.last_hash) for a in anchors], chunk_size=chunk_size
    )
    for problem in problems:
        report.add(problem)
    return report
