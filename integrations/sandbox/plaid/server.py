"""The Plaid sandbox: Plaid's JSON API on a ThreadingHTTPServer, stateful per process.

Requests need PLAID-CLIENT-ID/PLAID-SECRET (headers or body) and Plaid-Version;
errors use Plaid's envelope with HTTP 400 (429 for rate limits, 500 for API errors).
Fault switches: POST /sandbox/admin/faults {"path": "/accounts/balance/get",
"faults": ["500", "500", "200"]} — each call of the path takes the next fault:
an HTTP status ("500", "429"), a Plaid error code ("ITEM_LOGIN_REQUIRED"), "slow:<s>"
(answer after <s> seconds), "malformed" (a cut-off JSON body) or "200" (normal).
POST /sandbox/admin/key_expire {"in_seconds": N}: the signing key's ``expired_at``.
GET /sandbox/admin/calls counts calls.

Link in the browser: GET /link/v2/stable/link-initialize.js is a stand-in for Plaid's
script (``Plaid.create``); its iframe shows GET /link/sandbox, which asks
POST /link/sandbox/complete for a public token (a new item, or in update mode the same
item repaired) and hands it to the opener with postMessage.
"""

from __future__ import annotations

import json
import time
import uuid
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from .personas import PERSONAS, Persona
from .shapes import card_liability, json_number, match_scores
from .state import Item, SandboxState

VERSION = "2020-09-14"
ERROR_TYPES = {
    "ITEM_LOGIN_REQUIRED": ("ITEM_ERROR", 400),
    "INVALID_ACCESS_TOKEN": ("INVALID_INPUT", 400),
    "INVALID_PUBLIC_TOKEN": ("INVALID_INPUT", 400),
    "ITEM_NOT_FOUND": ("ITEM_ERROR", 400),
    "INVALID_API_KEYS": ("INVALID_INPUT", 400),
    "INVALID_FIELD": ("INVALID_REQUEST", 400),
    "ADDITIONAL_CONSENT_REQUIRED": ("ITEM_ERROR", 400),
    "USER_PERMISSION_REVOKED": ("ITEM_ERROR", 400),
    "PRODUCT_NOT_READY": ("ITEM_ERROR", 400),
    "RATE_LIMIT_EXCEEDED": ("RATE_LIMIT_EXCEEDED", 429),
    "INTERNAL_SERVER_ERROR": ("API_ERROR", 500),
}


# The sandbox Link page (what Plaid's Link iframe shows): test banks and personas.
INSTITUTIONS = (
    ("ins_109508", "First Platypus Bank"),
    ("ins_109509", "First Gingham Credit Union"),
    ("ins_109510", "Tattersall Federal Credit Union"),
)
LINK_DIR = Path(__file__).parent / "link"
JS = "text/javascript; charset=utf-8"
LINK_PAGE_CSP = (
    "default-src 'none'; script-src 'self'; connect-src 'self'; base-uri 'none'; "
    "form-action 'none'; frame-ancestors http://127.0.0.1:* http://localhost:*"
)


def link_page() -> str:
    """The Link page: radio buttons, Continue / Exit / a test error; no inline script."""

    def radios(name: str, options: list[tuple[str, str]]) -> str:
        return "".join(
            f'<p><input type="radio" name="{name}" id="{name}-{value}" value="{value}" '
            f'data-name="{label}"{" checked" if i == 0 else ""}>'
            f'<label for="{name}-{value}">{label}</label></p>'
            for i, (value, label) in enumerate(options)
        )

    personas = [(name, name) for name in PERSONAS]
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        "<title>Plaid Link (sandbox)</title></head><body><main>"
        "<h1>Connect a test bank</h1><p>Plaid sandbox: no real bank is contacted.</p>"
        '<form id="sandbox-link-form"><fieldset><legend>Bank</legend>'
        f"{radios('institution', list(INSTITUTIONS))}</fieldset>"
        f"<fieldset><legend>Test user</legend>{radios('persona', personas)}</fieldset>"
        '<p><button type="submit" name="continue" id="sandbox-link-continue">Continue</button> '
        '<button type="submit" name="exit" id="sandbox-link-exit">Exit</button> '
        '<button type="submit" name="fail" id="sandbox-link-fail">Bank is down (test error)'
        '</button></p><p id="sandbox-link-status" role="status"></p></form></main>'
        '<script src="/link/sandbox.js"></script></body></html>'
    )


class PlaidError(Exception):
    def __init__(self, code: str, message: str = "") -> None:
        super().__init__(code)
        self.code, self.message = code, message or code.lower().replace("_", " ")


def _request_id() -> str:
    return uuid.uuid4().hex[:15]


def _accounts(item: Item, kinds: tuple[str, ...] = ("depository", "credit")) -> list[dict]:
    return [
        {
            "account_id": f"{item.item_id[:8]}-{a['suffix_key']}",
            "mask": a["mask"],
            "name": a["name"],
            "official_name": f"{a['name']} Account",
            "type": a["type"],
            "subtype": a["subtype"],
            "balances": {
                "current": json_number(a["current"]),
                "available": json_number(a["available"]),
                "limit": json_number(a["limit"]),
                "iso_currency_code": "USD",
                "unofficial_currency_code": None,
            },
        }
        for a in _persona_accounts(item.persona)
        if a["type"] in kinds
    ]


def _persona_accounts(persona: Persona) -> list[dict]:
    keys = {"depository": "chk", "credit": "cc"}
    seen: dict[str, int] = {}
    out = []
    for account in persona.accounts:
        key = keys[account["type"]]
        seen[key] = seen.get(key, 0) + 1
        out.append(account | {"suffix_key": key if seen[key] == 1 else f"{key}{seen[key]}"})
    return out


def _item(item: Item) -> dict:
    return {
        "item_id": item.item_id,
        "webhook": item.webhook or None,
        "error": None,
        "available_products": ["balance", "identity"],
        "institution_id": item.institution_id,
        "billed_products": ["liabilities", "transactions"],
        "products": ["transactions"],
        "consent_expiration_time": None,
        "update_type": "background",
    }


class Api:
    """One method per endpoint path; each takes the request body, returns the answer."""

    def __init__(self, state: SandboxState) -> None:
        self.state = state

    def _item(self, body: dict) -> Item:
        item = self.state.item(str(body.get("access_token", "")))
        if item is None or item.removed:
            raise PlaidError("INVALID_ACCESS_TOKEN" if item is None else "ITEM_NOT_FOUND")
        if item.login_required:
            raise PlaidError("ITEM_LOGIN_REQUIRED", "the login details of this item have changed")
        return item

    def link_token_create(self, body: dict) -> dict:
        for name in ("client_name", "language", "country_codes", "user"):
            if not body.get(name):
                raise PlaidError("INVALID_FIELD", f"{name} is required")
        access_token = str(body.get("access_token") or "")
        if access_token:
            self._item_known(access_token)
        expiration = datetime.now(UTC) + timedelta(hours=4)
        token = f"link-sandbox-{uuid.uuid4()}"
        self.state.link_token_issue(token, access_token, str(body.get("webhook") or ""))
        return {"link_token": token, "expiration": expiration.isoformat().replace("+00:00", "Z")}

    def _item_known(self, access_token: str) -> Item:
        """Update mode: the item must exist and not be removed (login_required is fine)."""
        item = self.state.item(access_token)
        if item is None or item.removed:
            raise PlaidError("INVALID_ACCESS_TOKEN" if item is None else "ITEM_NOT_FOUND")
        return item

    def sandbox_public_token_create(self, body: dict) -> dict:
        options = body.get("options") or {}
        token, _item_id = self.state.public_token_create(
            str(options.get("override_username") or "user_good"),
            str(options.get("webhook", "")),
            str(body.get("institution_id", "ins_109508")),
        )
        return {"public_token": token}

    def item_public_token_exchange(self, body: dict) -> dict:
        found = self.state.exchange(str(body.get("public_token", "")))
        if found is None:
            raise PlaidError("INVALID_PUBLIC_TOKEN", "provided public token is expired or used")
        return {"access_token": found[0], "item_id": found[1].item_id}

    def accounts_balance_get(self, body: dict) -> dict:
        item = self._item(body)
        return {"accounts": _accounts(item), "item": _item(item)}

    accounts_get = accounts_balance_get

    def identity_get(self, body: dict) -> dict:
        item = self._item(body)
        persona = item.persona
        owner = {
            "names": [persona.owner],
            "emails": [{"data": persona.email, "primary": True, "type": "primary"}],
            "phone_numbers": [{"data": persona.phone, "primary": True, "type": "mobile"}],
            "addresses": [
                {
                    "primary": True,
                    "data": {
                        "street": "2992 Cameron Road",
                        "city": persona.city,
                        "region": "NY",
                        "postal_code": "14236",
                        "country": "US",
                    },
                }
            ],
        }
        accounts = [a | {"owners": [owner]} for a in _accounts(item)]
        return {"accounts": accounts, "item": _item(item)}

    def identity_match(self, body: dict) -> dict:
        item = self._item(body)
        scores = match_scores(item.persona, body.get("user") or {})
        accounts = [a | scores for a in _accounts(item)]
        return {"accounts": accounts, "item": _item(item)}

    def transactions_sync(self, body: dict) -> dict:
        item = self._item(body)
        count = int(body.get("count") or 100)
        if not 1 <= count <= 500:
            raise PlaidError("INVALID_FIELD", "count must be 1 to 500")
        added, modified, removed, cursor, more = self.state.sync_page(
            item, str(body.get("cursor") or ""), count
        )
        return {
            "added": added,
            "modified": modified,
            "removed": removed,
            "next_cursor": cursor,
            "has_more": more,
            "accounts": _accounts(item),
            "transactions_update_status": "HISTORICAL_UPDATE_COMPLETE",
        }

    def liabilities_get(self, body: dict) -> dict:
        item = self._item(body)
        credit = [card_liability(item.item_id, card) for card in item.persona.cards]
        return {
            "accounts": _accounts(item),
            "item": _item(item),
            "liabilities": {"credit": credit, "mortgage": None, "student": None},
        }

    def item_remove(self, body: dict) -> dict:
        item = self.state.item(str(body.get("access_token", "")))
        if item is None or item.removed:
            raise PlaidError("INVALID_ACCESS_TOKEN")
        item.removed = True
        return {}

    def webhook_verification_key_get(self, body: dict) -> dict:
        if body.get("key_id") != self.state.kid:
            raise PlaidError("INVALID_FIELD", "unknown key_id")
        return {"key": self.state.jwk()}

    def sandbox_item_fire_webhook(self, body: dict) -> dict:
        item = self._item(body)
        code = str(body.get("webhook_code", "SYNC_UPDATES_AVAILABLE"))
        if code == "SYNC_UPDATES_AVAILABLE":
            self.state.updates_append(item)
        kind = "TRANSACTIONS" if code == "SYNC_UPDATES_AVAILABLE" else "ITEM"
        self.state.webhook_send(item.webhook, _webhook(item, kind, code))
        return {"webhook_fired": True}

    def sandbox_item_reset_login(self, body: dict) -> dict:
        item = self._item(body)
        item.login_required = True
        error = {
            "error_type": "ITEM_ERROR",
            "error_code": "ITEM_LOGIN_REQUIRED",
            "error_message": "the login details of this item have changed",
            "display_message": None,
        }
        self.state.webhook_send(item.webhook, _webhook(item, "ITEM", "ERROR") | {"error": error})
        return {"reset_login": True}


def _webhook(item: Item, kind: str, code: str) -> dict:
    payload = {
        "webhook_type": kind,
        "webhook_code": code,
        "item_id": item.item_id,
        "environment": "sandbox",
    }
    if code == "SYNC_UPDATES_AVAILABLE":
        payload |= {"initial_update_complete": True, "historical_update_complete": True}
    return payload


class Handler(BaseHTTPRequestHandler):
    server: SandboxServer
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are separate writes: no 40 ms stalls

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: requests carry tokens; the sandbox logs nothing per request."""

    def _send(self, status: int, payload: dict) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _send_raw(self, status: int, data: bytes) -> None:
        """A hostile answer (a cut-off body) for the fault "malformed"."""
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _error(self, code: str, message: str = "", status: int | None = None) -> None:
        kind, default = ERROR_TYPES.get(code, ("API_ERROR", 500))
        self._send(
            status or default,
            {
                "error_type": kind,
                "error_code": code,
                "error_message": message or code,
                "display_message": None,
                "request_id": _request_id(),
                "causes": [],
                "status": status or default,
                "documentation_url": "",
                "suggested_action": None,
            },
        )

    def _send_file(self, content_type: str, data: bytes) -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Content-Security-Policy", LINK_PAGE_CSP)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        if path == "/sandbox/admin/calls":
            return self._send(200, dict(self.server.state.calls))
        if path == "/link/v2/stable/link-initialize.js":
            return self._send_file(JS, (LINK_DIR / "link-initialize.js").read_bytes())
        if path == "/link/sandbox.js":
            return self._send_file(JS, (LINK_DIR / "link.js").read_bytes())
        if path == "/link/sandbox":
            return self._send_file("text/html; charset=utf-8", link_page().encode())
        return self._send(404, {"error": "not found"})

    def _link_complete(self, body: dict) -> None:
        """The Link page's "Continue": a public token for the opener (no API keys: the
        browser has none; the link token this sandbox issued is the check)."""
        institution = str(body.get("institution_id") or "")
        username = str(body.get("username") or "")
        if institution not in dict(INSTITUTIONS) or username not in PERSONAS:
            return self._error("INVALID_FIELD", "choose a test bank and a test account", 400)
        done = self.server.state.link_complete(
            str(body.get("link_token", "")), institution, username
        )
        if done is None:
            return self._error("INVALID_LINK_TOKEN", "link token is invalid or expired", 400)
        public_token, item_id, persona, institution = done
        accounts = [
            {
                "id": f"{item_id[:8]}-{a['suffix_key']}",
                "name": a["name"],
                "mask": a["mask"],
                "type": a["type"],
                "subtype": a["subtype"],
                "verification_status": None,
            }
            for a in _persona_accounts(persona)
        ]
        metadata = {
            "institution": {
                "institution_id": institution,
                "name": dict(INSTITUTIONS).get(institution, institution),
            },
            "accounts": accounts,
            "transfer_status": None,
        }
        return self._send(200, {"public_token": public_token, "metadata": metadata})

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        try:
            body = json.loads(self.rfile.read(length) or b"{}")
        except ValueError:
            return self._error("INVALID_FIELD", "body is not JSON", 400)
        if self.path.startswith("/sandbox/admin/"):
            return self._admin(body)
        if self.path == "/link/sandbox/complete":
            return self._link_complete(body)
        return self._api(body)

    def _admin(self, body: dict) -> None:
        state = self.server.state
        if self.path == "/sandbox/admin/faults":
            state.faults_queue(str(body["path"]), [str(f) for f in body["faults"]])
        elif self.path == "/sandbox/admin/reset":
            state.reset()
        elif self.path == "/sandbox/admin/key_expire":
            state.key_expire(int(body.get("in_seconds", 0)))
        elif self.path == "/sandbox/admin/sign":
            raw = str(body["body"]).encode()
            return self._send(200, {"jwt": state.webhook_jwt(raw, body.get("iat"))})
        else:
            return self._send(404, {"error": "not found"})
        return self._send(200, {"ok": True})

    def _authorized(self, body: dict) -> bool:
        state = self.server.state
        client_id = self.headers.get("PLAID-CLIENT-ID") or body.get("client_id")
        secret = self.headers.get("PLAID-SECRET") or body.get("secret")
        return client_id == state.client_id and secret == state.secret

    def _api(self, body: dict) -> None:
        method = getattr(Api, self.path.strip("/").replace("/", "_"), None)
        if method is None or self.path.startswith("/_"):
            return self._error("INVALID_FIELD", "unknown endpoint", 404)
        if self.headers.get("Plaid-Version") != VERSION:
            return self._error("INVALID_FIELD", f"Plaid-Version must be {VERSION}", 400)
        if not self._authorized(body):
            return self._error("INVALID_API_KEYS", "invalid client_id or secret provided")
        fault = self.server.state.fault_next(self.path)
        if fault.startswith("slow:"):
            time.sleep(float(fault.removeprefix("slow:")))
        elif fault == "malformed":
            return self._send_raw(200, b'{"accounts": [{"account_id": ')
        elif fault.isdigit() and fault != "200":
            return self._error("RATE_LIMIT_EXCEEDED" if fault == "429" else "INTERNAL_SERVER_ERROR")
        elif fault and fault != "200":
            return self._error(fault)
        try:
            answer = method(Api(self.server.state), body)
        except PlaidError as error:
            return self._error(error.code, error.message)
        return self._send(200, answer | {"request_id": _request_id()})


class SandboxServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], state: SandboxState) -> None:
        super().__init__(address, Handler)
        self.state = state


__all__ = ["PERSONAS", "SandboxServer", "SandboxState"]
