"""HTTP client of the OpenID provider: discovery, JWKS, token and userinfo endpoints.

One function per endpoint, keyword-only arguments, explicit timeouts
(``OIDC_TIMEOUT``: connect, read), responses parsed into typed objects. Discovery and
the JWKS are fetched on first use and cached per process (``OIDC_DISCOVERY_CACHE_SECONDS``),
never at start-up, so ``manage.py check`` and ``migrate`` work while the provider is
down. Nothing here logs tokens or claims.

References: OpenID Connect Discovery 1.0 §4; RFC 7517 (JWKS); RFC 6749 §4.1.3 and
RFC 7636 (token request with PKCE); OpenID Connect Core 1.0 §5.3 (userinfo);
Cognito: docs.aws.amazon.com/cognito/latest/developerguide/federation-endpoints.html
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

import requests
from django.conf import settings

from .errors import CodeRejected, OidcError, ProviderUnavailable

_cache: dict[str, tuple[float, Any]] = {}
_lock = threading.Lock()


@dataclass(frozen=True)
class Discovery:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    userinfo_endpoint: str
    jwks_uri: str
    end_session_endpoint: str
    prompt_values_supported: tuple[str, ...]


@dataclass(frozen=True)
class TokenResponse:
    id_token: str
    access_token: str
    expires_in: int


@dataclass(frozen=True)
class Userinfo:
    subject: str
    email: str
    email_verified: bool | None
    given_name: str
    family_name: str


def _timeout() -> tuple[float, float]:
    return settings.OIDC_TIMEOUT


def _cached(key: str, fetch: Any, *, refresh: bool = False) -> Any:
    now = time.monotonic()
    with _lock:
        hit = _cache.get(key)
    if hit and not refresh and now - hit[0] < settings.OIDC_DISCOVERY_CACHE_SECONDS:
        return hit[1]
    value = fetch()
    with _lock:
        _cache[key] = (now, value)
    return value


def cache_clear() -> None:
    """Forgets discovery documents and key sets (tests, or after a provider change)."""
    with _lock:
        _cache.clear()


def _get_json(url: str, **kwargs: Any) -> dict[str, Any]:
    try:
        response = requests.get(url, timeout=_timeout(), **kwargs)
    except requests.RequestException as exc:
        raise ProviderUnavailable(f"{type(exc).__name__} from the OpenID provider") from None
    if response.status_code != 200:
        raise ProviderUnavailable(
            f"OpenID provider answered {response.status_code}",
            permanent=response.status_code in (400, 401, 403, 404),
        )
    try:
        return response.json()
    except ValueError:
        raise ProviderUnavailable("OpenID provider answered with no JSON") from None


def _discovery_fetch(issuer: str) -> Discovery:
    doc = _get_json(f"{issuer.rstrip('/')}/.well-known/openid-configuration")
    if doc.get("issuer") != issuer:
        # Discovery §4.3: the document must name exactly the issuer we asked for.
        raise ProviderUnavailable("discovery document names another issuer", permanent=True)
    try:
        return Discovery(
            issuer=doc["issuer"],
            authorization_endpoint=doc["authorization_endpoint"],
            token_endpoint=doc["token_endpoint"],
            userinfo_endpoint=doc.get("userinfo_endpoint", ""),
            jwks_uri=doc["jwks_uri"],
            end_session_endpoint=doc.get("end_session_endpoint", ""),
            prompt_values_supported=tuple(doc.get("prompt_values_supported", ())),
        )
    except KeyError as exc:
        raise ProviderUnavailable(f"discovery document lacks {exc}", permanent=True) from None


def discovery_get(*, issuer: str | None = None) -> Discovery:
    """The provider's discovery document (cached). Raises ProviderUnavailable."""
    issuer = issuer or settings.OIDC_ISSUER
    return _cached(f"discovery:{issuer}", lambda: _discovery_fetch(issuer))


def jwks_get(*, jwks_uri: str, refresh: bool = False) -> list[dict[str, Any]]:
    """The provider's public signing keys (cached; ``refresh`` re-fetches, e.g. for an
    unknown ``kid`` after a key rotation). Raises ProviderUnavailable."""

    def fetch() -> list[dict[str, Any]]:
        keys = _get_json(jwks_uri).get("keys")
        if not isinstance(keys, list):
            raise ProviderUnavailable("JWKS has no keys", permanent=True)
        return keys

    return _cached(f"jwks:{jwks_uri}", fetch, refresh=refresh)


def token_exchange(
    *, discovery: Discovery, code: str, redirect_uri: str, code_verifier: str
) -> TokenResponse:
    """Trades an authorization code (+ PKCE verifier) for tokens; client_secret_basic.

    Raises CodeRejected for a forged, replayed or expired code (``invalid_grant``);
    ProviderUnavailable: temporary for timeouts and 5xx, permanent for a rejected client
    (wrong secret: ``invalid_client``).
    """
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": redirect_uri,
        "code_verifier": code_verifier,
    }
    auth = (settings.OIDC_RP_CLIENT_ID, settings.OIDC_RP_CLIENT_SECRET)
    try:
        response = requests.post(discovery.token_endpoint, data=data, auth=auth, timeout=_timeout())
    except requests.RequestException as exc:
        raise ProviderUnavailable(f"{type(exc).__name__} from the token endpoint") from None
    body = _json_or_empty(response)
    if response.status_code == 400 and body.get("error") == "invalid_grant":
        raise CodeRejected("the provider refused the authorization code (invalid_grant)")
    if response.status_code != 200:
        error = str(body.get("error", "no error code"))[:64]
        raise ProviderUnavailable(
            f"token endpoint answered {response.status_code} ({error})",
            permanent=response.status_code < 500,
        )
    if not isinstance(body.get("id_token"), str) or not isinstance(body.get("access_token"), str):
        raise OidcError("token response lacks id_token or access_token", permanent=True)
    return TokenResponse(body["id_token"], body["access_token"], int(body.get("expires_in", 0)))


def _json_or_empty(response: requests.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def userinfo_get(*, discovery: Discovery, access_token: str) -> Userinfo:
    """The userinfo claims for an access token. Raises ProviderUnavailable."""
    claims = _get_json(
        discovery.userinfo_endpoint, headers={"Authorization": f"Bearer {access_token}"}
    )
    return Userinfo(
        subject=str(claims.get("sub", "")),
        email=str(claims.get("email", "")),
        email_verified=_bool_claim(claims.get("email_verified")),
        given_name=str(claims.get("given_name", "")),
        family_name=str(claims.get("family_name", "")),
    )


def _bool_claim(value: object) -> bool | None:
    # Cognito sends email_verified as the string "true" in some tokens.
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return None
