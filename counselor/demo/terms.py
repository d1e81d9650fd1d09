"""Demo data for the counselor side: a creditor terms table and one proposal.

The terms are the examples DOMAIN.md reports (Chase 29.99% -> 6%; concessions of 7.4%
and 9.9%; "as low as 8%, sometimes 0%") spread over the large card issuers. They are
illustrative, not any creditor's published terms: each agency keeps its own table.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from counselor.models import CreditorTerms, Proposal
from counselor.services.proposals import proposal_start
from intake.models import Application

D = Decimal
DEMO_REASON = "Demo seed (DOMAIN.md observed examples; illustrative)"
DEMO_TERMS: tuple[dict[str, Any], ...] = (
    {
        "creditor": "Agency default terms",
        "is_default": True,
        "concession_apr": None,
        "notes": "Any creditor not in the table: 2% of balance, current APR, 60 months.",
    },
    {
        "creditor": "Chase",
        "aliases": ["CHASE CARD", "CHASE BANK USA", "JPMCB", "JPMCB CARD"],
        "concession_apr": D("6.00"),
        "fair_share_pct": D("8.00"),
        "reage_after_payments": 3,
        "notes": "Observed: 29.99% reduced to 6%.",
    },
    {
        "creditor": "Synchrony Bank",
        "aliases": ["SYNCB", "SYNCB/AMAZON", "SYNCB/CARE CREDIT", "SYNCB/LOWES", "SYNCB/PPC"],
        "concession_apr": D("9.90"),
        "reage_after_payments": 3,
        "notes": "Store cards appear as SYNCB/<store> on credit reports.",
    },
    {
        "creditor": "Capital One",
        "aliases": ["CAPITAL ONE BANK USA NA", "CAP ONE", "CAPONE"],
        "concession_apr": D("7.40"),
        "min_payment_pct": D("2.50"),
        "notes": "Illustrative: a concession at 7.4%.",
    },
    {
        "creditor": "Discover",
        "aliases": ["DISCOVER FIN SVCS LLC", "DISCOVER BANK", "DSCVR"],
        "concession_apr": D("7.40"),
        "fair_share_pct": D("5.00"),
        "notes": "Illustrative: a concession at 7.4%.",
    },
    {
        "creditor": "Citibank",
        "aliases": ["CITI", "CITICARDS CBNA", "CBNA", "CITIBANK NA"],
        "concession_apr": D("9.90"),
        "notes": "Illustrative: a concession at 9.9%.",
    },
    {
        "creditor": "Bank of America",
        "aliases": ["BK OF AMER", "BANK OF AMERICA NA", "BOFA"],
        "concession_apr": D("8.00"),
        "notes": "Observed wording: as low as 8%, sometimes 0%.",
    },
    {
        "creditor": "Wells Fargo",
        "aliases": ["WELLS FARGO CARD SER", "WF CRD SVC", "WFBNA CARD"],
        "concession_apr": D("7.40"),
        "notes": "Illustrative: a concession at 7.4%.",
    },
    {
        "creditor": "Barclays",
        "aliases": ["BARCLAYS BANK DELAWARE", "BRCLYSBANKDE"],
        "concession_apr": D("9.90"),
        "notes": "Illustrative: a concession at 9.9%.",
    },
    {
        "creditor": "Medical collections",
        "aliases": ["MEDICAL", "MEDICAL PAYMENT DATA", "MED1", "MEDICAL COLLECTIONS"],
        "concession_apr": D("0.00"),
        "min_payment_pct": D("1.50"),
        "notes": "Medical debt in collection usually carries no interest; 0% assumed.",
    },
)

DEMO_INPUTS: dict[str, Any] = {
    "state": "PA",
    "start": "2026-02-01",
    "language": "en",
    "fee_waiver": "",
    "household": {
        "size": 2,
        "members_65_and_over": 0,
        "vehicles": 1,
        "county": None,
        "incomes": [
            {"kind": "wages", "gross": "5200.00", "net": "4100.00", "frequency": "monthly"}
        ],
        "expenses": [
            {"category": "rent", "amount": "1350.00", "frequency": "monthly"},
            {"category": "utilities", "amount": "260.00", "frequency": "monthly"},
            {"category": "groceries", "amount": "620.00", "frequency": "monthly"},
            {"category": "transportation", "amount": "300.00", "frequency": "monthly"},
            {"category": "insurance", "amount": "180.00", "frequency": "monthly"},
        ],
    },
    "debts": [
        {
            "id": "d1",
            "creditor": "CHASE CARD",
            "balance": "6200.00",
            "apr": "29.99",
            "min_payment": "210.00",
            "secured": False,
            "is_housing": False,
        },
        {
            "id": "d2",
            "creditor": "SYNCB/AMAZON",
            "balance": "2400.00",
            "apr": "26.99",
            "min_payment": "85.00",
            "secured": False,
            "is_housing": False,
        },
        {
            "id": "d3",
            "creditor": "CAPITAL ONE BANK USA NA",
            "balance": "3100.00",
            "apr": "24.49",
            "min_payment": "95.00",
            "secured": False,
            "is_housing": False,
        },
        {
            "id": "d4",
            "creditor": "TOYOTA MOTOR CREDIT",
            "balance": "9800.00",
            "apr": "6.90",
            "min_payment": "320.00",
            "secured": True,
            "is_housing": False,
        },
    ],
    "exclusions": [],
    "overrides": [],
}


def creditor_terms_seed() -> int:
    """Adds the demo terms that are not in the table yet; returns how many were added.

    Side effects: inserts CreditorTerms rows (version 1, changed by the system).
    """
    taken = {
        name.lower()
        for name in CreditorTerms.objects.filter(valid_to__isnull=True).values_list(
            "creditor", flat=True
        )
    }
    has_default = CreditorTerms.objects.filter(valid_to__isnull=True, is_default=True).exists()
    now, rows = timezone.now(), []
    for entry in DEMO_TERMS:
        if entry["creditor"].lower() in taken or (entry.get("is_default") and has_default):
            continue
        rows.append(CreditorTerms(**entry, valid_from=now, change_reason=DEMO_REASON))
    CreditorTerms.objects.bulk_create(rows)
    return len(rows)


@transaction.atomic
def counselor_demo_seed() -> None:
    """The demo terms table, and a proposal for the first case under review (if none).

    Side effects: inserts terms rows; may insert one Proposal with its first version
    and their audit events.
    """
    creditor_terms_seed()
    case = (
        Application.objects.filter(status=Application.Status.IN_REVIEW)
        .order_by("created_at", "pk")
        .values_list("public_id", flat=True)
        .first()
    )
    if case is not None and not Proposal.objects.exists():
        proposal_start(case_id=case, inputs=DEMO_INPUTS, actor=None)
