"""Casework: status changes with a reason (the intake's transition table, its conditional
UPDATE against two counselors, the timeline row, the audit event and the `closed` analytics
event; from the case page, allowed next statuses only, refusals keep what was typed),
follow-up tasks and secure messages."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from counselor.models import CaseStatusNote, CaseTask
from counselor.services.case import case_note_save, case_version
from counselor.services.casework import case_status_change, case_task_add
from intake.models import (
    Application,
    Message,
    PlanOffer,
    StatusChange,
)
from intake.services import message_post
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


def _url(name: str, application: Application, **more: object) -> str:
    return reverse(f"counselor:{name}", kwargs={"public_id": application.public_id, **more})


def _events(application: Application, object_type: str) -> list[tuple[str, str]]:
    rows = AuditEvent.objects.filter(case_id=str(application.public_id), object_type=object_type)
    return list(rows.order_by("seq").values_list("action", "outcome"))


def _status_options(body: str) -> list[str]:
    select = re.search(r'<select[^>]*name="status">(.*?)</select>', body, re.S)
    assert select is not None
    return re.findall(r'<option value="([a-z_]+)"', select.group(1))


def _move(client, application, status, reason, version=0, close_reason=""):
    data = {"status": status, "reason": reason, "close_reason": close_reason}
    return client.post(_url("case-status", application), {**data, "case_version": str(version)})


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


# ---- status ---------------------------------------------------------------------------


def test_the_form_offers_only_the_allowed_next_statuses(client, counselor):
    client.force_login(counselor)
    submitted, enrolled = sent_application(), sent_application(status="enrolled")
    closed = sent_application(status="closed")

    assert _status_options(client.get(_url("case", submitted)).content.decode()) == [
        "in_review",
        "closed",
    ]
    assert _status_options(client.get(_url("case", enrolled)).content.decode()) == ["closed"]
    body = client.get(_url("case", closed)).content.decode()
    assert 'id="case-status-form"' not in body
    assert "A case that is closed cannot change status from here." in body


def test_status_change_keeps_the_reason_encrypted_and_raises_the_case_version(client, counselor):
    application = sent_application()
    client.force_login(counselor)

    response = _move(client, application, "in_review", "Pay stubs received, starting review.")

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == "in_review"
    note = CaseStatusNote.objects.get()
    assert (note.from_status, note.to_status, note.reason, note.author, note.case_version) == (
        "submitted",
        "in_review",
        "Pay stubs received, starting review.",
        counselor,
        1,
    )
    assert case_version(application=application) == 1
    with connection.cursor() as cursor:
        cursor.execute("SELECT reason FROM counselor_casestatusnote")
        (raw,) = cursor.fetchone()
    assert "Pay stubs" not in raw
    assert _events(application, "application_status") == [
        ("update", "allowed"),
        ("update", "allowed"),
    ]  # service, view
    assert response["Location"] == _url("case", application)  # the status is above every section
    body = client.get(f"{_url('case', application)}?section=history").content.decode()
    history = re.sub(r"\s+", " ", body.split('id="case-status-history"')[1].split("</ul>")[0])
    assert "Submitted → In review, counselor-1: Pay stubs received, starting review." in history
    assert _status_options(body) == ["closed"]


def test_a_bad_transition_is_refused_keeping_the_typed_reason(client, counselor):
    application = sent_application()
    client.force_login(counselor)

    response = _move(client, application, "enrolled", "Consumer said yes on the phone.")

    assert response.status_code == 400
    body = response.content.decode()
    assert "A case cannot move from Submitted to Enrolled." in body
    assert ">Consumer said yes on the phone.</textarea>" in body
    application.refresh_from_db()
    assert application.status == "submitted"
    assert not CaseStatusNote.objects.exists()
    assert case_version(application=application) == 0


def test_an_empty_reason_or_a_missing_close_reason_is_refused(client, counselor):
    application = sent_application()
    client.force_login(counselor)

    empty = _move(client, application, "in_review", "   ")
    no_close_reason = _move(client, application, "closed", "Moved out of state.")

    assert empty.status_code == 400
    assert "Give a reason for the status change." in empty.content.decode()
    assert no_close_reason.status_code == 400
    body = no_close_reason.content.decode()
    assert "Choose why the case is closed." in body and ">Moved out of state.</textarea>" in body
    application.refresh_from_db()
    assert application.status == "submitted"
    assert not CaseStatusNote.objects.exists()


def test_closing_emits_the_closed_event(client, counselor, settings):
    settings.CREDITGENIE_ANALYTICS_KEY = "a" * 64
    application = sent_application(status="declined")
    client.force_login(counselor)

    response = _move(client, application, "closed", "Chose bankruptcy.", close_reason="other")

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == "closed"
    assert list(application.status_changes.values_list("stage", flat=True)) == ["closed"]
    event = OutboxEvent.objects.get(event_type="closed")
    assert (event.payload["close_reason"], event.payload["months_enrolled"]) == ("other", 0)
    assert CaseStatusNote.objects.get().close_reason == "other"


def test_a_stale_page_is_a_409_listing_what_changed_with_the_reason_kept(
    client, counselor, make_staff
):
    application = sent_application()
    colleague = make_staff("counselor-2", Role.COUNSELOR)
    case_note_save(
        application=application, body="Left a voicemail.", expected_version=0, actor=colleague
    )
    client.force_login(counselor)

    response = _move(client, application, "in_review", "Starting the review.", version=0)

    assert response.status_code == 409
    body = response.content.decode()
    assert "Someone saved this case while you were editing" in body
    assert "note added by counselor-2" in body and "Left a voicemail." in body
    assert ">Starting the review.</textarea>" in body
    application.refresh_from_db()
    assert application.status == "submitted"


def test_a_status_changed_since_the_page_was_shown_is_a_409(client, counselor):
    application = sent_application(status="offered")
    client.force_login(counselor)
    shown = client.get(_url("case", application)).content.decode()
    assert 'name="from_status" value="offered"' in shown
    # Meanwhile the consumer declined the offer.
    Application.objects.filter(pk=application.pk).update(status="declined")

    response = client.post(
        _url("case-status", application),
        {
            "status": "closed",
            "reason": "No answer.",
            "close_reason": "inactive",
            "case_version": "0",
            "from_status": "offered",
        },
    )

    assert response.status_code == 409
    body = response.content.decode()
    assert "Someone changed this case&#x27;s status while you were looking at it" in body
    assert "(it is now Declined)" in body and ">No answer.</textarea>" in body
    application.refresh_from_db()
    assert application.status == "declined"
    assert not CaseStatusNote.objects.exists()
    assert case_version(application=application) == 0


def test_the_service_refuses_a_stale_status_too(counselor):
    application = sent_application(status="offered")
    seen = Application.objects.get(pk=application.pk)
    Application.objects.filter(pk=application.pk).update(status="declined")

    with pytest.raises(StatusChangeConflict):
        case_status_change(
            application=seen,
            status="in_review",
            reason="Rework the budget.",
            expected_version=0,
            actor=counselor,
        )
    assert not CaseStatusNote.objects.exists()
    assert case_version(application=application) == 0


# ---- tasks ----------------------------------------------------------------------------


def _task(client, application, title, due, assignee="me", version=0):
    data = {"title": title, "due_date": due, "assignee": assignee, "case_version": str(version)}
    return client.post(_url("case-task", application), data)


def test_tasks_are_added_encrypted_shown_and_completed_once(client, counselor):
    application = sent_application()
    client.force_login(counselor)

    added = _task(client, application, "Call Maria about the car loan", "2026-04-02")
    assert added.status_code == 302
    assert added["Location"] == f"{_url('case', application)}?section=notes-and-tasks"
    task = CaseTask.objects.get()
    assert (task.title, task.due_date, task.assignee, task.created_by, task.done_at) == (
        "Call Maria about the car loan",
        date(2026, 4, 2),
        counselor,
        counselor,
        None,
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT title FROM counselor_casetask")
        assert "Maria" not in cursor.fetchone()[0]
    body = client.get(added["Location"]).content.decode()
    assert '<td>2026-04-02</td><th scope="row">Call Maria about the car loan</th>' in body

    done_url = _url("case-task-done", application, task_id=task.public_id)
    assert client.post(done_url).status_code == 302
    again = client.post(done_url, follow=True)

    task.refresh_from_db()
    assert task.done_at is not None and task.done_by == counselor
    assert "already done" in again.content.decode()
    assert _events(application, "case_task") == [
        ("create", "allowed"),
        ("create", "allowed"),  # service, view
        ("update", "allowed"),
        ("update", "allowed"),
        ("update", "allowed"),  # the second "done": refused by the service, view allowed
    ]
    assert case_version(application=application) == 2


def test_a_task_without_a_valid_date_is_refused_keeping_the_title(client, counselor):
    application = sent_application()
    client.force_login(counselor)

    response = _task(client, application, "Ask for the lease", "04/02/2026")

    assert response.status_code == 400
    body = response.content.decode()
    assert "Give the due date as YYYY-MM-DD." in body
    assert 'value="Ask for the lease"' in body
    assert not CaseTask.objects.exists()


def test_a_task_of_another_case_is_404(client, counselor):
    application, other = sent_application(), sent_application()
    task = case_task_add(
        application=other,
        title="x",
        due_date=date(2026, 4, 1),
        assignee=None,
        expected_version=0,
        actor=counselor,
    )
    client.force_login(counselor)

    response = client.post(_url("case-task-done", application, task_id=task.public_id))

    assert response.status_code == 404
    task.refresh_from_db()
    assert task.done_at is None


# ---- messages -------------------------------------------------------------------------


def test_the_conversation_is_shown_and_a_reply_is_a_secure_message(client, counselor):
    application = sent_application()
    message_post(
        application=application,
        author=application.consumer,
        body="Can we talk Tuesday?",
        from_staff=False,
    )
    client.force_login(counselor)

    body = client.get(f"{_url('case', application)}?section=messages").content.decode()
    assert "<p>Can we talk Tuesday?</p>" in body
    response = client.post(_url("case-message", application), {"body": "Tuesday 10am works."})

    assert response.status_code == 302
    assert response["Location"] == f"{_url('case', application)}?section=messages"
    reply = Message.objects.get(from_staff=True)
    assert (reply.body, reply.author, reply.application) == (
        "Tuesday 10am works.",
        counselor,
        application,
    )
    assert _events(application, "message") == [
        ("create", "allowed"),
        ("create", "allowed"),
        ("create", "allowed"),
    ]  # consumer's, counselor's (service), the view
    text = client.get(response["Location"]).content.decode()
    assert text.index("Can we talk Tuesday?") < text.index("Tuesday 10am works.")
    assert "Counselor counselor-1" in text


def test_an_empty_message_is_refused(client, counselor):
    application = sent_application()
    client.force_login(counselor)

    response = client.post(_url("case-message", application), {"body": "  "})

    assert response.status_code == 400
    assert "A message needs some text." in response.content.decode()
    assert not Message.objects.exists()
