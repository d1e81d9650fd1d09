"""Issue 9 acceptance 1, end to end: consumers with distinctive personal data go through the
real intake (wizard views and services, the Plaid and TransUnion sandboxes, a real Celery
worker for verification and shipping), a counselor offers plans, one consumer accepts and is
closed, one declines, two ask for a counselor. Then every shipped Parquet file is read: all
eleven event types are there, the schema is exactly the documented one, the figures are the
de-identified ones, and no seeded personal value appears in any column or in the raw bytes.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from counselor.demo.terms import creditor_terms_seed
from counselor.services.proposals import proposal_start_from_case
from intake.models import (
    Application,
    CounselingRequest,
    Household,
    Message,
    PlanAcceptance,
    PlanOffer,
)
from intake.selectors.verification import verification_summary
from intake.services import application_start
from intake.services.casework import application_status_change
from integrations.warehouse import facts as wf
from integrations.warehouse.models import OutboxEvent
from integrations.warehouse.tasks import warehouse_ship
from tenants.roles import Role, role_grant
from tenants.signin import AUTH_TIME
from tests.intake.conftest import EXPENSES, INCOMES, rows, url
from tests.integrations.plaid import conftest as plaid_fixtures
from tests.integrations.plaid.sandboxes import wait_until, worker
from tests.integrations.transunion import conftest as bureau_fixtures
from tests.integrations.warehouse.conftest import ANALYTICS_KEY, peers_emit, shipped_files

plaid_url = plaid_fixtures.plaid_url
plaid = plaid_fixtures.plaid
bureau_url = bureau_fixtures.bureau_url
bureau = bureau_fixtures.bureau

pytestmark = pytest.mark.django_db(transaction=True)

DOCS = Path(__file__).resolve().parents[3] / "docs" / "analytics.md"

# Distinctive values, one set per consumer: none of them may reach the warehouse. The SSNs
# end in 0004, the bureau sandbox's persona with a credit file.
ZEB = {
    "first_name": "Zebulon",
    "last_name": "Quixwright",
    "birth_date": "07/19/1971",
    "ssn": "579-31-0004",
    "street": "8127 Marigold Terrace",
    "city": "Vexhollow",
    "state": "GA",
    "zip_code": "30318",
    "phone": "(404) 555-0187",
    "email": "zebulon.quixwright@example.net",
    "household_size": "3",
    "dependents": "1",
    "employment_status": "full_time",
    "preferred_language": "es",
}
PHI = {
    "first_name": "Philomena",
    "last_name": "Dravenhurst",
    "birth_date": "11/02/1958",
    "ssn": "468-22-0004",
    "street": "44 Juniperhollow Lane",
    "city": "Quarrington",
    "state": "GA",
    "zip_code": "31405",
    "phone": "(912) 555-0143",
    "email": "p.dravenhurst@example.org",
    "household_size": "1",
    "dependents": "0",
    "employment_status": "retired",
    "preferred_language": "en",
}
ZEB_DEBTS = rows(
    [
        {
            "creditor": "Quixwright Pawnbrokers",
            "kind": "credit_card",
            "balance": "$9,870",
            "apr": "27.49%",
            "minimum_payment": "296",
        }
    ]
)
PHI_DEBTS = rows(
    [
        {
            "creditor": "Dravenhurst Furniture Credit",
            "kind": "credit_card",
            "balance": "$6,430",
            "apr": "22.99%",
            "minimum_payment": "193",
        }
    ]
)
# Zeb's profile as the analytics stream gets it (INCOMES fall in the 4000-5999 band).
ZEB_PROFILE = wf.Profile(
    birth_date=date(1971, 7, 19),
    zip_code="30318",
    household_size=3,
    monthly_income=Decimal("4500.00"),
    unsecured_debt=Decimal("9870.00"),
)
MESSAGE = "Zebulon here: my gate code is Marigold-7719, call after nine."
ZEB_NOTE = "Ask for Zebulon at the Vexhollow bakery"
OCT_NOTE = "Octavius Brummelkamp, flat above Thistlewood Pharmacy"
OCT_PHONE = "(678) 555-0166"
DECLINE_TEXT = "Philomena's nephew Bartholomew Dravenhurst will lend the money"
TYPED_NAME = "Zebulon Quixwright"
CLOSE_TEXT = "Quixwright moved to Reykjavik"

PII = (
    "Zebulon",
    "Quixwright",
    "1971-07-19",
    "07/19/1971",
    "579-31-0004",
    "579310004",
    "8127 Marigold Terrace",
    "Marigold",
    "Vexhollow",
    "(404) 555-0187",
    "4045550187",
    "zebulon.quixwright@example.net",
    "Philomena",
    "Dravenhurst",
    "1958-11-02",
    "11/02/1958",
    "468-22-0004",
    "468220004",
    "44 Juniperhollow Lane",
    "Juniperhollow",
    "Quarrington",
    "(912) 555-0143",
    "9125550143",
    "p.dravenhurst@example.org",
    "Pawnbrokers",
    "Furniture Credit",
    "Octavius",
    "Brummelkamp",
    "Thistlewood",
    "6785550166",
    "Bartholomew",
    "Reykjavik",
    "Carla Dee Cardholder",
    "Cardholder",
    "zq-consumer",
    "pd-consumer",
    "ob-consumer",
)
# Exact ZIP codes: checked outside the random hex columns, where five digits can occur.
ZIPS = ("30318", "31405")
HEX_COLUMNS = ("event_id", "consumer_pid", "case_pid")

# The data dictionary's Spectrum DDL, as Arrow types.
DDL_TYPES = {
    "VARCHAR": pa.string(),
    "CHAR": pa.string(),
    "TIMESTAMP": pa.timestamp("ms", tz="UTC"),
    "SMALLINT": pa.int16(),
    "INT": pa.int32(),
    "DECIMAL(12,2)": pa.decimal128(12, 2),
    "ARRAY<STRUCT<creditor:VARCHAR(60), apr:DECIMAL(5,2)>>": pa.list_(
        pa.struct([("creditor", pa.string()), ("apr", pa.decimal128(5, 2))])
    ),
}
ALL_CONSENTS = {"privacy": "on", "esign": "on", "credit_pull": "on", "bank_data": "on"}


def documented_columns() -> list[tuple[str, pa.DataType]]:
    """The columns of ``CREATE EXTERNAL TABLE creditgenie.events`` in docs/analytics.md."""
    ddl = DOCS.read_text().split("CREATE EXTERNAL TABLE creditgenie.events (")[1].split(")\n")[0]
    columns = []
    for line in ddl.strip().splitlines():
        name, kind = line.strip().rstrip(",").split(None, 1)
        kind = re.sub(r"^(VARCHAR|CHAR)\(\d+\)$", r"\1", kind)
        columns.append((name, DDL_TYPES[kind]))
    return columns


def pid(kind: str, ref: str) -> str:
    message = "\0".join((kind, django_settings.CREDITGENIE_TENANT, ref)).encode()
    return hmac.new(bytes.fromhex(ANALYTICS_KEY), message, hashlib.sha256).hexdigest()


@pytest.fixture(scope="module")
def celery_worker():
    with worker() as w:
        yield w


@pytest.fixture
def stream(settings, warehouse, plaid, bureau, agency_profile):
    settings.PLAID_ENV, settings.PLAID_WEBHOOK_URL = "sandbox", ""
    creditor_terms_seed()
    return warehouse


def _person(username: str, *roles: str) -> tuple[Client, object]:
    user = get_user_model().objects.create_user(username=username, password="long-pw-12345")
    for role in roles:
        role_grant(user, role)
    client = Client()
    client.force_login(user)
    session = client.session
    session[AUTH_TIME] = time.time()  # a fresh sign-in: signing the offer needs one
    session.save()
    return client, user


def _wizard(client: Client, application: Application, about: dict, consents: dict, debts: dict):
    for step, values in (
        ("about-you", about),
        ("consents", consents),
        ("income", INCOMES),
        ("expenses", EXPENSES),
        ("debts", debts),
    ):
        response = client.post(url(application, f"step-{step}"), values)
        assert response.status_code == 302, (step, response.content[:2000])


def _submit_and_verify(client: Client, application: Application) -> None:
    assert client.post(url(application, "step-documents"), {"done": "on"}).status_code == 302
    assert client.post(url(application, "submit")).status_code == 302
    wait_until(lambda: verification_summary(application).status == "complete", 30)


def _offer(application: Application, counselor) -> PlanOffer:
    """The counselor's plan, sent; where the offer rule asks for it (these households' budgets
    cover their minimums), a supervisor approves the exception first."""
    from counselor.services.offers import case_offer_send, offer_exception_approve, offer_rule

    application.refresh_from_db()
    proposal, _created = proposal_start_from_case(application=application, actor=counselor)
    version = proposal.versions.get(number=1)
    if offer_rule(version).needs_approval:
        supervisor, _ = get_user_model().objects.get_or_create(username="pii-supervisor")
        role_grant(supervisor, Role.SUPERVISOR)
        offer_exception_approve(version=version, reason="Asked for a plan.", actor=supervisor)
    return case_offer_send(application=application, version=version, actor=counselor)


def _rows(root: Path) -> list[dict]:
    return [row for path in shipped_files(root) for row in pq.read_table(path).to_pylist()]


def _seed(counselor) -> dict[str, object]:
    """Three consumers through the intake; returns what the assertions need."""
    zeb_client, zeb = _person("zq-consumer", Role.CONSUMER)
    zeb_app = application_start(consumer=zeb, language="es")
    _wizard(zeb_client, zeb_app, ZEB, ALL_CONSENTS, ZEB_DEBTS)
    assert zeb_client.get(url(zeb_app, "bank-link")).status_code == 200
    link = {"institution": "ins_109508", "persona": "user_card"}
    assert zeb_client.post(url(zeb_app, "bank-link"), link).status_code == 302
    assert zeb_client.post(url(zeb_app, "step-bank"), {}).status_code == 302
    _submit_and_verify(zeb_client, zeb_app)
    counseling = {
        "preferred_times": ["evening"],
        "phone": "(404) 555-0187",
        "language": "es",
        "topic": "budget",
        "note": ZEB_NOTE,
    }
    assert zeb_client.post("/talk-to-a-counselor/", counseling).status_code == 302
    zeb_offer = _offer(zeb_app, counselor)
    assert zeb_client.post(url(zeb_app, "messages"), {"body": MESSAGE}).status_code == 302
    accept = {
        "offer": str(zeb_offer.public_id),
        "document_hash": zeb_offer.document_hash,
        "typed_name": TYPED_NAME,
        "consent": "on",
    }
    assert zeb_client.post(url(zeb_app, "offer-accept"), accept).status_code == 302
    zeb_app.refresh_from_db()
    application_status_change(
        application=zeb_app,
        status="closed",
        reason=CLOSE_TEXT,
        actor=counselor,
        close_reason="withdrawn",
    )

    phi_client, phi = _person("pd-consumer", Role.CONSUMER)
    phi_app = application_start(consumer=phi)
    phi_consents = {"privacy": "on", "esign": "on"}  # no soft pull: verification fails
    _wizard(phi_client, phi_app, PHI, phi_consents, PHI_DEBTS)
    assert phi_client.post(url(phi_app, "step-bank"), {"skip": "on"}).status_code == 302
    _submit_and_verify(phi_client, phi_app)
    phi_offer = _offer(phi_app, counselor)
    decline = {
        "offer": str(phi_offer.public_id),
        "document_hash": phi_offer.document_hash,
        "category": "payment_too_high",
        "reason": DECLINE_TEXT,
    }
    assert phi_client.post(url(phi_app, "offer-decline"), decline).status_code == 302

    oct_client, octavius = _person("ob-consumer", Role.CONSUMER)
    counseling = {
        "preferred_times": ["morning"],
        "phone": OCT_PHONE,
        "language": "en",
        "topic": "housing",
        "note": OCT_NOTE,
    }
    assert oct_client.post("/talk-to-a-counselor/", counseling).status_code == 302
    return {"zeb": zeb_app, "zeb_offer": zeb_offer, "phi": phi_app, "octavius": octavius}


def test_every_event_type_ships_with_the_documented_schema_and_no_personal_data(
    celery_worker, stream
):
    _client, counselor = _person("counselor-ship", Role.COUNSELOR)
    seeded = _seed(counselor)
    zeb_app, phi_app = seeded["zeb"], seeded["phi"]

    # The personal data is really in the intake's tables (so the scan below can fail).
    assert Household.objects.get(application=zeb_app).ssn == "579-31-0004"
    assert Household.objects.get(application=phi_app).street == "44 Juniperhollow Lane"
    assert Message.objects.get(application=zeb_app).body == MESSAGE
    assert PlanAcceptance.objects.get(application=zeb_app).typed_name == TYPED_NAME
    declined = PlanOffer.objects.get(application=phi_app)
    assert (declined.decline_category, declined.decline_reason) == (
        "payment_too_high",
        DECLINE_TEXT,
    )
    octavius_request = CounselingRequest.objects.get(consumer=seeded["octavius"])
    assert (octavius_request.note, octavius_request.topic) == (OCT_NOTE, "housing")
    assert Application.objects.get(pk=zeb_app.pk).status == "closed"
    # Four other consumers with Zeb's profile: his submission ships at the finest level;
    # Philomena's, alone with hers, waits for peers (k-anonymity at the source).
    peers_emit(ZEB_PROFILE, 4, at=timezone.now())
    queued = OutboxEvent.objects.count() - 1

    assert warehouse_ship.delay().get(timeout=60) == {
        "batches": 1,
        "events": queued,
        "failed": False,
    }
    (held,) = OutboxEvent.objects.filter(released=False)
    assert held.payload["case_pid"] == pid("case", str(phi_app.public_id))

    (name,) = shipped_files(stream)
    path = Path(name)
    rows = _rows(stream)
    assert len(rows) == queued
    # Every one of the eleven event types.
    kinds = sorted({row["event_type"] for row in rows})
    assert kinds == sorted(
        [
            "application_started",
            "step_completed",
            "submitted",
            "verification_completed",
            "verification_failed",
            "plan_offered",
            "accepted",
            "declined",
            "enrolled",
            "closed",
            "counseling_requested",
        ]
    )
    # The schema is exactly the documented one, in its order.
    schema = pq.read_schema(path)
    assert [(field.name, field.type) for field in schema] == documented_columns()

    zeb_case, phi_case = pid("case", str(zeb_app.public_id)), pid("case", str(phi_app.public_id))

    def of(kind: str, case: str) -> list[dict]:
        return [r for r in rows if r["event_type"] == kind and r["case_pid"] == case]

    assert [r["language"] for r in of("application_started", zeb_case)] == ["es"]
    assert [r["language"] for r in of("application_started", phi_case)] == ["en"]
    steps = ["about-you", "bank", "consents", "debts", "documents", "expenses", "income"]
    assert sorted(r["step"] for r in of("step_completed", zeb_case)) == steps
    assert sorted(r["step"] for r in of("step_completed", phi_case)) == steps
    (submitted,) = of("submitted", zeb_case)
    age = date.today().year - 1971 - (date.today() < date(date.today().year, 7, 19))
    expected_band = "50-54" if age < 55 else "55-59"
    assert (submitted["profile_level"], submitted["age_band"], submitted["zip3"]) == (
        0,
        expected_band,
        "303",
    )
    assert (submitted["state"], submitted["region"], submitted["household_band"]) == (
        "GA",
        "south",
        "3",
    )
    assert (submitted["income_band"], submitted["debt_band"]) == ("4000-5999", "5000-9999")
    assert of("submitted", phi_case) == []
    assert {r["verification_source"] for r in of("verification_completed", zeb_case)} >= {
        "bureau",
        "bank",
    }
    assert ("identity", "identity_mismatch") in {
        (r["verification_source"], r["failure_reason"]) for r in of("verification_failed", zeb_case)
    }
    failed = [
        (r["verification_source"], r["failure_reason"]) for r in of("verification_failed", phi_case)
    ]
    assert failed == [("bureau", "consent_missing")]
    results = seeded["zeb_offer"].snapshot["results"]
    ten, hundred = Decimal(10), Decimal(100)
    figures = (
        (Decimal(results["monthly_deposit"]) / ten).quantize(Decimal(1)) * ten,
        results["months"],
        (Decimal(results["total_enrolled"]) / hundred).quantize(Decimal(1)) * hundred,
    )
    for kind in ("plan_offered", "accepted", "enrolled"):
        (row,) = of(kind, zeb_case)
        assert (row["monthly_payment"], row["term_months"], row["enrolled_debt"]) == figures
        assert (row["creditor_count"], row["concessions"]) == (0, [])
    assert [r["decline_reason"] for r in of("declined", phi_case)] == ["payment_too_high"]
    assert [(r["close_reason"], r["months_enrolled"]) for r in of("closed", zeb_case)] == [
        ("withdrawn", 0)
    ]
    assert [r["counseling_topic"] for r in of("counseling_requested", zeb_case)] == ["budget"]
    octavius_case = pid("case", f"counseling-{octavius_request.public_id}")
    (counseling,) = of("counseling_requested", octavius_case)
    assert counseling["consumer_pid"] == pid("consumer", str(seeded["octavius"].pk))
    assert counseling["counseling_topic"] == "housing"

    # No seeded value in any column, nor anywhere in the file's bytes.
    text = "\n".join(str(value) for row in rows for value in row.values()).lower()
    raw = path.read_bytes().lower()
    for value in PII:
        assert value.lower() not in text, value
        assert value.lower().encode() not in raw, value
    described = "\n".join(
        str(value) for row in rows for name, value in row.items() if name not in HEX_COLUMNS
    )
    for value in ZIPS:
        assert value not in described, value
    # Nothing but pseudonyms where a person or a case is referred to.
    assert all(re.fullmatch(r"[0-9a-f]{64}", r["consumer_pid"]) for r in rows)
    assert all(re.fullmatch(r"[0-9a-f]{64}", r["case_pid"]) for r in rows)
    for ref in (zeb_app.public_id, phi_app.public_id, octavius_request.public_id):
        assert str(ref) not in text and str(ref).encode() not in raw
