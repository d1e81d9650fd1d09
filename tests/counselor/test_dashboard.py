"""The supervisor dashboard: supervisors only, the figures, bars scaled, drill-down links,
a fixed number of queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from counselor.selectors.dashboard import bars, duration_words, supervisor_dashboard
from counselor.services.case import case_assign, case_note_save
from intake.models import (
    PlanOffer,
    VerificationRequest,
)
from tenants.roles import Role
from tests.counselor.cases import failed_pull_of, sent_application, verified_application_of

pytestmark = pytest.mark.django_db
URL = "/counselor/supervisor/"


def test_bars_scale_to_the_largest_count():
    drawn = bars([("a", 4, "?a"), ("b", 1, "?b"), ("c", 0, "?c")])

    assert [(b.width, b.y) for b in drawn] == [(300, 0), (75, 24), (0, 48)]
    assert bars([("a", 0, "")])[0].width == 0


@pytest.mark.parametrize("role", [Role.COUNSELOR, Role.CONSUMER, Role.AGENCY_ADMIN])
def test_dashboard_is_404_for_everyone_but_supervisors(client, make_staff, role):
    client.force_login(make_staff(f"x-{role}", role))

    assert client.get(URL).status_code == 404


def test_dashboard_figures_and_drill_down_links(client, make_staff):
    supervisor = make_staff("supervisor-1", Role.SUPERVISOR)
    counselor = make_staff("counselor-1", Role.COUNSELOR)
    first, second = sent_application(), sent_application(status="in_review")
    case_assign(application=first, assignee=counselor, actor=supervisor)
    case_assign(application=second, assignee=counselor, actor=supervisor)
    note = case_note_save(application=first, body="Called.", actor=counselor, expected_version=1)
    note.created_at = first.submitted_at + timedelta(hours=2)
    note.save(update_fields=["created_at"])
    for status, application in (("accepted", first), ("declined", second)):
        PlanOffer.objects.create(
            application=application,
            snapshot={},
            document="d",
            document_hash="0" * 64,
            status=status,
            created_at=application.submitted_at + timedelta(days=1),
        )
    client.force_login(supervisor)

    response = client.get(URL)

    dashboard = response.context["dashboard"]
    assert [(b.label, b.count) for b in dashboard.workload] == [("counselor-1", 2)]
    assert {b.label: b.count for b in dashboard.statuses}["In review"] == 1
    assert dashboard.first_contact == timedelta(hours=2)
    assert dashboard.to_offer == timedelta(days=1)
    assert dashboard.acceptance_rate == 50
    body = response.content.decode()
    assert f"/counselor/?tab=all&amp;assignee={counselor.pk}" in body
    assert "/counselor/?tab=all&amp;status=in_review" in body
    assert "first note)</dt><dd>2 h</dd>" in body
    assert "first offer</dt><dd>1 day</dd>" in body
    svg = body[body.index("<svg") : body.rindex("</svg>")]
    assert "<script" not in svg and "style=" not in svg


def test_dashboard_query_count_does_not_grow(make_staff):
    sent_application()
    with CaptureQueriesContext(connection) as one:
        supervisor_dashboard()
    sent_application(), sent_application()
    with CaptureQueriesContext(connection) as three:
        supervisor_dashboard()

    # workload, statuses, verifications, first notes, first offers, offers
    assert len(one) == len(three) == 6


def test_dashboard_verification_failure_rate(make_staff):
    assert supervisor_dashboard().verification_failure_rate is None
    failed_pull_of(sent_application())
    for _ in range(3):
        verified_application_of(sent_application())
    running = sent_application()
    VerificationRequest.objects.create(application=running, started_at=timezone.now())

    dashboard = supervisor_dashboard()

    assert (dashboard.verifications_failed, dashboard.verifications_finished) == (1, 4)
    assert str(dashboard.verification_failure_rate) == "25.0"


def test_dashboard_page_shows_the_failure_rate(client, make_staff):
    failed_pull_of(sent_application())
    verified_application_of(sent_application())
    client.force_login(make_staff("super-1", Role.SUPERVISOR))

    body = client.get(reverse("counselor:supervisor")).content.decode()

    assert "50.0% (1 of 2)" in body


@pytest.mark.parametrize(
    ("duration", "words"),
    [
        (timedelta(seconds=59), "under 1 min"),
        (timedelta(minutes=5, seconds=1.018401), "5 min"),
        (timedelta(hours=3, minutes=5), "3 h 5 min"),
        (timedelta(hours=2), "2 h"),
        (timedelta(days=1, minutes=59), "1 day"),
        (timedelta(days=2, hours=4, minutes=30), "2 days 4 h"),
    ],
)
def test_durations_read_in_words(duration, words):
    assert duration_words(duration) == words
