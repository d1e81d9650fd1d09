"""Verification of ID tokens: everything mozilla-django-oidc 5.0.2 leaves out.

The library checks the signature with a configured algorithm only; it skips ``aud``
and ``iss``, accepts any token type and, configured loosely, ``alg=none``. Here an ID
token is accepted only when all of these hold (OpenID Connect Core 1.0 §3.1.3.7):

- the header's ``alg`` is RS256 or ES256 (``none`` and every HMAC algorithm refused,
  so a token "signed" with the provider's public key as an HMAC secret is refused), and
  the key is the provider's published key with that ``kid`` and key type;
- the header's ``typ``, if present, is ``JWT`` (RFC 9068 access tokens say ``at+jwt``);
- ``iss`` is exactly our issuer; ``aud`` contains our client id (and ``azp`` is our
  client id when there are several audiences);
- ``exp``, ``iat`` and ``sub`` are present; ``exp`` is in the future (clock skew
  ``OIDC_CLOCK_SKEW_SECONDS``);
- ``nonce`` equals the one stored with this sign-in's state;
- ``token_use``, if present (Cognito), is ``id``: Cognito access tokens say ``access``
  and carry ``client_id``/``scope`` instead of ``aud``;
- ``at_hash``, if present, matches the access token returned alongside (§3.1.3.8).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from typing import Any

import jwt
from django.conf import settings

from .client import Discovery, jwks_get
from .errors import TokenRejected

ALLOWED_ALGORITHMS = ("RS256", "ES256")
_KEY_TYPES = {"RS256": "RSA", "ES256": "EC"}


@dataclass(frozen=True)
class IdToken:
    issuer: str
    subject: str
    auth_time: int | None
    amr: tuple[str, ...]
    groups: tuple[str, ...]
    email: str
    email_verified: bool | None
    given_name: str
    family_name: str
    username: str
    at_hash: str
    algorithm: str


def _header(token: str) -> dict[str, Any]:
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError:
        raise TokenRejected("not a JWT") from None
    alg = header.get("alg")
    if alg not in ALLOWED_ALGORITHMS:
        raise TokenRejected(f"algorithm {alg!r} is not accepted")
    if header.get("typ", "JWT").upper() not in ("JWT", "JOSE"):
        raise TokenRejected(f"token type {header.get('typ')!r} is not an ID token")
    return header


def _signing_key(discovery: Discovery, header: dict[str, Any]) -> jwt.PyJWK:
    kid, alg = header.get("kid"), header["alg"]
    for refresh in (False, True):  # an unknown kid may be a new key: fetch the set once more
        for jwk in jwks_get(jwks_uri=discovery.jwks_uri, refresh=refresh):
            if jwk.get("kid") != kid or jwk.get("kty") != _KEY_TYPES[alg]:
                continue
            if jwk.get("use", "sig") != "sig" or jwk.get("alg", alg) != alg:
                continue
            return jwt.PyJWK(jwk, algorithm=alg)
    raise TokenRejected("no published key matches the token's kid and algorithm")


def _decode(token: str, key: jwt.PyJWK, alg: str, discovery: Discovery) -> dict[str, Any]:
    try:
        return jwt.decode(
            token,
            key,
            algorithms=[alg],
            audience=settings.OIDC_RP_CLIENT_ID,
            issuer=discovery.issuer,
            leeway=settings.OIDC_CLOCK_SKEW_SECONDS,
            options={"require": ["exp", "iat", "iss", "aud", "sub"], "verify_signature": True},
        )
    except jwt.ExpiredSignatureError:
        raise TokenRejected("token expired") from None
    except jwt.InvalidAudienceError:
        raise TokenRejected("token is for another client (aud)") from None
    except jwt.InvalidIssuerError:
        raise TokenRejected("token is from another issuer (iss)") from None
    except jwt.PyJWTError as exc:
        raise TokenRejected(f"token invalid: {type(exc).__name__}") from None


def _check_claims(claims: dict[str, Any], nonce: str | None) -> None:
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    if len(audiences) > 1 and claims.get("azp") != settings.OIDC_RP_CLIENT_ID:
        raise TokenRejected("several audiences and azp is not this client")
    if claims.get("token_use", "id") != "id":
        raise TokenRejected("an access token is not an ID token (token_use)")
    if "scope" in claims or "client_id" in claims:
        raise TokenRejected("an access token is not an ID token (scope/client_id)")
    expected = (nonce or "").encode()
    if not nonce or not hmac.compare_digest(str(claims.get("nonce", "")).encode(), expected):
        raise TokenRejected("nonce does not match this sign-in")
    auth_time = claims.get("auth_time")
    if auth_time is not None and not isinstance(auth_time, int):
        raise TokenRejected("auth_time is not a number")


def _strings(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list):
        return tuple(str(v) for v in value)
    return ()


def verify_id_token(token: str, *, discovery: Discovery, nonce: str | None) -> IdToken:
    """Verifies an ID token as above and returns its claims.

    Side effects: may fetch (and cache) the provider's JWKS. Raises TokenRejected for
    any failed check, ProviderUnavailable when the JWKS cannot be fetched.
    """
    header = _header(token)
    claims = _decode(token, _signing_key(discovery, header), header["alg"], discovery)
    _check_claims(claims, nonce)
    verified = claims.get("email_verified")
    return IdToken(
        issuer=claims["iss"],
        subject=str(claims["sub"]),
        auth_time=claims.get("auth_time"),
        amr=_strings(claims.get("amr")),
        groups=_strings(claims.get("cognito:groups")),
        email=str(claims.get("email", "")),
        email_verified=verified if isinstance(verified, bool) else _string_bool(verified),
        given_name=str(claims.get("given_name", "")),
        family_name=str(claims.get("family_name", "")),
        username=str(claims.get("cognito:username") or claims.get("preferred_username") or ""),
        at_hash=str(claims.get("at_hash", "")),
        algorithm=header["alg"],
    )


def _string_bool(value: object) -> bool | None:
    return {"true": True, "false": False}.get(str(value).lower()) if value is not None else None


def verify_at_hash(id_token: IdToken, access_token: str) -> None:
    """The ID token's ``at_hash`` (when present) must be the access token's left-half hash.

    Raises TokenRejected on a mismatch: the ID token was issued with another access token.
    """
    if not id_token.at_hash:
        return
    digest = hashlib.sha256(access_token.encode("ascii")).digest()
    expected = base64.urlsafe_b64encode(digest[: len(digest) // 2]).rstrip(b"=").decode()
    if not hmac.compare_digest(expected, id_token.at_hash):
        raise TokenRejected("at_hash does not match the access token")
