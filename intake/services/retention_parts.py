"""Purge handlers of the models hanging off an application (docs/retention.md): consents
and e-signatures hold the case for at least 5 years after they were given (FCRA written
instruction; signed plan agreement), then go with it; bank connections remove their Plaid
items at Plaid and in integrations first (a Plaid failure defers the purge)."""

from __future__ import annotations

from integrations.errors import VendorError

from ..models import Application
from .bank import bank_connections_purge, bank_connections_remove_retry
from .retention import PartHandler, PurgeDeferred, consent_keep_until, retention_part_register


def _consents_keep_until(application: Application):
    return max((consent_keep_until(c.granted_at) for c in application.consents.all()), default=None)


def _acceptances_keep_until(application: Application):
    return max(
        (consent_keep_until(a.accepted_at) for a in application.plan_acceptances.all()),
        default=None,
    )


def _bank_connections_purge(application: Application) -> int:
    """Plaid items go first (``/item/remove``), then their rows; Plaid down: deferred, and
    the removal task is queued (backoff retries) so the next run finds them removed."""
    try:
        return bank_connections_purge(application=application)
    except VendorError as error:
        application_id = application.pk
        raise PurgeDeferred(
            f"plaid item removal failed ({error.code or 'unknown'})",
            retry=lambda: bank_connections_remove_retry(application_id=application_id),
        ) from None


retention_part_register(
    PartHandler(label="intake.BankConnection", purge=_bank_connections_purge, early=True)
)
retention_part_register(
    PartHandler(
        label="intake.PlanAcceptance",
        purge=lambda app: app.plan_acceptances.all().delete()[0],
        keep_until=_acceptances_keep_until,
    )
)
retention_part_register(
    PartHandler(
        label="intake.Consent",
        purge=lambda app: app.consents.all().delete()[0],
        keep_until=_consents_keep_until,
    )
)
