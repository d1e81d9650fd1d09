"""What a person must never read on a page: our internal names, "-$", money without its
thousands separator, a raw duration, English left on a Spanish page.

The rules read the page's visible text only (tags, scripts, styles and attribute values
are not shown), one text node at a time, so that a match names the words around it.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from django.apps import apps
from django.db import models

from counselor.models import CLOSE_REASONS, PlanOutcome
from intake.engine.budget import CATEGORIES, LINE_ITEMS
from intake.engine.irs_standards import load_standards
from integrations.warehouse.facts import EventType
from tests.intake.catalogue import ENGLISH_WORDS

APPS = ("intake", "counselor", "integrations", "tenants")
# Not read as words: code, styles, and what a person types literally (a demo username, a
# hash) set as <code>, <kbd> or <samp>.
_SKIPPED = {"script", "style", "template", "noscript", "head", "code", "kbd", "samp"}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "wbr"}
SNAKE = re.compile(r"(?<![\w./-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w/-])")
NEGATIVE_MONEY = re.compile(r"-\s*\$|\$\s*-")
NO_SEPARATOR = re.compile(r"\$\s?\d{4,}")
DURATION = re.compile(r"\b\d+:\d{2}:\d{2}\.\d+|\b\d+ days?, \d+:\d{2}:\d{2}")


def _choice_values(choices: object) -> set[str]:
    values: set[str] = set()
    for value, label in choices or ():
        if isinstance(label, list | tuple):
            values |= _choice_values(label)
        elif isinstance(value, str) and value and str(label) != value:
            values.add(value)
    return values


def internal_names() -> frozenset[str]:
    """Every value of our model choices (and of the engine's worksheet, standards and
    warehouse vocabularies) that a person should see as a label, never as itself."""
    names: set[str] = set()
    for label in APPS:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            for field in model._meta.get_fields():
                names |= _choice_values(getattr(field, "choices", None))
    pending = list(models.TextChoices.__subclasses__())
    while pending:
        choices = pending.pop()
        pending += choices.__subclasses__()
        if choices.__module__.split(".")[0] in APPS:
            names |= _choice_values(choices.choices)
    names |= _choice_values(PlanOutcome.choices) | set(CLOSE_REASONS)
    names |= {str(kind) for kind in EventType} | set(LINE_ITEMS) | set(CATEGORIES)
    names |= set(load_standards().table["national_standards"]["1"]) - {"total"}
    return frozenset(names)


class _Nodes(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []
        self.nodes: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        hidden = tag in _SKIPPED or any(h for _t, h in self.stack)
        if tag == "input" and not hidden and dict(attrs).get("type") in ("submit", "button"):
            self.nodes.append(dict(attrs).get("value") or "")
        if tag not in _VOID:
            self.stack.append((tag, hidden))

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        text = " ".join(data.split())
        if text and not any(hidden for _tag, hidden in self.stack):
            self.nodes.append(text)


def text_nodes(html: str) -> list[str]:
    """The page's visible text, one entry per text node, whitespace collapsed."""
    parser = _Nodes()
    parser.feed(html)
    return parser.nodes


def offences(
    nodes: list[str], names: frozenset[str], other_language: list[str] | None = None
) -> list[str]:
    """What is wrong with this visible text, one line per finding. A text node that is a
    one-word internal name ("electric", "en") counts when the page in the other language
    shows it too: a word the catalogue translates is a label, not a name."""
    found: list[str] = []
    untranslated = set(nodes if other_language is None else other_language)
    for node in nodes:
        tokens = {token for token in SNAKE.findall(node) if token in names}
        if node.lower() == node and node in names and node in untranslated:
            tokens.add(node)
        found += [f"internal name {token!r} in {node!r}" for token in sorted(tokens)]
        for rule, pattern in (
            ("negative money", NEGATIVE_MONEY),
            ("no thousands separator", NO_SEPARATOR),
            ("raw duration", DURATION),
        ):
            found += [f"{rule} {m.group(0)!r} in {node!r}" for m in pattern.finditer(node)]
    return found


def english_sentences(
    english: list[str], spanish: list[str], allowed: tuple[str, ...]
) -> list[str]:
    """Text nodes of the Spanish page that are the English page's own words, unchanged,
    and read as English (two words or more, one of them an English word): a string left
    untranslated. ``allowed``: names and what people typed, shown as they are."""
    same = set(english) & set(spanish)
    left = []
    for node in sorted(same):
        text = node
        for name in allowed:
            text = text.replace(name, " ")
        words = re.findall(r"(?<![\w'])[A-Za-z']+(?![\w'])", text)
        if len(words) >= 2 and any(word.lower() in ENGLISH_WORDS for word in words):
            left.append(node)
    return left
