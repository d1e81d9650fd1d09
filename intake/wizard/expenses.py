"""The expense worksheet: counseling categories (DOMAIN.md) and their lines, with help
text and the IRS typical amount for the household size where the IRS publishes one."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from intake.engine.irs_standards import load_standards

from .fields import AmountField
from .forms import StepForm


@dataclass(frozen=True)
class Line:
    name: str
    label: Promise
    help: Promise | str = ""


@dataclass(frozen=True)
class Group:
    name: str
    label: Promise
    lines: tuple[Line, ...]
    irs_item: str = ""  # national standard item for the typical amount


GROUPS = (
    Group(
        "housing",
        _("Housing"),
        (
            Line("rent", _("Rent"), _("Your mortgage goes in the Debts step.")),
            Line("hoa", _("HOA or condo fees")),
            Line("property_tax", _("Property tax (if not in your mortgage payment)")),
            Line("home_insurance", _("Homeowner's insurance (if not in your mortgage payment)")),
            Line("renters_insurance", _("Renter's insurance")),
            Line("home_repairs", _("Home repairs and upkeep")),
        ),
    ),
    Group(
        "utilities",
        _("Utilities"),
        (
            Line("electric", _("Electricity")),
            Line("gas", _("Gas or heating oil")),
            Line("water_sewer_trash", _("Water, sewer and trash")),
            Line("phone", _("Phone (mobile and home)")),
            Line("internet_tv", _("Internet and TV")),
        ),
    ),
    Group(
        "food",
        _("Food"),
        (
            Line("groceries", _("Groceries")),
            Line("eating_out", _("Eating out and take-away")),
        ),
        irs_item="food",
    ),
    Group(
        "transportation",
        _("Transportation"),
        (
            Line("fuel", _("Gas for the car")),
            Line("auto_insurance", _("Car insurance")),
            Line("vehicle_maintenance", _("Car repairs, registration and parking")),
            Line("transit", _("Bus, train or rideshare")),
        ),
    ),
    Group(
        "insurance",
        _("Insurance"),
        (
            Line("health_insurance", _("Health insurance you pay yourself")),
            Line("life_insurance", _("Life insurance")),
        ),
    ),
    Group(
        "medical",
        _("Medical"),
        (
            Line("copays", _("Doctor visits and copays")),
            Line("prescriptions", _("Prescriptions")),
        ),
    ),
    Group(
        "childcare_support",
        _("Children and support"),
        (
            Line("childcare", _("Childcare")),
            Line("child_support_paid", _("Child support you pay")),
            Line("alimony_paid", _("Alimony you pay")),
        ),
    ),
    Group(
        "personal",
        _("Personal and other"),
        (
            Line("personal_care", _("Personal care (haircuts, toiletries)")),
            Line("clothing", _("Clothing and laundry")),
            Line("education", _("School and education")),
            Line("pets", _("Pets")),
            Line("charity", _("Donations and church")),
            Line("entertainment", _("Entertainment and subscriptions")),
            Line("other", _("Anything else you pay every month")),
        ),
    ),
)
LINE_NAMES = tuple(line.name for group in GROUPS for line in group.lines)
_LABELS: dict[str, Promise] = {
    **{group.name: group.label for group in GROUPS},
    "childcare_support": _("Children and support"),
    **{line.name: line.label for group in GROUPS for line in group.lines},
}


def expense_label(name: str) -> Promise | str:
    """The worksheet's words for a stored expense line or category ("auto_insurance" ->
    "Car insurance"); an unknown name reads as words, never with underscores."""
    return _LABELS.get(name) or name.replace("_", " ").capitalize()


def expense_position(name: str) -> int:
    """Where the line stands on the worksheet (unknown names last)."""
    return LINE_NAMES.index(name) if name in LINE_NAMES else len(LINE_NAMES)


def typical_amount(group: Group, household_size: int | None) -> Decimal | None:
    """The IRS national standard for this group and household size, when published."""
    if not group.irs_item or not household_size:
        return None
    return load_standards().national_item(group.irs_item, household_size).amount


def _expenses_form_class() -> type[StepForm]:
    attrs: dict[str, Any] = {
        line.name: AmountField(label=line.label, help_text=line.help)
        for group in GROUPS
        for line in group.lines
    }
    attrs["__doc__"] = "Monthly amounts per worksheet line; every line may stay blank."
    return type("ExpensesForm", (StepForm,), attrs)


ExpensesForm = _expenses_form_class()
