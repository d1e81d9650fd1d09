""" "Talk to a counselor": reachable from every consumer page, with or without an
application (NFCC: no pre-screening)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ..forms.counseling import CounselingRequestForm
from ..models import Application
from ..permissions import consumers_only
from ..services import counseling_request_create


@require_http_methods(["GET", "POST"])
@login_required
@consumers_only
def counseling_request(request: HttpRequest) -> HttpResponse:
    language = request.LANGUAGE_CODE[:2]
    form = CounselingRequestForm(request.POST or None, initial={"language": language})
    if request.method == "POST" and form.is_valid():
        application = (
            Application.objects.filter(consumer_id=request.user.pk).order_by("-created_at").first()
        )
        counseling_request_create(
            consumer=request.user, application=application, request=request, **form.cleaned_data
        )
        messages.success(
            request, _("Thank you. A counselor will call you at one of the times you chose.")
        )
        return redirect("agency:home")
    return render(request, "intake/counseling_request.html", {"form": form})
