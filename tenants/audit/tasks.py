"""Celery interface of the audit trail (scheduled daily by beat, CELERY_BEAT_SCHEDULE)."""

from __future__ import annotations

from celery import shared_task

from .services import audit_chain_check_raising


@shared_task(name="audit.chain_verify")
def audit_chain_verify_and_anchor() -> dict[str, object]:
    """Verifies the chain against its anchors and anchors the head (services.audit_chain_check).

    A broken chain fails the task with AuditChainBroken naming the first bad row, after the
    outcome is recorded for /readyz and the ERROR event is logged for the alarm.
    """
    result = audit_chain_check_raising()
    return {"intact": result.intact, "rows": result.rows, "anchor": result.anchor}
