"""Retention purge of a case with a connected bank, against the Plaid sandbox process: the
items are removed at Plaid before any row goes, their rows (encrypted access tokens) are
deleted, and a Plaid outage defers the purge instead of losing it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from intake.models import Application, BankConnection
from intake.services.retention import retention_purge
from integrations.errors import VendorError
from integrations.plaid import client
from integrations.plaid.models import PlaidAccount, PlaidItem
from tenants.audit.models import AuditEvent
from tests.integrations.plaid import conftest as plaid_fixtures
from tests.integrations.plaid.sandboxes import calls, faults

from .conftest import ABOUT_YOU, url

plaid_url = plaid_fixtures.plaid_url
plaid = plaid_fixtures.plaid

BANK_CONSENTS = {"privacy": "on", "esign": "on", "bank_data": "on"}
# Past the consent hold (5 years) and the abandoned-draft period.
LATER = dt.timedelta(days=1828)


@pytest.fixture
def linked(signed_in, draft, plaid, settings):
    """A draft with two banks linked in the sandbox: one live, one replaced earlier
    (update mode: its item already removed at Plaid, the stub row still held)."""
    settings.PLAID_ENV, settings.PLAID_WEBHOOK_URL = "sandbox", ""
    signed_in.post(url(draft, "step-about-you"), ABOUT_YOU)
    assert signed_in.post(url(draft, "step-consents"), BANK_CONSENTS).status_code == 302
    link = {"institution": "ins_109508", "persona": "user_good"}
    assert signed_in.post(url(draft, "bank-link"), link).status_code == 302
    old = BankConnection.objects.get(application=draft)
    PlaidItem.objects.filter(public_id=old.item_public_id).update(status="login_required")
    signed_in.post(url(draft, "bank-link"), {**link, "item": str(old.public_id)})
    live = BankConnection.objects.get(application=draft, removed_at__isnull=True)
    item = PlaidItem.objects.get(public_id=live.item_public_id)
    PlaidAccount.objects.create(
        item=item, account_id="acc-retention", name="Checking", type="depository"
    )
    return draft, old, live, item.access_token


def _rule_counts(run) -> tuple[int, int]:
    return run.purged["abandoned-draft"], run.deferred["abandoned-draft"]


def test_purge_removes_the_items_at_plaid_then_deletes_their_rows(linked, plaid):
    draft, old, live, access_token = linked
    removes_before = calls(plaid).get("/item/remove", 0)  # update mode removed the old one

    run = retention_purge(now=timezone.now() + LATER)

    assert _rule_counts(run) == (1, 0)
    assert not Application.objects.filter(pk=draft.pk).exists()
    assert not BankConnection.objects.filter(pk__in=[old.pk, live.pk]).exists()
    gone = [old.item_public_id, live.item_public_id]
    assert not PlaidItem.objects.filter(public_id__in=gone).exists()
    assert not PlaidAccount.objects.filter(account_id="acc-retention").exists()
    # One /item/remove for the live item only; the old one was removed at update time.
    assert calls(plaid)["/item/remove"] == removes_before + 1
    # At Plaid the item is gone: its access token no longer works.
    with pytest.raises(VendorError) as error:
        client.accounts_balance_get(access_token=access_token)
    assert (error.value.code, error.value.permanent) == ("ITEM_NOT_FOUND", True)
    purposes = AuditEvent.objects.filter(
        case_id=str(draft.public_id), object_type="bank_connection", action="delete"
    ).values_list("purpose", flat=True)
    assert list(purposes) == ["retention"]


def test_a_plaid_outage_defers_the_purge_and_the_next_run_finishes_it(linked, plaid):
    draft, _old, live, access_token = linked
    faults(plaid, "/item/remove", "500")

    first = retention_purge(now=timezone.now() + LATER)

    assert _rule_counts(first) == (0, 1)
    # Nothing deleted: the application, its connection and the item's token are kept.
    assert Application.objects.filter(pk=draft.pk).exists()
    live.refresh_from_db()
    assert live.removed_at is None
    item = PlaidItem.objects.get(public_id=live.item_public_id)
    assert item.status == "ok" and item.access_token == access_token
    assert len(client.accounts_balance_get(access_token=access_token)) == 2  # still at Plaid

    second = retention_purge(now=timezone.now() + LATER)

    assert _rule_counts(second) == (1, 0)
    assert not Application.objects.filter(pk=draft.pk).exists()
    assert not PlaidItem.objects.filter(public_id=live.item_public_id).exists()
    with pytest.raises(VendorError) as error:
        client.accounts_balance_get(access_token=access_token)
    assert error.value.code == "ITEM_NOT_FOUND"
