"""The two channels: e-mail through Django's mail API (SMTP locally and in tests, SES in
production: EMAIL_BACKEND) and texts through Amazon SNS, or, in local runs, the same sink
folder the SMTP sink writes to (CREDITGENIE_SMS_BACKEND=folder)."""

from __future__ import annotations

import smtplib
import uuid
from pathlib import Path

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.message import make_msgid
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from integrations.aws import sns
from tenants.selectors import agency_profile_get

from .kinds import WORDINGS
from .models import Channel, Notice
from .services.preferences import sms_blocked, sms_stop_record, unsubscribe_token


class DeliveryError(Exception):
    """A channel refused or failed; `permanent` stops the retries, `bounced` marks the
    address as refused."""

    def __init__(self, message: str, *, permanent: bool = False, bounced: bool = False) -> None:
        super().__init__(message)
        self.permanent, self.bounced = permanent or bounced, bounced


def absolute(path: str) -> str:
    return settings.CREDITGENIE_PUBLIC_URL.rstrip("/") + path if path else ""


def rendered(notice: Notice) -> tuple[str, str]:
    """The notice's subject and text in its language: fixed sentences and a link only."""
    wording = WORDINGS[notice.kind]
    profile = agency_profile_get()
    unsubscribe = ""
    if notice.recipient_id is not None and not wording.required:
        token = unsubscribe_token(user_id=notice.recipient_id, channel=notice.channel)
        unsubscribe = absolute(reverse("notifications:unsubscribe", kwargs={"token": token}))
    agency = (profile.short_name or profile.name) if profile is not None else ""
    link = absolute(notice.link)
    # Plain text built here, not by a template: nothing to escape, nothing to un-escape.
    with translation.override(notice.language):
        if notice.channel == Channel.SMS:
            parts = [f"{agency}: {wording.sentence}", link, _("Reply STOP to stop texts.")]
            return str(wording.subject), " ".join(p for p in parts if p)
        lines = [str(wording.sentence), "", link, "", agency]
        if unsubscribe:
            lines += ["", f"{_('To stop these e-mails:')} {unsubscribe}"]
        return str(wording.subject), "\n".join(lines) + "\n"


def deliver(notice: Notice) -> str:
    """Sends `notice` on its channel; returns the provider's message id. Raises
    DeliveryError or integrations VendorError."""
    subject, body = rendered(notice)
    if notice.channel == Channel.SMS:
        return _text(notice.address, body)
    return _mail(notice.address, subject, body)


def _mail(address: str, subject: str, body: str) -> str:
    message_id = make_msgid(domain="creditgenie.local")
    message = EmailMessage(
        subject, body, settings.DEFAULT_FROM_EMAIL, [address], headers={"Message-ID": message_id}
    )
    try:
        message.send(fail_silently=False)
    except smtplib.SMTPRecipientsRefused:
        raise DeliveryError("the mail server refused the address", bounced=True) from None
    except (smtplib.SMTPException, OSError) as error:
        raise DeliveryError(f"mail server unavailable ({type(error).__name__})") from None
    return message_id


def e164(phone: str) -> str:
    digits = "".join(ch for ch in phone if ch.isdigit())
    return f"+1{digits}" if len(digits) == 10 else f"+{digits}"


def _text(phone: str, body: str) -> str:
    number = e164(phone)
    if sms_blocked(phone):  # STOP arrived after the notice was written
        raise DeliveryError("the number opted out of texts", permanent=True)
    if settings.NOTIFICATIONS["SMS_BACKEND"] == "folder":
        return _to_sink(number, body)
    if sns.phone_opted_out(phone_number=number):
        sms_stop_record(phone=phone)
        raise DeliveryError("the number opted out of texts", permanent=True)
    return sns.sms_publish(phone_number=number, message=body)


def _to_sink(number: str, body: str) -> str:
    """Local runs: the text as a file next to the SMTP sink's messages."""
    folder = Path(settings.NOTIFICATIONS["MAIL_SINK_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{timezone.now():%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}.sms.txt"
    (folder / name).write_text(f"To: {number}\n\n{body}", encoding="utf-8")
    return name
