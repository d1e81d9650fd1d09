"""Webhooks: signed by the sandbox's ES256 key; duplicates and concurrent deliveries acted
on once; bad signature, stale iat, tampered body → 400, nothing queued, security event."""

from __future__ import annotations

import hashlib
import json
import threading
import time

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import ec
from django.db import connection
from django.test import Client
from django.urls import reverse

from integrations.plaid.models import PlaidItem, WebhookDelivery
from tenants.audit.models import AuditEvent

pytestmark = pytest.mark.processes
URL = "/integrations/plaid/webhook"


def _signed(plaid: str, payload: dict, iat: int | None = None) -> tuple[bytes, str]:
    body = json.dumps(payload).encode()
    answer = requests.post(
        f"{plaid}/sandbox/admin/sign", json={"body": body.decode(), "iat": iat}, timeout=5
    )
    return body, answer.json()["jwt"]


def _post(client: Client, body: bytes, token: str):
    return client.post(URL, body, content_type="application/json", HTTP_PLAID_VERIFICATION=token)


def _payload(item_id: str, code: str = "SYNC_UPDATES_AVAILABLE", kind: str = "TRANSACTIONS"):
    return {
        "webhook_type": kind,
        "webhook_code": code,
        "item_id": item_id,
        "environment": "sandbox",
    }


@pytest.fixture
def item(db):
    return PlaidItem.objects.create(item_id="item-webhook-1", access_token="access-sandbox-x")


def test_url_is_the_named_route():
    assert reverse("integrations:plaid-webhook") == URL


@pytest.mark.django_db
def test_verified_delivery_queues_one_sync_and_a_duplicate_nothing(
    plaid, item, client, django_capture_on_commit_callbacks
):
    body, token = _signed(plaid, _payload(item.item_id))
    with django_capture_on_commit_callbacks() as queued:
        assert _post(client, body, token).status_code == 200
    assert len(queued) == 1
    with django_capture_on_commit_callbacks() as again:
        assert _post(client, body, token).status_code == 200
    assert again == []
    assert WebhookDelivery.objects.filter(item_id=item.item_id).count() == 1


@pytest.mark.django_db
def test_item_error_and_revocation_change_the_item_status(plaid, item, client):
    error = _payload(item.item_id, "ERROR", "ITEM") | {
        "error": {"error_code": "ITEM_LOGIN_REQUIRED"}
    }
    assert _post(client, *_signed(plaid, error)).status_code == 200
    item.refresh_from_db()
    assert (item.status, item.error_code) == ("login_required", "ITEM_LOGIN_REQUIRED")
    revoked = _payload(item.item_id, "USER_PERMISSION_REVOKED", "ITEM")
    assert _post(client, *_signed(plaid, revoked)).status_code == 200
    item.refresh_from_db()
    assert item.status == "revoked"


@pytest.mark.django_db(transaction=True)
def test_concurrent_deliveries_are_processed_once(plaid, item):
    body, token = _signed(plaid, _payload(item.item_id, "PENDING_EXPIRATION", "ITEM"))
    statuses, start = [], threading.Barrier(6)

    def deliver():
        start.wait()
        statuses.append(_post(Client(), body, token).status_code)
        connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * 6
    assert WebhookDelivery.objects.filter(item_id=item.item_id).count() == 1
    item.refresh_from_db()
    assert item.status == "pending_expiration"


def _forged(body: bytes, kid: str) -> str:
    """Signed with another key under the sandbox's key id."""
    claims = {"iat": int(time.time()), "request_body_sha256": hashlib.sha256(body).hexdigest()}
    return jwt.encode(claims, ec.generate_private_key(ec.SECP256R1()), "ES256", {"kid": kid})


@pytest.mark.django_db
@pytest.mark.parametrize("attack", ["bad-signature", "stale-iat", "tampered-body", "no-header"])
def test_forged_deliveries_get_400_queue_nothing_and_log_a_security_event(
    plaid, item, client, caplog, django_capture_on_commit_callbacks, attack
):
    body, token = _signed(plaid, _payload(item.item_id))
    if attack == "bad-signature":
        token = _forged(body, jwt.get_unverified_header(token)["kid"])
    elif attack == "stale-iat":
        body, token = _signed(plaid, _payload(item.item_id), iat=int(time.time()) - 301)
    elif attack == "tampered-body":
        body = body.replace(b"SYNC_UPDATES_AVAILABLE", b"USER_PERMISSION_REVOKED")
    elif attack == "no-header":
        token = ""
    with (
        caplog.at_level("WARNING", logger="creditgenie.security"),
        django_capture_on_commit_callbacks() as queued,
    ):
        response = _post(client, body, token)
    assert response.status_code == 400
    # Only the audit trail's log line and its chain key cache wait for the commit: no task.
    audit = {"tenants.audit.services", "tenants.audit.key"}
    assert {callback.__module__ for callback in queued} <= audit
    assert WebhookDelivery.objects.count() == 0
    item.refresh_from_db()
    assert item.status == "ok"
    records = [r for r in caplog.records if r.name == "creditgenie.security"]
    assert [r.getMessage() for r in records] == ["plaid webhook rejected"]
    assert not token or token not in caplog.text
    denied = AuditEvent.objects.filter(object_type="plaid_webhook", outcome="denied")
    assert denied.count() >= 1
