"""Writes of the consumer side (`<noun>_<verb>(*, ...)`); reads are in intake.selectors."""

from __future__ import annotations

from .bank import bank_connect, bank_connections_remove, bank_manual_record
from .drafts import (
    application_start,
    bank_step_skip,
    consents_save,
    debts_replace,
    document_add,
    document_remove,
    documents_step_finish,
    expenses_replace,
    household_save,
    incomes_replace,
)
from .portal import (
    consent_withdraw,
    counseling_request_create,
    message_post,
    plan_offer_decline,
    plan_offer_publish,
)
from .signatures import plan_offer_accept, signed_plan_pdf
from .submission import application_submit, verification_request_record

__all__ = [
    "application_start",
    "application_submit",
    "bank_connect",
    "bank_connections_remove",
    "bank_manual_record",
    "bank_step_skip",
    "consent_withdraw",
    "consents_save",
    "counseling_request_create",
    "debts_replace",
    "document_add",
    "document_remove",
    "documents_step_finish",
    "expenses_replace",
    "household_save",
    "incomes_replace",
    "message_post",
    "plan_offer_accept",
    "plan_offer_decline",
    "plan_offer_publish",
    "signed_plan_pdf",
    "verification_request_record",
]
