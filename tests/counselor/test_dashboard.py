"""The supervisor dashboard: supervisors only, the figures, bars scaled, drill-down links,
a fixed number of queries."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from counselor.models import CaseAssignment, CaseNote
from counselor.selectors.dashboard import OPEN, bars, duration_words, supervisor_dashboard
from counselor.services.case import case_assign, case_note_save
from intake.models import (
    Application,
    PlanOffer,
    VerificationFlag,
    VerificationRequest,
)
from tenants.roles import Role
from tests.counselor.cases import failed_pull_of, sent_application, verified_application_of

pytestmark = pytest.mark.django_db
URL = "/counselor/supervisor/"
STATUSES_SHOWN = [s for s in Application.Status.values if s != "draft"]


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


def _straightforward(applications: list) -> dict[str, object]:
    """The dashboard's figures counted case by case in Python, as a reader would."""
    sent = [a for a in applications if a.status != "draft"]
    workload: dict[str, int] = {}
    for a in sent:
        assignment = CaseAssignment.objects.filter(application=a).first()
        if a.status in OPEN and assignment and assignment.assigned_to:
            name = assignment.assigned_to.username
            workload[name] = workload.get(name, 0) + 1

    def average_first(model) -> timedelta | None:
        waits = [
            min(row.created_at for row in rows) - a.submitted_at
            for a in sent
            if (rows := list(model.objects.filter(application=a)))
        ]
        return sum(waits, timedelta()) / len(waits) if waits else None

    live = [o for o in PlanOffer.objects.all() if not o.superseded]
    finished = [
        a
        for a in sent
        if VerificationRequest.objects.filter(application=a).exclude(completed_at=None).exists()
    ]
    return {
        "workload": sorted(workload.items(), key=lambda item: (-item[1], item[0])),
        "statuses": {s: sum(a.status == s for a in sent) for s in STATUSES_SHOWN},
        "first_contact": average_first(CaseNote),
        "to_offer": average_first(PlanOffer),
        "offers": (
            len(live),
            sum(o.status == "accepted" for o in live),
            sum(o.status == "declined" for o in live),
        ),
        "verifications": (
            len(finished),
            sum(
                VerificationFlag.objects.filter(application=a, code="bureau_failed").exists()
                for a in finished
            ),
        ),
    }


def varied_cases(make_staff) -> list[Application]:
    """24 cases of every status with assignments, notes, offers and verifications drawn at
    random (a fixed seed), one failed pull among them."""
    rng = random.Random(21)
    workers = [make_staff(f"worker-{n}", Role.COUNSELOR) for n in range(3)]
    statuses = ["draft", *STATUSES_SHOWN]
    applications = [sent_application(status=rng.choice(statuses)) for _ in range(24)]
    for a in applications:
        if rng.random() < 0.7:
            CaseAssignment.objects.create(
                application=a, assigned_to=rng.choice(workers), assigned_at=a.submitted_at
            )
        for _ in range(rng.randrange(3)):
            late = timedelta(minutes=rng.randrange(1, 5000))
            CaseNote.objects.create(
                application=a,
                body="Called.",
                author=workers[0],
                created_at=a.submitted_at + late,
                case_version=1,
            )
        made = rng.randrange(3)
        for n in range(made):
            PlanOffer.objects.create(
                application=a,
                snapshot={},
                document="d",
                document_hash="0" * 64,
                status=rng.choice(["open", "accepted", "declined"]),
                superseded=n < made - 1,  # one current offer a case
                created_at=a.submitted_at + timedelta(hours=rng.randrange(1, 200)),
            )
        if rng.random() < 0.5:
            verified_application_of(a)
    failed_pull_of(applications[1])  # one failed pull (its reference is fixed)
    return applications


def test_dashboard_figures_equal_a_case_by_case_count(make_staff):
    expected = _straightforward(varied_cases(make_staff))

    dashboard = supervisor_dashboard()

    labels = dict(Application.Status.choices)
    assert [(b.label, b.count) for b in dashboard.workload] == expected["workload"]
    assert {b.label: b.count for b in dashboard.statuses} == {
        str(labels[s]): n for s, n in expected["statuses"].items()
    }
    assert (dashboard.first_contact, dashboard.to_offer) == (
        expected["first_contact"],
        expected["to_offer"],
    )
    assert (dashboard.offers, dashboard.accepted, dashboard.declined) == expected["offers"]
    assert (dashboard.verifications_finished, dashboard.verifications_failed) == expected[
        "verifications"
    ]
    assert sum(b.count for b in dashboard.workload) > 3 and dashboard.accepted > 0
