"""The bank step against the Plaid sandbox process: the local Link page, update mode,
the manual fallback, Link exits logged, and the consent it needs."""

from __future__ import annotations

import logging

import pytest

from intake.errors import BankConsentMissing
from intake.models import BankConnection
from intake.services import bank_connect
from integrations.plaid.models import PlaidItem
from tests.integrations.plaid import conftest as plaid_fixtures
from tests.integrations.plaid.sandboxes import faults

from .conftest import ABOUT_YOU, url

plaid_url = plaid_fixtures.plaid_url
plaid = plaid_fixtures.plaid

BANK_CONSENTS = {"privacy": "on", "esign": "on", "bank_data": "on"}


@pytest.fixture
def consented(signed_in, draft, plaid, settings):
    settings.PLAID_ENV, settings.PLAID_WEBHOOK_URL = "sandbox", ""
    signed_in.post(url(draft, "step-about-you"), ABOUT_YOU)
    assert signed_in.post(url(draft, "step-consents"), BANK_CONSENTS).status_code == 302
    return signed_in


def _connect(client, draft, persona: str = "user_good", **extra: str):
    data = {"institution": "ins_109508", "persona": persona, **extra}
    return client.post(url(draft, "bank-link"), data)


def test_without_bank_consent_the_step_explains_and_links_to_consents(signed_in, draft):
    page = signed_in.get(url(draft, "step-bank"))
    assert url(draft, "step-consents").encode() in page.content
    assert b"bank-connect" not in page.content
    response = signed_in.get(url(draft, "bank-link"))
    assert response.status_code == 302 and response["Location"] == url(draft, "step-bank")
    assert not BankConnection.objects.exists()


def test_the_local_link_page_connects_a_bank_and_keeps_only_the_item_id(consented, draft):
    page = consented.get(url(draft, "bank-link"))
    assert page.status_code == 200 and b"user_card" in page.content
    assert b"<script" not in page.content.split(b"<main")[-1].split(b"</main>")[0]

    response = _connect(consented, draft)

    assert response.status_code == 302 and response["Location"] == url(draft, "step-bank")
    connection = BankConnection.objects.get(application=draft)
    item = PlaidItem.objects.get(public_id=connection.item_public_id)
    assert item.status == PlaidItem.Status.OK and item.institution_id == "ins_109508"
    assert {f.name for f in BankConnection._meta.fields}.isdisjoint({"access_token", "token"})
    draft.refresh_from_db()
    assert "bank" in draft.completed_steps
    step = consented.get(url(draft, "step-bank"))
    assert b"bank-connections" in step.content


def test_update_mode_replaces_a_connection_that_needs_a_new_login(consented, draft):
    _connect(consented, draft)
    old = BankConnection.objects.get(application=draft)
    PlaidItem.objects.filter(public_id=old.item_public_id).update(status="login_required")
    page = consented.get(url(draft, "step-bank"))
    assert f"?item={old.public_id}".encode() in page.content

    assert consented.get(url(draft, "bank-link") + f"?item={old.public_id}").status_code == 200
    _connect(consented, draft, item=str(old.public_id))

    old.refresh_from_db()
    assert old.removed_at is not None
    assert PlaidItem.objects.get(public_id=old.item_public_id).status == "removed"
    new = BankConnection.objects.get(application=draft, removed_at__isnull=True)
    assert PlaidItem.objects.get(public_id=new.item_public_id).status == "ok"


def test_another_applications_connection_cannot_be_reconnected(consented, draft):
    response = consented.get(url(draft, "bank-link") + "?item=00000000-0000-0000-0000-000000000000")
    assert response.status_code == 404


def test_i_dont_bank_online_is_recorded_and_completes_the_step(signed_in, draft):
    response = signed_in.post(url(draft, "step-bank"), {"manual": "on"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.bank_manual and "bank" in draft.completed_steps


def test_link_exit_is_logged_with_codes_only(consented, draft, caplog):
    caplog.set_level(logging.INFO, logger="creditgenie.intake")
    consented.post(
        url(draft, "bank-link"),
        {
            "exit": "1",
            "status": "institution_not_found",
            "error_code": "INSTITUTION_DOWN",
            "error_type": "ana@example.com",
        },
    )
    record = next(r for r in caplog.records if r.getMessage() == "plaid link exit")
    assert record.levelno == logging.WARNING
    assert (record.link_status, record.error_code, record.error_type) == (
        "INSTITUTION_NOT_FOUND",
        "INSTITUTION_DOWN",
        "INVALID",
    )
    assert "ana@example.com" not in caplog.text
    assert not BankConnection.objects.exists()


def test_a_failed_connection_is_logged_and_shown_not_swallowed(consented, draft, plaid, caplog):
    faults(plaid, "/item/public_token/exchange", "INVALID_PUBLIC_TOKEN")
    caplog.set_level(logging.INFO, logger="creditgenie.intake")
    response = _connect(consented, draft)
    assert response.status_code == 302
    record = next(r for r in caplog.records if r.getMessage() == "plaid link exit")
    assert record.error_code == "INVALID_PUBLIC_TOKEN"
    assert not BankConnection.objects.exists()
    page = consented.get(url(draft, "step-bank"))
    assert b"could not connect your bank" in page.content


def test_connecting_without_consent_is_refused_by_the_service(signed_in, draft, consumer, plaid):
    with pytest.raises(BankConsentMissing):
        bank_connect(
            application=draft, institution_id="ins_109508", username="user_good", actor=consumer
        )


def test_the_sandbox_cancel_button_posted_without_a_value_is_an_exit(consented, draft, caplog):
    caplog.set_level(logging.INFO, logger="creditgenie.intake")
    response = consented.post(url(draft, "bank-link"), {"exit": ""}, follow=True)
    record = next(r for r in caplog.records if r.getMessage() == "plaid link exit")
    assert (record.levelno, record.link_status, record.error_code) == (
        logging.INFO,
        "USER_EXIT",
        "",
    )
    assert b"No bank was connected." in response.content
    assert not BankConnection.objects.exists()


def test_a_malformed_connection_id_is_not_found(consented, draft):
    assert consented.get(url(draft, "bank-link") + "?item=not-an-id").status_code == 404
    assert consented.post(url(draft, "bank-link"), {"item": "not-an-id"}).status_code == 404


@pytest.mark.parametrize(("status", "reconnect"), [("revoked", True), ("ok", False)])
def test_the_step_offers_reconnect_only_when_plaid_wants_a_new_login(
    consented, draft, status, reconnect
):
    _connect(consented, draft)
    connection = BankConnection.objects.get(application=draft)
    PlaidItem.objects.filter(public_id=connection.item_public_id).update(status=status)
    page = consented.get(url(draft, "step-bank"))
    assert (f"?item={connection.public_id}".encode() in page.content) is reconnect
    assert (b"needs you to sign in again." in page.content) is reconnect
