"""Errors of the analytics warehouse stream. Messages name fields and codes, never values."""

from __future__ import annotations


class WarehouseError(Exception):
    """Base of the warehouse stream's errors."""


class FactsError(WarehouseError, ValueError):
    """Facts refused by the allowlist: an unknown event type or field, a wrong type, a value
    out of range. The message names the field, never the value (it could be PII)."""


class OutboxUsageError(WarehouseError):
    """``outbox_emit`` called outside the transaction of the change it records."""


class DestinationUnavailable(WarehouseError):
    """The warehouse location refused or could not be reached; the batch stays queued.

    ``code`` is short and safe to store (an errno name or an AWS error code).
    """

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.code = code
