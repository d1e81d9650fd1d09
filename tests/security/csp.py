"""Reading a Content-Security-Policy header in tests."""

from __future__ import annotations

import re

NONCE_SOURCE = re.compile(r"'nonce-([A-Za-z0-9+/=]+)'")


def csp_directives(header: str) -> dict[str, list[str]]:
    """``"default-src 'self'; img-src 'self' data:"`` -> ``{"default-src": ["'self'"], ...}``."""
    parts = (part.split() for part in header.split(";") if part.strip())
    return {name: sources for name, *sources in parts}


def without_nonce(directives: dict[str, list[str]]) -> dict[str, list[str]]:
    return {
        name: [s for s in sources if not NONCE_SOURCE.fullmatch(s)]
        for name, sources in directives.items()
    }
