"""The authentication backend: mozilla-django-oidc's, with its gaps closed.

``settings.AUTHENTICATION_BACKENDS`` names it by dotted path. Compared with the
library's ``OIDCAuthenticationBackend`` it

- reads endpoints from the issuer's discovery document on first use (the library wants
  them as settings, and has no discovery), with explicit timeouts;
- verifies the ID token fully (``tokens.verify_id_token``: algorithm allow-list, kid,
  iss, aud/azp, exp, nonce, token type, at_hash);
- checks that userinfo is about the same ``sub`` (Core §5.3.2);
- matches users on (issuer, sub), never on e-mail, and refreshes name, e-mail and
  roles (from ``cognito:groups`` in the ID token) at every sign-in;
- refuses staff whose token's ``amr`` shows no second factor;
- during a step-up, accepts only the same person with a newer ``auth_time``;
- loads a session's user with their roles in one query (``tenants.roles.user_with_roles``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from tenants.roles import STAFF_ROLES, user_with_roles

from .client import discovery_get, token_exchange, userinfo_get
from .errors import SignInRefused, TokenRejected
from .services import identity_sign_in, roles_from_groups
from .tokens import IdToken, verify_at_hash, verify_id_token

# RFC 8176 authentication method references that mean a second factor was used.
MFA_METHODS = frozenset({"mfa", "otp", "hwk", "swk", "sms", "fpt", "face", "pop"})
STEP_UP = "cg_step_up"  # session: a pending step-up {"after": auth_time, "user_id": pk}


@dataclass(frozen=True)
class SignedIn:
    """What the callback view needs after ``auth.login``: set on the request."""

    token: IdToken
    created: bool
    step_up: bool


def staff_mfa_check(token: IdToken, roles: frozenset[str]) -> None:
    """Raises SignInRefused when a staff token shows no second factor.

    Where the provider sends no ``amr`` at all (Cognito user pools), MFA is enforced by
    the pool's setting (docs/sign-in.md) unless ``OIDC_STAFF_REQUIRE_AMR`` is on.
    """
    if not roles & STAFF_ROLES:
        return
    if token.amr and set(token.amr) & MFA_METHODS:
        return
    if token.amr or settings.OIDC_STAFF_REQUIRE_AMR:
        raise SignInRefused(
            "mfa_required",
            "Staff accounts must sign in with a second factor (an authenticator app or "
            "security key). Set one up with your agency's administrator, then try again.",
        )


def step_up_check(request: HttpRequest, token: IdToken, user_id: int) -> bool:
    """During a step-up: the same person, authenticated after the stale sign-in.

    Returns whether a step-up was pending. Raises SignInRefused otherwise.
    """
    pending = request.session.get(STEP_UP)
    if not pending:
        return False
    if pending.get("user_id") != user_id:
        raise SignInRefused(
            "reauth_other_person",
            "You signed in again as someone else. Sign out first to change accounts.",
        )
    if token.auth_time is None or token.auth_time <= pending.get("after", 0):
        raise SignInRefused(
            "reauth_not_fresh",
            "We could not confirm a fresh sign-in. Please try again and enter your password.",
        )
    return True


class OidcBackend(OIDCAuthenticationBackend):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # The library reads static endpoint settings here; ours come from discovery.
        self.UserModel = get_user_model()

    def get_user(self, user_id: Any) -> Any | None:
        """The user of a session, roles included, in one query (tenants.roles)."""
        return user_with_roles(user_id)

    def verify_token(self, token: str, **kwargs: Any) -> IdToken:
        """Full ID token verification. Raises TokenRejected or ProviderUnavailable."""
        return verify_id_token(token, discovery=discovery_get(), nonce=kwargs.get("nonce"))

    def filter_users_by_claims(self, claims: dict[str, Any]) -> QuerySet:
        """(issuer, sub), never e-mail (the library's default)."""
        return self.UserModel.objects.filter(
            oidc_identities__issuer=claims.get("iss", ""),
            oidc_identities__subject=claims.get("sub", ""),
        )

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> Any:
        """The authorization code flow's back half, as called by the callback view.

        Side effects: token and userinfo requests; creates/updates the user
        (``identity_sign_in``); sets ``request.creditgenie_sign_in``. Raises
        ProviderUnavailable, TokenRejected or SignInRefused; returns None when the
        request is not an OpenID callback (so other backends can try).
        """
        nonce, verifier = kwargs.get("nonce"), kwargs.get("code_verifier")
        if request is None or not settings.OIDC_ISSUER or nonce is None:
            return None
        code, state = request.GET.get("code"), request.GET.get("state")
        if not code or not state or not verifier:
            return None
        discovery = discovery_get()
        redirect_uri = request.build_absolute_uri(
            reverse(settings.OIDC_AUTHENTICATION_CALLBACK_URL)
        )
        tokens = token_exchange(
            discovery=discovery, code=code, redirect_uri=redirect_uri, code_verifier=verifier
        )
        token = verify_id_token(tokens.id_token, discovery=discovery, nonce=nonce)
        verify_at_hash(token, tokens.access_token)
        if userinfo_get(discovery=discovery, access_token=tokens.access_token).subject != (
            token.subject
        ):
            raise TokenRejected("userinfo is about another subject")
        staff_mfa_check(token, roles_from_groups(token.groups))
        result = identity_sign_in(token=token)
        step_up = step_up_check(request, token, result.user.pk)
        request.creditgenie_sign_in = SignedIn(token=token, created=result.created, step_up=step_up)
        return result.user
