"""The intake's casework service: allowed status transitions with a reason, the
conditional UPDATE against two counselors, the timeline row, the audit event and the
`closed` analytics event."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from intake.models import Application, PlanOffer, StatusChange
from intake.services.casework import (
    StatusChangeConflict,
    StatusChangeRefused,
    allowed_statuses,
    application_status_change,
    months_between,
)
from integrations.warehouse.models import OutboxEvent
from tenants.audit.models import AuditEvent
from tenants.roles import Role
from tests.counselor.cases import sent_application

pytestmark = pytest.mark.django_db


@pytest.fixture
def counselor(make_staff):
    return make_staff("counselor-1", Role.COUNSELOR)


@pytest.fixture
def analytics(settings):
    settings.CREDITGENIE_ANALYTICS_KEY = "a" * 64


def test_transition_table():
    assert allowed_statuses("draft") == ()
    assert allowed_statuses("submitted") == ("in_review", "closed")
    assert allowed_statuses("in_review") == ("closed",)
    assert allowed_statuses("offered") == ("in_review", "closed")
    assert allowed_statuses("declined") == ("in_review", "closed")
    assert allowed_statuses("enrolled") == ("closed",)
    assert allowed_statuses("closed") == ()


def test_moves_with_a_timeline_row_and_an_audit_event(counselor):
    application = sent_application()

    application_status_change(
        application=application,
        status="in_review",
        reason="Documents look complete.",
        actor=counselor,
    )

    application.refresh_from_db()
    assert application.status == "in_review"
    assert list(application.status_changes.values_list("stage", flat=True)) == ["in_review"]
    events = AuditEvent.objects.filter(
        case_id=str(application.public_id), object_type="application_status"
    )
    assert list(events.values_list("action", "role", "purpose")) == [
        ("update", "counselor", "status submitted to in_review")
    ]


@pytest.mark.parametrize(
    ("start", "target"),
    [
        ("submitted", "enrolled"),
        ("in_review", "offered"),
        ("closed", "in_review"),
        ("draft", "in_review"),
        ("enrolled", "submitted"),
    ],
)
def test_transitions_outside_the_table_are_refused(counselor, start, target):
    application = sent_application(status=start)

    with pytest.raises(StatusChangeRefused, match="cannot move"):
        application_status_change(
            application=application, status=target, reason="because", actor=counselor
        )

    application.refresh_from_db()
    assert application.status == start
    assert not StatusChange.objects.exists()


def test_a_reason_is_required_and_closing_needs_a_close_reason(counselor):
    application = sent_application()

    with pytest.raises(StatusChangeRefused, match="Give a reason"):
        application_status_change(
            application=application, status="in_review", reason="  ", actor=counselor
        )
    for bad in (None, "", "bored"):
        with pytest.raises(StatusChangeRefused, match="why the case is closed"):
            application_status_change(
                application=application,
                status="closed",
                reason="x",
                actor=counselor,
                close_reason=bad,
            )
    with pytest.raises(StatusChangeRefused, match="only for closing"):
        application_status_change(
            application=application,
            status="in_review",
            reason="x",
            actor=counselor,
            close_reason="other",
        )
    application.refresh_from_db()
    assert application.status == "submitted"


def test_the_second_of_two_counselors_gets_a_conflict(counselor, make_staff):
    colleague = make_staff("counselor-2", Role.COUNSELOR)
    application = sent_application()
    seen_by_other = Application.objects.get(pk=application.pk)

    application_status_change(
        application=application,
        status="closed",
        reason="Moved away.",
        actor=counselor,
        close_reason="withdrawn",
    )
    with pytest.raises(StatusChangeConflict) as refused:
        application_status_change(
            application=seen_by_other, status="in_review", reason="Start.", actor=colleague
        )

    assert refused.value.current == "closed"
    assert "it is now Closed" in refused.value.message
    application.refresh_from_db()
    assert application.status == "closed"
    assert list(application.status_changes.values_list("stage", flat=True)) == ["closed"]


def test_closing_never_enrolled_emits_closed_with_0_months(counselor, analytics):
    application = sent_application(status="in_review")

    application_status_change(
        application=application,
        status="closed",
        reason="No answer to 3 calls.",
        actor=counselor,
        close_reason="inactive",
    )

    event = OutboxEvent.objects.get()
    assert event.event_type == "closed"
    assert event.payload["close_reason"] == "inactive"
    assert event.payload["months_enrolled"] == 0


def test_closing_an_enrolled_case_counts_the_months_since_enrolment(counselor, analytics):
    application = sent_application(status="enrolled")
    StatusChange.objects.create(
        application=application, stage="enrolled", at=timezone.now() - timedelta(days=200)
    )

    application_status_change(
        application=application,
        status="closed",
        reason="Plan paid off.",
        actor=counselor,
        close_reason="completed",
    )

    event = OutboxEvent.objects.get(event_type="closed")
    assert event.payload["close_reason"] == "completed"
    assert event.payload["months_enrolled"] == 6


def test_leaving_offered_supersedes_the_open_offer(counselor):
    application = sent_application(status="offered")
    offer = PlanOffer.objects.create(
        application=application, snapshot={}, document="doc", document_hash="0" * 64
    )

    application_status_change(
        application=application, status="in_review", reason="Budget changed.", actor=counselor
    )

    offer.refresh_from_db()
    assert offer.superseded is True


def test_months_between():
    start = datetime(2026, 1, 31, 12, 0, tzinfo=UTC)
    assert months_between(start, datetime(2026, 1, 31, 13, 0, tzinfo=UTC)) == 0
    assert months_between(start, datetime(2026, 2, 28, 12, 0, tzinfo=UTC)) == 0
    assert months_between(start, datetime(2026, 3, 31, 12, 0, tzinfo=UTC)) == 2
    assert months_between(start, datetime(2027, 1, 31, 11, 0, tzinfo=UTC)) == 11
    assert months_between(start, datetime(2025, 1, 1, tzinfo=UTC)) == 0
