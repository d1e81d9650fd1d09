"""The wizard's bank step: connecting a bank through Plaid Link in the browser (Link's
``onSuccess`` public token exchanged here) or, in sandbox mode without a Link script, a
server-side page playing Link's role; reconnecting a broken connection, the manual
fallback, Link exits, and removing the connections when the consumer withdraws the
bank-data consent or the case is purged.

Intake keeps only the integrations item's public id (BankConnection); the access token
lives encrypted in integrations.
"""

from __future__ import annotations

import logging
import re
from typing import Any
from uuid import UUID

from celery import current_app
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from integrations.lazy import lazy_module
from integrations.plaid.models import PlaidItem
from integrations.plaid.services import (
    plaid_item_delete,
    plaid_item_remove,
    plaid_items_sync_stop,
    plaid_link_token_create,
    plaid_public_token_exchange,
)
from tenants.audit.models import AuditAction

from ..errors import BankConsentMissing
from ..models import Application, BankConnection, Consent
from ..selectors.consents import consent_is_live
from .common import consumer_audit, draft_lock, step_mark

plaid_client = lazy_module("integrations.plaid.client")

logger = logging.getLogger("creditgenie.intake")
REMOVE_TASK = "intake.bank_connections_remove"
# Sandbox institutions and Link usernames (integrations/sandbox/plaid personas).
SANDBOX_INSTITUTIONS = (
    ("ins_109508", "First Platypus Bank"),
    ("ins_109509", "First Gingham Credit Union"),
    ("ins_109510", "Tattersall Federal Credit Union"),
)
SANDBOX_PERSONAS = ("user_good", "user_gig", "user_overdraft", "user_card")
_CODE = re.compile(r"^[A-Z0-9_]{0,64}$")
# What Link hands the browser (public-<env>-<uuid>; ins_<digits>; account ids).
_PUBLIC_TOKEN = re.compile(r"^public-[a-z]+-[0-9a-f-]{36}$")
_INSTITUTION = re.compile(r"^(ins_[0-9]{1,24})?$")
_ACCOUNT = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_LINK_ID = re.compile(r"^[A-Za-z0-9-]{0,64}$")


def sandbox_mode() -> bool:
    """Whether the bank step shows the server-side test page (PLAID_ENV=sandbox and no
    Link script configured)."""
    return settings.PLAID_ENV == "sandbox" and not link_script_url()


def link_script_url() -> str:
    """Plaid Link's script for the browser (empty: Link in the browser is off)."""
    return settings.PLAID_LINK_SCRIPT_URL


def bank_link_available() -> bool:
    """Whether the bank step offers to connect a bank at all."""
    return bool(link_script_url()) or settings.PLAID_ENV == "sandbox"


def _client_user_id(application: Application) -> str:
    return application.public_id.hex  # opaque: never a name or e-mail


@transaction.atomic
def bank_connect(
    *,
    application: Application,
    institution_id: str,
    username: str,
    actor: Any,
    request: HttpRequest | None = None,
    replaces: BankConnection | None = None,
) -> BankConnection:
    """The server-side sandbox Link flow: a Link token, ``/sandbox/public_token/create``
    (what Link returns in the browser) and the exchange; the item's public id is kept on
    the application. With ``replaces`` (update mode for a ``login_required`` connection) the
    new item takes the old connection's place and the old item is removed at Plaid.

    Requires a live bank-data consent (raises BankConsentMissing). Side effects: locks the
    draft; attempt rows and a PlaidItem in integrations (first sync queued on commit); one
    BankConnection; the bank step complete; one audit `create`. Raises VendorError."""
    application = _bank_draft(application)
    bank_link_token(application=application, replaces=replaces)
    public_token = plaid_client.sandbox_public_token_create(
        institution_id=institution_id, username=username
    )
    return _connection_store(
        application=application,
        public_token=public_token,
        institution_id=institution_id,
        actor=actor,
        request=request,
        replaces=replaces,
    )


def bank_link_token(*, application: Application, replaces: BankConnection | None = None) -> str:
    """A Link token for the browser (Plaid.create), in update mode for ``replaces``.
    Side effects: one attempt row. Raises VendorError."""
    token = plaid_link_token_create(
        client_user_id=_client_user_id(application),
        language=application.language,
        item_public_id=replaces.item_public_id if replaces else None,
        redirect_uri=settings.PLAID_LINK_REDIRECT_URI,
    )
    return token.link_token


@transaction.atomic
def bank_link_success(
    *,
    application: Application,
    public_token: str,
    institution_id: str,
    account_ids: list[str],
    actor: Any,
    request: HttpRequest | None = None,
    replaces: BankConnection | None = None,
) -> BankConnection:
    """Link's ``onSuccess`` in the browser: the public token is exchanged and the item kept
    (in update mode Plaid repairs the same item, so the connection stays; a different item
    replaces ``replaces``). ``account_ids`` (Link's metadata) are only counted in the audit.

    Requires a live bank-data consent (raises BankConsentMissing). Side effects: as
    bank_connect. Raises VendorError, ValueError for a malformed token or id."""
    if not _PUBLIC_TOKEN.match(public_token) or not _INSTITUTION.match(institution_id):
        raise ValueError("malformed public token or institution id")
    if len(account_ids) > 50 or not all(_ACCOUNT.match(a) for a in account_ids):
        raise ValueError("malformed account ids")
    application = _bank_draft(application)
    return _connection_store(
        application=application,
        public_token=public_token,
        institution_id=institution_id,
        actor=actor,
        request=request,
        replaces=replaces,
        purpose=f"bank connected ({len(account_ids)} accounts shared)",
    )


def _bank_draft(application: Application) -> Application:
    application = draft_lock(application)
    if not consent_is_live(application, Consent.Kind.BANK_DATA):
        raise BankConsentMissing(_("Allow the use of your bank data first."))
    return application


def _connection_store(
    *,
    application: Application,
    public_token: str,
    institution_id: str,
    actor: Any,
    request: HttpRequest | None,
    replaces: BankConnection | None,
    purpose: str = "bank connected",
) -> BankConnection:
    item_public_id = plaid_public_token_exchange(
        public_token=public_token, institution_id=institution_id
    )
    connection, _created = BankConnection.objects.update_or_create(
        item_public_id=item_public_id,
        defaults={
            "application": application,
            "institution_id": institution_id[:32],
            "removed_at": None,
        },
    )
    if replaces is not None and replaces.item_public_id != item_public_id:
        plaid_item_remove(item_public_id=replaces.item_public_id)
        BankConnection.objects.filter(pk=replaces.pk).update(removed_at=timezone.now())
    Application.objects.filter(pk=application.pk).update(bank_manual=False)
    step_mark(application, "bank", True)
    consumer_audit(
        actor=actor,
        action=AuditAction.CREATE,
        object_type="bank_connection",
        object_id=str(connection.public_id),
        application=application,
        request=request,
        purpose=purpose,
    )
    return connection


@transaction.atomic
def bank_manual_record(
    *, application: Application, actor: Any, request: HttpRequest | None = None
) -> None:
    """ "I don't bank online": recorded, and the step is complete (statements can be sent
    in the documents step). Side effects: locks the draft; one UPDATE; one audit `update`."""
    application = draft_lock(application)
    Application.objects.filter(pk=application.pk).update(bank_manual=True, bank_step_skipped=True)
    step_mark(application, "bank", True)
    consumer_audit(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type="application",
        object_id=str(application.public_id),
        application=application,
        request=request,
        purpose="bank step: no online banking",
    )


def bank_link_exit_log(
    *,
    application: Application,
    status: str,
    error_code: str,
    error_type: str,
    link_session_id: str = "",
    request_id: str = "",
) -> None:
    """Link was closed without a connection: logged with Plaid's codes only (no PII, no
    free text: anything that is not an upper-case code is dropped), and Link's session and
    request ids (what Plaid support asks for; anything else is dropped). Side effects: a
    log record at warning level when Link reports an error, info otherwise."""
    fields = {
        "application": str(application.public_id),
        "link_status": status.upper() if _CODE.match(status.upper()) else "INVALID",
        "error_code": error_code if _CODE.match(error_code) else "INVALID",
        "error_type": error_type if _CODE.match(error_type) else "INVALID",
        "link_session_id": link_session_id if _LINK_ID.match(link_session_id) else "INVALID",
        "request_id": request_id if _LINK_ID.match(request_id) else "INVALID",
    }
    level = logging.WARNING if error_code else logging.INFO
    logger.log(level, "plaid link exit", extra=fields)


RECONNECT = (PlaidItem.Status.LOGIN_REQUIRED, PlaidItem.Status.REVOKED)


def bank_connections_live(application: Application) -> list[BankConnection]:
    """The application's connections not removed, each with ``item_status`` set and
    ``needs_reconnect`` (Plaid wants the consumer to sign in to the bank again)."""
    connections = list(application.bank_connections.filter(removed_at__isnull=True))
    statuses = dict(
        PlaidItem.objects.filter(public_id__in=[c.item_public_id for c in connections]).values_list(
            "public_id", "status"
        )
    )
    for connection in connections:
        connection.item_status = statuses.get(connection.item_public_id, PlaidItem.Status.REMOVED)
        connection.needs_reconnect = connection.item_status in RECONNECT
    return connections


def bank_connections_remove_queue(*, application_id: int) -> None:
    """The bank-data consent is withdrawn: the application's items stop syncing now (in the
    withdrawal's transaction; webhooks and submit-time syncs then do nothing for them), and
    their removal at Plaid is queued once the transaction commits."""
    live = BankConnection.objects.filter(application_id=application_id, removed_at__isnull=True)
    plaid_items_sync_stop(item_public_ids=list(live.values_list("item_public_id", flat=True)))
    transaction.on_commit(
        lambda: current_app.send_task(REMOVE_TASK, kwargs={"application_id": application_id})
    )


def bank_connections_remove_retry(*, application_id: int) -> None:
    """Queues the removal task now (outside any transaction: the retention purge that could
    not reach Plaid has rolled back); it retries with backoff."""
    current_app.send_task(REMOVE_TASK, kwargs={"application_id": application_id})


def bank_connections_remove(
    *, application_id: int, purpose: str = "bank data consent withdrawn"
) -> int:
    """The bank-data consent was withdrawn (or the case is purged): every connected item is
    removed at Plaid (``plaid_item_remove``: token, accounts and transactions deleted in
    integrations). Idempotent. Side effects: attempt rows; BankConnection.removed_at; one
    audit `delete` per connection. Returns how many were removed. Raises VendorError."""
    removed = 0
    live = BankConnection.objects.filter(application_id=application_id, removed_at__isnull=True)
    for connection in live.select_related("application"):
        plaid_item_remove(item_public_id=connection.item_public_id)
        with transaction.atomic():
            changed = BankConnection.objects.filter(
                pk=connection.pk, removed_at__isnull=True
            ).update(removed_at=timezone.now())
            if changed:
                consumer_audit(
                    actor=None,
                    action=AuditAction.DELETE,
                    object_type="bank_connection",
                    object_id=str(connection.public_id),
                    application=connection.application,
                    request=None,
                    purpose=purpose,
                    role="system",
                )
                removed += 1
    return removed


def bank_connections_purge(*, application: Application) -> int:
    """Retention purge of the case: its live items are removed at Plaid through
    ``bank_connections_remove`` (audited, purpose "retention"), then every item of the case
    (live or removed earlier) is deleted in integrations with its encrypted token
    (``plaid_item_delete``), then the connections. Returns the connections deleted.
    Raises VendorError when Plaid cannot be reached: the caller defers the purge (nothing
    is deleted; removals already done at Plaid are not repeated)."""
    bank_connections_remove(application_id=application.pk, purpose="retention")
    connections = BankConnection.objects.filter(application_id=application.pk)
    for item_public_id in connections.values_list("item_public_id", flat=True):
        plaid_item_delete(item_public_id=item_public_id)
    return connections.delete()[0]


def connection_for(application: Application, public_id: UUID | str) -> BankConnection | None:
    """One live connection of the application (None for another application's id)."""
    return application.bank_connections.filter(public_id=public_id, removed_at__isnull=True).first()
