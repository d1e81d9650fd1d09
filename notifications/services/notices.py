"""The outbox: a notice is a row written in the transaction of its event, queued after
commit and delivered by a worker with retries and exponential backoff. A mail or SMS
outage leaves the row pending (never lost, never raised into the consumer's request);
``notices_resend`` queues again rows whose task was lost."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from celery import current_app
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from integrations.errors import VendorError

from ..channels import DeliveryError, deliver
from ..kinds import WORDINGS
from ..models import Channel, Notice
from .preferences import preference_for, sms_blocked

logger = logging.getLogger("creditgenie.notifications")
DELIVER_TASK = "notifications.notice_deliver"


@dataclass(frozen=True)
class Outcome:
    state: str
    retry_in: int | None = None  # seconds until the next attempt, when one is due


def notice_send(
    *,
    kind: str,
    recipient: Any = None,
    email: str = "",
    phone: str = "",
    language: str = "en",
    link: str = "",
    dedupe_key: str = "",
) -> list[Notice]:
    """Writes the notices of one event, one per channel the recipient allows (e-mail unless
    turned off; texts only after the opt-in and never to a number that said STOP; a notice
    the law requires ignores the off switch). Call inside the event's transaction.

    Side effects: Notice rows (addresses encrypted); after commit, one delivery task each
    (a broker outage is logged; the beat's ``notices_resend`` queues them later)."""
    wording = WORDINGS[kind]
    preference = preference_for(recipient) if recipient is not None else None
    wanted = []
    if email and (preference is None or preference.email or wording.required):
        wanted.append((Channel.EMAIL, email))
    if phone and preference is not None and preference.texts_allowed and not sms_blocked(phone):
        wanted.append((Channel.SMS, phone))
    if dedupe_key:  # once per event and person
        dedupe_key = f"{dedupe_key}@{recipient.pk if recipient is not None else 'agency'}"
    notices = [
        notice
        for channel, address in wanted
        if (notice := _create(kind, recipient, channel, address, language, link, dedupe_key))
    ]
    ids = [n.pk for n in notices]
    if ids:
        transaction.on_commit(lambda: _queue(ids), robust=True)
    return notices


def _create(
    kind: str, recipient: Any, channel: str, address: str, language: str, link: str, dedupe_key: str
) -> Notice | None:
    language = "es" if language.startswith("es") else "en"
    try:
        with transaction.atomic():  # a savepoint: a repeated event leaves the first row alone
            return Notice.objects.create(
                kind=kind,
                recipient=recipient,
                channel=channel,
                address=address,
                language=language,
                link=link,
                dedupe_key=dedupe_key,
            )
    except IntegrityError:
        if dedupe_key and Notice.objects.filter(dedupe_key=dedupe_key, channel=channel).exists():
            return None
        raise


def _queue(ids: list[int]) -> None:
    for notice_id in ids:
        try:
            current_app.send_task(DELIVER_TASK, kwargs={"notice_id": notice_id})
        except Exception:  # the broker is down: the row waits for notices_resend
            logger.warning("could not queue a notice", extra={"notice": notice_id})


def backoff_seconds(attempts: int) -> int:
    """30 s, 60 s, 120 s... (by default), capped: the wait after `attempts` failures."""
    base = settings.NOTIFICATIONS["RETRY_BASE_SECONDS"]
    return min(base * 2 ** max(attempts - 1, 0), settings.NOTIFICATIONS["RETRY_MAX_SECONDS"])


def _claim(notice_id: int, now: datetime) -> Notice | None:
    lease = now - timedelta(seconds=settings.NOTIFICATIONS["CLAIM_SECONDS"])
    claimed = (
        Notice.objects.filter(pk=notice_id, state=Notice.State.PENDING)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=lease))
        .update(claimed_at=now)
    )
    return Notice.objects.filter(pk=notice_id).first() if claimed else None


def notice_deliver(*, notice_id: int, now: datetime | None = None) -> Outcome:
    """Sends one pending notice, once (claimed with a conditional UPDATE). A temporary
    failure records the error and the next attempt time; after
    NOTIFICATIONS["MAX_ATTEMPTS"] it is failed; a refused address is bounced.

    Side effects: the e-mail or text; the row's state, attempts, error and times."""
    now = now or timezone.now()
    notice = _claim(notice_id, now)
    if notice is None:
        state = Notice.objects.filter(pk=notice_id).values_list("state", flat=True).first()
        return Outcome(state or "missing")
    notice.attempts += 1
    try:
        notice.provider_id = deliver(notice)[:200]
    except DeliveryError as error:
        return _failed(notice, now, str(error), bounced=error.bounced, permanent=error.permanent)
    except VendorError as error:
        return _failed(notice, now, str(error), bounced=False, permanent=error.permanent)
    notice.state, notice.delivered_at, notice.claimed_at, notice.last_error = (
        Notice.State.DELIVERED,
        timezone.now(),
        None,
        "",
    )
    notice.save(
        update_fields=[
            "state",
            "delivered_at",
            "claimed_at",
            "last_error",
            "attempts",
            "provider_id",
        ]
    )
    return Outcome(notice.state)


def _failed(
    notice: Notice, now: datetime, error: str, *, bounced: bool, permanent: bool
) -> Outcome:
    notice.last_error, notice.claimed_at = error[:300], None
    retry_in = None
    if bounced:
        notice.state = Notice.State.BOUNCED
    elif permanent or notice.attempts >= settings.NOTIFICATIONS["MAX_ATTEMPTS"]:
        notice.state = Notice.State.FAILED
    else:
        retry_in = backoff_seconds(notice.attempts)
        notice.next_attempt_at = now + timedelta(seconds=retry_in)
    notice.save(update_fields=["last_error", "claimed_at", "state", "attempts", "next_attempt_at"])
    logger.info("notice not delivered", extra={"notice": notice.pk, "state": notice.state})
    return Outcome(notice.state, retry_in)


def notices_resend(*, now: datetime | None = None) -> int:
    """Queues again pending notices whose next attempt is past due by more than a
    minute (their task was lost: broker down at commit, worker killed)."""
    now = now or timezone.now()
    lease = now - timedelta(seconds=settings.NOTIFICATIONS["CLAIM_SECONDS"])
    due = Notice.objects.filter(
        state=Notice.State.PENDING, next_attempt_at__lte=now - timedelta(seconds=60)
    ).filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=lease))
    ids = list(due.order_by("next_attempt_at").values_list("pk", flat=True)[:500])
    _queue(ids)
    return len(ids)
