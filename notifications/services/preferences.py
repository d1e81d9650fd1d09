"""Channel choices, the SMS opt-in (a versioned consent text, like the intake consents),
STOP, and unsubscribe links that work signed out (signed tokens: one person, one channel)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone

from tenants.audit.models import AuditAction
from tenants.audit.services import audit_record
from tenants.encryption.blind_index import blind_index
from tenants.roles import Role

from ..models import Channel, ChannelPreference, SmsOptOut

SMS_CONSENT_VERSION = "2026-01"  # a new wording is a new file and a new version here
CONSENT_DIR = Path(settings.BASE_DIR) / "templates" / "notifications" / "consents"
UNSUBSCRIBE_SALT = "notifications.unsubscribe"
UNSUBSCRIBE_MAX_AGE = 400 * 24 * 3600  # a link in an old e-mail still works for a year
STOP_WORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "ALTO", "PARAR"})
START_WORDS = frozenset({"START", "UNSTOP", "YES"})


@dataclass(frozen=True)
class SmsConsentText:
    version: str
    language: str
    text: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode()).hexdigest()


@cache
def sms_consent_text(language: str, version: str = SMS_CONSENT_VERSION) -> SmsConsentText:
    language = "es" if language.startswith("es") else "en"
    path = CONSENT_DIR / f"sms-{version}.{language}.txt"
    return SmsConsentText(version, language, path.read_text(encoding="utf-8").strip())


def preference_for(user: Any) -> ChannelPreference:
    """The person's choices; the defaults (e-mail on, no texts) when never set."""
    return ChannelPreference.objects.filter(user=user).first() or ChannelPreference(user=user)


# Where a person's phone numbers are kept (the intake's households): registered by the app
# above at start-up, as notifications never imports it. The preferences page uses them to
# show a STOP and to lift it when the person opts in again.
_phone_sources: list[Callable[[Any], list[str]]] = []


def phones_source_register(source: Callable[[Any], list[str]]) -> None:
    if source not in _phone_sources:
        _phone_sources.append(source)


def phones_of(user: Any) -> list[str]:
    return sorted({phone for source in _phone_sources for phone in source(user) if phone})


def _stopped(phones: list[str]) -> list[str]:
    """The blind indexes of those of `phones` that said STOP."""
    indexes = []
    for phone in phones:
        try:
            indexes.append(blind_index("phone", phone))
        except ValueError:  # not a phone number: nothing is texted to it
            continue
    return list(
        SmsOptOut.objects.filter(phone_index__in=indexes).values_list("phone_index", flat=True)
    )


def texts_stopped(user: Any) -> bool:
    """Whether a number of this person answered STOP (no text goes to it)."""
    return bool(_stopped(phones_of(user)))


@transaction.atomic
def preference_set(
    *, user: Any, email: bool, sms: bool, language: str, phone: str = ""
) -> ChannelPreference:
    """Saves the person's channels. Texts on for the first time, after turning them off,
    or after a STOP, is a new opt-in: the consent text's version, language and SHA-256 and
    the time replace the previous ones (the audit trail keeps each opt-in), and the STOP of
    the person's numbers is lifted: the person asked again, explicitly, in the portal.
    Texts off clears the opt-in.

    Side effects: one ChannelPreference row saved; on opt-in, the person's SmsOptOut rows
    removed and one audit event."""
    preference = ChannelPreference.objects.select_for_update().filter(user=user).first()
    preference = preference or ChannelPreference(user=user)
    preference.email = email
    stopped = _stopped(sorted({*phones_of(user), *([phone] if phone else [])}))
    if sms and (stopped or not preference.texts_allowed):
        text = sms_consent_text(language)
        preference.sms_consent_version, preference.sms_consent_language = (
            text.version,
            text.language,
        )
        preference.sms_consent_sha256, preference.sms_consented_at = text.sha256, timezone.now()
        SmsOptOut.objects.filter(phone_index__in=stopped).delete()
        _audit_opt_in(user, text, after_stop=bool(stopped))
    elif not sms:
        preference.sms_consented_at = None
    preference.sms = sms
    preference.save()
    return preference


def _audit_opt_in(user: Any, text: SmsConsentText, *, after_stop: bool) -> None:
    audit_record(
        actor=user,
        role=Role.CONSUMER,
        action=AuditAction.CREATE,
        object_type="sms_consent",
        object_id=f"{text.version}.{text.language}:{text.sha256[:16]}",
        purpose="texts opt-in after STOP" if after_stop else "texts opt-in",
    )


def sms_opt_in(*, user: Any, language: str, phone: str = "") -> ChannelPreference:
    """Texts on, keeping the e-mail choice as it is."""
    return preference_set(
        user=user, email=preference_for(user).email, sms=True, language=language, phone=phone
    )


def sms_blocked(phone: str) -> bool:
    try:
        return SmsOptOut.objects.filter(phone_index=blind_index("phone", phone)).exists()
    except ValueError:  # not a phone number: nothing can be texted to it
        return True


def sms_stop_record(*, phone: str) -> bool:
    """The number said STOP: no text goes to it again until its owner opts in again.
    True when the opt-out is new."""
    _row, created = SmsOptOut.objects.get_or_create(
        phone_index=blind_index("phone", phone), defaults={"phone": phone}
    )
    return created


def sms_inbound_record(*, phone: str, body: str) -> str:
    """An inbound text (SNS two-way SMS): STOP and its synonyms (English and Spanish)
    record an opt-out, START removes it; anything else is ignored. Returns what was done."""
    word = body.strip().upper()
    if word in STOP_WORDS:
        sms_stop_record(phone=phone)
        return "stopped"
    if word in START_WORDS:
        SmsOptOut.objects.filter(phone_index=blind_index("phone", phone)).delete()
        return "started"
    return "ignored"


def unsubscribe_token(*, user_id: int, channel: str) -> str:
    return signing.TimestampSigner(salt=UNSUBSCRIBE_SALT).sign(f"{user_id}:{channel}")


def unsubscribe_read(token: str) -> tuple[int, str]:
    """The person and channel a link names. Raises signing.BadSignature (also expired)."""
    value = signing.TimestampSigner(salt=UNSUBSCRIBE_SALT).unsign(
        token, max_age=UNSUBSCRIBE_MAX_AGE
    )
    user_id, channel = value.split(":", 1)
    if channel not in Channel.values:
        raise signing.BadSignature("unknown channel")
    return int(user_id), channel


@transaction.atomic
def unsubscribe_apply(*, token: str) -> tuple[int, str]:
    """Turns off one channel for the one person the signed token names (no sign-in needed).
    Notices the law requires still go out. Raises signing.BadSignature (also expired).

    Side effects: that person's ChannelPreference for that channel."""
    user_id, channel = unsubscribe_read(token)
    preference, _created = ChannelPreference.objects.select_for_update().get_or_create(
        user_id=user_id
    )
    if channel == Channel.EMAIL:
        preference.email = False
    else:
        preference.sms, preference.sms_consented_at = False, None
    preference.save()
    return user_id, channel
