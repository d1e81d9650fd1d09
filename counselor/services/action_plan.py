"""The written action plan and DMP disclosures (COA FEC 4, PA-FEC 7): one document per
language, rendered from ``templates/counselor/action_plan_<lang>.html`` (the Spanish text
lives in its own template, not in the shared .po file), shown as a page and as a PDF.

The document's identity is the sha256 of its exact rendered HTML; the PDF is made from
that HTML deterministically (fixed creation date), so a frozen offer can be re-rendered
and checked byte for byte.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from django.template.loader import render_to_string

from counselor.engine.builder import ProposalResult
from counselor.engine.chart import PayoffChart, payoff_chart
from counselor.engine.dmp import Comparison, Debt
from counselor.engine.snapshots import BuilderInputs
from intake.engine.money import money_text
from intake.services.pdf import document_pdf

LANGUAGES = ("en", "es")


@dataclass(frozen=True)
class SchedulePeriod:
    """Consecutive plan months with the same deposit (the engine's ``Plan.schedule``)."""

    first_month: int
    last_month: int
    first_due: date
    last_due: date
    to_creditors: Decimal
    fee: Decimal
    deposit: Decimal


@dataclass(frozen=True)
class DebtRow:
    """One disclosed debt and what the plan does with it."""

    debt: Debt
    status: str  # "enrolled", "secured" or "excluded"
    line: object | None  # the PlanLine when enrolled

    @property
    def is_excluded(self) -> bool:
        """An unsecured debt the counselor left out of the plan."""
        return self.status == "excluded"


@dataclass(frozen=True)
class ActionPlanDocument:
    html: str
    language: str
    sha256: str


def schedule_periods(result: ProposalResult) -> tuple[SchedulePeriod, ...]:
    """The plan's month-by-month schedule, grouped where the deposit does not change."""
    periods: list[SchedulePeriod] = []
    for month in result.plan.schedule:
        last = periods[-1] if periods else None
        if last and (last.deposit, last.to_creditors) == (month.deposit, month.to_creditors):
            periods[-1] = SchedulePeriod(
                last.first_month,
                month.month,
                last.first_due,
                month.due_date,
                last.to_creditors,
                last.fee,
                last.deposit,
            )
            continue
        periods.append(
            SchedulePeriod(
                month.month,
                month.month,
                month.due_date,
                month.due_date,
                month.to_creditors,
                month.fee,
                month.deposit,
            )
        )
    return tuple(periods)


def debt_rows(result: ProposalResult) -> tuple[DebtRow, ...]:
    """Every disclosed debt in the order given, with its status and plan line."""
    lines = {id(line.debt): line for line in result.plan.lines}
    excluded = {id(debt) for debt in result.excluded}
    rows = []
    for debt in result.debts:
        line = lines.get(id(debt))
        status = "secured" if debt.secured else "excluded" if id(debt) in excluded else "enrolled"
        rows.append(DebtRow(debt, status, line))
    return tuple(rows)


def document_sha256(html: str) -> str:
    """The hash an offer freezes: sha256 of the exact rendered document (UTF-8)."""
    return hashlib.sha256(html.encode("utf-8")).hexdigest()


# The plan against paying only the minimums, per language: interest saved / interest more,
# months saved / months more (singular, plural), no change in months, and the joining word.
COMPARISON_WORDS = {
    "en": (
        "{} less interest",
        "{} more interest",
        "{} fewer {}",
        "{} more {}",
        ("month", "months"),
        "the same number of months",
        "and",
    ),
    "es": (
        "{} menos en intereses",
        "{} más en intereses",
        "{} {} menos",
        "{} {} más",
        ("mes", "meses"),
        "el mismo número de meses",
        "y",
    ),
}


def comparison_phrase(comparison: Comparison, language: str) -> str:
    """The plan against paying only the minimums, in the document's words: "$1,536.16 less
    interest and 14 fewer months", or "$307.98 more interest and 2 more months" for a plan
    that runs longer (never a negative saving); "" when the minimums never pay off."""
    saved, months = comparison.interest_saved, comparison.months_saved
    if saved is None or months is None:
        return ""
    less, more, fewer, longer, units, same, joined = COMPARISON_WORDS[language]
    interest = more.format(money_text(-saved)) if saved < 0 else less.format(money_text(saved))
    unit = units[0] if abs(months) == 1 else units[1]
    span = (longer if months < 0 else fewer).format(abs(months), unit) if months else same
    return f"{interest} {joined} {span}"


def action_plan_context(
    *,
    result: ProposalResult,
    inputs: BuilderInputs,
    agency_name: str,
    case_id: str,
    version: int,
    language: str,
    reasons: tuple[str, ...],
) -> dict[str, object]:
    """What the document templates show: the engine's objects, grouped, not recomputed;
    ``reasons`` is "Your situation" (the offer rule's, ``services.offers``)."""
    if language not in LANGUAGES:
        raise ValueError(f"the action plan is written in {LANGUAGES}, not {language!r}")
    return {
        "result": result,
        "plan": result.plan,
        "inputs": inputs,
        "agency_name": agency_name,
        "case_id": case_id,
        "version": version,
        "language": language,
        "document_template": f"counselor/action_plan_{language}.html",
        "periods": schedule_periods(result),
        "rows": debt_rows(result),
        "reasons": reasons,
        "fair_share": any(line.fair_share for line in result.plan.lines),
        "fee_phrase": result.plan.fee_phrase(language),
        "comparison_phrase": comparison_phrase(result.comparison, language),
        "fee_rule_phrase": result.plan.fee_rule_phrase(language),
    }


def action_plan_render(context: dict[str, object]) -> ActionPlanDocument:
    """The document for an :func:`action_plan_context`. Side effects: none."""
    html = render_to_string(str(context["document_template"]), context)
    return ActionPlanDocument(html, str(context["language"]), document_sha256(html))


def action_plan_pdf(document: ActionPlanDocument, *, created: date) -> bytes:
    """The document as a PDF (fpdf2, built-in fonts). Same document and date, same bytes."""
    return document_pdf(
        document.html,
        title="Action plan" if document.language == "en" else "Plan de acción",
        language=document.language,
        created=datetime(created.year, created.month, created.day, tzinfo=UTC),
    )


def builder_chart(result: ProposalResult) -> PayoffChart:
    """The payoff chart of a priced proposal."""
    return payoff_chart(result.plan, result.payoff)
