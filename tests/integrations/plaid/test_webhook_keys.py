"""Webhook verification edges: a delivery signed a few seconds ahead of our clock is
accepted (30 s leeway), unknown kids are remembered (one call to Plaid, not one per
forged delivery), and a cached key stops being trusted when Plaid's expiry passes."""

from __future__ import annotations

import json
import time

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import ec
from django.test import Client

from integrations.plaid.models import WebhookDelivery
from tests.integrations.plaid.sandboxes import calls
from tests.integrations.plaid.test_webhooks import _payload, _post, _signed, item

pytestmark = [pytest.mark.processes, pytest.mark.django_db]
__all__ = ["item"]
KEY_PATH = "/webhook_verification_key/get"


def test_a_delivery_signed_ten_seconds_ahead_is_accepted(plaid, item):
    body, token = _signed(plaid, _payload(item.item_id), iat=int(time.time()) + 10)
    assert _post(Client(), body, token).status_code == 200
    assert WebhookDelivery.objects.count() == 1


def test_a_delivery_signed_a_minute_ahead_is_refused(plaid, item):
    body, token = _signed(plaid, _payload(item.item_id), iat=int(time.time()) + 60)
    assert _post(Client(), body, token).status_code == 400
    assert WebhookDelivery.objects.count() == 0


def test_forged_kids_cost_one_key_lookup_each_not_one_per_delivery(plaid, item):
    forger = ec.generate_private_key(ec.SECP256R1())
    body = json.dumps(_payload(item.item_id)).encode()
    claims = {"iat": int(time.time()), "request_body_sha256": "0" * 64}
    token = jwt.encode(claims, forger, algorithm="ES256", headers={"kid": "forged-kid"})
    answers = [_post(Client(), body, token).status_code for _ in range(5)]
    assert answers == [400] * 5
    assert calls(plaid)[KEY_PATH] == 1


def test_a_cached_key_is_refused_once_plaid_expires_it(plaid, item):
    body, token = _signed(plaid, _payload(item.item_id))
    assert _post(Client(), body, token).status_code == 200  # the key is now cached
    requests.post(f"{plaid}/sandbox/admin/key_expire", json={"in_seconds": 4}, timeout=5)
    from integrations.plaid import webhooks

    webhooks.keys_clear()  # fetch it again: now it carries expired_at (4 s from now)
    body, token = _signed(plaid, _payload(item.item_id, code="PENDING_EXPIRATION", kind="ITEM"))
    assert _post(Client(), body, token).status_code == 200
    time.sleep(4.5)
    body, token = _signed(plaid, _payload(item.item_id, code="LOGIN_REPAIRED", kind="ITEM"))
    assert _post(Client(), body, token).status_code == 400  # cached, expired: refused
    assert calls(plaid)[KEY_PATH] == 2
