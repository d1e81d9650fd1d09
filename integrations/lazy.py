"""Modules that load on first use: vendor SDKs stay out of processes that never call them.

plaid-python alone is ~34 MB and 900 modules; a web process that serves pages without a
Plaid call should not carry it (tests/creditgenie/test_imports.py)."""

from __future__ import annotations

import importlib
from types import ModuleType

from django.utils.functional import SimpleLazyObject


def lazy_module(name: str) -> ModuleType:
    """``name`` imported at the first attribute read, then used as the module itself."""
    return SimpleLazyObject(lambda: importlib.import_module(name))  # type: ignore[return-value]
