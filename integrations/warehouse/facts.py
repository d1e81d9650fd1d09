"""What callers may tell the analytics stream: one frozen dataclass of facts per event type.

This is the allowlist. A field that is not declared here cannot be passed (the dataclass
constructor refuses unknown keywords; ``facts_build`` refuses unknown keys of a mapping),
and every declared field is checked for its type and range on construction. There is no
field for a name, contact data, SSN, address, free text or a document: the raw values that
are here (birth date, ZIP code, household size, income, debt) are generalized by
``deidentify`` before anything is stored. Pure Python: no Django.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from .errors import FactsError


class EventType(StrEnum):
    APPLICATION_STARTED = "application_started"
    STEP_COMPLETED = "step_completed"
    SUBMITTED = "submitted"
    VERIFICATION_COMPLETED = "verification_completed"
    VERIFICATION_FAILED = "verification_failed"
    PLAN_OFFERED = "plan_offered"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    ENROLLED = "enrolled"
    CLOSED = "closed"
    COUNSELING_REQUESTED = "counseling_requested"


# Closed lists: a free-text value can never reach the warehouse through a choice field.
STEPS = ("about-you", "consents", "income", "expenses", "debts", "bank", "documents", "review")
LANGUAGES = ("en", "es")
VERIFICATION_SOURCES = ("bureau", "bank", "income", "identity")
FAILURE_REASONS = (
    "no_hit",
    "file_frozen",
    "identity_mismatch",
    "login_required",
    "consent_missing",
    "vendor_unavailable",
    "other",
)
DECLINE_REASONS = ("payment_too_high", "chose_other_option", "no_response", "other")
CLOSE_REASONS = ("completed", "dropped", "withdrawn", "ineligible", "inactive", "other")
COUNSELING_TOPICS = ("budget", "debt", "housing", "student_loans", "bankruptcy", "other")

_ZIP = re.compile(r"\d{5}(-\d{4})?")
# A creditor as named in the agency's creditor-terms table: a company name, short, no digits
# runs that could be an account number.
_CREDITOR = re.compile(r"[A-Za-z][A-Za-z0-9 &.,'/-]{0,59}")
_ACCOUNT_LIKE = re.compile(r"\d{4,}")
MAX_MONEY = Decimal("100000000")  # $100M: anything above is a data error, not a household


Check = Callable[[str, Any], None]


def _fail(name: str, what: str) -> None:
    raise FactsError(f"{name}: {what}")


def money(optional: bool = False) -> Check:
    def check(name: str, value: Any) -> None:
        if value is None and optional:
            return
        if type(value) is not Decimal or not value.is_finite():
            _fail(name, "must be a finite Decimal (never float or str)")
        if not Decimal(0) <= value < MAX_MONEY:
            _fail(name, "is out of range")

    return check


def whole(low: int, high: int, optional: bool = False) -> Check:
    def check(name: str, value: Any) -> None:
        if value is None and optional:
            return
        if type(value) is not int or not low <= value <= high:
            _fail(name, f"must be a whole number from {low} to {high}")

    return check


def choice(options: tuple[str, ...]) -> Check:
    def check(name: str, value: Any) -> None:
        if type(value) is not str or value not in options:
            _fail(name, f"must be one of {', '.join(options)}")

    return check


def birth_date_check(name: str, value: Any) -> None:
    if value is not None and (type(value) is not date or isinstance(value, datetime)):
        _fail(name, "must be a date")


def zip_code_check(name: str, value: Any) -> None:
    if value is not None and (type(value) is not str or not _ZIP.fullmatch(value)):
        _fail(name, "must be a 5-digit ZIP code (ZIP+4 allowed)")


def creditor_check(name: str, value: Any) -> None:
    if type(value) is not str or not _CREDITOR.fullmatch(value) or _ACCOUNT_LIKE.search(value):
        _fail(name, "must be the creditor's name from the agency's creditor terms")


def percent_check(name: str, value: Any) -> None:
    if type(value) is not Decimal or not value.is_finite() or not 0 <= value <= 100:
        _fail(name, "must be a Decimal percentage from 0 to 100")


def nested(cls: type) -> Check:
    def check(name: str, value: Any) -> None:
        if type(value) is not cls:
            _fail(name, f"must be {cls.__name__}")

    return check


def nested_tuple(cls: type, most: int) -> Check:
    def check(name: str, value: Any) -> None:
        if type(value) is not tuple or len(value) > most:
            _fail(name, f"must be a tuple of at most {most} {cls.__name__}")
        for item in value:
            nested(cls)(name, item)

    return check


def _ref(name: str, value: Any) -> None:
    if type(value) is not str or not 1 <= len(value) <= 100:
        _fail(name, "must be a reference string of 1 to 100 characters")


def checked(check: Check) -> dict[str, Check]:
    """Field metadata naming the field's check (run by _Checked on construction)."""
    return {"check": check}


class _Checked:
    """Checks every declared field on construction (the allowlist's types and ranges)."""

    def __post_init__(self) -> None:
        for declared in fields(self):  # type: ignore[arg-type]
            check = declared.metadata["check"]
            check(f"{type(self).__name__}.{declared.name}", getattr(self, declared.name))


@dataclass(frozen=True, kw_only=True)
class Subject(_Checked):
    """Whom an event is about, as references that are pseudonymized before storage.

    ``consumer_ref``: the consumer's stable id in this deployment (``str(user.pk)``);
    ``case_ref``: the application's ``public_id``. Only keyed hashes of them are kept.
    """

    consumer_ref: str = field(metadata=checked(_ref))
    case_ref: str = field(metadata=checked(_ref))


@dataclass(frozen=True, kw_only=True)
class Profile(_Checked):
    """The household's quasi-identifiers as stated; generalized to bands before storage."""

    birth_date: date | None = field(default=None, metadata=checked(birth_date_check))
    zip_code: str | None = field(default=None, metadata=checked(zip_code_check))
    household_size: int | None = field(default=None, metadata=checked(whole(1, 30, optional=True)))
    monthly_income: Decimal | None = field(default=None, metadata=checked(money(optional=True)))
    unsecured_debt: Decimal | None = field(default=None, metadata=checked(money(optional=True)))


@dataclass(frozen=True, kw_only=True)
class Concession(_Checked):
    creditor: str = field(metadata=checked(creditor_check))
    apr: Decimal = field(metadata=checked(percent_check))


@dataclass(frozen=True, kw_only=True)
class PlanTerms(_Checked):
    """A Debt Management Plan's figures; amounts are rounded before storage."""

    monthly_payment: Decimal = field(metadata=checked(money()))
    term_months: int = field(metadata=checked(whole(1, 600)))
    enrolled_debt: Decimal = field(metadata=checked(money()))
    interest_saved: Decimal = field(metadata=checked(money()))
    concessions: tuple[Concession, ...] = field(
        default=(), metadata=checked(nested_tuple(Concession, 100))
    )


@dataclass(frozen=True, kw_only=True)
class ApplicationStarted(_Checked):
    language: str = field(default="en", metadata=checked(choice(LANGUAGES)))


@dataclass(frozen=True, kw_only=True)
class StepCompleted(_Checked):
    step: str = field(metadata=checked(choice(STEPS)))


@dataclass(frozen=True, kw_only=True)
class Submitted(_Checked):
    profile: Profile = field(metadata=checked(nested(Profile)))


@dataclass(frozen=True, kw_only=True)
class VerificationCompleted(_Checked):
    source: str = field(metadata=checked(choice(VERIFICATION_SOURCES)))
    flag_count: int = field(default=0, metadata=checked(whole(0, 1000)))


@dataclass(frozen=True, kw_only=True)
class VerificationFailed(_Checked):
    source: str = field(metadata=checked(choice(VERIFICATION_SOURCES)))
    reason: str = field(metadata=checked(choice(FAILURE_REASONS)))


@dataclass(frozen=True, kw_only=True)
class PlanOffered(_Checked):
    plan: PlanTerms = field(metadata=checked(nested(PlanTerms)))


@dataclass(frozen=True, kw_only=True)
class Accepted(_Checked):
    plan: PlanTerms = field(metadata=checked(nested(PlanTerms)))


@dataclass(frozen=True, kw_only=True)
class Declined(_Checked):
    reason: str = field(metadata=checked(choice(DECLINE_REASONS)))


@dataclass(frozen=True, kw_only=True)
class Enrolled(_Checked):
    plan: PlanTerms = field(metadata=checked(nested(PlanTerms)))


@dataclass(frozen=True, kw_only=True)
class Closed(_Checked):
    reason: str = field(metadata=checked(choice(CLOSE_REASONS)))
    months_enrolled: int | None = field(
        default=None, metadata=checked(whole(0, 600, optional=True))
    )


@dataclass(frozen=True, kw_only=True)
class CounselingRequested(_Checked):
    topic: str = field(metadata=checked(choice(COUNSELING_TOPICS)))


FACTS_BY_EVENT: dict[EventType, type] = {
    EventType.APPLICATION_STARTED: ApplicationStarted,
    EventType.STEP_COMPLETED: StepCompleted,
    EventType.SUBMITTED: Submitted,
    EventType.VERIFICATION_COMPLETED: VerificationCompleted,
    EventType.VERIFICATION_FAILED: VerificationFailed,
    EventType.PLAN_OFFERED: PlanOffered,
    EventType.ACCEPTED: Accepted,
    EventType.DECLINED: Declined,
    EventType.ENROLLED: Enrolled,
    EventType.CLOSED: Closed,
    EventType.COUNSELING_REQUESTED: CounselingRequested,
}


def event_type_parse(value: Any) -> EventType:
    """The event type from the closed list; FactsError for anything else."""
    try:
        return EventType(value)
    except ValueError:
        raise FactsError("event_type: not one of the documented event types") from None


def facts_build(event_type: EventType, facts: Any) -> Any:
    """The facts for `event_type`, as its exact dataclass.

    Accepts an instance of that dataclass (subclasses are refused: they could add fields)
    or a mapping whose keys are all declared fields (nested mappings become the nested
    dataclasses). Raises FactsError naming the first unknown or wrong field.
    """
    cls = FACTS_BY_EVENT[event_type]
    if isinstance(facts, Mapping):
        return _from_mapping(cls, facts, event_type.value)
    if type(facts) is not cls:
        raise FactsError(f"facts for {event_type.value} must be {cls.__name__}")
    return facts


def _from_mapping(cls: type, data: Mapping[str, Any], where: str) -> Any:
    declared = {f.name: f for f in fields(cls)}
    unknown = sorted(str(key) for key in data if key not in declared)
    if unknown:
        raise FactsError(f"{where}: field {unknown[0]!r} is not in the allowlist")
    values = {name: _nested_value(declared[name], value, where) for name, value in data.items()}
    try:
        return cls(**values)
    except TypeError:
        raise FactsError(f"{where}: a required field is missing") from None


def _nested_value(declared: Any, value: Any, where: str) -> Any:
    target = _nested_target(declared)
    if target is None:
        return value
    if isinstance(value, Mapping):
        return _from_mapping(target, value, f"{where}.{declared.name}")
    if isinstance(value, list | tuple):
        return tuple(
            _from_mapping(target, v, f"{where}.{declared.name}") if isinstance(v, Mapping) else v
            for v in value
        )
    return value


_NESTED = {"profile": Profile, "plan": PlanTerms, "concessions": Concession}


def _nested_target(declared: Any) -> type | None:
    target = _NESTED.get(declared.name)
    return target if target is not None and is_dataclass(target) else None
