"""Plaid webhooks: verify the signature, dedupe, then act (re-sync from the API).

Verification (https://plaid.com/docs/api/webhooks/webhook-verification/): the
``Plaid-Verification`` header is an ES256 JWT whose ``kid`` names a key fetched from
/webhook_verification_key/get (cached per process, unknown kids too); ``iat`` at most
5 minutes old and up to 30 s ahead of our clock; the SHA-256 of the body equals the
``request_body_sha256`` claim (constant-time compare).
A failure answers 400, queues nothing and logs a security event (no body, no token).
Webhooks are at-least-once and unordered, so a verified delivery is stored under a
unique key first; only the request that inserts it acts.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import threading
import time
from typing import Any

import jwt
from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from jwt.algorithms import ECAlgorithm

from tenants.audit.models import AuditOutcome
from tenants.audit.services import audit_record

from ..errors import VendorError
from ..lazy import lazy_module
from . import services
from .models import PlaidItem, WebhookDelivery

client = lazy_module("integrations.plaid.client")

security_log = logging.getLogger("creditgenie.security")
logger = logging.getLogger("creditgenie.integrations")
# kid -> (monotonic time fetched, key or None for an unknown kid, wall-clock expiry or None)
_keys: dict[str, tuple[float, Any, float | None]] = {}
_keys_lock = threading.Lock()


class WebhookRejected(Exception):
    """A delivery that failed verification; the message is a fixed reason, never data."""


def _cached(kid: str) -> tuple[Any, float | None] | None:
    """A fresh cache entry: (key or None for a kid Plaid does not know, expiry)."""
    with _keys_lock:
        hit = _keys.get(kid)
    if hit is None:
        return None
    fetched, key, expired_at = hit
    ttl = (
        settings.PLAID_WEBHOOK_KEY_CACHE_SECONDS
        if key is not None
        else settings.PLAID_WEBHOOK_UNKNOWN_KID_SECONDS
    )
    return (key, expired_at) if time.monotonic() - fetched < ttl else None


def _key(kid: str) -> Any:
    """The verification key of ``kid``: cached (Plaid asks for it), unknown kids cached
    negatively for PLAID_WEBHOOK_UNKNOWN_KID_SECONDS (a flood of forged kids costs one
    call each, not one per delivery), a key's ``expired_at`` honoured while cached."""
    cached = _cached(kid)
    if cached is None:
        cached = _fetch(kid)
    key, expired_at = cached
    if key is None:
        raise WebhookRejected("unknown signing key")
    if expired_at is not None and time.time() >= expired_at:
        raise WebhookRejected("signing key expired")
    return key


def _fetch(kid: str) -> tuple[Any, float | None]:
    try:
        fetched = client.webhook_verification_key_get(key_id=kid)
    except VendorError as error:
        if not error.permanent:
            raise WebhookRejected(f"key lookup failed ({error.code})") from None
        entry: tuple[Any, float | None] = (None, None)
    else:
        key = ECAlgorithm(ECAlgorithm.SHA256).from_jwk(json.dumps(fetched.jwk))
        entry = (key, None if fetched.expired_at is None else float(fetched.expired_at))
    with _keys_lock:
        _keys[kid] = (time.monotonic(), *entry)
    return entry


def keys_clear() -> None:
    """Forgets cached verification keys (tests, key rotation)."""
    with _keys_lock:
        _keys.clear()


def webhook_verify(*, token: str, body: bytes) -> dict[str, Any]:
    """Checks one delivery; returns the JWT claims. Raises WebhookRejected."""
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError:
        raise WebhookRejected("malformed verification header") from None
    if header.get("alg") != "ES256" or not header.get("kid"):
        raise WebhookRejected("verification header is not ES256 with a key id")
    try:
        claims = jwt.decode(
            token,
            _key(str(header["kid"])),
            algorithms=["ES256"],
            options={"require": ["iat"]},
            leeway=settings.PLAID_WEBHOOK_CLOCK_SKEW_SECONDS,  # iat a little ahead of us
        )
    except jwt.PyJWTError:
        raise WebhookRejected("bad signature") from None
    age = time.time() - float(claims["iat"])
    if (
        not -settings.PLAID_WEBHOOK_CLOCK_SKEW_SECONDS
        <= age
        <= settings.PLAID_WEBHOOK_MAX_AGE_SECONDS
    ):
        raise WebhookRejected("stale iat")
    expected = str(claims.get("request_body_sha256", ""))
    if not hmac.compare_digest(hashlib.sha256(body).hexdigest(), expected):
        raise WebhookRejected("body does not match its signature")
    return claims


def _refuse(request: HttpRequest, reason: str) -> HttpResponse:
    security_log.warning("plaid webhook rejected", extra={"reason": reason, "vendor": "plaid"})
    audit_record(
        actor=None,
        role="",
        action="denied",
        object_type="plaid_webhook",
        object_id="",
        purpose=f"webhook rejected: {reason}"[:200],
        outcome=AuditOutcome.DENIED,
        request=request,
    )
    return HttpResponseBadRequest("rejected", content_type="text/plain")


@csrf_exempt  # signed by Plaid instead: the JWT above is the authenticity check
@require_POST
def plaid_webhook(request: HttpRequest) -> HttpResponse:
    """POST /integrations/plaid/webhook: 200 once accepted (or a duplicate), 400 refused."""
    try:
        claims = webhook_verify(
            token=request.headers.get("Plaid-Verification", ""), body=request.body
        )
        payload = json.loads(request.body)
    except (WebhookRejected, ValueError) as error:
        return _refuse(request, str(error) if isinstance(error, WebhookRejected) else "not JSON")
    if not isinstance(payload, dict):
        return _refuse(request, "not a JSON object")
    dedupe_key = f"{claims['request_body_sha256']}:{int(claims['iat'])}"
    webhook_accept(payload=payload, dedupe_key=dedupe_key)
    return HttpResponse("ok", content_type="text/plain")


def webhook_accept(*, payload: dict[str, Any], dedupe_key: str) -> bool:
    """Stores the delivery once and acts on it; False for a duplicate (nothing done).
    Side effects: one WebhookDelivery; item status changes; a sync queued after commit."""
    kind, code = (
        str(payload.get("webhook_type", ""))[:48],
        str(payload.get("webhook_code", ""))[:48],
    )
    item_id = str(payload.get("item_id", ""))[:64]
    try:
        with transaction.atomic():
            WebhookDelivery.objects.create(
                vendor="plaid",
                dedupe_key=dedupe_key,
                webhook_type=kind,
                webhook_code=code,
                item_id=item_id,
            )
            _act(kind, code, item_id, payload)
    except IntegrityError:
        logger.info("duplicate plaid webhook", extra={"type": kind, "code": code})
        return False
    return True


def _act(kind: str, code: str, item_id: str, payload: dict[str, Any]) -> None:
    """SYNC_UPDATES_AVAILABLE (and the older transaction codes) → re-sync from the API;
    ITEM errors and consent events → item status. Unknown items and codes: nothing."""
    item = PlaidItem.objects.filter(item_id=item_id).first()
    if item is None:
        return
    if kind == "TRANSACTIONS" or code in ("LOGIN_REPAIRED", "NEW_ACCOUNTS_AVAILABLE"):
        if code == "LOGIN_REPAIRED":
            services.plaid_item_status_set(item_id=item_id, status=PlaidItem.Status.OK)
        services.plaid_item_sync_queue(item_public_id=item.public_id)
    elif code == "ERROR":
        error = payload.get("error") or {}
        error_code = str(error.get("error_code", "")) if isinstance(error, dict) else ""
        status = (
            PlaidItem.Status.LOGIN_REQUIRED
            if error_code in services.RECONNECT_CODES
            else item.status
        )
        services.plaid_item_status_set(item_id=item_id, status=status, error_code=error_code)
    elif code in ("PENDING_EXPIRATION", "PENDING_DISCONNECT"):
        services.plaid_item_status_set(item_id=item_id, status=PlaidItem.Status.PENDING_EXPIRATION)
    elif code == "USER_PERMISSION_REVOKED":
        services.plaid_item_status_set(
            item_id=item_id, status=PlaidItem.Status.REVOKED, error_code=code
        )
