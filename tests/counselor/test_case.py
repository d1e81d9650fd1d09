"""The case page: who sees it, what it shows (SSN masked, the engine's budget in words),
SSN reveal and document download behind a recent sign-in, audit events, query count."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from counselor.models import CaseNote, CaseStatusNote
from counselor.services.case import case_note_save, case_version
from counselor.services.casework import case_task_add
from intake.models import (
    Application,
    Consent,
    Debt,
    Expense,
    Income,
    PlanOffer,
    VerificationFlag,
    VerificationRequest,
)
from intake.selectors import application_with_parts, budget_for
from intake.services import message_post
from tenants.audit.models import AuditEvent
from tenants.roles import Role
from tests.counselor.cases import (
    document_of,
    failed_pull_of,
    sent_application,
    verified_application_of,
)
from tests.counselor.conftest import recent_auth
from tests.tenants.uploads_fixtures import local_files

__all__ = ["local_files"]
pytestmark = pytest.mark.django_db
# session, the user with their roles, the case, then its summary (the case with its
# household, assignment, eligibility outcome and verification state; its incomes, expenses
# and debts; the next open task; the unread count), then the audit write (its key, the head
# row taken, insert + head). The agency profile and the colleagues are kept per process.
CASE_QUERIES = 12
# What each open section reads besides, whatever its number of rows. Budget and Debts show
# the summary's rows; Verification: the request, its flags, its bureau pull and the bank
# connections (a case with none has no bank items or accounts to read); Documents: they and
# the consents; Notes and tasks: notes, tasks; Messages: stamped read, then listed; Plans:
# the proposal (none here: no version to read) and the offers; History: the status notes.
SECTION_QUERIES = {
    "budget": 0,
    "verification": 4,
    "debts": 0,
    "documents": 2,
    "notes-and-tasks": 2,
    "messages": 2,
    "plans": 2,
    "history": 1,
}
# The section alone (the panel htmx loads) reads what the page does: the summary feeds the
# sections and the navigation's unread count; the colleagues are kept per process.
PANEL_QUERIES = CASE_QUERIES


@pytest.fixture
def counselor(make_staff):
    return make_staff("counselor-1", Role.COUNSELOR)


def _url(name: str, application: Application, **more: object) -> str:
    return reverse(f"counselor:{name}", kwargs={"public_id": application.public_id, **more})


def _events(application: Application, object_type: str) -> list[tuple[str, str]]:
    rows = AuditEvent.objects.filter(case_id=str(application.public_id), object_type=object_type)
    return list(rows.order_by("seq").values_list("action", "outcome"))


def _section(client, application: Application, section: str) -> str:
    response = client.get(f"{_url('case', application)}?section={section}")
    assert response.status_code == 200
    return response.content.decode()


def test_case_page_shows_the_parts_with_the_ssn_masked_and_records_a_read(client, counselor):
    application = sent_application()
    client.force_login(counselor)

    response = client.get(_url("case", application))
    debts = _section(client, application, "debts")
    verification = _section(client, application, "verification")

    body = response.content.decode()
    assert response.status_code == 200
    assert "***-**-3456" in body and "900-12-3456" not in body
    for text in ("Maria Lopez", "housing", "$1,200.00"):
        assert text in body
    for text in ("CHASE CARD", "$5,200.00", "29.99%"):
        assert text in debts and text not in body
    assert "not yet verified" in verification and "not yet verified" not in body
    assert _events(application, "application") == [("read", "allowed")] * 3


def test_budget_words_are_the_engines_figures(client, counselor):
    application = sent_application()
    client.force_login(counselor)

    body = client.get(_url("case", application)).content.decode()

    analysis = budget_for(application_with_parts(application)).analysis
    assert analysis is not None
    assert f"surplus of ${analysis.surplus:,.2f} a month" in body
    assert f"Net income is ${analysis.net_monthly_income:,.2f} a month" in body
    assert f"({analysis.dti_band})" in body


@pytest.mark.parametrize("role", [Role.CONSUMER, Role.AGENCY_ADMIN])
def test_case_is_404_for_other_roles_and_the_owner(client, make_staff, role):
    application = sent_application()
    for user in (make_staff(f"x-{role}", role), application.consumer):
        client.force_login(user)
        response = client.get(_url("case", application))
        assert response.status_code == 404
        assert "Lopez" not in response.content.decode()


def test_drafts_are_not_cases(client, counselor, consumer):
    draft = Application.objects.create(consumer=consumer)
    client.force_login(counselor)

    assert client.get(_url("case", draft)).status_code == 404


def test_ssn_reveal_needs_a_recent_sign_in_and_is_audited(client, counselor):
    application = sent_application()
    client.force_login(counselor)

    stale = client.get(_url("case-ssn", application))
    assert stale.status_code == 302
    assert stale["Location"].startswith(reverse("accounts:reauthenticate"))
    assert "900-12-3456" not in stale.content.decode()

    recent_auth(client)
    response = client.get(_url("case-ssn", application))

    assert response.status_code == 200
    assert "900-12-3456" in response.content.decode()
    assert _events(application, "ssn") == [("read", "allowed"), ("read", "allowed")]


def test_document_download_needs_a_recent_sign_in_and_is_audited(client, counselor, local_files):
    application = sent_application()
    document = document_of(application, "Maria pay stub.pdf")
    url = _url("case-document", application, document_id=document.public_id)
    client.force_login(counselor)

    assert client.get(url).status_code == 302
    recent_auth(client)
    response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content if response.streaming else [response.content])
    assert ("export", "allowed") in _events(application, "document")
    assert ("read", "allowed") in _events(application, "stored_file")


def test_document_of_another_case_is_404(client, counselor, local_files):
    application, other = sent_application(), sent_application()
    document = document_of(other, "stub.pdf")
    client.force_login(counselor)
    recent_auth(client)

    response = client.get(_url("case-document", application, document_id=document.public_id))

    assert response.status_code == 404
    assert _events(application, "document") == [("export", "denied")]


def _more_rows(application: Application, category: str, consent: str) -> None:
    """One more row of every kind a section lists."""
    Income.objects.create(
        application=application, kind="other", gross=100, net=100, frequency="monthly"
    )
    Expense.objects.create(
        application=application, category=category, amount=90, frequency="monthly"
    )
    Debt.objects.create(
        application=application,
        creditor="CITI",
        kind="credit_card",
        balance=900,
        apr=20,
        minimum_payment=35,
    )
    case_note_save(
        application=application,
        body=f"note {category}",
        actor=None,
        expected_version=case_version(application=application),
    )
    case_task_add(
        application=application,
        title=f"call back about {category}",
        due_date=date(2026, 4, 1),
        assignee=None,
        expected_version=case_version(application=application),
        actor=None,
    )
    message_post(application=application, author=application.consumer, body="Hi", from_staff=False)
    Consent.objects.create(
        application=application,
        kind=consent,
        text_version="2026-01",
        text_language="en",
        text_hash="0" * 64,
    )
    document_of(application, f"{category}.pdf")
    VerificationFlag.objects.create(
        application=application,
        source="bank",
        code="income_differs",
        severity="warning",
        detail=f"Income differs ({category}).",
    )
    CaseStatusNote.objects.create(
        application=application,
        from_status="submitted",
        to_status="in_review",
        reason=f"Reviewing the {category}.",
        created_at=timezone.now(),
        case_version=case_version(application=application),
    )
    PlanOffer.objects.filter(application=application).update(superseded=True)
    PlanOffer.objects.create(
        application=application,
        snapshot={},
        document="doc",
        document_hash="0" * 64,
        status="declined",
        decline_reason=f"Too much with {category}.",
    )


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _counts(client, application: Application, section: str) -> tuple[int, int]:
    """(the case page with ``section`` open, the section's panel alone)."""
    page = f"{_url('case', application)}?section={section}"
    panel = _url("case-section", application, section=section)
    return _queries(client, page), _queries(client, panel)


def test_the_summary_page_query_count_is_the_same_for_1_and_3_rows(client, counselor, local_files):
    application = sent_application()
    verified_application_of(application)
    _more_rows(application, "utilities", "privacy")
    client.force_login(counselor)
    client.get(_url("case", application))  # warm the per-process caches

    one = _queries(client, _url("case", application))
    _more_rows(application, "childcare", "esign")
    _more_rows(application, "transit", "credit_pull")
    three = _queries(client, _url("case", application))

    assert one == three == CASE_QUERIES


@pytest.mark.parametrize("section", SECTION_QUERIES)
def test_each_section_query_count_is_the_same_for_1_and_3_rows(
    client, counselor, local_files, section
):
    application = sent_application()
    verified_application_of(application)
    _more_rows(application, "utilities", "privacy")
    client.force_login(counselor)
    client.get(_url("case", application))  # warm the per-process caches

    one = _counts(client, application, section)
    _more_rows(application, "childcare", "esign")
    _more_rows(application, "transit", "credit_pull")
    three = _counts(client, application, section)

    expected = (
        CASE_QUERIES + SECTION_QUERIES[section],
        PANEL_QUERIES + SECTION_QUERIES[section],
    )
    assert one == three == expected


def _note(client, application: Application, body: str, version: int, note_id: str = ""):
    data = {"body": body, "case_version": str(version), "note_id": note_id}
    return client.post(_url("case-note", application), data)


def test_notes_are_append_only_an_edit_keeps_the_old_version(client, counselor):
    application = sent_application()
    client.force_login(counselor)

    assert _note(client, application, "Called, left a voicemail.", 0).status_code == 302
    first = CaseNote.objects.get()
    edit = _note(client, application, "Called, spoke to Maria.", 1, str(first.note_id))
    assert edit.status_code == 302

    rows = [(n.version, n.superseded, n.body) for n in CaseNote.objects.order_by("version")]
    assert rows == [(1, True, "Called, left a voicemail."), (2, False, "Called, spoke to Maria.")]
    body = _section(client, application, "notes-and-tasks")
    assert "Called, spoke to Maria." in body and "Earlier versions (1)" in body
    assert "Called, left a voicemail." in body
    actions = [a for a, _ in _events(application, "case_note")]
    assert actions == ["create", "update", "update", "update"]  # service, view; service, view


def test_second_save_from_a_stale_version_is_refused_showing_what_changed(
    client, counselor, make_staff
):
    application = sent_application()
    colleague = make_staff("counselor-2", Role.COUNSELOR)
    other = client.__class__()
    other.force_login(colleague)
    client.force_login(counselor)
    opened = client.get(_url("case", application)).context["case"].version
    assert other.get(_url("case", application)).context["case"].version == opened

    assert _note(other, application, "Budget reviewed with Maria.", opened).status_code == 302
    response = _note(client, application, "My own note.", opened)

    assert response.status_code == 409
    body = response.content.decode()
    assert "Someone saved this case while you were editing" in body
    assert "note added by counselor-2" in body and "Budget reviewed with Maria." in body
    assert "My own note." in body  # the typed text is kept in the form
    assert [n.body for n in CaseNote.objects.all()] == ["Budget reviewed with Maria."]


def test_empty_note_and_unknown_note_are_refused(client, counselor):
    application = sent_application()
    client.force_login(counselor)

    assert (
        "needs some text"
        in client.post(
            _url("case-note", application), {"body": " ", "case_version": "0"}, follow=True
        ).content.decode()
    )
    unknown = "00000000-0000-0000-0000-000000000000"
    assert (
        "does not exist"
        in client.post(
            _url("case-note", application),
            {"body": "x", "case_version": "0", "note_id": unknown},
            follow=True,
        ).content.decode()
    )
    assert not CaseNote.objects.exists()


# ---- verification ---------------------------------------------------------------------


def _rows(body: str, table_id: str) -> list[list[str]]:
    table = re.search(rf'<table[^>]*id="{table_id}".*?<tbody>(.*?)</tbody>', body, re.S)
    assert table is not None, table_id
    return [
        [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", r)]
        for r in re.findall(r"<tr>(.*?)</tr>", table.group(1), re.S)
    ]


def test_panel_shows_stated_vs_verified_figures(client, counselor):
    application = sent_application()
    verified_application_of(application)
    client.force_login(counselor)

    body = _section(client, application, "verification")

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

    body = _section(client, application, "verification")

    assert "Stated figures are not yet verified." in body
    assert 'id="verified-income"' not in body


def test_rerun_after_afailed_pull_of(client, counselor):
    application = sent_application()
    pull = failed_pull_of(application)
    client.force_login(counselor)
    assert 'id="case-verification-rerun"' in _section(client, application, "verification")

    response = client.post(_url("case-verification-rerun", application))

    assert response.status_code == 302
    assert response["Location"] == f"{_url('case', application)}?section=verification"
    pull.refresh_from_db()
    request = VerificationRequest.objects.get(application=application)
    assert (pull.status, pull.error_code, request.completed_at) == ("pending", "", None)
    assert _events(application, "verification") == [("update", "allowed"), ("update", "allowed")]
    body = _section(client, application, "verification")
    assert "Verification is running" in body and 'id="case-verification-rerun"' not in body


def test_rerun_with_nothing_failed_says_so(client, counselor):
    application = sent_application()
    client.force_login(counselor)

    response = client.post(_url("case-verification-rerun", application), follow=True)

    assert "Nothing to re-run: no verification step failed." in response.content.decode()
    assert _events(application, "verification") == [("update", "allowed")]
