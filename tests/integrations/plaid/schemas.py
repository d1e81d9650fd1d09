"""Checks a JSON answer against plaid-python's generated models, field by field: every
property a model requires (the positional arguments of its ``_from_openapi_data``,
for allOf schemas every part's), every value's type, every enum's allowed values.
plaid-python itself only notices some of these when it deserializes, so the sandbox's
answers are held to the models here (the contract test)."""

from __future__ import annotations

import inspect
import re
from datetime import date, datetime
from typing import Any

from plaid.model_utils import ModelComposed, ModelSimple, OpenApiModel, none_type

SCALARS = {str: str, int: int, float: (int, float), bool: bool}


def _required(model: type) -> list[str]:
    parameters = inspect.signature(model._from_openapi_data).parameters.values()
    names = [p.name for p in parameters if p.kind == p.POSITIONAL_OR_KEYWORD]
    return [model.attribute_map.get(name, name) for name in names]


def _spec_required(model: type) -> list[str]:
    """An allOf model takes every property as a keyword, but its docstring keeps the
    spec's word: a property not marked ``[optional]`` is required (e.g. a transaction's
    ``location`` and ``payment_meta``, which plaid-python never enforces)."""
    doc = (model._from_openapi_data.__doc__ or "").split("Keyword Args:", 1)[-1]
    lines = re.findall(r"^ {12}([a-z][a-z0-9_]*) \(.*$", doc, re.M)
    full = re.findall(r"^ {12}[a-z][a-z0-9_]* \(.*$", doc, re.M)
    names = [name for name, line in zip(lines, full, strict=True) if "[optional]" not in line]
    return [model.attribute_map.get(name, name) for name in names]


def problems(model: type, data: Any, path: str = "$") -> list[str]:
    """What in ``data`` the model refuses or misses; [] when it fits."""
    if not isinstance(data, dict):
        return [f"{path}: an object expected"]
    found: list[str] = []
    composed = issubclass(model, ModelComposed)
    required = _spec_required(model) if composed else _required(model)
    found += [f"{path}.{name}: required" for name in required if name not in data]
    if composed:
        for part in model._composed_schemas["allOf"]:
            found += [p for p in problems(part, data, path) if p not in found]
        return found
    by_json = {json_name: name for name, json_name in model.attribute_map.items()}
    for key, value in data.items():
        name = by_json.get(key)
        if name is not None:
            found += _value(model.openapi_types[name], value, f"{path}.{key}")
    return found


def _value(types: tuple, value: Any, path: str) -> list[str]:
    if value is None:
        nullable = none_type in types or getattr(types[0], "_nullable", False)
        return [] if nullable else [f"{path}: null not allowed"]
    kind = types[0]
    if isinstance(kind, list):
        if not isinstance(value, list):
            return [f"{path}: a list expected"]
        return [p for n, v in enumerate(value) for p in _value(tuple(kind), v, f"{path}[{n}]")]
    if isinstance(kind, dict):
        return [] if isinstance(value, dict) else [f"{path}: an object expected"]
    if kind in (date, datetime):
        return [] if isinstance(value, str) else [f"{path}: a {kind.__name__} string expected"]
    if isinstance(kind, type) and issubclass(kind, ModelSimple):
        allowed = list(kind.allowed_values.get(("value",), {}).values())
        return [] if not allowed or value in allowed else [f"{path}: {value!r} not allowed"]
    if isinstance(kind, type) and issubclass(kind, OpenApiModel):
        return problems(kind, value, path)
    expected = SCALARS.get(kind)
    if expected is not None and (
        not isinstance(value, expected) or (kind is not bool and isinstance(value, bool))
    ):
        return [f"{path}: {kind.__name__} expected"]
    return []
