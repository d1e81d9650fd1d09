"""The counselor queue: who sees it, tabs and counts, filters, blind-index search, sort,
pagination, assignment, and a query count that does not grow with the rows."""

from __future__ import annotations

import copy
import re
import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from counselor.demo.terms import DEMO_INPUTS
from counselor.models import CaseAssignment, CaseTask, Proposal
from counselor.services.case import case_version
from counselor.services.casework import case_task_add
from counselor.services.proposals import proposal_save, proposal_start
from intake.models import Application, VerificationRequest
from integrations.transunion.models import BureauPull
from tenants.audit.key import chain_key_forget
from tenants.audit.models import AuditEvent
from tenants.roles import Role
from tests.counselor.cases import sent_application

pytestmark = pytest.mark.django_db
QUEUE = "/counselor/"
SEARCH = "/counselor/search/"
# As a running service sends them: the query-count tests run outside a test transaction
# (transaction=True), so the audit write's own BEGIN and COMMIT are counted, as
# bench/bench_counselor.py counts them.
QUEUE_QUERIES = 8


@pytest.fixture
def counselor(make_staff):
    return make_staff("counselor-1", Role.COUNSELOR)


@pytest.fixture
def supervisor(make_staff):
    return make_staff("supervisor-1", Role.SUPERVISOR)


def _rows(response) -> list[Application]:
    return list(response.context["page"].rows)


def test_queue_url_is_the_counselor_root():
    assert reverse("counselor:queue") == QUEUE


@pytest.mark.parametrize("role", [Role.CONSUMER, Role.AGENCY_ADMIN, Role.PLATFORM_SUPPORT])
def test_queue_is_404_and_denied_for_everyone_but_counselors_and_supervisors(
    client, make_staff, role
):
    sent_application()
    user = make_staff(f"someone-{role}", role)
    client.force_login(user)

    response = client.get(QUEUE)

    assert response.status_code == 404
    assert "Lopez" not in response.content.decode()
    assert list(
        AuditEvent.objects.filter(actor=user, object_type="case_queue").values_list("outcome")
    ) == [("denied",)]


def test_counselor_tabs_and_counts_leave_out_drafts(client, counselor):
    mine = sent_application()
    sent_application()
    Application.objects.create(consumer=mine.consumer, status="draft")
    CaseAssignment.objects.create(
        application=mine, assigned_to=counselor, assigned_at=mine.created_at
    )
    client.force_login(counselor)

    response = client.get(QUEUE)

    page = response.context["page"]
    assert page.tabs == ("mine", "unassigned", "requests")
    assert (page.counts["mine"], page.counts["unassigned"], page.counts["requests"]) == (1, 1, 0)
    assert _rows(response) == [mine]
    assert "Maria Lopez" in response.content.decode()
    assert client.get(QUEUE, {"tab": "all"}).context["page"].tab == "mine"


def test_supervisors_see_the_all_tab(client, supervisor):
    first, second = sent_application(), sent_application(status="in_review")
    client.force_login(supervisor)

    response = client.get(QUEUE, {"tab": "all"})

    assert response.context["page"].tab == "all"
    assert _rows(response) == [first, second]
    assert [a for a in _rows(client.get(QUEUE, {"tab": "all", "sort": "newest"}))] == [
        second,
        first,
    ]


def test_filters_status_language_dates_and_assignee(client, supervisor, counselor):
    english = sent_application(hours=1)
    spanish = sent_application(language="es", status="in_review", hours=30)
    CaseAssignment.objects.create(
        application=spanish, assigned_to=counselor, assigned_at=spanish.created_at
    )
    client.force_login(supervisor)

    def rows(**params: str) -> list[Application]:
        return _rows(client.get(QUEUE, {"tab": "all", **params}))

    assert rows(status="in_review") == [spanish]
    assert rows(language="en") == [english]
    assert rows(submitted_from="2026-03-03") == [spanish]
    assert rows(submitted_to="2026-03-02") == [english]
    assert rows(assignee=str(counselor.pk)) == [spanish]
    assert rows(status="nonsense") == [english, spanish]


@pytest.mark.parametrize(
    ("kind", "value", "last_name"),
    [
        ("email", "  MARIA.FOUND@Example.org ", ""),
        ("phone", "+1 (404) 555-0999", ""),
        ("ssn_name", "3456", "lópez"),
        ("name", " MARÍA ", "Lopez"),
    ],
)
def test_search_through_blind_indexes_keeps_plaintext_out_of_the_url(
    client, supervisor, kind, value, last_name
):
    found = sent_application(email="maria.found@example.org", phone="4045550999")
    sent_application(last_name="Nguyen", ssn="900-12-9999")
    client.force_login(supervisor)

    response = client.post(
        SEARCH, {"tab": "all", "kind": kind, "value": value, "last_name": last_name}
    )

    assert response.status_code == 302
    location = response["Location"]
    assert value.strip().lower() not in location.lower() and "find=" in location
    assert _rows(client.get(location)) == [found]


def test_search_that_cannot_match_says_so(client, supervisor):
    client.force_login(supervisor)

    search = {"kind": "ssn_name", "value": "12", "last_name": "x"}
    response = client.post(SEARCH, search, follow=True)

    assert "cannot match anyone" in response.content.decode()
    assert response.context["page"].filters.find_kind == ""


def test_assign_to_me_then_to_a_colleague_then_nobody(client, counselor, supervisor, make_staff):
    application = sent_application()
    colleague = make_staff("counselor-2", Role.COUNSELOR)
    client.force_login(counselor)
    url = reverse("counselor:case-assign", kwargs={"public_id": application.public_id})

    client.post(url, {"assignee": "me"})
    assert _rows(client.get(QUEUE)) == [application]
    client.post(url, {"assignee": str(colleague.pk), "next": "/counselor/?tab=unassigned"})
    assert CaseAssignment.objects.get(application=application).assigned_to == colleague
    assert _rows(client.get(QUEUE)) == []
    # Now a colleague's case: only a supervisor takes it back (need to know).
    assert client.post(url, {"assignee": ""}).status_code == 404
    client.force_login(supervisor)
    client.post(url, {"assignee": ""})
    assert _rows(client.get(QUEUE, {"tab": "unassigned"})) == [application]
    events = AuditEvent.objects.filter(object_type="case_assignment", actor=counselor)
    assert events.filter(action="update", outcome="allowed").count() == 4  # view + service, x2
    assert events.filter(action="update", outcome="denied").count() == 1


def _colleagues_offered(client) -> list[str]:
    body = client.get(QUEUE, {"tab": "all"}).content.decode()
    assignee = body.split('id="id_assignee"', 1)[1].split("</select>", 1)[0]
    return re.findall(r'<option value="\d+"[^>]*>([^<]+)</option>', assignee)


def test_colleagues_offered_follow_a_role_granted_and_an_account_closed(
    client, supervisor, make_staff
):
    client.force_login(supervisor)
    sent_application()
    assert _colleagues_offered(client) == ["supervisor-1"]  # now kept by the process

    colleague = make_staff("counselor-9", Role.COUNSELOR)
    assert _colleagues_offered(client) == ["counselor-9", "supervisor-1"]

    colleague.is_active = False
    colleague.save()
    assert _colleagues_offered(client) == ["supervisor-1"]


def test_assigning_to_a_consumer_is_refused(client, counselor):
    application = sent_application()
    client.force_login(counselor)
    url = reverse("counselor:case-assign", kwargs={"public_id": application.public_id})

    response = client.post(url, {"assignee": str(application.consumer.pk)}, follow=True)

    assert "counselors and supervisors only" in response.content.decode()
    assert not CaseAssignment.objects.exists()


def test_drafts_cannot_be_assigned(client, counselor, consumer):
    draft = Application.objects.create(consumer=consumer)
    client.force_login(counselor)
    url = reverse("counselor:case-assign", kwargs={"public_id": draft.public_id})

    assert client.post(url, {"assignee": "me"}).status_code == 404


@pytest.fixture
def warm(client, django_capture_on_commit_callbacks):
    """Opens the queue once and commits, as a running service has: the chain key, the
    agency profile and the colleagues are then kept by the process (forgotten again after
    the test)."""

    def opened() -> None:
        with django_capture_on_commit_callbacks(execute=True):
            assert client.get(QUEUE).status_code == 200

    yield opened
    chain_key_forget()


def _queries(client, **params: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(QUEUE, params).status_code == 200
    return len(queries)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("tab", ["all", "unassigned", "requests"])
def test_queue_query_count_is_the_same_for_1_and_3_rows(client, supervisor, warm, tab):
    client.force_login(supervisor)
    sent_application()
    warm()

    one = _queries(client, tab=tab)
    sent_application(), sent_application()
    three = _queries(client, tab=tab)

    # session, the user with their roles, every tab's count, rows, then the audit write in
    # its own transaction: BEGIN, the head, the insert, COMMIT.
    assert one == three == QUEUE_QUERIES


def test_search_and_document_downloads_are_rate_limited(settings):
    limits = settings.CREDITGENIE_RATE_LIMITS

    assert limits["counselor:queue-search"] == "search"
    assert limits["counselor:case-document"] == "downloads"


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


def _all_rows(client, **params: str) -> list[Application]:
    response = client.get(QUEUE, {"tab": "all", **params})
    assert response.status_code == 200
    return list(response.context["page"].rows)


def _verification(application: Application, *, pull: str | None, completed: bool) -> None:
    pull_id = None
    if pull is not None:
        pull_id = BureauPull.objects.create(
            idempotency_key=f"application:{application.public_id}",
            reference=uuid.uuid4().hex[:20],
            consent_reference="c",
            subject="{}",
            status=pull,
        ).public_id
    VerificationRequest.objects.create(
        application=application,
        bureau_pull_id=pull_id,
        bureau_outcome="requested" if pull else "no_consent",
        completed_at=timezone.now() if completed else None,
    )


def test_verification_state_filter(client, supervisor):
    not_run = sent_application()
    running = sent_application()
    _verification(running, pull="running", completed=False)
    no_pull_running = sent_application()
    _verification(no_pull_running, pull=None, completed=False)
    verified = sent_application()
    _verification(verified, pull="done", completed=True)
    failed = sent_application()
    _verification(failed, pull="failed", completed=True)
    failed_early = sent_application()
    _verification(failed_early, pull="failed", completed=False)
    client.force_login(supervisor)

    assert _all_rows(client, verification="not_run") == [not_run]
    assert _all_rows(client, verification="running") == [running, no_pull_running]
    assert _all_rows(client, verification="verified") == [verified]
    assert _all_rows(client, verification="failed") == [failed, failed_early]
    assert len(_all_rows(client, verification="nonsense")) == 6  # an invalid value is ignored
    page = client.get(QUEUE, {"tab": "all", "verification": "failed"}).context["page"]
    assert (page.counts["all"], page.counts["unassigned"]) == (2, 2)


def _inputs(net: str) -> dict:
    inputs = copy.deepcopy(DEMO_INPUTS)
    inputs["household"]["incomes"][0]["net"] = net
    return inputs


def test_eligibility_outcome_filter_reads_the_latest_saved_version(
    client, supervisor, terms, agency_profile
):
    # The demo household keeps $1,070 a month: budget counseling. At $3,200 take-home its
    # $170 surplus is short of the plan's deposit: other options.
    comfortable = sent_application()
    proposal_start(case_id=comfortable.public_id, inputs=_inputs("4100.00"), actor=None)
    changed = sent_application()
    first = proposal_start(case_id=changed.public_id, inputs=_inputs("4100.00"), actor=None)
    proposal_save(
        proposal=first.proposal, expected_version=1, inputs=_inputs("3200.00"), actor=None
    )
    short = sent_application()
    proposal_start(case_id=short.public_id, inputs=_inputs("3200.00"), actor=None)
    no_plan = sent_application()
    client.force_login(supervisor)

    assert Proposal.objects.get(case_id=changed.public_id).version == 2
    assert _all_rows(client, outcome="budget_counseling") == [comfortable]
    assert _all_rows(client, outcome="other_options") == [changed, short]
    assert _all_rows(client, outcome="dmp_standard") == []
    assert _all_rows(client, outcome="none") == [no_plan]
    assert _all_rows(client, outcome="other_options", verification="not_run") == [changed, short]
    assert _all_rows(client, outcome="other_options", verification="running") == []


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "params",
    [
        {"tab": "all", "verification": "running", "outcome": "none"},
        {"tab": "unassigned", "verification": "failed", "outcome": "other_options"},
    ],
)
def test_filtered_queue_query_count_is_the_same_for_1_and_3_rows(
    client, supervisor, terms, agency_profile, warm, params
):
    client.force_login(supervisor)

    def case() -> None:
        application = sent_application()
        _verification(application, pull="failed", completed=True)
        proposal_start(case_id=application.public_id, inputs=_inputs("3200.00"), actor=None)
        _verification(sent_application(), pull="running", completed=False)

    case()
    warm()
    one = _queries(client, **params)
    rows_one = len(client.get(QUEUE, params).context["page"].rows)
    case(), case()
    three = _queries(client, **params)

    assert rows_one == 1
    assert len(client.get(QUEUE, params).context["page"].rows) == 3
    assert one == three == QUEUE_QUERIES
