"""Notice preferences (portal), unsubscribe links (signed out), the SNS inbound texts
endpoint (STOP) and, in local runs only, the staff page of the mail sink."""

from __future__ import annotations

import hmac
import json
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tenants.roles import is_staff_member

from .forms import PreferenceForm, UnsubscribeForm
from .models import Channel
from .services import preference_for, preference_set, sms_inbound_record, unsubscribe_apply
from .services.preferences import sms_consent_text, texts_stopped, unsubscribe_read


@require_http_methods(["GET", "POST"])
@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    if is_staff_member(request.user):
        raise PermissionDenied("Staff notices are set by the agency.")
    current = preference_for(request.user)
    stopped = texts_stopped(request.user)  # a STOP wins until the person ticks texts again
    initial = {"email": current.email, "sms": current.texts_allowed and not stopped}
    form = PreferenceForm(request.POST if request.method == "POST" else None, initial=initial)
    language = request.LANGUAGE_CODE[:2]
    if request.method == "POST" and form.is_valid():
        preference_set(user=request.user, language=language, **form.cleaned_data)
        messages.success(request, _("Your notice choices are saved."))
        return redirect("notifications:preferences")
    context = {"form": form, "consent": sms_consent_text(language), "stopped": stopped}
    return render(request, "notifications/preferences.html", context)


@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """Works signed out: the token names one person and one channel."""
    try:
        _user_id, channel = unsubscribe_read(token)
    except signing.BadSignature:
        raise Http404("unknown unsubscribe link") from None
    form = UnsubscribeForm(request.POST if request.method == "POST" else None)
    done = request.method == "POST" and form.is_valid()
    if done:
        unsubscribe_apply(token=token)
    context = {"form": form, "done": done, "channel": Channel(channel).label}
    return render(request, "notifications/unsubscribe.html", context)


@csrf_exempt
@require_POST
def sms_inbound(request: HttpRequest, token: str) -> HttpResponse:
    """SNS two-way SMS (an HTTPS subscription whose URL carries a secret segment): STOP
    and START. Anything but a Notification is acknowledged and ignored."""
    secret = settings.NOTIFICATIONS["SMS_INBOUND_TOKEN"]
    if not secret or not hmac.compare_digest(token.encode(), secret.encode()):
        raise Http404("no such endpoint")
    try:
        envelope = json.loads(request.body)
        inbound = json.loads(envelope["Message"]) if envelope.get("Type") == "Notification" else {}
    except (ValueError, KeyError, TypeError):
        return HttpResponse("bad message", status=400, content_type="text/plain")
    phone, body = inbound.get("originationNumber", ""), inbound.get("messageBody", "")
    outcome = sms_inbound_record(phone=phone, body=body) if phone else "ignored"
    return HttpResponse(outcome, content_type="text/plain")


def _sink_files() -> list[Path]:
    folder = Path(settings.NOTIFICATIONS["MAIL_SINK_DIR"])
    files = [p for p in folder.glob("*") if p.is_file()] if folder.is_dir() else []
    return sorted(files, key=lambda p: p.name, reverse=True)[:200]


def _local_staff(request: HttpRequest) -> None:
    if not settings.CREDITGENIE_LOCAL_RUN:
        raise Http404("local runs only")
    if not is_staff_member(request.user):
        raise PermissionDenied("staff only")


@require_GET
@login_required
def local_mail(request: HttpRequest) -> HttpResponse:
    _local_staff(request)
    names = [p.name for p in _sink_files()]
    return render(request, "notifications/local_mail.html", {"names": names})


@require_GET
@login_required
def local_mail_message(request: HttpRequest, name: str) -> HttpResponse:
    _local_staff(request)
    match = next((p for p in _sink_files() if p.name == name), None)
    if match is None:
        raise Http404("no such message")
    return HttpResponse(match.read_bytes(), content_type="text/plain; charset=utf-8")
