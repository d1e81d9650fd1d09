"""Writes of the wizard: each step's answers saved to the DRAFT application.

Every service locks the draft row first (intake.services.common.draft_lock), so an
autosave never races a submit, and raises ApplicationLocked once it is submitted.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from tenants.audit.models import AuditAction
from tenants.audit.services import client_ip
from tenants.roles import Role
from tenants.uploads.services import stored_file_create, stored_file_delete

from ..models import Application, Consent, Debt, Document, Expense, Household, Income
from .analytics import application_started_emit
from .bank import bank_connections_remove_queue
from .common import consumer_audit, draft_lock, step_mark
from .consents import consent_text

HOUSEHOLD_FIELDS = frozenset(
    {
        "first_name",
        "middle_name",
        "last_name",
        "birth_date",
        "ssn",
        "street",
        "street2",
        "city",
        "state",
        "zip_code",
        "phone",
        "email",
        "household_size",
        "dependents",
        "employment_status",
        "preferred_language",
        "has_co_applicant",
        "co_first_name",
        "co_last_name",
        "co_birth_date",
        "co_employment_status",
    }
)
# A random reference is tried again when taken (one in thousands at 100,000 cases).
REFERENCE_ATTEMPTS = 5
INCOME_FIELDS = ("kind", "gross", "net", "frequency")
DEBT_FIELDS = ("creditor", "kind", "secured", "balance", "apr", "minimum_payment", "past_due")
TEXT_FIELDS = frozenset({"kind", "frequency", "creditor"})  # blank, never NULL, in a draft


def _row(row: Mapping[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    values = {f: row.get(f) for f in fields}
    for name in TEXT_FIELDS & values.keys():
        values[name] = values[name] or ""
    if "secured" in values:
        values["secured"] = bool(values["secured"])
    return values


def application_start(*, consumer: AbstractBaseUser, language: str = "en") -> Application:
    """The consumer's draft application, created on first call and resumed after.

    Safe under double submits: a unique constraint allows one draft per consumer and
    a losing concurrent insert returns the winner's draft.
    Side effects: may insert one Application row and, with it, one ``application_started``
    analytics event.
    """
    existing = Application.objects.filter(consumer=consumer, status=Application.Status.DRAFT)
    draft = existing.first()
    if draft is not None:
        return draft
    for _attempt in range(REFERENCE_ATTEMPTS):
        try:
            with transaction.atomic():
                draft = Application.objects.create(consumer=consumer, language=language)
                application_started_emit(draft)
                return draft
        except IntegrityError:
            # Another request made this consumer's draft, or (rarely) the random reference
            # was taken: the draft is then the one to use, else a new reference is drawn.
            draft = existing.first()
            if draft is not None:
                return draft
    raise IntegrityError("no free application reference after several attempts")


@transaction.atomic
def household_save(
    *,
    application: Application,
    values: Mapping[str, Any],
    complete: bool,
    actor: Any,
    request: HttpRequest | None = None,
) -> Household:
    """Saves the "About you" answers given in `values` (others stay as they were).

    Side effects: locks the draft; inserts or updates its Household (encrypting PII,
    refreshing the blind indexes); updates the completed steps; one audit `update`.
    Raises ApplicationLocked.
    """
    application = draft_lock(application)
    household, _created = Household.objects.get_or_create(application=application)
    for name, value in values.items():
        if name in HOUSEHOLD_FIELDS:
            setattr(household, name, value)
    household.save()
    if values.get("preferred_language"):
        Application.objects.filter(pk=application.pk).update(language=values["preferred_language"])
    step_mark(application, "about-you", complete)
    consumer_audit(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type="household",
        object_id=str(household.public_id),
        application=application,
        request=request,
    )
    return household


def _user_agent(request: HttpRequest | None) -> str:
    return request.META.get("HTTP_USER_AGENT", "")[:300] if request is not None else ""


@transaction.atomic
def consents_save(
    *,
    application: Application,
    granted: Iterable[str],
    language: str,
    complete: bool,
    actor: Any,
    request: HttpRequest | None = None,
) -> None:
    """Makes the live consents exactly `granted`: new ones are recorded with the text
    version and hash shown in `language`, the IP and user agent; unticked live ones are
    withdrawn (the records stay).

    Side effects: locks the draft; inserts/updates Consent rows; one audit event per change.
    """
    application = draft_lock(application)
    wanted = set(granted) & set(Consent.Kind.values)
    live = {c.kind: c for c in application.consents.filter(withdrawn_at__isnull=True)}
    for kind in wanted - live.keys():
        consent_grant(
            application=application, kind=kind, language=language, actor=actor, request=request
        )
    for kind in live.keys() - wanted:
        _withdraw(live[kind], application, actor, request)
    step_mark(application, "consents", complete)


def consent_grant(
    *, application: Application, kind: str, language: str, actor: Any, request: HttpRequest | None
) -> Consent:
    """Records one consent as shown now. Side effects: one Consent row, one audit `create`."""
    text = consent_text(kind, language)
    consent = Consent.objects.create(
        application=application,
        kind=kind,
        text_version=text.version,
        text_language=text.language,
        text_hash=text.sha256,
        ip=client_ip(request) if request is not None else None,
        user_agent=_user_agent(request),
    )
    consumer_audit(
        actor=actor,
        action=AuditAction.CREATE,
        object_type="consent",
        object_id=str(consent.public_id),
        application=application,
        request=request,
        purpose=f"consent given: {kind}",
    )
    return consent


def _withdraw(consent: Consent, application: Application, actor: Any, request: Any) -> bool:
    changed = Consent.objects.filter(pk=consent.pk, withdrawn_at__isnull=True).update(
        withdrawn_at=timezone.now()
    )
    if changed:
        if consent.kind == Consent.Kind.BANK_DATA:
            bank_connections_remove_queue(application_id=application.pk)
        consumer_audit(
            actor=actor,
            action=AuditAction.UPDATE,
            object_type="consent",
            object_id=str(consent.public_id),
            application=application,
            request=request,
            purpose=f"consent withdrawn: {consent.kind}",
        )
    return bool(changed)


@transaction.atomic
def incomes_replace(
    *,
    application: Application,
    rows: list[Mapping[str, Any]],
    complete: bool,
    actor: Any,
    request: HttpRequest | None = None,
) -> int:
    """Replaces the income sources with `rows` (in order). Returns how many.

    Side effects: locks the draft; deletes and inserts Income rows; completed steps;
    one audit `update`.
    """
    application = draft_lock(application)
    application.incomes.all().delete()
    Income.objects.bulk_create(
        Income(application=application, position=n, **_row(row, INCOME_FIELDS))
        for n, row in enumerate(rows)
    )
    step_mark(application, "income", complete)
    consumer_audit(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type="incomes",
        object_id=str(application.public_id),
        application=application,
        request=request,
    )
    return len(rows)


@transaction.atomic
def expenses_replace(
    *,
    application: Application,
    lines: Mapping[str, Decimal | None],
    complete: bool,
    actor: Any,
    request: HttpRequest | None = None,
) -> int:
    """Replaces the expense lines with the non-blank amounts of `lines` (monthly).

    Side effects: locks the draft; deletes and inserts Expense rows; completed steps;
    one audit `update`.
    """
    application = draft_lock(application)
    application.expenses.all().delete()
    created = Expense.objects.bulk_create(
        Expense(application=application, category=category, amount=amount)
        for category, amount in lines.items()
        if amount is not None
    )
    step_mark(application, "expenses", complete)
    consumer_audit(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type="expenses",
        object_id=str(application.public_id),
        application=application,
        request=request,
    )
    return len(created)


@transaction.atomic
def debts_replace(
    *,
    application: Application,
    rows: list[Mapping[str, Any]],
    complete: bool,
    actor: Any,
    request: HttpRequest | None = None,
) -> int:
    """Replaces the debts with `rows`. A row naming (`row_id`) one of this application's
    debts keeps that debt's id and source (a bureau line stays a bureau line); any other
    id is ignored, so another application's ids change nothing.

    Side effects: locks the draft; deletes and inserts Debt rows; completed steps; audit.
    """
    application = draft_lock(application)
    existing = dict(application.debts.values_list("public_id", "source"))
    application.debts.all().delete()
    debts = []
    for n, row in enumerate(rows):
        row_id = row.get("row_id")
        known = row_id in existing
        debts.append(
            Debt(
                application=application,
                position=n,
                public_id=row_id if known else uuid.uuid4(),
                source=existing[row_id] if known else Debt.Source.STATED,
                **_row(row, DEBT_FIELDS),
            )
        )
    Debt.objects.bulk_create(debts)
    step_mark(application, "debts", complete)
    consumer_audit(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type="debts",
        object_id=str(application.public_id),
        application=application,
        request=request,
    )
    return len(debts)


@transaction.atomic
def bank_step_skip(*, application: Application, actor: Any) -> None:
    """The consumer skipped connecting a bank. Side effects: locks the draft; one UPDATE."""
    application = draft_lock(application)
    Application.objects.filter(pk=application.pk).update(bank_step_skipped=True)
    step_mark(application, "bank", True)


@transaction.atomic
def documents_step_finish(*, application: Application, actor: Any) -> None:
    """The consumer is done with documents for now (they can add more later)."""
    application = draft_lock(application)
    Application.objects.filter(pk=application.pk).update(documents_step_done=True)
    step_mark(application, "documents", True)


@transaction.atomic
def document_add(
    *,
    application: Application,
    upload: UploadedFile,
    kind: str,
    actor: Any,
    request: HttpRequest | None = None,
) -> Document:
    """Validates and stores one upload (tenants.uploads) as a document of the application.

    Side effects: locks the draft; stores the encrypted bytes and a StoredFile (audited by
    tenants.uploads, a scan queued when a scanner is configured); inserts a Document.
    Raises UploadRejected (with a message for the consumer) or ApplicationLocked.
    """
    application = draft_lock(application)
    stored = stored_file_create(
        upload=upload,
        actor=actor,
        role=Role.CONSUMER,
        purpose="intake documents",
        case_id=str(application.public_id),
        request=request,
    )
    return Document.objects.create(application=application, stored_file=stored, kind=kind)


def document_remove(
    *, application: Application, document_id: uuid.UUID, actor: Any, request: HttpRequest | None
) -> bool:
    """Removes one of the draft's documents (the consumer chose the wrong file); False when
    the draft has no such document.

    Side effects: locks the draft; deletes the stored bytes and their row (audited by
    tenants.uploads) and the Document. Raises ApplicationLocked.
    """
    with transaction.atomic():
        application = draft_lock(application)
        document = application.documents.filter(public_id=document_id).first()
        if document is None:
            return False
        stored = document.stored_file
        document.delete()
    if stored is not None:
        stored_file_delete(
            stored_file=stored,
            actor=actor,
            role=Role.CONSUMER,
            purpose="consumer removed a document",
            request=request,
        )
    return True
