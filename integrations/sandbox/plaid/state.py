"""The Plaid sandbox's memory: tokens, items, change logs, faults, signing key."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import secrets
import threading
import time
import uuid
from collections import Counter, deque
from dataclasses import dataclass, field
from decimal import Decimal

import jwt
import requests
from cryptography.hazmat.primitives.asymmetric import ec

from .personas import PERSONAS, TODAY, Persona, Txn
from .shapes import json_number, transaction


def _b64(number: int) -> str:
    return base64.urlsafe_b64encode(number.to_bytes(32, "big")).rstrip(b"=").decode()


@dataclass
class Item:
    item_id: str
    persona: Persona
    webhook: str
    institution_id: str
    login_required: bool = False
    removed: bool = False
    # The change log /transactions/sync pages through: ("added"|"modified"|"removed", txn).
    events: list[tuple[str, dict]] = field(default_factory=list)


class SandboxState:
    """All state behind one lock; handlers call these methods only."""

    def __init__(self, *, client_id: str, secret: str, webhook_url: str) -> None:
        self.lock = threading.RLock()
        self.client_id, self.secret, self.webhook_url = client_id, secret, webhook_url
        self.public_tokens: dict[str, tuple[Persona, str, str, str]] = {}
        # Link tokens issued (the Link page accepts only these): token -> access token of
        # the item in update mode ("" for a new connection) and the webhook.
        self.link_tokens: dict[str, tuple[str, str]] = {}
        self.update_tokens: dict[str, str] = {}  # public token of an update -> access token
        self.items: dict[str, Item] = {}  # by access token
        self.faults: dict[str, deque[str]] = {}
        self.calls: Counter[str] = Counter()
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.kid = uuid.uuid4().hex
        self.created_at = int(time.time())
        self.expired_at: int | None = None

    def key_expire(self, in_seconds: int) -> None:
        """Plaid rotated the key: it stops being valid ``in_seconds`` from now."""
        with self.lock:
            self.expired_at = int(time.time()) + in_seconds

    def fault_next(self, path: str) -> str:
        with self.lock:
            self.calls[path] += 1
            queue = self.faults.get(path)
            return queue.popleft() if queue else ""

    def faults_queue(self, path: str, faults: list[str]) -> None:
        with self.lock:
            self.faults.setdefault(path, deque()).extend(faults)

    def reset(self) -> None:
        with self.lock:
            self.faults.clear()
            self.calls.clear()
            self.expired_at = None

    def public_token_create(self, username: str, webhook: str, institution: str) -> tuple[str, str]:
        """A public token for a new item; returns it with the item id it will exchange to."""
        persona = PERSONAS.get(username, PERSONAS["user_good"])
        token, item_id = f"public-sandbox-{uuid.uuid4()}", secrets.token_hex(16)
        with self.lock:
            self.public_tokens[token] = (
                persona,
                webhook or self.webhook_url,
                institution,
                item_id,
            )
        return token, item_id

    def link_token_issue(self, token: str, access_token: str, webhook: str) -> None:
        with self.lock:
            self.link_tokens[token] = (access_token, webhook)

    def link_complete(self, link_token: str, institution: str, username: str) -> tuple | None:
        """What Link does when the user finishes: a new item's public token (as
        /sandbox/public_token/create), or in update mode the item repaired in place and a
        public token that exchanges to the same item. None: unknown link token.
        Returns (public token, item id, persona, institution)."""
        with self.lock:
            issued = self.link_tokens.get(link_token)
            if issued is None:
                return None
            access_token, webhook = issued
            item = self.items.get(access_token) if access_token else None
            if item is not None:
                item.login_required = False
                token = f"public-sandbox-{uuid.uuid4()}"
                self.update_tokens[token] = access_token
                return token, item.item_id, item.persona, item.institution_id
        token, item_id = self.public_token_create(username, webhook, institution)
        return token, item_id, PERSONAS.get(username, PERSONAS["user_good"]), institution

    def exchange(self, public_token: str) -> tuple[str, Item] | None:
        with self.lock:
            if public_token in self.update_tokens:
                access_token = self.update_tokens.pop(public_token)
                return access_token, self.items[access_token]
            found = self.public_tokens.pop(public_token, None)
            if found is None:
                return None
            persona, webhook, institution, item_id = found
            item = Item(item_id, persona, webhook, institution)
            item.events = [("added", _txn(item, t, i)) for i, t in enumerate(persona.transactions)]
            access_token = f"access-sandbox-{uuid.uuid4()}"
            self.items[access_token] = item
            return access_token, item

    def item(self, access_token: str) -> Item | None:
        with self.lock:
            return self.items.get(access_token)

    def sync_page(self, item: Item, cursor: str, count: int) -> tuple[list, list, list, str, bool]:
        with self.lock:
            start = int(base64.urlsafe_b64decode(cursor.encode()).decode()) if cursor else 0
            page = item.events[start : start + count]
            end = start + len(page)
            more = end < len(item.events)
        kinds = {k: [t for kind, t in page if kind == k] for k in ("added", "modified", "removed")}
        removed = [
            {"transaction_id": t["transaction_id"], "account_id": t["account_id"]}
            for t in kinds["removed"]
        ]
        next_cursor = base64.urlsafe_b64encode(str(end).encode()).decode()
        return kinds["added"], kinds["modified"], removed, next_cursor, more

    def updates_append(self, item: Item) -> None:
        """New activity at the bank: the first transaction changes, the second goes away
        (a pending one dropped) and a new one arrives."""
        with self.lock:
            first, second = item.events[0][1], item.events[1][1]
            changed = first | {
                "amount": json_number(Decimal(str(first["amount"])) + Decimal("1.00"))
            }
            extra = Txn(
                "chk",
                "23.45",
                TODAY,
                "Corner Cafe",
                "FOOD_AND_DRINK",
                "FOOD_AND_DRINK_COFFEE",
                "in store",
            )
            new = _txn(item, extra, len(item.events))
            item.events += [("modified", changed), ("removed", second), ("added", new)]

    def webhook_jwt(self, body: bytes, iat: int | None = None) -> str:
        claims = {
            "iat": int(time.time()) if iat is None else iat,
            "request_body_sha256": hashlib.sha256(body).hexdigest(),
        }
        return jwt.encode(claims, self.key, algorithm="ES256", headers={"kid": self.kid})

    def jwk(self) -> dict:
        numbers = self.key.public_key().public_numbers()
        return {
            "alg": "ES256",
            "crv": "P-256",
            "kid": self.kid,
            "kty": "EC",
            "use": "sig",
            "x": _b64(numbers.x),
            "y": _b64(numbers.y),
            "created_at": self.created_at,
            "expired_at": self.expired_at,
        }

    def webhook_send(self, url: str, payload: dict) -> None:
        """POSTs a signed webhook from a thread (Plaid delivers asynchronously)."""
        body = json.dumps(payload).encode()
        headers = {"Content-Type": "application/json", "Plaid-Verification": self.webhook_jwt(body)}

        def deliver() -> None:
            with contextlib.suppress(requests.RequestException):  # Plaid retries; we do not
                requests.post(url, data=body, headers=headers, timeout=10)

        if url:
            threading.Thread(target=deliver, daemon=True).start()


def _txn(item: Item, txn: Txn, index: int) -> dict:
    return transaction(item.item_id, txn, index)
