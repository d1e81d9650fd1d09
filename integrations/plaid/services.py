"""Writes of the Plaid integration: the functions intake and the tasks call.

Every Plaid call goes through ``vendor_call`` (attempt row before, outcome after).
Access tokens are read only here and in the client, never logged.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from uuid import UUID

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from ..attempts import claim_lease, vendor_call
from ..errors import VendorError
from ..lazy import lazy_module
from .models import PlaidAccount, PlaidItem, PlaidTransaction
from .types import CardLiability, IdentityScores, LinkToken, SyncResult

client = lazy_module("integrations.plaid.client")

logger = logging.getLogger("creditgenie.integrations")
SYNCABLE = (PlaidItem.Status.OK, PlaidItem.Status.PENDING_EXPIRATION)
# Errors after which the consumer must reconnect (update-mode Link) or consent again.
RECONNECT_CODES = frozenset({"ITEM_LOGIN_REQUIRED", "ADDITIONAL_CONSENT_REQUIRED"})
REVOKED_CODES = frozenset({"USER_PERMISSION_REVOKED", "ACCESS_NOT_GRANTED"})


def plaid_link_token_create(
    *,
    client_user_id: str,
    language: str = "en",
    item_public_id: UUID | str | None = None,
    redirect_uri: str = "",
) -> LinkToken:
    """A Link token for the wizard's bank step; with ``item_public_id``, update mode for a
    broken connection; with ``redirect_uri`` (registered at Plaid), where banks' OAuth
    pages send the consumer back. ``client_user_id`` must be an opaque id, never an e-mail
    or name. Side effects: one attempt row. Raises VendorError."""
    extra: dict[str, str] = {"redirect_uri": redirect_uri} if redirect_uri else {}
    if item_public_id is not None:
        extra["access_token"] = PlaidItem.objects.get(public_id=item_public_id).access_token
    with vendor_call(vendor="plaid", operation="link_token_create", subject=client_user_id):
        return client.link_token_create(client_user_id=client_user_id, language=language, **extra)


def plaid_public_token_exchange(*, public_token: str, institution_id: str = "") -> UUID:
    """Exchanges Link's public token for an access token and keeps the item (the token
    encrypted). Returns the item's ``public_id``; linking the same bank again (update
    mode, a retried request) updates the one row. Side effects: attempt row, one
    PlaidItem upserted, a first sync queued after commit. Raises VendorError."""
    with vendor_call(vendor="plaid", operation="public_token_exchange", subject="link") as attempt:
        exchange = client.item_public_token_exchange(public_token=public_token)
        attempt.request_id = exchange.request_id
    with transaction.atomic():
        item = PlaidItem.objects.select_for_update().filter(item_id=exchange.item_id).first()
        item = item or PlaidItem(item_id=exchange.item_id)
        item.access_token, item.institution_id = exchange.access_token, institution_id[:32]
        item.status, item.error_code = PlaidItem.Status.OK, ""
        item.save()
        plaid_item_sync_queue(item_public_id=item.public_id)
    return item.public_id


def plaid_item_sync_queue(*, item_public_id: UUID | str) -> None:
    """Queues a sync of the item once the surrounding transaction commits."""
    from ..tasks import plaid_item_sync

    plaid_item_sync.delay_on_commit(item_public_id=str(item_public_id))


def plaid_item_sync_claim(*, item_public_id: UUID | str, claim: str) -> PlaidItem | None:
    """Claims the item for one sync with a conditional UPDATE: free, already ours (a
    redelivered message keeps its task id), or abandoned past the claim lease. None: not ours."""
    now = timezone.now()
    free = (
        Q(sync_claimed_by="")
        | Q(sync_claimed_by=claim)
        | Q(sync_claimed_at__lt=now - claim_lease())
    )
    rows = PlaidItem.objects.filter(free, public_id=item_public_id, status__in=SYNCABLE)
    if not rows.update(sync_claimed_by=claim, sync_claimed_at=now):
        return None
    return PlaidItem.objects.get(public_id=item_public_id)


def plaid_item_sync_rerun(*, item_public_id: UUID | str) -> bool:
    """A counselor's re-run of a failed sync: the item is syncable again and a sync is
    queued after commit. False when the item had not failed. Side effects: status ``ok``."""
    rows = PlaidItem.objects.filter(public_id=item_public_id, status=PlaidItem.Status.FAILED)
    if not rows.update(status=PlaidItem.Status.OK, error_code=""):
        return False
    plaid_item_sync_queue(item_public_id=item_public_id)
    return True


def plaid_items_sweep(*, now=None) -> int:
    """Syncs claimed longer than the claim lease (the worker died, its connection dropped) end
    as ``failed`` with TIMED_OUT, so the verification stops waiting and "re-run" is
    offered; a sync still running past the lease finds its claim gone and keeps nothing
    it has not already stored. Side effects: UPDATE of those items. Returns how many."""
    stale = PlaidItem.objects.filter(
        status__in=SYNCABLE, sync_claimed_at__lt=(now or timezone.now()) - claim_lease()
    ).exclude(sync_claimed_by="")
    return stale.update(
        status=PlaidItem.Status.FAILED,
        error_code="TIMED_OUT",
        sync_claimed_by="",
        sync_claimed_at=None,
    )


def plaid_item_sync_release(*, item: PlaidItem, claim: str, synced: bool) -> None:
    """Gives the claim back; ``synced`` stamps the time of a complete sync."""
    extra = {"synced_at": timezone.now()} if synced else {}
    PlaidItem.objects.filter(pk=item.pk, sync_claimed_by=claim).update(
        sync_claimed_by="", sync_claimed_at=None, **extra
    )


def plaid_item_refresh(*, item: PlaidItem) -> None:
    """Balances, transactions (cursor loop) and card liabilities of one item.
    Every step is an upsert, so a run repeated after a crash changes nothing twice.
    Side effects: attempt rows; PlaidAccount/PlaidTransaction rows; item cursor.
    Raises VendorError."""
    accounts = _call(item, "accounts_balance_get", client.accounts_balance_get)
    _accounts_store(item, accounts)
    size = settings.PLAID_SYNC_PAGE_SIZE
    sync = _call(
        item, "transactions_sync", client.transactions_sync_all, cursor=item.cursor, count=size
    )
    _transactions_store(item, sync)
    _liabilities_store(item, _call(item, "liabilities_get", client.liabilities_get))


def _call(item: PlaidItem, operation: str, method, **kwargs):
    with vendor_call(vendor="plaid", operation=operation, subject=item.item_id):
        return method(access_token=item.access_token, **kwargs)


def _accounts_store(item: PlaidItem, accounts) -> None:
    for account in accounts:
        PlaidAccount.objects.update_or_create(
            account_id=account.account_id,
            defaults={
                "item": item,
                "name": account.name[:120],
                "mask": account.mask[:8],
                "type": account.type,
                "subtype": account.subtype,
                "current": account.current,
                "available": account.available,
                "limit": account.limit,
            },
        )


@transaction.atomic
def _transactions_store(item: PlaidItem, sync: SyncResult) -> None:
    """Applies all pages and the new cursor together (Plaid: restart from the old cursor
    when a page fails, so nothing of a failed loop may be kept)."""
    for txn in (*sync.added, *sync.modified):
        PlaidTransaction.objects.update_or_create(
            transaction_id=txn.transaction_id,
            defaults={
                "item": item,
                "account_id": txn.account_id,
                "amount": txn.amount,
                "date": txn.date,
                "pending": txn.pending,
                "category": txn.category[:48],
                "merchant": txn.merchant,
            },
        )
    PlaidTransaction.objects.filter(item=item, transaction_id__in=sync.removed).delete()
    PlaidItem.objects.filter(pk=item.pk).update(cursor=sync.cursor)


def _liabilities_store(item: PlaidItem, cards: tuple[CardLiability, ...]) -> None:
    # The figures are encrypted: each account is saved (a queryset update cannot seal).
    by_id = {card.account_id: card for card in cards}
    for account in PlaidAccount.objects.filter(item=item, account_id__in=list(by_id)):
        card = by_id[account.account_id]
        account.purchase_apr, account.minimum_payment = card.purchase_apr, card.minimum_payment
        account.save(update_fields=["purchase_apr", "minimum_payment"])


def plaid_item_error_record(*, item: PlaidItem, error: VendorError) -> str:
    """Records a permanent error (or the last retry) on the item: reconnect needed,
    access revoked, otherwise ``failed`` with the code ("Sync failed — re-run"), so the
    verification never waits for it. Returns the status."""
    status = PlaidItem.Status.FAILED
    if error.code in RECONNECT_CODES:
        status = PlaidItem.Status.LOGIN_REQUIRED
    elif error.code in REVOKED_CODES:
        status = PlaidItem.Status.REVOKED
    _status_update(PlaidItem.objects.filter(pk=item.pk), status, error.code)
    logger.warning("plaid item error", extra={"item": str(item.public_id), "code": error.code})
    return status


def plaid_item_status_set(*, item_id: str, status: str, error_code: str = "") -> int:
    """Sets an item's status from a webhook (Plaid's item id). Removed and revoked items
    keep theirs: only a new Link (the exchange) brings a revoked item back, so no webhook
    (LOGIN_REPAIRED, PENDING_EXPIRATION) can make it syncable again. Returns rows changed."""
    stopped = (PlaidItem.Status.REMOVED, PlaidItem.Status.REVOKED)
    rows = PlaidItem.objects.filter(item_id=item_id).exclude(status__in=stopped)
    return _status_update(rows, status, error_code)


# Called with each item that changes into "reconnect needed", in the transaction of that
# change: the apps above (which integrations never imports) register what follows, e.g. the
# consumer's notice. Once per change: a replayed webhook or a retried task changes nothing.
_login_required_hooks: list[Callable[[PlaidItem], None]] = []


def plaid_login_required_hook_register(hook: Callable[[PlaidItem], None]) -> None:
    if hook not in _login_required_hooks:
        _login_required_hooks.append(hook)


@transaction.atomic
def _status_update(rows: QuerySet[PlaidItem], status: str, error_code: str) -> int:
    entering: list[int] = []
    if status == PlaidItem.Status.LOGIN_REQUIRED:  # locked: a concurrent change waits
        entering = list(
            rows.exclude(status=status).select_for_update().values_list("pk", flat=True)
        )
    changed = rows.update(status=status, error_code=error_code[:64])
    for item in PlaidItem.objects.filter(pk__in=entering):
        for hook in _login_required_hooks:
            hook(item)
    return changed


CONSENT_WITHDRAWN = "CONSENT_WITHDRAWN"


def plaid_items_sync_stop(*, item_public_ids: list[UUID]) -> int:
    """The consumer withdrew the bank-data consent: the items stop syncing at once, in the
    caller's transaction (status ``revoked``, code CONSENT_WITHDRAWN: no sync can claim
    them, no webhook revives them), before ``plaid_item_remove`` reaches Plaid (a queued
    task that may be retried). A sync already running finishes. Returns rows changed."""
    rows = PlaidItem.objects.filter(public_id__in=item_public_ids).exclude(
        status=PlaidItem.Status.REMOVED
    )
    return rows.update(status=PlaidItem.Status.REVOKED, error_code=CONSENT_WITHDRAWN)


def plaid_identity_match(
    *, item_public_id: UUID | str, legal_name: str, phone: str = "", email: str = ""
) -> tuple[IdentityScores, ...]:
    """Plaid's scores of the bank's owner data against what the consumer stated.
    Nothing is stored here (intake keeps the result). Side effects: one attempt row."""
    item = PlaidItem.objects.get(public_id=item_public_id)
    with vendor_call(vendor="plaid", operation="identity_match", subject=item.item_id):
        return client.identity_match(
            access_token=item.access_token, legal_name=legal_name, phone=phone, email=email
        )


def plaid_item_remove(*, item_public_id: UUID | str) -> None:
    """Consent to bank data withdrawn: /item/remove at Plaid, then the token and every
    account and transaction we hold of the item are deleted; the row stays as a stub with
    status ``removed``. An item Plaid no longer knows counts as removed.
    Side effects: attempt row; deletes rows. Raises VendorError (transient)."""
    item = PlaidItem.objects.get(public_id=item_public_id)
    if item.status != PlaidItem.Status.REMOVED:
        try:
            _call(item, "item_remove", client.item_remove)
        except VendorError as error:
            if error.code not in ("ITEM_NOT_FOUND", "INVALID_ACCESS_TOKEN"):
                raise
    with transaction.atomic():
        item.accounts.all().delete()
        item.transactions.all().delete()
        item.access_token, item.cursor = "", ""
        item.status = PlaidItem.Status.REMOVED
        item.save()


def plaid_item_delete(*, item_public_id: UUID | str) -> int:
    """Retention purge of a case: the item is removed at Plaid first (``plaid_item_remove``;
    no call when it already is), then its row goes with its accounts and transactions
    (nothing of it is kept, not even the stub). Returns the PlaidItem rows deleted (0 when
    already gone). Side effects: attempt row; deletes rows. Raises VendorError (transient):
    the row and its encrypted token then stay, so a later run can remove it at Plaid."""
    if not PlaidItem.objects.filter(public_id=item_public_id).exists():
        return 0
    plaid_item_remove(item_public_id=item_public_id)
    removed = PlaidItem.objects.filter(public_id=item_public_id, status=PlaidItem.Status.REMOVED)
    return removed.delete()[1].get("integrations.PlaidItem", 0)
