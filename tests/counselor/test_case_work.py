"""Casework from the case page: status changes with a reason (allowed next statuses only,
refusals keep what was typed), follow-up tasks and the queue's follow-up column, secure
messages, the verification panel's stated-vs-verified tables and re-run, decline reasons,
the supervisor's verification failure rate."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from counselor.models import CaseStatusNote, CaseTask
from counselor.selectors.dashboard import supervisor_dashboard
from counselor.services.case import case_note_save, case_version
from counselor.services.casework import case_status_change, case_task_add
from intake.models import (
    Application,
    Message,
    PlanOffer,
    VerificationFlag,
    VerificationRequest,
)
from intake.services import message_post
from intake.services.casework import StatusChangeConflict
from integrations.transunion.models import BureauPull
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
    body = client.get(_url("case", application)).content.decode()
    assert "submitted → in_review, counselor-1: Pay stubs received, starting review." in body
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

    assert (
        _task(client, application, "Call Maria about the car loan", "2026-04-02").status_code == 302
    )
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
    body = client.get(_url("case", application)).content.decode()
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


def _queue_queries(client) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("counselor:queue") + "?tab=all")
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_queue_shows_the_next_follow_up_without_a_query_per_row(client, make_staff):
    supervisor = make_staff("super-1", Role.SUPERVISOR)
    client.force_login(supervisor)
    today = timezone.localdate()
    first = sent_application()
    case_task_add(
        application=first,
        title="later",
        due_date=today + timedelta(days=9),
        assignee=None,
        expected_version=0,
        actor=supervisor,
    )
    client.get(reverse("counselor:queue"))  # warm the per-process caches
    one, _body = _queue_queries(client)

    second, third = sent_application(), sent_application()
    for application, days in ((second, -1), (second, 3), (third, 0)):
        case_task_add(
            application=application,
            title="call",
            due_date=today + timedelta(days=days),
            assignee=None,
            expected_version=case_version(application=application),
            actor=supervisor,
        )
    done = case_task_add(
        application=first,
        title="done",
        due_date=today - timedelta(days=5),
        assignee=None,
        expected_version=case_version(application=first),
        actor=supervisor,
    )
    CaseTask.objects.filter(pk=done.pk).update(done_at=timezone.now())
    three, body = _queue_queries(client)

    assert one == three
    cells = re.findall(r'<td class="queue-follow-up">(.*?)</td>', body)
    assert cells == [
        f"{today + timedelta(days=9):%Y-%m-%d}",
        f"{today - timedelta(days=1):%Y-%m-%d} <strong>follow-up due</strong>",
        f"{today:%Y-%m-%d} <strong>follow-up due</strong>",
    ]


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

    body = client.get(_url("case", application)).content.decode()
    assert "<p>Can we talk Tuesday?</p>" in body
    response = client.post(_url("case-message", application), {"body": "Tuesday 10am works."})

    assert response.status_code == 302
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
    text = client.get(_url("case", application)).content.decode()
    assert text.index("Can we talk Tuesday?") < text.index("Tuesday 10am works.")
    assert "Counselor counselor-1" in text


def test_an_empty_message_is_refused(client, counselor):
    application = sent_application()
    client.force_login(counselor)

    response = client.post(_url("case-message", application), {"body": "  "})

    assert response.status_code == 400
    assert "A message needs some text." in response.content.decode()
    assert not Message.objects.exists()


# ---- verification ---------------------------------------------------------------------


def _verified(application: Application) -> None:
    debt = application.debts.get()
    VerificationRequest.objects.create(
        application=application,
        started_at=timezone.now(),
        completed_at=timezone.now(),
        bureau_outcome="requested",
        result={
            "income": {
                "stated_monthly": "3300.00",
                "bank_monthly": "3000.00",
                "difference": "-300.00",
                "ratio": "0.0909",
                "tolerance": "0.10",
            },
            "tradelines": {
                "matched": [
                    {
                        "debt": str(debt.public_id),
                        "creditor": "JPMCB CARD SERVICES",
                        "balance": "5400.00",
                        "stated_balance": "5200.00",
                    }
                ],
                "missing": [{"creditor": "SYNCB/AMAZON", "balance": "1800.00"}],
                "extra": [],
            },
            "cards": [
                {
                    "mask": "1234",
                    "balance": "5210.00",
                    "apr": "27.49",
                    "minimum_payment": "150.00",
                    "stated_debt": str(debt.public_id),
                }
            ],
            "expenses": {
                "food": {"stated": "500.00", "bank": "640.00"},
                "housing": {"stated": "1200.00", "bank": "1200.00"},
            },
            "identity": {"name_score": 62, "minimum": 70},
        },
    )


def _rows(body: str, table_id: str) -> list[list[str]]:
    table = re.search(rf'<table[^>]*id="{table_id}".*?<tbody>(.*?)</tbody>', body, re.S)
    assert table is not None, table_id
    return [
        [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", r)]
        for r in re.findall(r"<tr>(.*?)</tr>", table.group(1), re.S)
    ]


def test_panel_shows_stated_vs_verified_figures(client, counselor):
    application = sent_application()
    _verified(application)
    client.force_login(counselor)

    body = client.get(_url("case", application)).content.decode()

    assert "not yet verified" not in body
    assert _rows(body, "verified-income") == [["$3,300.00", "$3,000.00", "-$300.00"]]
    assert _rows(body, "verified-debts") == [
        [
            "CHASE CARD",
            "$5,200.00",
            "29.99%",
            "JPMCB CARD SERVICES",
            "$5,400.00",
            "$200.00",
            "$5,210.00",
            "27.49%",
        ]
    ]
    assert _rows(body, "verified-missing") == [["SYNCB/AMAZON", "$1,800.00"]]
    assert _rows(body, "verified-expenses") == [
        ["food", "$500.00", "$640.00", "$140.00"],
        ["housing", "$1,200.00", "$1,200.00", "$0.00"],
    ]
    assert "bank account owner's name scores 62 (minimum 70): does not match" in body
    assert 'id="case-verification-rerun"' not in body


def test_panel_says_not_yet_verified_when_nothing_ran(client, counselor):
    application = sent_application()
    client.force_login(counselor)

    body = client.get(_url("case", application)).content.decode()

    assert "Stated figures are not yet verified." in body
    assert 'id="verified-income"' not in body


def _failed_pull(application: Application) -> BureauPull:
    pull = BureauPull.objects.create(
        idempotency_key=f"application:{application.public_id}",
        reference="REF0001",
        consent_reference="consent:x",
        status=BureauPull.Status.FAILED,
        error_code="SYS_BUSY",
    )
    VerificationRequest.objects.create(
        application=application,
        bureau_pull_id=pull.public_id,
        bureau_outcome="requested",
        started_at=timezone.now(),
        completed_at=timezone.now(),
    )
    VerificationFlag.objects.create(
        application=application,
        source="bureau",
        code="bureau_failed",
        severity="critical",
        detail="Verification failed — re-run (bureau failed, SYS_BUSY).",
    )
    return pull


def test_rerun_after_a_failed_pull(client, counselor):
    application = sent_application()
    pull = _failed_pull(application)
    client.force_login(counselor)
    assert 'id="case-verification-rerun"' in client.get(_url("case", application)).content.decode()

    response = client.post(_url("case-verification-rerun", application))

    assert response.status_code == 302
    pull.refresh_from_db()
    request = VerificationRequest.objects.get(application=application)
    assert (pull.status, pull.error_code, request.completed_at) == ("pending", "", None)
    assert _events(application, "verification") == [("update", "allowed"), ("update", "allowed")]
    body = client.get(_url("case", application)).content.decode()
    assert 'id="case-verification-rerun"' not in body


def test_rerun_with_nothing_failed_says_so(client, counselor):
    application = sent_application()
    client.force_login(counselor)

    response = client.post(_url("case-verification-rerun", application), follow=True)

    assert "Nothing to re-run: no verification step failed." in response.content.decode()
    assert _events(application, "verification") == [("update", "allowed")]


def test_dashboard_verification_failure_rate(make_staff):
    assert supervisor_dashboard().verification_failure_rate is None
    _failed_pull(sent_application())
    for _ in range(3):
        _verified(sent_application())
    running = sent_application()
    VerificationRequest.objects.create(application=running, started_at=timezone.now())

    dashboard = supervisor_dashboard()

    assert (dashboard.verifications_failed, dashboard.verifications_finished) == (1, 4)
    assert str(dashboard.verification_failure_rate) == "25.0"


def test_dashboard_page_shows_the_failure_rate(client, make_staff):
    _failed_pull(sent_application())
    _verified(sent_application())
    client.force_login(make_staff("super-1", Role.SUPERVISOR))

    body = client.get(reverse("counselor:supervisor")).content.decode()

    assert "50.0% (1 of 2)" in body


# ---- offers ---------------------------------------------------------------------------


def test_offers_list_shows_the_decline_reason(client, counselor):
    application = sent_application(status="declined")
    offer = PlanOffer.objects.create(
        application=application,
        snapshot={},
        document="doc",
        document_hash="0" * 64,
        status="declined",
        decline_reason="Too much with daycare costs.",
    )
    category = hasattr(offer, "decline_category")
    if category:
        PlanOffer.objects.filter(pk=offer.pk).update(decline_category="payment_too_high")
    client.force_login(counselor)

    body = client.get(_url("case", application)).content.decode()

    expected = (
        "declined because: The monthly payment is too high; Too much with daycare costs."
        if category
        else "declined because: Too much with daycare costs."
    )
    assert expected in body
