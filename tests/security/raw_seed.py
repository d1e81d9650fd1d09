"""One consumer's whole story through the real views, with values that cannot occur by
chance, for the raw-database scans (test_raw_database.py).

Runs inside the test process (PostgreSQL) and, through `manage.py shell`, inside a SQLite
deployment: `seed()` needs only a migrated, stamped database and the deployment's keys.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

from django.test import Client
from django.urls import reverse

from counselor.demo.terms import creditor_terms_seed
from counselor.models import Proposal
from counselor.services.offers import offer_exception_approve, offer_rule
from intake.models import Application, BankConnection, VerificationRequest
from intake.services import application_start
from intake.services.reconciliation import verification_reconcile
from intake.services.verification import verification_start
from integrations.oidc.services import identity_sign_in
from integrations.oidc.tokens import IdToken
from integrations.plaid import client as plaid_client
from integrations.plaid.models import PlaidItem
from integrations.plaid.services import plaid_item_refresh
from integrations.sandbox.plaid.personas import PERSONAS
from integrations.sandbox.transunion.personas import document
from integrations.transunion.models import BureauPull
from integrations.transunion.services import credit_report_store
from tenants.services import agency_profile_ensure
from tenants.signin import AUTH_TIME
from tests.intake.conftest import rows

GIVEN, FAMILY = "Quintavius", "Brightwater"
EMAIL = "quintavius.brightwater@example.net"
PHONE, PHONE_DIGITS = "(404) 555-0199", "4045550199"
SSN = "219-48-7306"
STREET = "7412 Marigold Lane"
CREDITOR = "Zephyrine Credit Union"
# Figures as typed and as a database or JSON would print them; with cents, so that no hex
# digest or base64 ciphertext can contain one by chance.
GROSS, NET, BALANCE, MINIMUM, RENT = "6137.41", "4781.37", "13579.83", "391.17", "1623.59"

# The bank (the Plaid sandbox's persona) and the bureau's file (the TransUnion sandbox's
# persona for this SSN's last four): names and figures found nowhere else.
BANK = PERSONAS["user_raw_bytes"]
ACCOUNT_NAMES = tuple(account["name"] for account in BANK.accounts)
MERCHANTS = tuple(sorted({txn.name for txn in BANK.transactions}))
AMOUNTS = tuple(sorted({txn.amount.lstrip("-") for txn in BANK.transactions}))
BALANCES = tuple(account["current"] for account in BANK.accounts)
TRADELINE_CREDITOR = "QUILLMERE BANCORP"
# A whole-dollar balance: short digits occur by chance in ciphertext, so it is sought as
# the summary's JSON prints it in clear.
TRADELINE_BALANCE = '"balance": "13579"'
# Every request of the story comes from this address.
ADDRESS = "198.51.100.213"

# Every value that must never be readable in the raw bytes.
SECRETS = (
    GIVEN,
    FAMILY,
    EMAIL,
    PHONE_DIGITS,
    SSN,
    SSN.replace("-", ""),
    STREET,
    CREDITOR,
    GROSS,
    NET,
    BALANCE,
    MINIMUM,
    RENT,
    *ACCOUNT_NAMES,
    *MERCHANTS,
    *AMOUNTS,
    *BALANCES,
    TRADELINE_CREDITOR,
    TRADELINE_BALANCE,
    ADDRESS,
)

ABOUT_YOU = {
    "first_name": GIVEN,
    "last_name": FAMILY,
    "birth_date": "04/28/1986",
    "ssn": SSN,
    "street": STREET,
    "city": "Atlanta",
    "state": "GA",
    "zip_code": "30301",
    "phone": PHONE,
    "email": EMAIL,
    "household_size": "3",
    "dependents": "2",
    "employment_status": "full_time",
    "preferred_language": "en",
}
STEPS = (
    ("about-you", ABOUT_YOU),
    ("consents", {"privacy": "on", "esign": "on", "credit_pull": "on", "bank_data": "on"}),
    ("income", rows([{"kind": "wages", "gross": GROSS, "net": NET, "frequency": "monthly"}])),
    ("expenses", {"rent": RENT, "groceries": "512.00"}),
    (
        "debts",
        rows(
            [
                {
                    "creditor": CREDITOR,
                    "kind": "credit_card",
                    "balance": BALANCE,
                    "apr": "27.49",
                    "minimum_payment": MINIMUM,
                }
            ]
        ),
    ),
    ("documents", {"done": "on"}),
)


def _token(given: str, family: str, email: str, groups: tuple[str, ...]) -> IdToken:
    return IdToken(
        issuer="https://id.example.test",
        subject=str(uuid.uuid4()),
        auth_time=int(time.time()),
        amr=("pwd", "mfa"),
        groups=groups,
        email=email,
        email_verified=True,
        given_name=given,
        family_name=family,
        username=email,
        at_hash="",
        algorithm="RS256",
    )


def _signed_in(token: IdToken) -> tuple[Client, Any]:
    """A browser signed in as the user the token makes (identity_sign_in, the service the
    OIDC callback calls), with a fresh verified sign-in time."""
    client, user = Client(REMOTE_ADDR=ADDRESS), identity_sign_in(token=token).user
    client.force_login(user)
    session = client.session
    session[AUTH_TIME] = int(time.time())
    session.save()
    return client, user


def _post(client: Client, url: str, data: dict[str, str]) -> None:
    response = client.post(url, data)
    assert response.status_code == 302, (url, response.status_code, response.content[:500])


def _link_success() -> dict[str, str]:
    """Link's onSuccess for the persona: a public token the Plaid sandbox issued."""
    token = plaid_client.sandbox_public_token_create(
        institution_id="ins_109508", username=BANK.username
    )
    return {"public_token": token, "institution_id": "ins_109508"}


def _verified(application: Application) -> None:
    """What the workers do after the submission, through the same services: the verification
    starts (the bureau pull), the bank syncs from the Plaid sandbox, the bureau's answer for
    this SSN (the TransUnion sandbox's document) is stored, the reconciliation runs."""
    verification_requested = VerificationRequest.objects.get(application=application)
    verification_start(application_id=application.pk)
    for connection in BankConnection.objects.filter(application=application):
        plaid_item_refresh(item=PlaidItem.objects.get(public_id=connection.item_public_id))
    verification_requested.refresh_from_db()
    pull = BureauPull.objects.get(public_id=verification_requested.bureau_pull_id)
    credit_report_store(pull=pull, xml=document(ssn=SSN, reference=pull.reference).decode())
    verification_reconcile(application_id=application.pk)


def seed() -> Application:
    """The consumer signs up, fills every step (a bank connected through the Plaid sandbox)
    and submits; the verification runs (bank sync, credit report, reconciliation); a
    counselor builds a plan and sends the offer. Needs the Plaid sandbox's settings.
    Returns the application."""
    agency_profile_ensure(name="Raw Bytes Credit Counseling")
    creditor_terms_seed()
    consumer, user = _signed_in(_token(GIVEN, FAMILY, EMAIL, ()))
    application = application_start(consumer=user)
    case = {"public_id": application.public_id}
    for step, data in STEPS:
        _post(consumer, reverse(f"intake:step-{step}", kwargs=case), data)
        if step == "debts":  # the bank step: what Link's onSuccess posts, from the sandbox
            _post(consumer, reverse("intake:bank-link", kwargs=case), _link_success())
    _post(consumer, reverse("intake:submit", kwargs=case), {})
    _verified(application)
    counselor, _staff = _signed_in(
        _token("Carol", "Nguyen", "carol@agency.example", ("counselor",))
    )
    _post(counselor, reverse("counselor:case-plan-start", kwargs=case), {})
    version = Proposal.objects.get(case=application).versions.get(number=1)
    if offer_rule(version).needs_approval:  # this budget covers its minimums
        _client, supervisor = _signed_in(
            _token("Sam", "Okafor", "sam@agency.example", ("supervisor",))
        )
        offer_exception_approve(version=version, reason="Asked for a plan.", actor=supervisor)
    _post(counselor, reverse("counselor:case-offer", kwargs=case), {"version": "1"})
    application.refresh_from_db()
    assert application.status == Application.Status.OFFERED, application.status
    return application
