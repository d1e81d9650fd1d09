"""Encrypted model fields: plaintext on the instance, `v1:` ciphertext in the database.

    class Client(models.Model):
        public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
        ssn = EncryptedTextField()

Every value is encrypted in `pre_save` (which has the instance, so the row's identity) and
decrypted lazily, on first attribute access, by a descriptor. The associated data binds
`app_label.model.field` and the row's stable UUID (`identity_field`, default `public_id`;
checked by a system check), so ciphertext moved to another row or column fails to decrypt.

Only `isnull` lookups work; search goes through a blind index (blind_index.py). Writes must go
through Model.save() or bulk_create(): QuerySet.update() and bulk_update() cannot encrypt
and raise EncryptedWriteError. values()/values_list() return Sealed tokens, not plaintext.
"""

from __future__ import annotations

import datetime
import decimal
import json
from dataclasses import dataclass
from typing import Any

from django.core import checks
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.backends.utils import format_number
from django.db.models.query_utils import DeferredAttribute

from . import envelope, keys
from .exceptions import DecryptionError, EncryptedLookupError, EncryptedWriteError

DEFAULT_IDENTITY_FIELD = "public_id"


@dataclass(frozen=True)
class Sealed:
    """A stored ciphertext token not yet decrypted (or just encrypted for writing)."""

    token: str


class EncryptedAttribute(DeferredAttribute):
    """Decrypts a loaded value on first access and keeps the plaintext on the instance."""

    def __get__(self, instance: models.Model | None, cls: type | None = None) -> Any:
        if instance is None:
            return self
        value = super().__get__(instance, cls)
        if isinstance(value, Sealed):
            value = self.field.decrypt(instance, value)
            instance.__dict__[self.field.attname] = value
        return value

    def __set__(self, instance: models.Model, value: Any) -> None:
        instance.__dict__[self.field.attname] = value


class EncryptedFieldMixin:
    """The encryption behaviour shared by the field family; each subclass defines
    `to_bytes(value)` and `from_bytes(data)` for its Python type."""

    descriptor_class = EncryptedAttribute

    def __init__(self, *args: Any, identity_field: str = DEFAULT_IDENTITY_FIELD, **kwargs: Any):
        self.identity_field = identity_field
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> tuple[str, str, list, dict]:
        name, path, args, kwargs = super().deconstruct()
        if self.identity_field != DEFAULT_IDENTITY_FIELD:
            kwargs["identity_field"] = self.identity_field
        return name, path, args, kwargs

    def get_internal_type(self) -> str:
        return "TextField"  # the column holds the v1 token, whatever the Python type

    def contribute_to_class(self, cls: type, name: str, private_only: bool = False) -> None:
        # Field's own version: DateField's would add get_next_by_* methods, which need
        # ordered lookups that an encrypted column cannot answer.
        models.Field.contribute_to_class(self, cls, name, private_only=private_only)

    # --- system checks ---------------------------------------------------------------------
    def check(self, **kwargs: Any) -> list[checks.CheckMessage]:
        return [*super().check(**kwargs), *self._check_identity(), *self._check_not_indexed()]

    def _identity_error(self, problem: str) -> checks.Error:
        return checks.Error(
            f"{type(self).__name__} {self.name!r} needs a stable row identity: {problem}",
            hint=f"Add `{DEFAULT_IDENTITY_FIELD} = models.UUIDField(default=uuid.uuid4, "
            "unique=True, editable=False)` to the model, or pass identity_field= naming a "
            "UUID primary key. See docs/encryption.md.",
            obj=self,
            id="encryption.E001",
        )

    def _check_identity(self) -> list[checks.CheckMessage]:
        try:
            field = self.model._meta.get_field(self.identity_field)
        except FieldDoesNotExist:
            return [self._identity_error(f"the model has no field {self.identity_field!r}")]
        uuid_default = isinstance(field, models.UUIDField) and field.has_default()
        if not (uuid_default and callable(field.default)):
            problem = f"{self.identity_field!r} is not a UUIDField with a callable default"
            return [self._identity_error(problem)]
        if not (field.unique or field.primary_key):
            return [self._identity_error(f"{self.identity_field!r} is not unique")]
        return []

    def _check_not_indexed(self) -> list[checks.CheckMessage]:
        if not (self.unique or self.db_index or self.primary_key):
            return []
        return [
            checks.Error(
                f"{type(self).__name__} {self.name!r} cannot be unique, indexed or a primary "
                "key: every encryption of a value differs.",
                hint="Index a BlindIndexField derived from it instead.",
                obj=self,
                id="encryption.E002",
            )
        ]

    # --- encryption ------------------------------------------------------------------------
    def _column(self) -> tuple[models.Field, str]:
        """The row identity's field and this column's name in the associated data, looked
        up once per model (every value written or read asks for them)."""
        known = self.__dict__.get("_column_known")
        if known is None or known[0] is not self.model:
            identity_field = self.model._meta.get_field(self.identity_field)
            known = (self.model, identity_field, f"{self.model._meta.label_lower}.{self.name}")
            self.__dict__["_column_known"] = known
        return known[1], known[2]

    def _context(self, instance: models.Model) -> str:
        identity_field, column = self._column()
        identity = identity_field.to_python(getattr(instance, identity_field.attname, None))
        if identity is None:
            raise ImproperlyConfigured(
                f"{self.model._meta.label}.{self.name} is encrypted, but the row has no "
                f"{self.identity_field!r}; see docs/encryption.md"
            )
        return f"{column}|{identity}"

    def encrypt(self, instance: models.Model, value: Any) -> Sealed:
        """Seals `value` for this row and column with the active data key.

        Side effects: may create the first data key. Raises KeyProviderError.
        """
        key_id, key = keys.active_data_key()
        return Sealed(envelope.seal(key, key_id, self._context(instance), self.to_bytes(value)))

    def decrypt(self, instance: models.Model, sealed: Sealed) -> Any:
        """The plaintext of `sealed` for this row and column.

        Raises DecryptionError (wrong row/column, altered, unknown data key) or
        KeyProviderError (the data key does not unwrap).
        """
        context = self._context(instance)
        try:
            token = envelope.parse(sealed.token)
            data = envelope.unseal(keys.data_key_plaintext(token.key_id), token, context)
        except DecryptionError as exc:
            raise DecryptionError(f"cannot decrypt {context}: {exc}") from None
        return self.from_bytes(data)

    # --- the database side -----------------------------------------------------------------
    def pre_save(self, model_instance: models.Model, add: bool) -> Sealed | None:
        """Encrypts the instance's plaintext afresh (new nonce, active data key); the
        instance keeps its plaintext."""
        value = getattr(model_instance, self.attname)
        return None if value is None else self.encrypt(model_instance, value)

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> Any:
        return None if value is None else Sealed(value)

    def get_prep_value(self, value: Any) -> str | None:
        if value is None or isinstance(value, Sealed):
            return None if value is None else value.token
        raise EncryptedWriteError(
            f"{self.model._meta.label}.{self.name} is encrypted: write it through "
            "Model.save() or bulk_create(), not QuerySet.update(), bulk_update() or raw data"
        )

    def get_db_prep_value(self, value: Any, connection: Any, prepared: bool = False) -> Any:
        return value if prepared else self.get_prep_value(value)

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        raise EncryptedLookupError(
            f"{self.model._meta.label}.{self.name} is encrypted and supports only __isnull; "
            "search through its blind index (tenants.encryption.blind_index)"
        )

    def get_transform(self, lookup_name: str) -> Any:
        raise EncryptedLookupError(
            f"{self.model._meta.label}.{self.name} is encrypted: no transforms (__{lookup_name})"
        )


class EncryptedTextField(EncryptedFieldMixin, models.TextField):
    """Encrypted text (SSN, account numbers, tokens, free text)."""

    def to_bytes(self, value: Any) -> bytes:
        return self.to_python(value).encode()

    def from_bytes(self, data: bytes) -> str:
        return data.decode()


class EncryptedDateField(EncryptedFieldMixin, models.DateField):
    """An encrypted date (date of birth); stored as ISO 8601 inside the ciphertext."""

    def to_bytes(self, value: Any) -> bytes:
        return self.to_python(value).isoformat().encode()

    def from_bytes(self, data: bytes) -> datetime.date:
        return datetime.date.fromisoformat(data.decode())


class EncryptedDecimalField(EncryptedFieldMixin, models.DecimalField):
    """An encrypted Decimal, rounded to `decimal_places` as DecimalField stores it; built from
    strings, never from float."""

    def to_bytes(self, value: Any) -> bytes:
        if isinstance(value, float):
            raise TypeError(f"{self.name}: pass a Decimal or a string, never a float")
        try:
            text = format_number(self.to_python(value), self.max_digits, self.decimal_places)
        except decimal.InvalidOperation:
            raise ValueError(f"{self.name}: more than {self.max_digits} digits") from None
        return text.encode()

    def from_bytes(self, data: bytes) -> decimal.Decimal:
        return decimal.Decimal(data.decode())


class EncryptedIntegerField(EncryptedFieldMixin, models.IntegerField):
    """An encrypted integer (a credit score); stored as its decimal digits."""

    @property
    def validators(self) -> list:
        # IntegerField's adds the column type's range, which a text column does not have.
        return [*self.default_validators, *self._validators]

    def to_bytes(self, value: Any) -> bytes:
        return str(self.to_python(value)).encode()

    def from_bytes(self, data: bytes) -> int:
        return int(data.decode())


class EncryptedJSONField(EncryptedFieldMixin, models.JSONField):
    """Encrypted JSON (plan inputs and results, offer snapshots, reconciliation figures):
    the whole document is one ciphertext, so no key lookups; Decimals, dates and UUIDs are
    written as strings (DjangoJSONEncoder), as JSONField would with that encoder."""

    def to_bytes(self, value: Any) -> bytes:
        return json.dumps(value, cls=DjangoJSONEncoder, separators=(",", ":")).encode()

    def from_bytes(self, data: bytes) -> Any:
        return json.loads(data)
