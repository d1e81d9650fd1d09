"""Errors of the vendor integrations (Plaid, TransUnion).

Every vendor client raises ``VendorError``; ``permanent`` says whether a retry can help.
Celery tasks retry only errors that are not permanent (``autoretry_for`` plus a check).
"""

from __future__ import annotations


class VendorError(Exception):
    """A vendor call failed.

    ``permanent``: retrying cannot help (bad credentials, ITEM_LOGIN_REQUIRED, consent
    missing); otherwise the error is transient (5xx, rate limits, timeouts).
    ``code`` is the vendor's error code (e.g. ``ITEM_LOGIN_REQUIRED``) or ours
    (``TIMEOUT``, ``CONNECTION``); ``request_id`` the vendor's request id when known.
    Messages never carry PII or tokens.
    """

    def __init__(
        self, message: str, permanent: bool, *, code: str = "", request_id: str = ""
    ) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.code = code
        self.request_id = request_id


class VendorTimeout(VendorError):
    """The vendor did not answer in time: the call may or may not have taken effect."""

    def __init__(self, message: str, *, code: str = "TIMEOUT") -> None:
        super().__init__(message, False, code=code)


class TransientVendorError(VendorError):
    """Raised by tasks to retry: only this class is in ``autoretry_for``."""


class ConsentMissing(VendorError):
    """A bureau pull was asked for without the consumer's live written instruction."""

    def __init__(self) -> None:
        super().__init__("no live FCRA consent: the bureau pull is refused", True, code="CONSENT")
