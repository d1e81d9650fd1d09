"""The Documents step in Chromium with JavaScript on: every refused upload (too large, a
program named .pdf, no file chosen) shows its message next to the file field, keeps the
chosen type and the documents already listed; a good upload is listed with its name, size
and a remove button. The size limit is said before the upload and checked in the page, so
a file over the limit is never sent."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.test import Client
from playwright.sync_api import Page, expect

from intake.models import Application, Document
from intake.services import application_start
from tenants.roles import Role, role_grant
from tests.e2e.browser import PHONE, SERIOUS, axe_violations, chromium
from tests.intake.conftest import url

pytestmark = [pytest.mark.processes, pytest.mark.django_db(transaction=True)]
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cfc0f01f0005000201a5f3d6e50000000049454e44ae426082"
)
LIMIT = 1024 * 1024


@pytest.fixture
def page(live_server, monkeypatch, settings, agency_profile) -> Iterator[Page]:
    settings.CREDITGENIE_UPLOAD_MAX_BYTES = LIMIT
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with chromium() as browser:
        context = browser.new_context(viewport=PHONE)
        yield context.new_page()
        context.close()


def _documents_step(page: Page, base: str) -> Application:
    user = get_user_model().objects.create_user(username="uploader", password="long-pw-12345")
    role_grant(user, Role.CONSUMER)
    client = Client()
    client.force_login(user)
    draft = application_start(consumer=user)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": django_settings.SESSION_COOKIE_NAME, "value": cookie, "url": base}]
    )
    page.goto(base + url(draft, "step-documents"))
    return draft


def _upload(page: Page, kind: str, name: str, data: bytes, mime: str) -> None:
    page.select_option("#id_kind", kind)
    page.set_input_files("#id_file", {"name": name, "mimeType": mime, "buffer": data})
    page.get_by_role("button", name="Upload this document").click()


def test_each_refused_upload_explains_itself_and_a_good_one_is_listed(live_server, page):
    draft = _documents_step(page, live_server.url)
    expect(page.locator("#id_file-hint")).to_have_text("Up to 1 MB per file.")

    _upload(page, "pay_stub", "pay.png", PNG, "image/png")
    listed = page.locator("#document-list li")
    expect(listed).to_have_count(1)
    expect(listed.first).to_contain_text("Pay stub: pay.png (")
    expect(listed.first.get_by_role("button", name="Remove pay.png")).to_be_visible()

    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.method))
    _upload(page, "bank_statement", "big.pdf", b"%PDF-1.7\n" + b"0" * LIMIT, "application/pdf")
    expect(page.locator("#id_file-error")).to_have_text(
        "The file is larger than 1 MB. Please upload a smaller file."
    )
    assert requests == []  # refused in the page: nothing was sent

    _upload(page, "creditor_statement", "letter.pdf", b"MZ\x90\x00program", "application/pdf")
    expect(page.locator("#id_file-error")).to_have_text(
        "This file is named as a PDF file but its contents are not PDF. "
        "Please upload the original file."
    )
    expect(page.locator("#id_kind")).to_have_value("creditor_statement")
    expect(page.locator("#document-list li")).to_have_count(1)

    page.get_by_role("button", name="Upload this document").click()
    expect(page.locator("#id_file-error")).to_have_text("Choose a file to upload first.")
    expect(page.locator("#document-list li")).to_have_count(1)
    assert [v for v in axe_violations(page) if v.startswith(SERIOUS)] == []
    assert list(Document.objects.filter(application=draft).values_list("kind", flat=True)) == [
        "pay_stub"
    ]

    page.get_by_role("button", name="Remove pay.png").click()
    expect(page.locator("#document-list")).to_have_count(0)
    assert not Document.objects.filter(application=draft).exists()
