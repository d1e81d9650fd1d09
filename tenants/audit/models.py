"""The audit trail: one append-only, hash-chained table of who did what to which record.

Append-only twice over: this model refuses to change or delete a saved row (instance
``save``/``delete`` and queryset ``update``/``delete``), and in PostgreSQL a trigger
refuses UPDATE, DELETE and TRUNCATE whatever the client. The hash chain
(``chain.py``) makes any change made past both detectable by ``manage.py verify_audit``.

The table is created by migration 0001 and then left unmanaged (like the deployment
stamp), so test-database flushes never TRUNCATE it; the actor foreign key has no
database constraint for the same reason (PROTECT still holds in the ORM), and because
an audit row must outlive everything it points at.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models

from tenants.roles import Role

from .chain import GENESIS_HASH, canonical_content
from .errors import AuditImmutableError
from .ip import ip_opened

_IMMUTABLE = "audit events are append-only: {} refused"


class AuditAction(models.TextChoices):
    READ = "read", "Read"
    CREATE = "create", "Create"
    UPDATE = "update", "Update"
    DELETE = "delete", "Delete"
    DENIED = "denied", "Denied"
    EXPORT = "export", "Export"
    LOGIN = "login", "Sign-in"
    LOGOUT = "logout", "Sign-out"
    PURGE = "purge", "Purge"


class AuditOutcome(models.TextChoices):
    ALLOWED = "allowed", "Allowed"
    DENIED = "denied", "Denied"
    ERROR = "error", "Error"


class AuditEventQuerySet(models.QuerySet):
    """Reads only: bulk changes and deletes raise AuditImmutableError."""

    def update(self, **kwargs: Any) -> NoReturn:
        raise AuditImmutableError(_IMMUTABLE.format("update"))

    def delete(self) -> NoReturn:
        raise AuditImmutableError(_IMMUTABLE.format("delete"))

    def bulk_update(self, objs: Any, fields: Any, batch_size: int | None = None) -> NoReturn:
        raise AuditImmutableError(_IMMUTABLE.format("bulk_update"))


class AuditEvent(models.Model):
    """One recorded action. Written only by ``services.audit_record``."""

    seq = models.PositiveBigIntegerField(primary_key=True, editable=False)
    created_at = models.DateTimeField(editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_events",
        db_constraint=False,
    )
    actor_label = models.CharField(max_length=150)
    role = models.CharField(max_length=32, blank=True)
    action = models.CharField(max_length=16, choices=AuditAction.choices)
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64, blank=True)
    case_id = models.CharField(max_length=64, blank=True)
    purpose = models.CharField(max_length=200, blank=True)
    grant_id = models.CharField(max_length=64, blank=True)
    outcome = models.CharField(max_length=8, choices=AuditOutcome.choices)
    request_id = models.CharField(max_length=64, blank=True)
    # The client address, sealed for this row (ip.py; read it with ip_open): the chain's
    # hash covers the address itself.
    ip = models.TextField(null=True, blank=True)  # noqa: DJ001 - NULL: no address, as hashed
    prev_hash = models.CharField(max_length=64, default=GENESIS_HASH)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        managed = False
        db_table = "audit_auditevent"
        base_manager_name = "objects"
        indexes = [
            models.Index(fields=["case_id", "seq"], name="audit_case_seq"),
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
        ]

    def __str__(self) -> str:
        return f"audit #{self.seq} {self.action} {self.object_type} {self.outcome}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Inserts a new event; raises AuditImmutableError for a row already saved."""
        if not self._state.adding:
            raise AuditImmutableError(_IMMUTABLE.format("update"))
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AuditImmutableError(_IMMUTABLE.format("delete"))

    @property
    def role_label(self) -> str:
        return Role(self.role).label if self.role in Role.values else self.role

    @property
    def content(self) -> dict[str, object]:
        """The chained fields in canonical form (what the hash covers: the address opened)."""
        return canonical_content(ip_opened(self.__dict__))


class AuditKey(models.Model):
    """The chain key, wrapped under the agency's master key (KMS or the local key file).

    The database holds only the wrapped form: computing or checking a row's hash needs the
    master key, which stays in KMS or the key file. ``keyed_after`` is the last row written
    before the chain had a key (those rows keep the unkeyed format); it is bound into the
    wrapping, so changing it makes the key fail to unwrap. Unmanaged like the audit table, so
    test flushes leave it alone.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    provider = models.CharField(max_length=10)
    master_key_id = models.CharField(max_length=2048)
    wrapped_key = models.BinaryField()
    keyed_after = models.PositiveBigIntegerField()
    created_at = models.DateTimeField()

    class Meta:
        managed = False
        db_table = "audit_auditkey"

    def __str__(self) -> str:
        return f"audit chain key ({self.provider}, rows after {self.keyed_after})"


class AuditChainHead(models.Model):
    """The chain's head (last seq and hash): one row, locked by each append.

    Appends lock this row (UPDATE ... RETURNING) instead of taking an advisory lock and
    reading the newest event: one statement serializes writers and reads the head. It is a
    convenience of the writer only; verification never trusts it.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.PositiveBigIntegerField()
    hash = models.CharField(max_length=64)

    class Meta:
        managed = False
        db_table = "audit_auditchainhead"

    def __str__(self) -> str:
        return f"audit chain head {self.seq}"


class ChainVerification(models.Model):
    """The outcome of one scheduled verification (what /readyz reports)."""

    ran_at = models.DateTimeField()
    intact = models.BooleanField()
    rows = models.PositiveBigIntegerField()
    last_seq = models.PositiveBigIntegerField()
    first_bad_seq = models.PositiveBigIntegerField(null=True, blank=True)
    problem = models.CharField(max_length=300, blank=True)
    anchor = models.CharField(max_length=300, blank=True)

    class Meta:
        get_latest_by = "ran_at"

    def __str__(self) -> str:
        outcome = "intact" if self.intact else f"broken from row {self.first_bad_seq}"
        return f"audit verification {self.ran_at:%Y-%m-%d %H:%M}: {outcome}"
