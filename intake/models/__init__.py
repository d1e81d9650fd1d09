"""The consumer's application and its parts. PII lives in encrypted fields
(tenants.encryption) from the first migration; blind indexes serve the searches."""

from __future__ import annotations

from .application import Application, StatusChange
from .conversation import CounselingRequest, Message
from .household import Household
from .offers import PlanAcceptance, PlanOffer
from .parts import Consent, Debt, Document, Expense, Income, VerificationRequest
from .verification import BankConnection, VerificationFlag

__all__ = [
    "Application",
    "BankConnection",
    "Consent",
    "CounselingRequest",
    "Debt",
    "Document",
    "Expense",
    "Household",
    "Income",
    "Message",
    "PlanAcceptance",
    "PlanOffer",
    "StatusChange",
    "VerificationFlag",
    "VerificationRequest",
]
