"""The front door: one public URL that sends each consumer to the right agency."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ..forms import TerritoryForm
from ..models import Agency, RoutingCount
from ..routing import agency_landing_url, kept_parameters
from ..selectors import agencies_active, agency_by_referral, agency_by_territory
from ..services import routing_count_increment


def _send(request: HttpRequest, agency: Agency, method: str, *, ref: str = "") -> HttpResponse:
    routing_count_increment(agency=agency, method=method)
    return HttpResponseRedirect(agency_landing_url(agency, request.GET, ref=ref))


def _chooser(request: HttpRequest, template: str, status: int, **context: object) -> HttpResponse:
    context |= {"agencies": agencies_active(), "kept": kept_parameters(request.GET)}
    return render(request, template, context, status=status)


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return _chooser(request, "frontdoor/home.html", 200, form=TerritoryForm())


@require_GET
def route(request: HttpRequest) -> HttpResponse:
    """State/ZIP form: the agency serving that territory, else the chooser."""
    form = TerritoryForm(request.GET)
    if not form.is_valid():
        return _chooser(request, "frontdoor/home.html", 400, form=form)
    match = agency_by_territory(
        state=form.cleaned_data["state"], zip_code=form.cleaned_data["zip_code"]
    )
    if match is None:
        routing_count_increment(agency=None, method=RoutingCount.Method.UNMATCHED)
        return _chooser(request, "frontdoor/no_match.html", 200, form=form)
    return _send(request, match.agency, match.method)


@require_GET
def referral(request: HttpRequest, code: str) -> HttpResponse:
    agency = agency_by_referral(code)
    if agency is None:
        return _chooser(request, "frontdoor/unknown_code.html", 404)
    return _send(request, agency, RoutingCount.Method.REFERRAL, ref=code.lower())


@require_GET
def chooser(request: HttpRequest) -> HttpResponse:
    return _chooser(request, "frontdoor/chooser.html", 200)


@require_GET
def choose(request: HttpRequest, slug: str) -> HttpResponse:
    """An agency picked from the chooser; inactive ones are never reachable."""
    agency = Agency.objects.filter(slug=slug, active=True).first()
    if agency is None:
        return _chooser(request, "frontdoor/unknown_code.html", 404)
    return _send(request, agency, RoutingCount.Method.CHOOSER)
