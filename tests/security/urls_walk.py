"""Every URL pattern of the active URLconf, as a concrete path.

Used by the authorization matrix and the stored-XSS walk, so a URL added by a later issue
is covered by both without anyone remembering to add it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver, resolve

_ROUTE_PARAM = re.compile(r"<(?:\w+:)?(\w+)>")
_REGEX_GROUP = re.compile(r"\(\?P<(\w+)>[^)]*\)")


@dataclass(frozen=True)
class Route:
    """One URL pattern: its resolver view name and a path with the parameters filled."""

    view_name: str
    path: str


def _patterns(
    patterns: list[URLPattern | URLResolver], prefix: str = ""
) -> Iterator[tuple[str, URLPattern]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _patterns(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern), pattern


def _fill(template: str, values: Mapping[str, str]) -> str:
    """``applications/<uuid:public_id>/`` -> ``/applications/<the value>/``."""
    missing = set(_ROUTE_PARAM.findall(template) + _REGEX_GROUP.findall(template)) - set(values)
    assert not missing, f"no test value for URL parameter(s) {sorted(missing)} in {template!r}"
    path = _REGEX_GROUP.sub(lambda m: values[m.group(1)], template)
    path = _ROUTE_PARAM.sub(lambda m: values[m.group(1)], path)
    return "/" + path.replace("^", "").replace("$", "")


def routes(values: Mapping[str, str]) -> list[Route]:
    """Every pattern of the active URLconf, filled with ``values`` by parameter name."""
    found: list[Route] = []
    for template, _pattern in _patterns(get_resolver().url_patterns):
        path = _fill(template, values)
        found.append(Route(resolve(path).view_name, path))
    return found
