"""Reads of the audit trail: a case's history, the chain walk, the role an actor used."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.core.paginator import Page, Paginator

from tenants.roles import roles_of

from .chain import CHAINED_FIELDS, ChainReport, chain_walk
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
    return AuditEvent.objects.order_by("seq").values(*fields).iterator(chunk_size=chunk_size)


def audit_chain_verify(
    *, anchor: tuple[int, str] | None = None, chunk_size: int = 5000
) -> ChainReport:
    """Walks the whole chain in ``seq`` order, ``chunk_size`` rows at a time.

    Reads with a server-side cursor on PostgreSQL, so memory stays flat on millions of
    rows. Returns the report; raises nothing for a broken chain (the report says so).
    """
    return chain_walk(_chain_rows(chunk_size), anchor=anchor)
