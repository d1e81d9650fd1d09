"""The consumer hears when a bank link needs renewal (Plaid ITEM_LOGIN_REQUIRED, by signed
webhook from the Plaid sandbox process or by a failed sync) and when the scanner (a real
clamd) refuses a document: one notice per event, written in the event's transaction, never
one per webhook replay or repeated verdict."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import Client

from intake.models import Application, BankConnection, Household
from intake.services import document_add
from intake.services.notices import document_refused_notice, portal_path
from integrations.errors import VendorError
from integrations.plaid.models import PlaidItem
from integrations.plaid.services import plaid_item_error_record, plaid_item_status_set
from notifications.models import Notice
from tenants.uploads.scanning import stored_file_scan
from tests.counselor.cases import sent_application
from tests.integrations.plaid.conftest import plaid, plaid_url  # noqa: F401  (fixtures)
from tests.integrations.plaid.test_webhooks import _payload, _post, _signed
from tests.tenants.uploads_fixtures import (  # noqa: F401  (fixtures)
    clamd_server,
    local_files,
    pdf_bytes,
    pdf_eicar,
    upload,
)

pytestmark = pytest.mark.processes


def _spanish(status: str = "submitted") -> Application:
    application = sent_application(status=status, language="es")
    Household.objects.filter(application=application).update(preferred_language="es")
    return application


def _notices(application: Application, kind: str) -> list[Notice]:
    return list(Notice.objects.filter(recipient=application.consumer, kind=kind).order_by("pk"))


@pytest.fixture
def connected(db) -> tuple[Application, PlaidItem]:
    application = _spanish()
    item = PlaidItem.objects.create(item_id="item-renewal-1", access_token="access-sandbox-r")
    BankConnection.objects.create(
        application=application, item_public_id=item.public_id, institution_id="ins_109508"
    )
    return application, item


def _login_required(plaid: str, item: PlaidItem, message: str) -> tuple[bytes, str]:  # noqa: F811
    error = {"error_code": "ITEM_LOGIN_REQUIRED", "error_message": message}
    return _signed(plaid, _payload(item.item_id, "ERROR", "ITEM") | {"error": error})


@pytest.mark.django_db
def test_bank_renewal_notice_once_per_change_whatever_the_replays(plaid, connected, client):  # noqa: F811
    application, item = connected
    delivery = _login_required(plaid, item, "the login details changed")
    assert _post(client, *delivery).status_code == 200
    assert _post(Client(), *delivery).status_code == 200  # the same delivery, replayed
    assert _post(client, *_login_required(plaid, item, "still changed")).status_code == 200
    error = VendorError("login required", True, code="ITEM_LOGIN_REQUIRED")
    assert plaid_item_error_record(item=item, error=error) == "login_required"  # a failed sync

    notices = _notices(application, "bank_renewal")
    assert [(n.channel, n.language, n.link, n.state) for n in notices] == [
        ("email", "es", portal_path(application), "pending")
    ]
    item.refresh_from_db()
    assert item.status == "login_required"

    repaired = _signed(plaid, _payload(item.item_id, "LOGIN_REPAIRED", "ITEM"))
    assert _post(client, *repaired).status_code == 200
    assert _post(client, *_login_required(plaid, item, "changed again")).status_code == 200
    assert len(_notices(application, "bank_renewal")) == 2  # a new break, a new notice


@pytest.mark.django_db
def test_bank_renewal_notice_goes_with_a_rolled_back_change(connected):
    application, item = connected
    with pytest.raises(RuntimeError), transaction.atomic():
        plaid_item_status_set(item_id=item.item_id, status="login_required")
        assert len(_notices(application, "bank_renewal")) == 1
        raise RuntimeError("the webhook's transaction failed")
    assert _notices(application, "bank_renewal") == []
    item.refresh_from_db()
    assert item.status == "ok"


@pytest.mark.django_db
def test_refused_document_notice_once_and_clean_document_none(
    settings,
    local_files,  # noqa: F811
    clamd_server,  # noqa: F811
):
    settings.CLAMD_ADDRESS = clamd_server
    application = _spanish(status="draft")
    consumer = application.consumer
    clean = document_add(
        application=application,
        upload=upload("pay.pdf", pdf_bytes()),
        kind="pay_stub",
        actor=consumer,
    )
    infected = document_add(
        application=application,
        upload=upload("statement.pdf", pdf_eicar()),
        kind="bank_statement",
        actor=consumer,
    )
    assert stored_file_scan(stored_file=clean.stored_file) == "clean"
    assert _notices(application, "document_refused") == []

    assert stored_file_scan(stored_file=infected.stored_file) == "infected"
    assert stored_file_scan(stored_file=infected.stored_file) == "infected"  # task redelivered
    document_refused_notice(infected.stored_file)  # the same verdict seen again
    notices = _notices(application, "document_refused")
    assert [(n.channel, n.language, n.link) for n in notices] == [
        ("email", "es", portal_path(application))
    ]
