"""The intake side's notices: who receives them (the consumer, at the address and in the
language of the household; the case's counselor) and which portal page they link to. The
outbox itself is `notifications`; every call here runs inside the event's transaction."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.urls import reverse

from integrations.oidc.services import consumer_contact
from integrations.plaid.models import PlaidItem
from integrations.plaid.services import plaid_login_required_hook_register
from notifications.kinds import Kind
from notifications.services import notice_send
from notifications.services.preferences import phones_source_register
from tenants.selectors import agency_profile_get
from tenants.uploads.models import StoredFile
from tenants.uploads.scanning import stored_file_quarantine_hook_register

from ..models import Application, BankConnection, Document, Household


def portal_path(application: Application, page: str = "application") -> str:
    return reverse(f"intake:{page}", kwargs={"public_id": application.public_id})


def consumer_notice(
    *, application: Application, kind: str, page: str = "application", dedupe_key: str = ""
) -> None:
    """A notice to the application's consumer: the household's e-mail (else the sign-in
    e-mail) and phone, in the household's preferred language (else the application's)."""
    household = Household.objects.filter(application=application).first()
    profile = consumer_contact(application.consumer)
    email = (household.email if household else "") or (profile.email if profile else "")
    language = (household.preferred_language if household else "") or application.language
    notice_send(
        kind=kind,
        recipient=application.consumer,
        email=email or "",
        phone=(household.phone if household else "") or "",
        language=language,
        link=portal_path(application, page),
        dedupe_key=dedupe_key,
    )


def case_staff(application: Application, *extra: Any) -> list[Any]:
    """The counselor the case is assigned to (the counselor side keeps the assignment as
    `case_assignment`, read here through the ORM, never imported) and `extra` users."""
    ids = {
        pk
        for pk in Application.objects.filter(pk=application.pk).values_list(
            "case_assignment__assigned_to", flat=True
        )
        if pk is not None
    }
    ids |= {user.pk for user in extra if user is not None}
    return list(get_user_model().objects.filter(pk__in=ids, is_active=True))


def staff_notice(
    *, application: Application, kind: str, extra: tuple[Any, ...] = (), dedupe_key: str = ""
) -> None:
    """A notice to the case's counselor(s), linking to the case page; with nobody on the
    case, to the agency's own address instead (as before notices had an outbox)."""
    link = reverse("counselor:case", kwargs={"public_id": application.public_id})
    staff = [user for user in case_staff(application, *extra) if user.email]
    for user in staff:
        notice_send(kind=kind, recipient=user, email=user.email, link=link, dedupe_key=dedupe_key)
    if not staff:
        agency_notice(kind=kind, link=link, dedupe_key=dedupe_key)


def agency_notice(
    *, kind: str = Kind.AGENCY_ACTIVITY, link: str = "", dedupe_key: str = ""
) -> None:
    """A notice to the agency's own address, when it has one."""
    profile = agency_profile_get()
    if profile is not None and profile.email:
        notice_send(kind=kind, email=profile.email, link=link, dedupe_key=dedupe_key)


def bank_renewal_notice(item: PlaidItem) -> None:
    """A bank item changed into "reconnect needed" (Plaid ITEM_LOGIN_REQUIRED, by webhook
    or by a failed sync): the consumer of each application it is connected to hears it
    once per change. Runs in the transaction of the item's change."""
    connections = BankConnection.objects.filter(
        item_public_id=item.public_id, removed_at__isnull=True
    ).select_related("application")
    for connection in connections:
        consumer_notice(application=connection.application, kind=Kind.BANK_RENEWAL)


def document_refused_notice(stored_file: StoredFile) -> None:
    """The scanner quarantined a document the consumer uploaded: one notice, in the
    transaction of the verdict (the dedupe key keeps it once even if a verdict repeats)."""
    document = Document.objects.filter(stored_file=stored_file).select_related("application")
    for row in document[:1]:
        consumer_notice(
            application=row.application,
            kind=Kind.DOCUMENT_REFUSED,
            dedupe_key=f"document-refused:{stored_file.public_id}",
        )


def notice_hooks_register() -> None:
    """Called once at start-up (IntakeConfig.ready): the layers below call these."""
    plaid_login_required_hook_register(bank_renewal_notice)
    stored_file_quarantine_hook_register(document_refused_notice)
    phones_source_register(consumer_phones)


def consumer_phones(user: Any) -> list[str]:
    """The phone numbers of the households of the person's applications (texts go there)."""
    rows = Household.objects.filter(application__consumer=user).only("phone")
    return [household.phone for household in rows if household.phone]
