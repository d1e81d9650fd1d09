"""The bank step with Plaid Link in the browser (PLAID_LINK_SCRIPT_URL), server side: the
Link page's token and CSP, the public token Link's onSuccess posts, update mode, exits.
The sandbox process's Link (/link/sandbox/complete) answers what Plaid's Link would; the
browser itself runs in tests/e2e/test_bank_link_browser.py."""

from __future__ import annotations

import logging
import re

import pytest
import requests
from django.test import Client
from django.urls import reverse

from intake.models import BankConnection
from intake.views.bank import link_csp
from integrations.plaid.models import PlaidItem
from tenants.roles import Role, role_grant
from tests.integrations.plaid import conftest as plaid_fixtures
from tests.integrations.plaid.sandboxes import calls

from .catalogue import catalogue_entries, english_fragments, english_left, visible_text
from .conftest import ABOUT_YOU, url

plaid_url = plaid_fixtures.plaid_url
plaid = plaid_fixtures.plaid

BANK_CONSENTS = {"privacy": "on", "esign": "on", "bank_data": "on"}
TOKEN = re.compile(rb'data-link-token="(link-sandbox-[0-9a-f-]{36})"')


@pytest.fixture
def linking(signed_in, draft, plaid, settings):
    settings.PLAID_ENV, settings.PLAID_WEBHOOK_URL = "sandbox", ""
    settings.PLAID_LINK_SCRIPT_URL = f"{plaid}/link/v2/stable/link-initialize.js"
    signed_in.post(url(draft, "step-about-you"), ABOUT_YOU)
    assert signed_in.post(url(draft, "step-consents"), BANK_CONSENTS).status_code == 302
    return signed_in


def _link_token(client, draft, query: str = "") -> bytes:
    page = client.get(url(draft, "bank-link") + query)
    assert page.status_code == 200
    return page


def _link_in_sandbox(plaid: str, token: str, persona: str = "user_card") -> dict:
    """What the sandbox's Link iframe does on "Continue"."""
    answer = requests.post(
        f"{plaid}/link/sandbox/complete",
        json={"link_token": token, "institution_id": "ins_109509", "username": persona},
        timeout=5,
    )
    assert answer.status_code == 200, answer.text
    return answer.json()


def _on_success(client, draft, done: dict, **extra: str):
    data = {
        "public_token": done["public_token"],
        "institution_id": done["metadata"]["institution"]["institution_id"],
        "account_id": [a["id"] for a in done["metadata"]["accounts"]],
        **extra,
    }
    return client.post(url(draft, "bank-link"), data)


def test_link_page_carries_a_link_token_and_allows_plaid_in_its_csp_only(linking, draft, plaid):
    page = _link_token(linking, draft)

    assert TOKEN.search(page.content)
    script = f"{plaid}/link/v2/stable/link-initialize.js"
    assert f'<script src="{script}" nonce="'.encode() in page.content
    csp = dict(d.strip().split(" ", 1) for d in page["Content-Security-Policy"].split(";"))
    assert csp["script-src"].startswith("'self' 'nonce-") and csp["script-src"].endswith(script)
    assert csp["frame-src"] == f"{plaid}/"
    assert csp["default-src"] == f"'self' {plaid}/"
    assert csp["connect-src"] == "'self'"  # sandbox: the stand-in script calls nobody
    assert b"<script>" not in page.content  # no inline script
    # The bank step itself (and every other page) keeps the strict policy.
    step = linking.get(url(draft, "step-bank"))
    assert plaid not in step["Content-Security-Policy"]
    assert b'id="bank-connect"' in step.content


def test_production_link_csp_is_plaids_documented_set(settings):
    settings.PLAID_ENV = "production"
    settings.PLAID_HOST = "https://production.plaid.com"
    settings.PLAID_LINK_SCRIPT_URL = "https://cdn.plaid.com/link/v2/stable/link-initialize.js"

    assert link_csp() == {
        "default-src": ["https://cdn.plaid.com/"],
        "script-src": ["https://cdn.plaid.com/link/v2/stable/link-initialize.js"],
        "frame-src": ["https://cdn.plaid.com/"],
        "connect-src": ["https://production.plaid.com/"],
    }


def test_plaids_own_sandbox_gets_its_api_host_in_the_link_csp(settings):
    settings.PLAID_ENV = "sandbox"
    settings.PLAID_HOST = "https://sandbox.plaid.com"
    settings.PLAID_LINK_SCRIPT_URL = "https://cdn.plaid.com/link/v2/stable/link-initialize.js"

    assert link_csp()["connect-src"] == ["https://sandbox.plaid.com/"]


def test_on_success_public_token_is_exchanged_and_the_item_kept(linking, draft, plaid):
    token = TOKEN.search(_link_token(linking, draft).content).group(1).decode()
    done = _link_in_sandbox(plaid, token)

    response = _on_success(linking, draft, done)

    assert response.status_code == 302 and response["Location"] == url(draft, "step-bank")
    connection = BankConnection.objects.get(application=draft)
    item = PlaidItem.objects.get(public_id=connection.item_public_id)
    assert (item.status, item.institution_id, connection.institution_id) == (
        "ok",
        "ins_109509",
        "ins_109509",
    )
    assert [a["id"][9:] for a in done["metadata"]["accounts"]] == ["chk", "cc"]
    draft.refresh_from_db()
    assert "bank" in draft.completed_steps and not draft.bank_manual
    step = linking.get(url(draft, "step-bank"))
    assert b"First Gingham Credit Union" in step.content
    assert b"Your bank is connected." in step.content


def test_a_link_token_the_sandbox_never_issued_gets_no_public_token(plaid):
    answer = requests.post(
        f"{plaid}/link/sandbox/complete",
        json={
            "link_token": "link-sandbox-forged",
            "institution_id": "ins_109508",
            "username": "user_good",
        },
        timeout=5,
    )
    assert (answer.status_code, answer.json()["error_code"]) == (400, "INVALID_LINK_TOKEN")


def test_update_mode_repairs_the_same_item(linking, draft, plaid):
    token = TOKEN.search(_link_token(linking, draft).content).group(1).decode()
    _on_success(linking, draft, _link_in_sandbox(plaid, token))
    connection = BankConnection.objects.get(application=draft)
    item = PlaidItem.objects.get(public_id=connection.item_public_id)
    requests.post(
        f"{plaid}/sandbox/item/reset_login",
        timeout=5,
        json={
            "access_token": item.access_token,
            "client_id": "test-client-id",
            "secret": "test-secret",
        },
        headers={"Plaid-Version": "2020-09-14"},
    )
    PlaidItem.objects.filter(pk=item.pk).update(status="login_required")
    step = linking.get(url(draft, "step-bank"))
    assert f"?item={connection.public_id}".encode() in step.content

    page = _link_token(linking, draft, f"?item={connection.public_id}")
    assert f'name="item" value="{connection.public_id}"'.encode() in page.content
    done = _link_in_sandbox(plaid, TOKEN.search(page.content).group(1).decode())
    response = _on_success(linking, draft, done, item=str(connection.public_id))

    assert response.status_code == 302
    # Plaid repaired the item in place: the same connection and item, working again.
    rows = BankConnection.objects.filter(application=draft).values_list("pk", "removed_at")
    assert list(rows) == [(connection.pk, None)]
    item.refresh_from_db()
    assert item.status == "ok" and item.error_code == ""
    assert calls(plaid).get("/item/remove", 0) == 0


def test_malformed_link_result_is_logged_and_shown(linking, draft, caplog):
    caplog.set_level(logging.INFO, logger="creditgenie.intake")
    response = linking.post(
        url(draft, "bank-link"), {"public_token": "access-sandbox-<script>", "account_id": "x"}
    )
    assert response.status_code == 302
    record = next(r for r in caplog.records if r.getMessage() == "plaid link exit")
    assert (record.link_status, record.error_code) == ("INSTITUTION_ERROR", "INVALID_LINK_RESULT")
    assert not BankConnection.objects.exists()
    assert b"could not connect your bank" in linking.get(url(draft, "step-bank")).content


def test_link_exit_with_an_error_is_logged_and_the_step_offers_other_ways(linking, draft, caplog):
    caplog.set_level(logging.INFO, logger="creditgenie.intake")
    response = linking.post(
        url(draft, "bank-link"),
        {
            "exit": "1",
            "status": "institution_not_found",
            "error_code": "INSTITUTION_DOWN",
            "error_type": "INSTITUTION_ERROR",
        },
    )
    assert response["Location"] == url(draft, "step-bank")
    record = next(r for r in caplog.records if r.getMessage() == "plaid link exit")
    assert (record.levelno, record.link_status, record.error_code, record.error_type) == (
        logging.WARNING,
        "INSTITUTION_NOT_FOUND",
        "INSTITUTION_DOWN",
        "INSTITUTION_ERROR",
    )
    step = linking.get(url(draft, "step-bank")).content
    assert b"Your bank could not be connected right now." in step
    assert b'name="manual"' in step and b'name="continue"' in step


def test_link_token_failure_is_shown_not_swallowed(linking, draft, plaid, caplog):
    requests.post(
        f"{plaid}/sandbox/admin/faults",
        timeout=5,
        json={"path": "/link/token/create", "faults": ["INVALID_FIELD"]},
    )
    caplog.set_level(logging.INFO, logger="creditgenie.intake")
    response = linking.get(url(draft, "bank-link"))
    assert response.status_code == 302 and response["Location"] == url(draft, "step-bank")
    record = next(r for r in caplog.records if r.getMessage() == "plaid link exit")
    assert record.error_code == "INVALID_FIELD"


def test_back_from_a_banks_oauth_page_link_resumes_with_the_same_token(
    linking, draft, plaid, settings, other_consumer
):
    settings.PLAID_LINK_REDIRECT_URI = "http://127.0.0.1:8001/bank/oauth-return/"
    oauth_return = reverse("intake:bank-oauth-return")
    assert oauth_return == "/bank/oauth-return/"
    # Nothing in progress yet: nothing to resume.
    assert linking.get(oauth_return + "?oauth_state_id=abc").status_code == 404
    token = TOKEN.search(_link_token(linking, draft).content).group(1).decode()

    page = linking.get(oauth_return + "?oauth_state_id=4f1c9e2a")

    assert page.status_code == 200
    assert TOKEN.search(page.content).group(1).decode() == token
    assert b'data-received-redirect-uri="1"' in page.content
    assert f'action="{url(draft, "bank-link")}"'.encode() in page.content
    assert (
        plaid
        in dict(d.strip().split(" ", 1) for d in page["Content-Security-Policy"].split(";"))[
            "frame-src"
        ]
    )
    # Plaid's redirect without its state id, or another person's session: nothing.
    assert linking.get(oauth_return).status_code == 404
    other = Client()
    role_grant(other_consumer, Role.CONSUMER)
    other.force_login(other_consumer)
    assert other.get(oauth_return + "?oauth_state_id=4f1c9e2a").status_code == 404
    # Link's result posted from there lands on the application's Link page as usual.
    done = _link_in_sandbox(plaid, token)
    assert _on_success(linking, draft, done).status_code == 302
    assert BankConnection.objects.filter(application=draft).count() == 1
    # That Link is over: the return address has nothing left to resume.
    assert linking.get(oauth_return + "?oauth_state_id=4f1c9e2a").status_code == 404


def test_link_page_is_spanish(linking, draft):
    linking.post("/i18n/setlang/", {"language": "es", "next": "/"})

    page = linking.get(url(draft, "bank-link"))

    assert page.status_code == 200 and page.headers["Content-Language"] == "es"
    assert "Conecte su banco" in page.content.decode()
    fragments = english_fragments(catalogue_entries())
    text = visible_text(page.content.decode())
    assert english_left(text, fragments, ("Test Credit Counseling", "Plaid")) == []
    assert 'data-msg-saving="Conectando su banco…"' in page.content.decode()
