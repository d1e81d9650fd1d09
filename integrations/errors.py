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


class ContractMismatch(VendorError):
    """The vendor answered, but not in the shape its SDK or our parser accepts: retrying
    the same call gets the same answer, so it is permanent."""

    def __init__(self, message: str) -> None:
        super().__init__(message, True, code="CONTRACT_MISMATCH")


# Error codes as people read them: the counselor sees why a check failed.
REASONS = {
    "TIMED_OUT": "timed out",
    "TIMEOUT": "the vendor did not answer in time",
    "CONNECTION": "the vendor could not be reached",
    "CONTRACT_MISMATCH": "the vendor's answer was not in its documented format",
    "REPORT_UNREADABLE": "the credit report could not be read",
    "RESPONSE_TOO_LARGE": "the credit report was larger than the configured limit",
    "BAD_RESPONSE": "the bureau's answer was not a credit report",
    "UNEXPECTED": "an unexpected error stopped the check",
    "ITEM_LOGIN_REQUIRED": "the bank needs the consumer to sign in again",
    "USER_PERMISSION_REVOKED": "the consumer revoked the bank's access",
    "CONSENT_WITHDRAWN": "the consumer withdrew the bank-data consent",
    "PRODUCT_NOT_READY": "the bank's data was not ready yet",
}
# The vendor (or the bank behind Plaid) was down or busy: retrying later can help.
UNAVAILABLE = frozenset(
    {
        "SYS_BUSY",
        "SYS_UNAVAILABLE",
        "INTERNAL_SERVER_ERROR",
        "PLANNED_MAINTENANCE",
        "RATE_LIMIT_EXCEEDED",
        "INSTITUTION_DOWN",
        "INSTITUTION_NOT_RESPONDING",
        "TRANSACTIONS_SYNC_MUTATION_DURING_PAGINATION",
    }
)


def failure_reason(code: str) -> str:
    """A plain sentence for an error code (ours or the vendor's)."""
    if code in REASONS:
        return REASONS[code]
    if code.startswith("HTTP_5") or code in UNAVAILABLE:
        return "the vendor was unavailable"
    return f"the vendor refused the request ({code or 'no code'})"
