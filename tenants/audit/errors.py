"""The audit trail's errors: one small hierarchy, raised by the model guard and services."""

from __future__ import annotations


class AuditError(Exception):
    """Base of every audit trail error."""


class AuditImmutableError(AuditError):
    """An attempt to change or remove a recorded audit event; the trail is append-only."""


class AuditEventInvalid(AuditError, ValueError):
    """An audit event that cannot be recorded as given (unknown action, oversized field)."""


class AuditChainBroken(AuditError):
    """The scheduled verification found the chain altered, cut or not matching an anchor."""
