"""What every step page shows: the step indicator, progress, time left, error summary."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from ..models import Application, Consent
from ..selectors.applications import budget_for, household_of
from ..selectors.consents import consent_is_live
from ..services.bank import SANDBOX_INSTITUTIONS, bank_connections_live, bank_link_available
from ..services.consents import consent_text
from .expenses import GROUPS, expense_label, typical_amount
from .steps import STEPS, TRACKED, Step


def progress(application: Application, current: Step) -> dict[str, Any]:
    done = [slug for slug in TRACKED if slug in application.completed_steps]
    index = next(n for n, s in enumerate(STEPS) if s.slug == current.slug)
    left = sum(s.minutes for s in STEPS if s.slug not in done)
    steps = [
        {"step": s, "number": n + 1, "done": s.slug in done, "current": s.slug == current.slug}
        for n, s in enumerate(STEPS)
    ]
    return {
        "steps": steps,
        "number": index + 1,
        "total": len(STEPS),
        "percent": round(100 * len(done) / len(STEPS)),
        "minutes_left": left,
    }


def _expense_groups(form: Any, application: Application) -> list[dict[str, Any]]:
    home = household_of(application)
    size = home.household_size if home else None
    return [
        {
            "group": group,
            "fields": [form[line.name] for line in group.lines],
            "typical": typical_amount(group, size),
            "size": size,
        }
        for group in GROUPS
    ]


def _consent_fields(form: Any, language: str) -> list[dict[str, Any]]:
    return [
        {"field": form[kind], "text": consent_text(kind, language), "label": label}
        for kind, label in Consent.Kind.choices
    ]


def step_context(
    step: Step, application: Application, form: Any, show_errors: bool, language: str = "en"
) -> dict[str, Any]:
    # The fields draw their errors only on a step being checked (tenants.uswds).
    for each in (form, *getattr(form, "forms", ())):
        each.show_errors = show_errors
    context: dict[str, Any] = {
        "application": application,
        "step": step,
        "form": form,
        "show_errors": show_errors,
        "errors": form.error_summary() if show_errors else [],
        "progress": progress(application, step),
        "household": household_of(application),
    }
    if step.slug == "expenses":
        context["groups"] = _expense_groups(form, application)
    if step.slug == "consents":
        context["consents"] = _consent_fields(form, language)
    if step.slug == "review":
        context["budget"] = budget_for(application)
        context["expense_lines"] = [
            (expense_label(e.category), e.amount) for e in application.expenses.all()
        ]
    if step.slug == "documents":
        context["documents"] = application.document_list
    if step.slug == "bank":
        context |= bank_context(application)
    return context


def bank_context(application: Application) -> dict[str, Any]:
    """The bank step: whether bank data may be used, the connections and their state."""
    names = dict(SANDBOX_INSTITUTIONS)
    connections = bank_connections_live(application)
    for connection in connections:
        institution = connection.institution_id
        connection.institution_known = institution in names  # test banks: English names
        connection.institution_name = names.get(institution) or _("Your bank")
    return {
        "bank_consent": consent_is_live(application, Consent.Kind.BANK_DATA),
        "connections": connections,
        "link_available": bank_link_available(),
    }
