"""Celery tasks of the notifications: thin interfaces that call one service."""

from __future__ import annotations

from celery import Task, shared_task
from django.db import DatabaseError

from .services import notice_deliver, notices_resend

RELIABLE = {"acks_late": True, "reject_on_worker_lost": True}


@shared_task(
    bind=True,
    name="notifications.notice_deliver",
    max_retries=None,  # the service counts attempts (NOTIFICATIONS["MAX_ATTEMPTS"])
    autoretry_for=(DatabaseError,),
    retry_backoff=1,
    retry_backoff_max=60,
    **RELIABLE,
)
def notice_deliver_task(self: Task, *, notice_id: int) -> str:
    """Sends one notice; a temporary failure comes back after the backoff the service
    recorded on the row (exponential, capped)."""
    outcome = notice_deliver(notice_id=notice_id)
    if outcome.retry_in is not None:
        raise self.retry(countdown=outcome.retry_in)
    return outcome.state


@shared_task(name="notifications.notices_resend")
def notices_resend_task() -> int:
    """Beat: queues again pending notices whose task was lost."""
    return notices_resend()
