"""Reads of the verification for the counselor's case panel and the consumer's portal."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Case, Exists, OuterRef, Q, Value, When
from django.utils.translation import gettext_lazy as _

from integrations.plaid.models import PlaidAccount, PlaidItem
from integrations.transunion.models import BureauPull, CreditReport

from ..models import Application, VerificationFlag, VerificationRequest

# What the consumer sees of a flag: plain words, no figures from the report.
CONSUMER_TEXT = {
    "income_differs": _(
        "Your income looks different from your bank deposits. Your counselor will go over it "
        "with you."
    ),
    "debt_not_listed": _(
        "Your credit report shows debts you did not list. Your counselor will review them with you."
    ),
    "debts_prefilled": _(
        "We added the debts from your credit report. Your counselor will check them with you."
    ),
    "file_frozen": _(
        "Your credit file is frozen, so we could not see your credit report. You can lift the "
        "freeze with the credit bureau, then tell your counselor."
    ),
    "bank_reconnect": _(
        "Your bank connection stopped working. You can connect it again, or send statements."
    ),
}


@dataclass(frozen=True)
class VerificationSummary:
    """Everything the counselor panel shows of one application's verification."""

    status: str  # not_requested, running, complete
    requested_at: datetime | None = None
    completed_at: datetime | None = None
    bureau_outcome: str = ""
    bureau_pull_id: str | None = None
    bureau_status: str = ""
    bureau_failed: bool = False  # "Verification failed — re-run" (verification_rerun)
    score: int | None = None
    tradelines: list[dict[str, Any]] = field(default_factory=list)
    collections: list[dict[str, Any]] = field(default_factory=list)
    public_records: list[dict[str, Any]] = field(default_factory=list)
    accounts: list[dict[str, Any]] = field(default_factory=list)
    items: list[dict[str, Any]] = field(default_factory=list)
    income: dict[str, Any] = field(default_factory=dict)
    matching: dict[str, Any] = field(default_factory=dict)
    expenses: dict[str, Any] = field(default_factory=dict)
    identity: dict[str, Any] = field(default_factory=dict)
    flags: list[VerificationFlag] = field(default_factory=list)
    # Bank liabilities (cards) with the stated debt each matched ("stated_debt": public id).
    cards: list[dict[str, Any]] = field(default_factory=list)


def _bureau(request: VerificationRequest) -> dict[str, Any]:
    pull = BureauPull.objects.filter(public_id=request.bureau_pull_id).first()
    if pull is None:
        return {}
    found: dict[str, Any] = {
        "bureau_pull_id": str(pull.public_id),
        "bureau_status": pull.status,
        "bureau_failed": pull.status == BureauPull.Status.FAILED,
    }
    report = CreditReport.objects.filter(pull=pull).first()
    if report is not None:
        summary = report.summary
        found |= {
            "score": report.score,
            "tradelines": summary.get("tradelines", []),
            "collections": summary.get("collections", []),
            "public_records": summary.get("public_records", []),
        }
    return found


def _bank(application: Application) -> dict[str, Any]:
    ids = list(
        application.bank_connections.filter(removed_at__isnull=True).values_list(
            "item_public_id", flat=True
        )
    )
    items = PlaidItem.objects.filter(public_id__in=ids).order_by("pk")
    accounts = PlaidAccount.objects.filter(item__in=items).order_by("pk")
    return {
        "items": [
            {
                "id": str(i.public_id),
                "institution": i.institution_id,
                "status": i.status,
                "synced_at": i.synced_at,
            }
            for i in items
        ],
        "accounts": [
            {
                "name": a.name,
                "mask": a.mask,
                "type": a.type,
                "subtype": a.subtype,
                "current": a.current,
                "available": a.available,
                "limit": a.limit,
                "purchase_apr": a.purchase_apr,
                "minimum_payment": a.minimum_payment,
            }
            for a in accounts
        ],
    }


def verification_summary(application: Application) -> VerificationSummary:
    """The verified picture of an application: bureau status, score, tradelines,
    collections and public records; bank accounts with balances, APRs and minimums; the
    reconciliation's income, debt matching, card liabilities, expenses and identity
    figures; every flag.
    Counselor-side only (flags carry staff text)."""
    request = VerificationRequest.objects.filter(application=application).first()
    if request is None:
        return VerificationSummary(status="not_requested")
    result = request.result or {}
    return VerificationSummary(
        status="complete" if request.completed_at else "running",
        requested_at=request.created_at,
        completed_at=request.completed_at,
        bureau_outcome=request.bureau_outcome,
        income=result.get("income", {}),
        matching=result.get("tradelines", {}),
        expenses=result.get("expenses", {}),
        identity=result.get("identity", {}),
        cards=result.get("cards", []),
        flags=list(application.verification_flags.all()),
        **_bureau(request),
        **_bank(application),
    )


def verification_flags_for_consumer(application: Application) -> list[str]:
    """The consumer-safe subset: one plain sentence per kind of flag, in the active
    language, without figures."""
    codes = (
        application.verification_flags.filter(consumer_visible=True)
        .values_list("code", flat=True)
        .distinct()
    )
    return [str(CONSUMER_TEXT[c]) for c in sorted(set(codes)) if c in CONSUMER_TEXT]


# Verification states as the counselor queue filters them (``verification_state_q``).
VERIFICATION_STATES = {
    "not_run": "Not run",
    "running": "Running",
    "verified": "Verified",
    "failed": "Failed",
}


def verification_state_q(state: str) -> Q:
    """A condition on ``Application`` for one verification state, for a filter inside one
    query (a subquery, no extra round trip). The same reading as ``verification_summary``:
    not run = no verification request; failed = its bureau pull failed ("re-run");
    verified = the reconciliation completed and the pull did not fail; running = the rest.
    An unknown state is no condition. Each state is a semi- or anti-join on the request
    (``EXISTS``), which the planner estimates well, so the queue keeps reading its index
    in page order (a LEFT JOIN ... IS NULL it takes for "almost none" and scans the table).
    """
    if state not in VERIFICATION_STATES:
        return Q()
    requests = VerificationRequest.objects.filter(application=OuterRef("pk"))
    if state == "not_run":
        return ~Q(Exists(requests))
    failed = Exists(
        BureauPull.objects.filter(
            public_id=OuterRef("bureau_pull_id"), status=BureauPull.Status.FAILED
        )
    )
    if state == "failed":
        return Q(Exists(requests.filter(failed)))
    return Q(Exists(requests.filter(~Q(failed), completed_at__isnull=state == "running")))


def verification_state() -> Case:
    """Each application's verification state (a key of ``VERIFICATION_STATES``), as an
    expression to annotate on ``Application`` rows: the conditions of
    ``verification_state_q``, no query of its own."""
    return Case(
        *(
            When(verification_state_q(state), then=Value(state))
            for state in ("not_run", "failed", "verified")
        ),
        default=Value("running"),
    )
