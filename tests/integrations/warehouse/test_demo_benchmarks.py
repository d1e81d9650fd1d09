"""The demo agencies' analytics: seed_demo's applications emit the events their stories
imply, and once shipped the front door's benchmarks count them (the local platform's
/platform/benchmarks/ after a ship)."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings

from counselor.demo.agency import demo_seed
from intake.models import Application
from integrations.warehouse.models import OutboxEvent
from integrations.warehouse.shipping import warehouse_ship_pending
from tenants.benchmarks import FUNNEL, benchmarks_compute

pytestmark = pytest.mark.django_db

PAST_SUBMITTED = ("submitted", "in_review", "offered", "enrolled", "declined", "closed")


def _consumers(kind: str, **only) -> int:
    events = OutboxEvent.objects.filter(event_type=kind, **only)
    return len(set(events.values_list("payload__consumer_pid")))


def test_demo_seed_emits_the_funnel_and_the_benchmarks_show_it_after_a_ship(warehouse):
    demo_seed(count=60, seed=2026)
    applications = Application.objects.all()
    submitted = applications.filter(status__in=PAST_SUBMITTED).count()
    enrolled = applications.filter(status="enrolled").count()

    assert _consumers("application_started") == applications.count() == 60
    assert _consumers("submitted") == submitted
    assert _consumers("enrolled") == _consumers("accepted") == enrolled >= 5
    result = warehouse_ship_pending()
    # A submission whose profile no four others share at any level waits for peers.
    assert result.events == OutboxEvent.objects.filter(released=True).count()
    assert result.held == OutboxEvent.objects.filter(released=False).count() < 5

    result = benchmarks_compute(url=f"file://{warehouse}")

    (row,) = result.agencies
    assert row.agency == django_settings.CREDITGENIE_TENANT
    shipped = [_consumers(kind, released=True) for kind in FUNNEL]
    assert [cell.consumers for cell in row.funnel] == shipped
    assert row.funnel[0].value == 60
    assert row.funnel[FUNNEL.index("enrolled")].value == enrolled
    assert row.median_interest_saved.value is not None
    assert {c.creditor for c in result.creditors} <= {
        "chase",
        "capital one",
        "discover",
        "citibank",
        "bank of america",
        "wells fargo",
        "barclays",
        "synchrony bank",
    }
    assert result.creditors  # some issuer rests on 5 consumers or more


def test_demo_seed_emits_nothing_with_the_stream_off(db, settings):
    settings.CREDITGENIE_ANALYTICS_KEY = ""
    demo_seed(count=6, seed=2026)

    assert not OutboxEvent.objects.exists()
