"""Forged ID tokens fed to the backend's verification, with the provider's real keys.

The local provider's signing keys are committed (dev only), so a test can sign tokens
the backend would otherwise trust: each forgery differs from a valid token in exactly
the property under test.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from integrations.oidc.backend import OidcBackend
from integrations.oidc.errors import TokenRejected
from integrations.oidc.tokens import IdToken, verify_at_hash
from tests.integrations.oidc.devprovider import KEYS

pytestmark = pytest.mark.processes
NONCE = "nonce-of-this-sign-in-0123456789"
_JWKS = json.loads(KEYS.read_text())["keys"]
RSA = next(k for k in _JWKS if k["kty"] == "RSA")
EC = next(k for k in _JWKS if k["kty"] == "EC")


def _claims(oidc, **changes: object) -> dict[str, object]:
    now = int(time.time())
    claims = {
        "iss": oidc.issuer,
        "aud": "cg-inprocess",
        "sub": "forged-subject",
        "iat": now,
        "exp": now + 600,
        "auth_time": now,
        "nonce": NONCE,
        "token_use": "id",
        "cognito:groups": ["counselor"],
        "email": "f@example.com",
    }
    claims.update(changes)
    return {k: v for k, v in claims.items() if v is not None}


def _sign(claims: dict[str, object], key: dict = RSA, **headers: object) -> str:
    private = jwt.PyJWK(key).key
    return jwt.encode(claims, private, algorithm=key["alg"], headers={"kid": key["kid"]} | headers)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _raw(header: dict, claims: dict, signature: bytes = b"") -> str:
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}"
    return f"{signing_input}.{_b64(signature)}"


def _verify(token: str) -> IdToken:
    return OidcBackend().verify_token(token, nonce=NONCE)


def test_a_correct_token_passes_with_rs256_and_es256(oidc):
    for key in (RSA, EC):
        token = _verify(_sign(_claims(oidc), key))
        assert (token.subject, token.groups, token.algorithm) == (
            "forged-subject",
            ("counselor",),
            key["alg"],
        )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"aud": "another-client"}, "another client"),
        ({"aud": ["another-client", "cg-inprocess"], "azp": "another-client"}, "azp"),
        ({"iss": "https://evil.example"}, "another issuer"),
        ({"nonce": "another-nonce"}, "nonce"),
        ({"nonce": None}, "nonce"),
        ({"exp": int(time.time()) - 120}, "expired"),
        ({"sub": None}, "token invalid"),
    ],
)
def test_forged_claims_are_rejected(oidc, changes, message):
    with pytest.raises(TokenRejected, match=message):
        _verify(_sign(_claims(oidc, **changes)))


def test_alg_none_is_rejected(oidc):
    with pytest.raises(TokenRejected, match="algorithm 'none'"):
        _verify(_raw({"alg": "none", "typ": "JWT"}, _claims(oidc)))


def test_hs256_signed_with_the_public_key_is_rejected(oidc):
    public_pem = (
        jwt.PyJWK(RSA)
        .key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    header = {"alg": "HS256", "typ": "JWT", "kid": RSA["kid"]}
    unsigned = _raw(header, _claims(oidc)).rsplit(".", 1)[0]
    signature = hmac.new(public_pem, unsigned.encode(), hashlib.sha256).digest()
    with pytest.raises(TokenRejected, match="algorithm 'HS256'"):
        _verify(f"{unsigned}.{_b64(signature)}")


def test_cognito_access_token_presented_as_id_token_is_rejected(oidc):
    # Cognito's access tokens: token_use=access, client_id and scope, no aud, no nonce.
    access = _claims(
        oidc,
        token_use="access",
        aud=None,
        nonce=None,
        client_id="cg-inprocess",
        scope="openid email",
    )
    with pytest.raises(TokenRejected):
        _verify(_sign(access))
    # Even given our aud and nonce, token_use gives it away.
    with pytest.raises(TokenRejected, match="token_use"):
        _verify(_sign(_claims(oidc, token_use="access")))


def test_rfc9068_access_token_presented_as_id_token_is_rejected(oidc):
    with pytest.raises(TokenRejected, match="at\\+jwt"):
        _verify(_sign(_claims(oidc, token_use=None), typ="at+jwt"))
    with pytest.raises(TokenRejected, match="scope"):
        _verify(_sign(_claims(oidc, token_use=None, scope="openid")))


def test_a_token_signed_with_another_key_under_the_real_kid_is_rejected(oidc):
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    token = jwt.encode(_claims(oidc), other, algorithm="RS256", headers={"kid": RSA["kid"]})
    with pytest.raises(TokenRejected, match="InvalidSignatureError"):
        _verify(token)


def test_at_hash_binds_the_id_token_to_its_access_token(oidc):
    digest = hashlib.sha256(b"the-access-token").digest()
    token = _verify(_sign(_claims(oidc, at_hash=_b64(digest[:16]))))
    verify_at_hash(token, "the-access-token")
    with pytest.raises(TokenRejected, match="at_hash"):
        verify_at_hash(token, "another-access-token")
