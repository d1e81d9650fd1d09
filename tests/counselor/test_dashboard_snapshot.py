"""The supervisor dashboard's snapshot: the figures beat keeps equal a fresh count, the page
reads them in a fixed number of queries and counts again when they are missing or stale,
says what time they are as of, and a supervisor can have them counted now."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from counselor.models import DashboardSnapshot
from counselor.selectors.dashboard import (
    SNAPSHOT_FRESH_FOR,
    dashboard_snapshot_get,
    supervisor_dashboard,
)
from counselor.services.case import case_assign
from counselor.services.dashboard import dashboard_snapshot_refresh
from counselor.tasks import dashboard_refresh_task
from creditgenie.celery import app
from tenants.audit.models import AuditEvent
from tenants.roles import Role
from tests.counselor.cases import sent_application
from tests.counselor.test_dashboard import varied_cases

pytestmark = pytest.mark.django_db
URL = "/counselor/supervisor/"
REFRESH = "/counselor/supervisor/refresh/"
COUNTED = datetime(2025, 6, 2, 15, 5, tzinfo=UTC)  # 10:05 a.m. in Chicago (CDT)
# session, the user with their roles (one query), the snapshot
DASHBOARD_QUERIES = 3


@pytest.fixture
def supervisor(make_staff):
    return make_staff("supervisor-1", Role.SUPERVISOR)


def _submitted(client) -> int:
    """The "Submitted" bar's count on the page."""
    bars = client.get(URL).context["dashboard"].statuses
    return {bar.label: bar.count for bar in bars}["Submitted"]


def test_snapshot_figures_equal_a_fresh_count(make_staff):
    varied_cases(make_staff)

    refreshed = dashboard_snapshot_refresh()
    kept = dashboard_snapshot_get()
    live = supervisor_dashboard()

    assert kept == refreshed
    assert replace(kept, computed_at=None) == replace(live, computed_at=None)
    assert kept.computed_at <= live.computed_at
    assert len(kept.workload) == 3 and kept.first_contact and kept.to_offer
    assert kept.verifications_failed == 1 and kept.accepted > 0


def test_no_snapshot_before_the_first_count():
    assert dashboard_snapshot_get() is None
    assert not DashboardSnapshot.objects.exists()


def test_page_counts_and_keeps_the_figures_when_there_is_no_snapshot(client, supervisor):
    sent_application()
    client.force_login(supervisor)

    with time_machine.travel(COUNTED, tick=False):
        assert _submitted(client) == 1

    (snapshot,) = DashboardSnapshot.objects.all()
    assert (snapshot.computed_at, snapshot.statuses) == (COUNTED, {"submitted": 1})


def test_page_shows_the_snapshot_while_fresh_and_counts_again_once_stale(client, supervisor):
    sent_application()
    client.force_login(supervisor)
    with time_machine.travel(COUNTED, tick=False):
        dashboard_snapshot_refresh()
    sent_application()  # after the count: the snapshot does not know it yet

    with time_machine.travel(COUNTED + SNAPSHOT_FRESH_FOR - timedelta(seconds=1), tick=False):
        assert _submitted(client) == 1
    with time_machine.travel(COUNTED + SNAPSHOT_FRESH_FOR + timedelta(seconds=1), tick=False):
        assert _submitted(client) == 2

    snapshot = DashboardSnapshot.objects.get()
    assert snapshot.computed_at == COUNTED + SNAPSHOT_FRESH_FOR + timedelta(seconds=1)
    assert snapshot.statuses == {"submitted": 2}


def test_page_query_count_is_the_same_for_1_and_3_cases(client, supervisor, make_staff):
    counselor = make_staff("counselor-1", Role.COUNSELOR)
    client.force_login(supervisor)
    case_assign(application=sent_application(), assignee=counselor, actor=supervisor)
    dashboard_snapshot_refresh()
    client.get(URL)  # the process's copy of the agency profile, as a running service has

    with CaptureQueriesContext(connection) as one:
        assert client.get(URL).status_code == 200
    for _ in range(2):
        case_assign(application=sent_application(), assignee=counselor, actor=supervisor)
    dashboard_snapshot_refresh()
    with CaptureQueriesContext(connection) as three:
        response = client.get(URL)

    assert [(bar.label, bar.count) for bar in response.context["dashboard"].workload] == [
        ("counselor-1", 3)
    ]
    assert len(one) == len(three) == DASHBOARD_QUERIES


@pytest.mark.parametrize(
    ("language", "as_of"),
    [
        ("en", "Figures as of June 2, 2025, 10:05 a.m. CDT (3\xa0minutes ago)."),
        ("es", "Cifras al 2 de junio de 2025, 10:05 a.m. CDT (hace 3\xa0minutos)."),
    ],
)
def test_page_says_what_time_the_figures_are_as_of_in_the_agencys_timezone(
    client, supervisor, agency_profile, language, as_of
):
    agency_profile.timezone = "America/Chicago"
    agency_profile.save()
    client.force_login(supervisor)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    with time_machine.travel(COUNTED, tick=False):
        dashboard_snapshot_refresh()

    with time_machine.travel(COUNTED + timedelta(minutes=3), tick=False):
        body = client.get(URL).content.decode()

    assert as_of in body


def test_page_counted_just_now_says_less_than_a_minute(client, supervisor):
    client.force_login(supervisor)
    with time_machine.travel(COUNTED, tick=False):
        body = client.get(URL).content.decode()

    assert "Figures as of June 2, 2025, 3:05 p.m. " in body
    assert "(less than a minute ago)." in body


def test_refresh_now_counts_again_for_a_supervisor_and_is_audited(client, supervisor):
    sent_application()
    dashboard_snapshot_refresh()
    sent_application()
    client.force_login(supervisor)

    response = client.post(REFRESH, follow=True)

    assert response.redirect_chain == [(URL, 302)]
    assert {bar.label: bar.count for bar in response.context["dashboard"].statuses}[
        "Submitted"
    ] == 2
    assert "The figures were counted again." in response.content.decode()
    assert DashboardSnapshot.objects.get().statuses == {"submitted": 2}
    assert list(
        AuditEvent.objects.filter(object_type="dashboard_figures").values_list(
            "actor", "role", "action", "outcome"
        )
    ) == [(supervisor.pk, "supervisor", "update", "allowed")]


def test_refresh_now_is_limited_per_address(client, supervisor, settings):
    groups = {name: dict(group) for name, group in settings.CREDITGENIE_RATE_LIMIT_GROUPS.items()}
    groups["recount"]["rate"] = "2/m"
    settings.CREDITGENIE_RATE_LIMIT_GROUPS = groups
    client.force_login(supervisor)

    # The counters are per minute: the clock stands still so the three presses share one.
    with time_machine.travel(datetime(2026, 3, 2, 10, 0, 30, tzinfo=UTC), tick=False):
        assert [client.post(REFRESH).status_code for _ in range(3)] == [302, 302, 429]
    assert client.get(URL).status_code == 200  # the page itself is not limited


@pytest.mark.parametrize("role", [Role.COUNSELOR, Role.AGENCY_ADMIN])
def test_refresh_now_is_404_and_denied_for_everyone_but_supervisors(client, make_staff, role):
    someone = make_staff(f"x-{role}", role)
    client.force_login(someone)

    assert client.post(REFRESH).status_code == 404
    assert client.get(REFRESH).status_code == 405
    assert not DashboardSnapshot.objects.exists()
    assert list(
        AuditEvent.objects.filter(object_type="dashboard_figures").values_list("actor", "outcome")
    ) == [(someone.pk, "denied")]


def test_beat_refreshes_the_snapshot_every_minute():
    schedule = settings.CELERY_BEAT_SCHEDULE["dashboard-refresh"]

    assert schedule == {"task": "counselor.dashboard_refresh", "schedule": 60}
    # The page counts by itself only once beat has missed a few refreshes in a row.
    assert timedelta(seconds=3 * schedule["schedule"]) <= SNAPSHOT_FRESH_FOR


@pytest.fixture
def worker() -> Iterator[None]:
    with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING"):
        yield


@pytest.mark.django_db(transaction=True)
def test_the_task_writes_the_snapshot(worker, make_staff):
    counselor = make_staff("counselor-1", Role.COUNSELOR)
    supervisor = make_staff("supervisor-1", Role.SUPERVISOR)
    case_assign(application=sent_application(), assignee=counselor, actor=supervisor)
    sent_application(status="in_review")

    as_of = dashboard_refresh_task.delay().get(timeout=60)

    snapshot = DashboardSnapshot.objects.get()
    assert snapshot.computed_at.isoformat() == as_of
    assert snapshot.workload == [[counselor.pk, "counselor-1", 1]]
    assert snapshot.statuses == {"submitted": 1, "in_review": 1}
    kept = dashboard_snapshot_get()
    assert replace(kept, computed_at=None) == replace(supervisor_dashboard(), computed_at=None)
