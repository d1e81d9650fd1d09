"""Issue 7 acceptance 1 and 5 through the consumer intake: a real Celery worker on Redis,
the Plaid and TransUnion sandboxes as processes (the vendor tests' fixtures).

1. A consumer links a bank in the sandbox and submits; within seconds the application
   shows verified balances, income, tradelines and flags (verification_summary).
5. No pull without a live consent; a withdrawn bank consent removes the item, and after
   submit stops the syncs at once (a webhook then syncs nothing, even while Plaid is down).
Double submit still yields one pull.
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
import requests
from django.contrib.auth import get_user_model
from django.test import Client

from intake.models import Application, BankConnection, Debt
from intake.selectors.verification import verification_summary
from intake.services import application_start
from intake.services.verification import pull_key
from integrations.plaid.models import PlaidAccount, PlaidItem, WebhookDelivery
from integrations.tasks import plaid_item_sync
from integrations.transunion.models import BureauPull, CreditReport
from integrations.warehouse.models import OutboxEvent
from tenants.audit.models import AuditEvent
from tenants.roles import Role, role_grant
from tests.intake.conftest import ABOUT_YOU, EXPENSES, INCOMES, rows, url
from tests.integrations.plaid import conftest as plaid_fixtures
from tests.integrations.plaid.sandboxes import calls, faults, wait_until, worker
from tests.integrations.transunion import conftest as bureau_fixtures
from tests.integrations.transunion.subjects import bureau_calls

plaid_url = plaid_fixtures.plaid_url
plaid = plaid_fixtures.plaid
bureau_url = bureau_fixtures.bureau_url
bureau = bureau_fixtures.bureau

ALL_CONSENTS = {"privacy": "on", "esign": "on", "credit_pull": "on", "bank_data": "on"}
CHASE = rows(
    [
        {
            "creditor": "Chase Freedom",
            "kind": "credit_card",
            "balance": "$8,460",
            "apr": "24.99%",
            "minimum_payment": "254",
        }
    ]
)
NO_DEBTS = rows([])


@pytest.fixture(scope="module")
def celery_worker():
    with worker() as w:
        yield w


@pytest.fixture
def vendors(settings, plaid, bureau):
    settings.PLAID_ENV, settings.PLAID_WEBHOOK_URL = "sandbox", ""
    settings.CREDITGENIE_ANALYTICS_KEY = "0b" * 32
    return plaid, bureau


def _consumer(name: str, agency_profile) -> Client:
    user = get_user_model().objects.create_user(username=name, password="long-pw-12345")
    role_grant(user, Role.CONSUMER)
    client = Client()
    client.force_login(user)
    client.user = user
    return client


def _steps(client: Client, application: Application, **data: dict) -> None:
    for step, values in (
        ("about-you", data.get("about", {**ABOUT_YOU, "ssn": "123-45-0004"})),
        ("consents", data.get("consents", ALL_CONSENTS)),
        ("income", INCOMES),
        ("expenses", EXPENSES),
        ("debts", data.get("debts", CHASE)),
    ):
        response = client.post(url(application, f"step-{step}"), values)
        assert response.status_code == 302, (step, response.content[:2000])


def _link(client: Client, application: Application, persona: str = "user_card") -> None:
    page = client.get(url(application, "bank-link"))
    assert page.status_code == 200
    response = client.post(
        url(application, "bank-link"), {"institution": "ins_109508", "persona": persona}
    )
    assert response.status_code == 302


def _finish(client: Client, application: Application, bank: dict | None = None) -> None:
    assert client.post(url(application, "step-bank"), bank or {}).status_code == 302
    assert client.post(url(application, "step-documents"), {"done": "on"}).status_code == 302


def _verified(application: Application, timeout: float = 20.0):
    return wait_until(
        lambda: (s := verification_summary(application)).status == "complete" and s, timeout
    )


@pytest.mark.django_db(transaction=True)
def test_linked_bank_and_submit_show_verified_picture_within_seconds(
    celery_worker, vendors, agency_profile
):
    _plaid, bureau_url = vendors
    client = _consumer("verify-e2e", agency_profile)
    draft = application_start(consumer=client.user)
    _steps(client, draft)
    _link(client, draft)
    _finish(client, draft)

    client.post(url(draft, "submit"))
    client.post(url(draft, "submit"))  # double submit
    summary = _verified(draft)

    # One pull, one report, at the bureau too.
    pull = BureauPull.objects.get(idempotency_key=pull_key(draft))
    assert BureauPull.objects.count() == 1 and CreditReport.objects.count() == 1
    assert bureau_calls(bureau_url)["pulls"][pull.reference] == 1
    # Balances, APR and minimum from Plaid liabilities; no tokens in intake.
    card = next(a for a in summary.accounts if a["type"] == "credit")
    assert (card["current"], card["purchase_apr"], card["minimum_payment"]) == (
        Decimal("4820.00"),
        Decimal("29.99"),
        Decimal("145.00"),
    )
    assert {a["mask"] for a in summary.accounts} == {"0000", "3333"}
    assert [i["status"] for i in summary.items] == ["ok"]
    # Income: 13 biweekly 1,850.00 deposits over six months against 3,200.00 stated.
    assert summary.income["bank_monthly"] == "4008.33"
    assert summary.income["stated_monthly"] == "3200.00"
    # Tradelines: the stated "Chase Freedom" is the report's JPMCB CARD; six are missing.
    assert summary.score == 612 and len(summary.tradelines) == 7
    assert [m["creditor"] for m in summary.matching["matched"]] == ["JPMCB CARD"]
    assert {m["creditor"] for m in summary.matching["missing"]} >= {"SYNCB/AMAZON", "CITI/SEARS"}
    codes = {(f.code, f.severity) for f in summary.flags}
    assert ("income_differs", "warning") in codes
    assert ("debt_not_listed", "warning") in codes
    assert ("past_due", "warning") in codes
    # Identity: the sandbox owner "Carla Dee Cardholder" is not "Ana Lopez".
    assert summary.identity["name_score"] < 70 and ("identity_mismatch", "warning") in codes
    assert any(f.consumer_visible for f in summary.flags)
    # Analytics: submitted once, completions per verified source.
    kinds = list(OutboxEvent.objects.values_list("event_type", flat=True))
    assert kinds.count("submitted") == 1
    assert kinds.count("verification_completed") >= 2


@pytest.mark.django_db(transaction=True)
def test_no_stated_debts_are_prefilled_from_tradelines(celery_worker, vendors, agency_profile):
    client = _consumer("verify-prefill", agency_profile)
    draft = application_start(consumer=client.user)
    _steps(client, draft, debts=NO_DEBTS)
    _finish(client, draft)  # no bank: the consumer skipped the step
    client.post(url(draft, "submit"))
    summary = _verified(draft)

    debts = list(Debt.objects.filter(application=draft))
    assert len(debts) == 7 and {d.source for d in debts} == {"bureau"}
    by_name = {d.creditor: d for d in debts}
    assert by_name["Synchrony / Amazon"].balance == Decimal("4210.00")
    assert by_name["Synchrony / Amazon"].kind == "credit_card"
    assert by_name["Ally"].kind == "auto"
    assert "debts_prefilled" in {f.code for f in summary.flags}


@pytest.mark.django_db(transaction=True)
def test_no_pull_without_a_live_fcra_consent(celery_worker, vendors, agency_profile):
    _plaid, bureau_url = vendors
    client = _consumer("verify-noconsent", agency_profile)
    draft = application_start(consumer=client.user)
    _steps(client, draft, consents={"privacy": "on", "esign": "on"})
    _finish(client, draft)
    before = bureau_calls(bureau_url)["pulls"]
    denied = AuditEvent.objects.filter(object_type="credit_pull", outcome="denied")
    denied_before = denied.count()  # the audit log is append-only: not flushed between tests
    client.post(url(draft, "submit"))
    summary = _verified(draft)

    assert not BureauPull.objects.exists()
    assert bureau_calls(bureau_url)["pulls"] == before
    assert summary.bureau_outcome == "no_consent"
    assert "no_credit_consent" in {f.code for f in summary.flags}
    assert denied.count() == denied_before + 1


@pytest.mark.django_db(transaction=True)
def test_withdrawn_bank_consent_removes_the_item(celery_worker, vendors, agency_profile):
    plaid_at, _bureau = vendors
    client = _consumer("verify-withdraw", agency_profile)
    draft = application_start(consumer=client.user)
    _steps(client, draft)
    _link(client, draft, persona="user_good")
    connection = BankConnection.objects.get(application=draft)
    wait_until(lambda: PlaidItem.objects.get(public_id=connection.item_public_id).synced_at)
    assert PlaidAccount.objects.filter(item__public_id=connection.item_public_id).exists()

    client.post(url(draft, "consent-withdraw"), {"kind": "bank_data"})

    wait_until(lambda: BankConnection.objects.get(pk=connection.pk).removed_at)
    item = PlaidItem.objects.get(public_id=connection.item_public_id)
    assert item.status == PlaidItem.Status.REMOVED and item.access_token == ""
    assert not PlaidAccount.objects.filter(item=item).exists()
    assert not item.transactions.exists()
    assert calls(plaid_at).get("/item/remove") == 1


def _webhook_sync(plaid_at: str, item_id: str):
    """Plaid's SYNC_UPDATES_AVAILABLE for the item, signed by the sandbox, delivered."""
    body = json.dumps(
        {
            "webhook_type": "TRANSACTIONS",
            "webhook_code": "SYNC_UPDATES_AVAILABLE",
            "item_id": item_id,
            "environment": "sandbox",
        }
    ).encode()
    signed = requests.post(
        f"{plaid_at}/sandbox/admin/sign", json={"body": body.decode()}, timeout=5
    ).json()["jwt"]
    return Client().post(
        "/integrations/plaid/webhook",
        body,
        content_type="application/json",
        HTTP_PLAID_VERIFICATION=signed,
    )


@pytest.mark.django_db(transaction=True)
def test_bank_consent_withdrawn_after_submit_stops_webhook_syncs(
    celery_worker, vendors, agency_profile
):
    plaid_at, _bureau = vendors
    client = _consumer("verify-withdraw-after", agency_profile)
    draft = application_start(consumer=client.user)
    _steps(client, draft)
    _link(client, draft, persona="user_good")
    _finish(client, draft)
    client.post(url(draft, "submit"))
    _verified(draft)
    connection = BankConnection.objects.get(application=draft)
    item = PlaidItem.objects.get(public_id=connection.item_public_id)
    # Plaid is down for removals: the item stays at Plaid for a while after withdrawal.
    faults(plaid_at, "/item/remove", *["500"] * 20)

    assert client.post(url(draft, "consent-withdraw"), {"kind": "bank_data"}).status_code == 302

    item.refresh_from_db()
    assert (item.status, item.error_code) == ("revoked", "CONSENT_WITHDRAWN")
    wait_until(lambda: calls(plaid_at).get("/item/remove", 0) >= 1)
    syncs = calls(plaid_at).get("/transactions/sync", 0)
    assert _webhook_sync(plaid_at, item.item_id).status_code == 200
    assert WebhookDelivery.objects.filter(item_id=item.item_id).count() == 1
    # The solo worker runs in order: once this sync is answered, the webhook's ran too.
    assert plaid_item_sync.delay(item_public_id=str(item.public_id)).get(timeout=20) == "skipped"
    assert calls(plaid_at).get("/transactions/sync", 0) == syncs
    item.refresh_from_db()
    assert item.status == "revoked" and item.access_token  # not removed yet: Plaid is down
    assert BankConnection.objects.get(pk=connection.pk).removed_at is None
