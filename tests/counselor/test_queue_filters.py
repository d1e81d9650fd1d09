"""Queue filters on verification state (not run / running / verified / failed) and on the
eligibility outcome of the case's latest saved proposal version, with the queue's query
count unchanged (both filters are subqueries inside the page's queries)."""

from __future__ import annotations

import copy
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from counselor.demo.terms import DEMO_INPUTS
from counselor.models import Proposal
from counselor.services.proposals import proposal_save, proposal_start
from intake.models import Application, VerificationRequest
from integrations.transunion.models import BureauPull
from tenants.roles import Role
from tests.counselor.cases import sent_application
from tests.counselor.test_queue import QUEUE, QUEUE_QUERIES

pytestmark = pytest.mark.django_db


@pytest.fixture
def supervisor(make_staff):
    return make_staff("supervisor-1", Role.SUPERVISOR)


def _rows(client, **params: str) -> list[Application]:
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

    assert _rows(client, verification="not_run") == [not_run]
    assert _rows(client, verification="running") == [running, no_pull_running]
    assert _rows(client, verification="verified") == [verified]
    assert _rows(client, verification="failed") == [failed, failed_early]
    assert len(_rows(client, verification="nonsense")) == 6  # an invalid value is ignored
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
    assert _rows(client, outcome="budget_counseling") == [comfortable]
    assert _rows(client, outcome="other_options") == [changed, short]
    assert _rows(client, outcome="dmp_standard") == []
    assert _rows(client, outcome="none") == [no_plan]
    assert _rows(client, outcome="other_options", verification="not_run") == [changed, short]
    assert _rows(client, outcome="other_options", verification="running") == []


def _queries(client, **params: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(QUEUE, params).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "params",
    [
        {"tab": "all", "verification": "running", "outcome": "none"},
        {"tab": "unassigned", "verification": "failed", "outcome": "other_options"},
    ],
)
def test_filtered_queue_query_count_is_the_same_for_1_and_3_rows(
    client, supervisor, terms, agency_profile, params
):
    client.force_login(supervisor)

    def case() -> None:
        application = sent_application()
        _verification(application, pull="failed", completed=True)
        proposal_start(case_id=application.public_id, inputs=_inputs("3200.00"), actor=None)
        _verification(sent_application(), pull="running", completed=False)

    case()
    client.get(QUEUE)  # warm the per-process caches (deployment stamp, agency profile)
    one = _queries(client, **params)
    rows_one = len(client.get(QUEUE, params).context["page"].rows)
    case(), case()
    three = _queries(client, **params)

    assert rows_one == 1
    assert len(client.get(QUEUE, params).context["page"].rows) == 3
    assert one == three == QUEUE_QUERIES
