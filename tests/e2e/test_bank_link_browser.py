"""Plaid Link in a real browser (Chromium through Playwright) on the bank step, against the
Plaid sandbox process: its link-initialize.js stands in for cdn.plaid.com's, so the page
code that runs in production (static/js/plaid_link.js: Plaid.create, onSuccess, onExit)
is what runs here, under the production CSP.

- bank step -> Link -> the account shown as connected;
- Link closed -> the exit logged and the consumer can still skip or choose "I don't bank
  online"; Link's error -> logged at warning level and shown.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.test import Client
from playwright.sync_api import Page, expect

from intake.models import Application, BankConnection
from intake.services import application_start
from integrations.plaid.models import PlaidItem
from tenants.roles import Role, role_grant
from tests.e2e.browser import PHONE, SERIOUS, axe_violations, chromium
from tests.intake.conftest import ABOUT_YOU, url
from tests.integrations.plaid import conftest as plaid_fixtures

pytestmark = [pytest.mark.processes, pytest.mark.django_db(transaction=True)]
plaid_url = plaid_fixtures.plaid_url
plaid = plaid_fixtures.plaid
BANK_CONSENTS = {"privacy": "on", "esign": "on", "bank_data": "on"}


@pytest.fixture
def linking(settings, plaid, agency_profile):
    settings.PLAID_ENV, settings.PLAID_WEBHOOK_URL = "sandbox", ""
    settings.PLAID_LINK_SCRIPT_URL = f"{plaid}/link/v2/stable/link-initialize.js"
    return plaid


@pytest.fixture
def browser_page(live_server, monkeypatch) -> Iterator[tuple[Page, list[str]]]:
    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls
    # are ordinary synchronous ones (the live server answers from its own thread).
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with chromium() as browser:
        context = browser.new_context(viewport=PHONE)
        page = context.new_page()
        console: list[str] = []
        page.on("console", lambda message: console.append(message.text))
        yield page, console
        context.close()


def _consumer_draft(name: str) -> tuple[Client, Application]:
    user = get_user_model().objects.create_user(username=name, password="long-pw-12345")
    role_grant(user, Role.CONSUMER)
    client = Client()
    client.force_login(user)
    draft = application_start(consumer=user)
    client.post(url(draft, "step-about-you"), ABOUT_YOU)
    assert client.post(url(draft, "step-consents"), BANK_CONSENTS).status_code == 302
    return client, draft


def _signed_in(page: Page, client: Client, base: str) -> None:
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": django_settings.SESSION_COOKIE_NAME, "value": cookie, "url": base}]
    )


def _open_link(page: Page, base: str, draft: Application):
    page.goto(base + url(draft, "step-bank"))
    page.locator("#bank-connect").click()
    expect(page.locator("#plaid-link-iframe-1")).to_be_visible()
    return page.frame_locator("#plaid-link-iframe-1")


def _csp_violations(console: list[str]) -> list[str]:
    return [line for line in console if "Content Security Policy" in line]


def test_link_in_the_browser_connects_the_bank(linking, live_server, browser_page):
    page, console = browser_page
    client, draft = _consumer_draft("link-browser")
    _signed_in(page, client, live_server.url)

    link = _open_link(page, live_server.url, draft)
    link.locator("label[for=institution-ins_109510]").click()
    link.locator("label[for=persona-user_card]").click()
    link.locator("#sandbox-link-continue").click()

    expect(page.locator("#bank-connections")).to_contain_text("Tattersall Federal Credit Union")
    assert page.url == live_server.url + url(draft, "step-bank")
    expect(page.locator("main")).to_contain_text("Your bank is connected.")
    connection = BankConnection.objects.get(application=draft, removed_at__isnull=True)
    item = PlaidItem.objects.get(public_id=connection.item_public_id)
    assert (item.status, item.institution_id) == ("ok", "ins_109510")
    assert _csp_violations(console) == []
    assert [v for v in axe_violations(page) if v.startswith(SERIOUS)] == []


def test_closing_link_is_logged_and_the_consumer_can_choose_manual(
    linking, live_server, browser_page, caplog
):
    caplog.set_level(logging.INFO, logger="creditgenie.intake")
    page, console = browser_page
    client, draft = _consumer_draft("link-cancel")
    _signed_in(page, client, live_server.url)

    _open_link(page, live_server.url, draft).locator("#sandbox-link-exit").click()

    expect(page.locator("main")).to_contain_text("No bank was connected.")
    assert page.url == live_server.url + url(draft, "step-bank")
    record = next(r for r in caplog.records if r.getMessage() == "plaid link exit")
    assert (record.levelno, record.link_status, record.error_code) == (
        logging.INFO,
        "REQUIRES_CREDENTIALS",
        "",
    )
    assert record.link_session_id.startswith("sandbox-session-")  # for Plaid support
    assert not BankConnection.objects.filter(application=draft).exists()
    page.locator("button[name=manual]").click()
    expect(page.locator("h1")).to_contain_text("Documents")
    draft.refresh_from_db()
    assert draft.bank_manual and "bank" in draft.completed_steps
    assert _csp_violations(console) == []


def test_a_link_error_is_logged_and_shown(linking, live_server, browser_page, caplog):
    caplog.set_level(logging.INFO, logger="creditgenie.intake")
    page, console = browser_page
    client, draft = _consumer_draft("link-error")
    _signed_in(page, client, live_server.url)

    _open_link(page, live_server.url, draft).locator("#sandbox-link-fail").click()

    expect(page.locator("main")).to_contain_text("Your bank could not be connected right now.")
    record = next(r for r in caplog.records if r.getMessage() == "plaid link exit")
    assert (record.levelno, record.link_status, record.error_code, record.error_type) == (
        logging.WARNING,
        "INSTITUTION_NOT_FOUND",
        "INSTITUTION_DOWN",
        "INSTITUTION_ERROR",
    )
    expect(page.locator("button[name=continue]")).to_be_visible()  # "Skip for now"
    assert _csp_violations(console) == []
