"""The eight steps. Each knows how to turn the saved draft back into form data (`load`),
bind a form to data (`bind`), and save what is valid (`save`). Re-validating a step is
`bind(load(application))` + `check_complete()`, which is what submit does for every step.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, QueryDict
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tenants.uploads.errors import UploadRejected

from .. import services
from ..models import Application, Consent, Household
from .expenses import LINE_NAMES, ExpensesForm
from .forms import (
    AboutYouForm,
    BankForm,
    ConsentsForm,
    DebtFormSet,
    DocumentForm,
    IncomeFormSet,
    StepForm,
)
from .plain import PlainErrorsForm

ROWS = "rows"


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _rows_data(rows: list[dict[str, Any]], extra: int = 0) -> dict[str, str]:
    data = {
        f"{ROWS}-TOTAL_FORMS": str(len(rows) + extra),
        f"{ROWS}-INITIAL_FORMS": "0",
        f"{ROWS}-MIN_NUM_FORMS": "0",
        f"{ROWS}-MAX_NUM_FORMS": "1000",
    }
    for n, row in enumerate(rows):
        data |= {f"{ROWS}-{n}-{k}": v for k, v in row.items() if v not in ("", None, False)}
    return data


@dataclass(frozen=True)
class Step:
    slug: str
    title: Promise
    minutes: int
    template: str

    def load(self, application: Application) -> dict[str, str]:
        return {}

    @property
    def autosaves(self) -> bool:
        """Saved as the consumer types (htmx); documents and review save on their buttons."""
        return self.slug not in ("documents", "review")

    @property
    def takes_files(self) -> bool:
        return self.slug == "documents"

    def next_slug(self) -> str:
        index = STEP_SLUGS.index(self.slug)
        return STEP_SLUGS[min(index + 1, len(STEP_SLUGS) - 1)]

    def bind(self, data: Any, application: Application, files: Any = None) -> Any:
        raise LookupError(self.slug)

    def save(self, form: Any, application: Application, complete: bool, request: Any) -> bool:
        """Saves what is valid; False when nothing could be saved (e.g. tampered rows)."""
        return True


def _household(application: Application) -> Household | None:
    try:
        return application.household
    except Household.DoesNotExist:
        return None


def _ssn_needed(application: Application) -> bool:
    return any(
        c.kind == Consent.Kind.CREDIT_PULL and c.withdrawn_at is None
        for c in application.consents.all()
    )


class AboutYou(Step):
    def load(self, application: Application) -> dict[str, str]:
        home = _household(application)
        if home is None:
            return {}
        data = {name: _text(getattr(home, name)) for name in AboutYouForm.base_fields}
        data["ssn"] = home.ssn_masked
        for name in ("birth_date", "co_birth_date"):
            born = getattr(home, name)
            data[name] = born.strftime("%m/%d/%Y") if born else ""
        data["has_co_applicant"] = "on" if home.has_co_applicant else ""
        return data

    def bind(self, data: Any, application: Application, files: Any = None) -> AboutYouForm:
        home = _household(application)
        return AboutYouForm(
            data,
            existing_ssn=(home.ssn or "") if home else "",
            needs_ssn=_ssn_needed(application),
        )

    def save(self, form: Any, application: Application, complete: bool, request: Any) -> bool:
        services.household_save(
            application=application,
            values=form.values(),
            complete=complete,
            actor=request.user,
            request=request,
        )
        _mask_saved_ssn(form)
        return True


def _mask_saved_ssn(form: AboutYouForm) -> None:
    """A saved SSN is shown back masked, also when other fields send the form back with
    errors (posting the masked value keeps the stored number)."""
    ssn = form.cleaned_data.get("ssn") if "ssn" not in form.errors else None
    if ssn:
        form.data = form.data.copy()
        form.data["ssn"] = f"***-**-{ssn[-4:]}"


class Consents(Step):
    def load(self, application: Application) -> dict[str, str]:
        return {c.kind: "on" for c in application.consents.all() if c.withdrawn_at is None}

    def bind(self, data: Any, application: Application, files: Any = None) -> ConsentsForm:
        return ConsentsForm(data)

    def save(self, form: Any, application: Application, complete: bool, request: Any) -> bool:
        services.consents_save(
            application=application,
            granted=form.granted(),
            language=request.LANGUAGE_CODE,
            complete=complete,
            actor=request.user,
            request=request,
        )
        return True


class Incomes(Step):
    def load(self, application: Application) -> dict[str, str]:
        rows = [
            {"kind": i.kind, "gross": _text(i.gross), "net": _text(i.net), "frequency": i.frequency}
            for i in application.incomes.all()
        ]
        return _rows_data(rows)

    def bind(self, data: Any, application: Application, files: Any = None) -> Any:
        return IncomeFormSet(data, prefix=ROWS)

    def save(self, form: Any, application: Application, complete: bool, request: Any) -> bool:
        if not form.management_ok():
            return False
        services.incomes_replace(
            application=application,
            rows=form.values(),
            complete=complete,
            actor=request.user,
            request=request,
        )
        return True


class Expenses(Step):
    def load(self, application: Application) -> dict[str, str]:
        return {e.category: _text(e.amount) for e in application.expenses.all()}

    def bind(self, data: Any, application: Application, files: Any = None) -> StepForm:
        return ExpensesForm(data)

    def save(self, form: Any, application: Application, complete: bool, request: Any) -> bool:
        values = form.values()
        stored = self.load(application)
        # A line whose new value is invalid keeps its saved amount.
        lines = {n: values[n] if n in values else stored.get(n) or None for n in LINE_NAMES}
        services.expenses_replace(
            application=application,
            lines=lines,
            complete=complete,
            actor=request.user,
            request=request,
        )
        return True


class Debts(Step):
    def load(self, application: Application) -> dict[str, str]:
        rows = [
            {
                "row_id": str(d.public_id),
                "creditor": d.creditor,
                "kind": d.kind,
                "secured": "on" if d.secured else "",
                "balance": _text(d.balance),
                "apr": _text(d.apr),
                "minimum_payment": _text(d.minimum_payment),
                "past_due": _text(d.past_due),
            }
            for d in application.debts.all()
        ]
        return _rows_data(rows)

    def bind(self, data: Any, application: Application, files: Any = None) -> Any:
        return DebtFormSet(data, prefix=ROWS)

    def save(self, form: Any, application: Application, complete: bool, request: Any) -> bool:
        if not form.management_ok():
            return False
        services.debts_replace(
            application=application,
            rows=form.values(),
            complete=complete,
            actor=request.user,
            request=request,
        )
        return True


class Bank(Step):
    def load(self, application: Application) -> dict[str, str]:
        return {"skip": "on"} if application.bank_step_skipped else {}

    def bind(self, data: Any, application: Application, files: Any = None) -> BankForm:
        return BankForm(data)

    def save(self, form: Any, application: Application, complete: bool, request: Any) -> bool:
        if form.values().get("manual"):
            services.bank_manual_record(application=application, actor=request.user)
        elif not application.bank_connections.filter(removed_at__isnull=True).exists():
            services.bank_step_skip(application=application, actor=request.user)
        return True


class Documents(Step):
    def load(self, application: Application) -> dict[str, str]:
        return {"done": "on"} if application.documents_step_done else {}

    def bind(self, data: Any, application: Application, files: Any = None) -> DocumentForm:
        return DocumentForm(data, files)

    def save(self, form: Any, application: Application, complete: bool, request: Any) -> bool:
        values = form.values()
        if values.get("upload") and values.get("file") is None:
            form.add_error("file", _("Choose a file to upload first."))
            return False
        if values.get("file") is not None:
            if not values.get("kind"):
                form.add_error("kind", _("Choose what the document is."))
                return False
            try:
                services.document_add(
                    application=application,
                    upload=values["file"],
                    kind=values["kind"],
                    actor=request.user,
                    request=request,
                )
            except UploadRejected as exc:
                form.add_error("file", exc.message)
                return False
        if values.get("done"):
            services.documents_step_finish(application=application, actor=request.user)
        return True


class Review(Step):
    def bind(self, data: Any, application: Application, files: Any = None) -> StepForm:
        return StepForm(data)


STEPS: tuple[Step, ...] = (
    AboutYou("about-you", _("About you"), 4, "intake/wizard/about_you.html"),
    Consents("consents", _("Consents"), 2, "intake/wizard/consents.html"),
    Incomes("income", _("Income"), 3, "intake/wizard/income.html"),
    Expenses("expenses", _("Expenses"), 5, "intake/wizard/expenses.html"),
    Debts("debts", _("Debts"), 4, "intake/wizard/debts.html"),
    Bank("bank", _("Connect your bank"), 1, "intake/wizard/bank.html"),
    Documents("documents", _("Documents"), 3, "intake/wizard/documents.html"),
    Review("review", _("Review and send"), 2, "intake/wizard/review.html"),
)
STEP_SLUGS = tuple(step.slug for step in STEPS)
BY_SLUG = {step.slug: step for step in STEPS}
TRACKED = STEP_SLUGS[:-1]  # review is complete when everything before it is


def step_get(slug: str) -> Step:
    return BY_SLUG[slug]


def step_url(application: Application, slug: str) -> str:
    return reverse(f"intake:step-{slug}", kwargs={"public_id": application.public_id})


def _saved_data(step: Step, application: Application, add_row: bool = False) -> QueryDict:
    data = QueryDict(mutable=True)
    for key, value in step.load(application).items():
        data[key] = value
    total = f"{ROWS}-TOTAL_FORMS"
    if total in data and (add_row or data[total] == "0"):
        data[total] = str(int(data[total]) + 1)  # a blank row to fill in
    return data


def step_form(step: Step, application: Application, add_row: bool = False) -> Any:
    """The step's form showing the saved answers, not yet checked."""
    return step.bind(_saved_data(step, application, add_row), application)


def step_validate(step: Step, application: Application) -> tuple[Any, bool]:
    """The step bound to the saved data and fully checked: (form, complete)."""
    form = step.bind(_saved_data(step, application), application)
    if step.slug == "bank":
        connected = application.bank_connections.filter(removed_at__isnull=True).exists()
        return form, application.bank_step_skipped or application.bank_manual or connected
    if step.slug == "documents":
        return form, application.documents_step_done or application.documents.exists()
    if step.slug == "review":
        return form, True
    return form, form.check_complete()


def step_post(step: Step, request: HttpRequest, application: Application) -> tuple[Any, bool]:
    """Binds the POST to the step's form and saves what is valid: (form, complete)."""
    form = step.bind(request.POST, application, request.FILES)
    if step.slug in ("bank", "documents", "review"):
        saved = step.save(form, application, True, request)
        return form, saved and not form.errors
    before = step.load(application)
    for one in getattr(form, "forms", [form]):
        if isinstance(one, PlainErrorsForm):
            one.flag_implausible(before)
    complete = form.check_complete()
    saved = step.save(form, application, complete, request)
    return form, complete and saved


def step_with_row(step: Step, form: Any, application: Application) -> Any:
    """The posted rows of `form` again (already saved) with one blank row added, errors
    shown."""
    data = form.data.copy()
    total = f"{ROWS}-TOTAL_FORMS"
    if data.get(total, "").isdigit():
        data[total] = str(min(int(data[total]) + 1, 30))
    form = step.bind(data, application)
    form.check_complete()
    return form
