"""The supervisor dashboard: supervisors only, the figures, bars scaled, drill-down links,
a fixed number of queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from counselor.selectors.dashboard import bars, supervisor_dashboard
from counselor.services.case import case_assign, case_note_save
from intake.models import PlanOffer
from tenants.roles import Role
from tests.counselor.cases import sent_application

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
    svg = body[body.index("<svg") : body.rindex("</svg>")]
    assert "<script" not in svg and "style=" not in svg


def test_dashboard_query_count_does_not_grow(make_staff):
    sent_application()
    with CaptureQueriesContext(connection) as one:
        supervisor_dashboard()
    sent_application(), sent_application()
    with CaptureQueriesContext(connection) as three:
        supervisor_dashboard()

    assert len(one) == len(three) == 4
