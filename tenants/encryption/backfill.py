"""Turning plain columns into encrypted ones in a migration.

    migrations.AlterField("income", "gross", EncryptedDecimalField(...)),   # column -> text
    migrations.RunPython(encrypt_in_place("intake", "Income", ["gross"]), migrations.RunPython.noop)

`AlterField` changes the column type to text (PostgreSQL casts the values, SQLite copies
them), so each row then holds its old value as plain text, which the field reads back as a
token that is not `v1:`. `encrypt_in_place` seals every such value for its row and column
with the deployment's keys (which `migrate` runs with) and leaves sealed ones alone, so a
re-run is harmless. With `new_identity=True` it also gives rows without a `public_id` one
(for a model whose identity column is added in the same migration, null until then).
"""

from __future__ import annotations

import decimal
import json
import uuid
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django.db import models

from .fields import Sealed

PREFIX = "v1:"
Converters = Mapping[str, Callable[[str], str]]


def host_address(text: str) -> str:
    """An address as PostgreSQL's inet-to-text cast leaves it, without the `/32` (`/128`)."""
    return text.split("/", 1)[0]


def _plaintext(field: models.Field, token: str) -> Any:
    if isinstance(field, models.JSONField):
        return json.loads(token)
    if isinstance(field, models.DecimalField):
        return decimal.Decimal(token)
    return field.to_python(token)


def _row_values(
    model: type[models.Model], names: Sequence[str], row: Sequence[Any], convert: Converters
) -> dict:
    values = {}
    for name, raw in zip(names, row, strict=True):
        if isinstance(raw, Sealed) and not raw.token.startswith(PREFIX):
            text = convert[name](raw.token) if name in convert else raw.token
            values[name] = _plaintext(model._meta.get_field(name), text)
    return values


def encrypt_in_place(
    app_label: str,
    model_name: str,
    names: Sequence[str],
    *,
    new_identity: bool = False,
    convert: Converters | None = None,
) -> Callable[[Any, Any], None]:
    """A RunPython function sealing the plain values left in `names` after AlterField;
    `convert` maps a column to a function cleaning its old text (e.g. `host_address`)."""

    def run(apps: Any, schema_editor: Any) -> None:
        model = apps.get_model(app_label, model_name)
        rows = model.objects.order_by("pk").values_list("pk", "public_id", *names)
        for pk, identity, *raw in rows.iterator(chunk_size=500):
            values = _row_values(model, names, raw, convert or {})
            fresh = identity is None and new_identity
            if not (values or fresh):
                continue
            identity = uuid.uuid4() if fresh else identity
            row = model(pk=pk, public_id=identity)
            # A value already sealed is read (decrypted) and sealed again like the others.
            for name, token in zip(names, raw, strict=True):
                setattr(row, name, values.get(name, token))
            row.save(update_fields=[*names, *(["public_id"] if fresh else [])])

    return run
