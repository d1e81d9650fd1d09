"""Errors of the OpenID Connect integration."""

from __future__ import annotations


class OidcError(Exception):
    """Something went wrong talking to the provider.

    ``permanent`` says whether retrying can help (a wrong client secret cannot; a
    provider that is down for a minute can).
    """

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class ProviderUnavailable(OidcError):
    """The provider did not answer, or answered with an error: sign-in cannot proceed."""


class CodeRejected(OidcError):
    """The provider refused the authorization code (``invalid_grant``): forged, replayed or
    expired. A refused sign-in attempt, not an outage."""

    def __init__(self, message: str) -> None:
        super().__init__(message, permanent=True)


class TokenRejected(OidcError):
    """An ID token failed verification (signature, algorithm, iss, aud, exp, nonce, type)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, permanent=True)


class SignInRefused(Exception):
    """A valid token that this deployment will not accept (e.g. staff without MFA).

    ``reason`` is a short code; ``explanation`` is for the person.
    """

    def __init__(self, reason: str, explanation: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.explanation = explanation
