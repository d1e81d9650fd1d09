"""What each notice kind says: a fixed subject line, a fixed sentence, who receives it and
whether the law requires it (then no unsubscribe link turns it off). A notice never
carries a name, an amount, a creditor or message text: only that something happened and
the link to the page where to look."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    APPLICATION_RECEIVED = "application_received", _("Application received")
    MESSAGE_FOR_CONSUMER = "message_for_consumer", _("New message from your counselor")
    OFFER_READY = "offer_ready", _("Plan offer ready")
    OFFER_REMINDER = "offer_reminder", _("Plan offer reminder")
    OFFER_EXPIRED = "offer_expired", _("Plan offer expired")
    BANK_RENEWAL = "bank_renewal", _("Bank connection needs renewal")
    DOCUMENT_REFUSED = "document_refused", _("Document refused")
    MESSAGE_FOR_COUNSELOR = "message_for_counselor", _("New message from a consumer")
    OFFER_ACCEPTED_COUNSELOR = "offer_accepted_counselor", _("Offer accepted")
    OFFER_EXPIRED_COUNSELOR = "offer_expired_counselor", _("Offer expired")
    FOLLOW_UPS_DIGEST = "follow_ups_digest", _("Follow-ups due today")
    AGENCY_ACTIVITY = "agency_activity", _("New activity for the agency")


@dataclass(frozen=True)
class Wording:
    subject: Promise
    sentence: Promise
    required: bool = False  # a notice the law requires: no unsubscribe turns it off


WORDINGS: dict[str, Wording] = {
    Kind.APPLICATION_RECEIVED: Wording(
        _("Credit counseling: we received your application"),
        _("We received your application. You can follow it in your portal."),
    ),
    Kind.MESSAGE_FOR_CONSUMER: Wording(
        _("Credit counseling: you have a new secure message"),
        _("Your counselor sent you a secure message. Sign in to read it."),
    ),
    Kind.OFFER_READY: Wording(
        _("Credit counseling: your plan offer is ready"),
        _("Your counselor sent you a plan offer. Sign in to read it and answer."),
    ),
    Kind.OFFER_REMINDER: Wording(
        _("Credit counseling: your plan offer is waiting for your answer"),
        _("A plan offer is waiting for your answer. Sign in to read it before it expires."),
    ),
    Kind.OFFER_EXPIRED: Wording(
        _("Credit counseling: your plan offer expired"),
        _(
            "Your plan offer expired without an answer. "
            "Sign in to ask your counselor for a new one."
        ),
        required=True,
    ),
    Kind.BANK_RENEWAL: Wording(
        _("Credit counseling: please reconnect your bank"),
        _("A bank connection needs to be renewed. Sign in to reconnect it."),
    ),
    Kind.DOCUMENT_REFUSED: Wording(
        _("Credit counseling: a document needs replacing"),
        _("A document you sent could not be accepted. Sign in to send another one."),
    ),
    Kind.MESSAGE_FOR_COUNSELOR: Wording(
        _("Credit counseling: new secure message"),
        _("A consumer sent a new secure message. Sign in to read it."),
    ),
    Kind.OFFER_ACCEPTED_COUNSELOR: Wording(
        _("Credit counseling: an offer was accepted"),
        _("A consumer accepted a plan offer. Sign in to open the case."),
    ),
    Kind.OFFER_EXPIRED_COUNSELOR: Wording(
        _("Credit counseling: an offer expired"),
        _("A plan offer expired without an answer. Sign in to open the case."),
    ),
    Kind.FOLLOW_UPS_DIGEST: Wording(
        _("Credit counseling: follow-ups due today"),
        _("You have follow-ups due. Sign in to see your tasks."),
    ),
    Kind.AGENCY_ACTIVITY: Wording(
        _("Credit counseling: new activity"),
        _("A consumer asked to talk to a counselor. Open the queue to call back."),
    ),
}
