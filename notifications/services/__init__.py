"""Writes of the notifications: the outbox (notices), channel choices and opt-outs."""

from __future__ import annotations

from .notices import notice_deliver, notice_send, notices_resend
from .preferences import (
    preference_for,
    preference_set,
    sms_inbound_record,
    sms_opt_in,
    unsubscribe_apply,
    unsubscribe_token,
)

__all__ = [
    "notice_deliver",
    "notice_send",
    "notices_resend",
    "preference_for",
    "preference_set",
    "sms_inbound_record",
    "sms_opt_in",
    "unsubscribe_apply",
    "unsubscribe_token",
]
