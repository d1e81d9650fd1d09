"""Models of the integrations app, one module per outside system."""

from __future__ import annotations

from .attempts import VendorAttempt
from .oidc.models import ConsumerProfile, OidcIdentity
from .plaid.models import PlaidAccount, PlaidItem, PlaidTransaction, WebhookDelivery
from .transunion.models import BureauPull, CreditReport
from .warehouse.models import OutboxEvent, ShipBatch

__all__ = [
    "BureauPull",
    "ConsumerProfile",
    "CreditReport",
    "OidcIdentity",
    "OutboxEvent",
    "PlaidAccount",
    "PlaidItem",
    "PlaidTransaction",
    "ShipBatch",
    "VendorAttempt",
    "WebhookDelivery",
]
