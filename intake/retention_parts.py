"""Purge handlers of the models that PROTECT an application (docs/retention.md): consents
and e-signatures hold the case for at least 5 years after they were given (FCRA written
instruction; signed plan agreement), then go with it."""

from __future__ import annotations

from .models import Application
from .retention import PartHandler, consent_keep_until, retention_part_register


def _consents_keep_until(application: Application):
    return max((consent_keep_until(c.granted_at) for c in application.consents.all()), default=None)


def _acceptances_keep_until(application: Application):
    return max(
        (consent_keep_until(a.accepted_at) for a in application.plan_acceptances.all()),
        default=None,
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
