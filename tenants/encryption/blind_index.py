"""Blind indexes: searchable, keyed fingerprints of encrypted values.

    blind_index("email", "Ana@Example.org ")            # the same for any spelling
    Client.objects.filter(email_index=blind_index("email", typed_email))

HMAC-SHA256 under CREDITGENIE_BLIND_INDEX_KEY (never a data key), with the kind mixed in so
equal strings of different kinds do not match, over a normalised input; the first 32 hex
digits (128 bits) are stored. An index reveals which rows share a value, so it exists only
for the few fields counselors search by. The last 4 of an SSN alone has 10^4 values (a
dictionary away from the plaintext), so it is only indexed together with the last name. A
full name (first and last together) is indexed so counselors can find a person by name; like
an e-mail, it shows which rows share the same name and nothing more.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import unicodedata
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core import checks
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db import models

INDEX_HEX_DIGITS = 32


def _digits(value: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKC", value) if ch.isdigit())


def normalize_email(value: str) -> str:
    """Trimmed, NFKC, case-folded: `ANA@example.org ` == `ana@example.org`."""
    email = unicodedata.normalize("NFKC", value).strip().casefold()
    if "@" not in email:
        raise ValueError("not an email address")
    return email


def normalize_phone(value: str) -> str:
    """Digits only; a leading US country code 1 on 11 digits is dropped."""
    digits = _digits(value)
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if not 7 <= len(digits) <= 15:
        raise ValueError("a phone number has 7 to 15 digits")
    return digits


def normalize_last_name(value: str) -> str:
    """Letters only, accents removed, case-folded: `O'Brien-Núñez` == `obriennunez`."""
    decomposed = unicodedata.normalize("NFKD", value)
    letters = "".join(ch for ch in decomposed if ch.isalpha()).casefold()
    if not letters:
        raise ValueError("a last name needs at least one letter")
    return letters


def normalize_ssn_last4_name(ssn: str, last_name: str) -> str:
    """The last 4 digits of an SSN (full SSN or last 4 given) joined with the last name."""
    digits = _digits(ssn)
    if len(digits) not in (4, 9):
        raise ValueError("an SSN has 9 digits (or give its last 4)")
    return f"{digits[-4:]}|{normalize_last_name(last_name)}"


def normalize_full_name(first_name: str, last_name: str) -> str:
    """First and last name, each letters only, accents removed, case-folded:
    `José`, `O'Brien` == `jose|obrien`."""
    return f"{normalize_last_name(first_name)}|{normalize_last_name(last_name)}"


def normalize_ip(value: str) -> str:
    """An IP address in its canonical form (``::FFFF:1.2.3.4`` spelled one way)."""
    return str(ipaddress.ip_address(value.strip()))


NORMALIZERS: dict[str, Callable[..., str]] = {
    "email": normalize_email,
    "phone": normalize_phone,
    "ssn_last4_name": normalize_ssn_last4_name,
    "full_name": normalize_full_name,
    # Not a searchable column: the keyed fingerprint an e-signature keeps of the signer's
    # address (an unkeyed hash of an IPv4 address is 2^32 guesses away from it).
    "ip": normalize_ip,
}


def blind_index_key() -> bytes:
    """Raises ImproperlyConfigured if CREDITGENIE_BLIND_INDEX_KEY is not set."""
    if not settings.CREDITGENIE_BLIND_INDEX_KEY:
        raise ImproperlyConfigured(
            "CREDITGENIE_BLIND_INDEX_KEY is not set; provisioning writes one "
            "(`manage.py create_key_file --print-blind-index-key` makes one)"
        )
    return bytes.fromhex(settings.CREDITGENIE_BLIND_INDEX_KEY)


def blind_index(kind: str, *values: str) -> str:
    """The index of `values` (one, or SSN and last name for ssn_last4_name).

    Raises KeyError for an unknown kind, ValueError for input that normalises to nothing.
    """
    normalized = NORMALIZERS[kind](*values)
    message = f"{kind}\x00{normalized}".encode()
    return hmac.new(blind_index_key(), message, hashlib.sha256).hexdigest()[:INDEX_HEX_DIGITS]


class BlindIndexField(models.CharField):
    """A blind index kept in step with its source fields on every save.

        email_index = BlindIndexField("email", sources=["email"])
        ssn_name_index = BlindIndexField("ssn_last4_name", sources=["ssn", "last_name"])

    Null when a source is empty. Indexed; never editable in forms.
    """

    def __init__(self, kind: str, sources: list[str] | tuple[str, ...], **kwargs: Any) -> None:
        self.kind, self.sources = kind, list(sources)
        kwargs.setdefault("max_length", INDEX_HEX_DIGITS)
        kwargs.setdefault("db_index", True)
        kwargs.setdefault("null", True)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("editable", False)
        super().__init__(**kwargs)

    def deconstruct(self) -> tuple[str, str, list, dict]:
        name, path, _args, kwargs = super().deconstruct()
        for default in ("max_length", "db_index", "null", "blank", "editable"):
            kwargs.pop(default, None)
        return name, path, [self.kind, self.sources], kwargs

    def check(self, **kwargs: Any) -> list[checks.CheckMessage]:
        errors = super().check(**kwargs)
        if self.kind not in NORMALIZERS:
            message = f"unknown blind index kind {self.kind!r}"
            errors.append(checks.Error(message, obj=self, id="encryption.E003"))
        for source in self.sources:
            try:
                self.model._meta.get_field(source)
            except FieldDoesNotExist:
                message = f"blind index source field {source!r} does not exist"
                errors.append(checks.Error(message, obj=self, id="encryption.E004"))
        return errors

    def pre_save(self, model_instance: models.Model, add: bool) -> str | None:
        values = [getattr(model_instance, source) for source in self.sources]
        index = None if any(v in (None, "") for v in values) else blind_index(self.kind, *values)
        setattr(model_instance, self.attname, index)
        return index
