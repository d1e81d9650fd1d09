"""The queue's query plans on PostgreSQL: no variant reads the applications table with a
sequential scan. The planner chooses freely from the statistics of 20,000 applications
(a seventh of them drafts, a quarter in Spanish, 60 assigned to the supervisor, four in five
sent ones verified, the newest 40 of those still running, each with a household found by
name), committed once for the module and VACUUM ANALYZEd as autovacuum would leave them:
at 4,000 rows a scan of the whole table is still cheaper than 60 index lookups, so the
planner's choice there says nothing about an agency's size."""

from __future__ import annotations

import json
import random
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from counselor.models import CaseAssignment
from counselor.selectors.queue import cursor_encode
from intake.models import Application, Household, VerificationRequest
from intake.models.application import references_unused
from tenants.roles import Role, role_grant
from tests.counselor.cases import BASE

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL's planner"),
]
ROWS = 20_000
TABLES = (
    "intake_application",
    "intake_household",
    "intake_verificationrequest",
    "counselor_caseassignment",
    "auth_user",
)
STATUSES = ["draft", "submitted", "in_review", "in_review", "offered", "enrolled", "closed"]


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """The rows, committed (VACUUM runs outside a transaction); removed afterwards."""
    with django_db_blocker.unblock():
        supervisor = get_user_model().objects.create_user(username="plan-supervisor")
        role_grant(supervisor, Role.SUPERVISOR)
        _seed(supervisor)
        _vacuum()
        yield supervisor
        Application.objects.filter(consumer__username__startswith="plan-").delete()
        get_user_model().objects.filter(username__startswith="plan-").delete()
        _vacuum()


@pytest.fixture
def supervisor(client, seeded):
    client.force_login(seeded)
    return seeded


def _vacuum() -> None:
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"VACUUM ANALYZE {table}")


def _seed(supervisor) -> None:
    rng = random.Random(21)
    consumers = get_user_model().objects.bulk_create(
        get_user_model()(username=f"plan-consumer-{n}", password="!") for n in range(ROWS)
    )
    references = references_unused(ROWS)
    applications = Application.objects.bulk_create(
        Application(
            consumer=consumer,
            reference=references[n],
            status=(status := rng.choice(STATUSES)),
            language="es" if rng.random() < 0.25 else "en",
            submitted_at=None if status == "draft" else BASE + timedelta(minutes=n * 7),
        )
        for n, consumer in enumerate(consumers)
    )
    sent = [a for a in applications if a.status != "draft"]
    CaseAssignment.objects.bulk_create(
        CaseAssignment(application=a, assigned_to=supervisor, assigned_at=BASE) for a in sent[:60]
    )
    # Four in five sent cases with a verification, the newest 40 still running; every
    # household found by its own name.
    verified = [a for a in sent if rng.random() < 0.8]
    VerificationRequest.objects.bulk_create(
        VerificationRequest(application=a, completed_at=None if n < 40 else BASE)
        for n, a in enumerate(reversed(verified))
    )
    Household.objects.bulk_create(Household(application=a) for a in applications)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE intake_household SET name_index = md5(application_id::text)")


def _search() -> str:
    application = Application.objects.exclude(status="draft").order_by("id")[700]
    return f"name:{Household.objects.get(application=application).name_index}"


def _deep_cursor() -> str:
    row = Application.objects.exclude(status="draft").order_by("submitted_at", "id")[2500]
    return cursor_encode((row.submitted_at, row.id))


def _seq_scans(plan: dict) -> list[str]:
    """Relations read by a sequential scan anywhere in the plan."""
    found = [plan["Relation Name"]] if plan["Node Type"] == "Seq Scan" else []
    for child in plan.get("Plans", []):
        found += _seq_scans(child)
    return found


def _application_queries(client, params: dict[str, str]) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/counselor/", params).status_code == 200
    return [
        q["sql"]
        for q in captured
        if q["sql"].startswith("SELECT") and "intake_application" in q["sql"]
    ]


@pytest.mark.parametrize(
    "params",
    [
        {"tab": "all"},
        {"tab": "unassigned", "sort": "newest"},
        {"tab": "mine"},
        {"tab": "all", "status": "in_review", "language": "es"},
        {"tab": "all", "language": "es", "sort": "newest"},
        {"tab": "all", "after": "DEEP", "page": "100"},
        {"tab": "all", "verification": "running"},
        {"tab": "all", "verification": "verified", "language": "es"},
        {"tab": "unassigned", "verification": "not_run", "sort": "newest"},
        {"tab": "all", "find": "SEARCH"},
        {"tab": "unassigned", "find": "SEARCH", "status": "in_review"},
    ],
    ids=[
        "all cases",
        "unassigned newest",
        "my cases",
        "status and language",
        "language",
        "deep page",
        "verification running",
        "verification verified",
        "verification not run",
        "search",
        "search unassigned in review",
    ],
)
def test_no_queue_variant_scans_the_applications_table(client, supervisor, params):
    if params.get("after") == "DEEP":
        params = params | {"after": _deep_cursor()}
    if params.get("find") == "SEARCH":
        params = params | {"find": _search()}
    queries = _application_queries(client, params)
    if "find" in params:  # the search found its one case
        assert len(client.get("/counselor/", params).context["page"].rows) <= 1

    scans = {}
    with connection.cursor() as cursor:
        for sql in queries:
            cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}")
            plan = cursor.fetchone()[0]
            plan = json.loads(plan) if isinstance(plan, str) else plan
            scans[sql[:60]] = _seq_scans(plan[0]["Plan"])

    # The tab counts, the page's rows; a search also asks which tab holds what it found.
    assert len(queries) == (3 if "find" in params else 2)
    assert [s for s in scans.values() if "intake_application" in s] == [], scans
