"""The Spanish catalogue read as data, and the visible text of a rendered page.

Used by the Spanish tests (in-process) and the Spanish browser journey: a page shown in
Spanish must contain no English msgid of the catalogue and no common English word.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from django.conf import settings

PO_PATH = Path(settings.BASE_DIR) / "locale" / "es" / "LC_MESSAGES" / "django.po"
MO_PATH = PO_PATH.with_suffix(".mo")
_PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%%|\{\w*\}")
_LINE = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(".*")$')
# Words that are English and not Spanish: one on a Spanish page means a string was missed.
_ENGLISH = (
    "the your you and to of for with is are this that what how we our please enter choose save "
    "not yet has have was will can it be on at from an or by if my step edit"
)
ENGLISH_WORDS = frozenset(_ENGLISH.split())
_SKIPPED_TAGS = {"script", "style", "template", "noscript"}
_VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "wbr"}
_VISIBLE_ATTRIBUTES = ("aria-label", "placeholder", "alt", "title")


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str = ""
    msgstr: dict[str, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    references: list[str] = field(default_factory=list)


def _flags(line: str) -> set[str]:
    return {flag.strip() for flag in line[2:].split(",")}


def _entry_add(entry: Entry, key: str, text: str) -> None:
    if key.startswith("msgstr"):
        entry.msgstr[key] = entry.msgstr.get(key, "") + text
    elif key in ("msgid", "msgid_plural"):
        setattr(entry, key, getattr(entry, key) + text)


def catalogue_entries(path: Path = PO_PATH) -> list[Entry]:
    """Every entry of a .po file, the header (msgid "") first."""
    entries: list[Entry] = []
    entry, key = Entry(), ""
    for raw in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        line = raw.strip()
        if not line:
            if entry.msgstr:
                entries.append(entry)
            entry, key = Entry(), ""
        elif line.startswith("#,"):
            entry.flags |= _flags(line)
        elif line.startswith("#:"):
            entry.references += [ref.rsplit(":", 1)[0] for ref in line[2:].split()]
        elif line.startswith("#"):
            continue
        elif match := _LINE.match(line):
            key = match.group(1)
            _entry_add(entry, key, ast.literal_eval(match.group(2)))
        else:
            _entry_add(entry, key, ast.literal_eval(line))
    return entries


def untranslated(entries: list[Entry]) -> list[str]:
    """msgids whose translation is empty or fuzzy (the header included)."""
    return [
        entry.msgid or "(header)"
        for entry in entries
        if "fuzzy" in entry.flags or not all(text.strip() for text in entry.msgstr.values())
    ]


def english_fragments(entries: list[Entry]) -> set[str]:
    """The English text of every msgid that Spanish says differently, split at
    placeholders; fragments too short to tell apart are left out."""
    fragments: set[str] = set()
    for entry in entries[1:]:
        if entry.msgid in entry.msgstr.values():
            continue
        for piece in _PLACEHOLDER.split(entry.msgid):
            piece = " ".join(piece.split()).strip(" .,:;·()-")
            if len(piece) >= 4 and re.search(r"[a-z]", piece):
                fragments.add(piece)
    return fragments


class _VisibleText(HTMLParser):
    """Text a person sees or hears (screen readers) on the page, except parts marked
    as another language (lang="en" on the language switch)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []
        self.parts: list[str] = []

    def _hidden(self) -> bool:
        return any(hidden for _tag, hidden in self.stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        lang = values.get("lang")
        hidden = tag in _SKIPPED_TAGS or bool(lang and not lang.startswith("es") and tag != "html")
        if not hidden and not self._hidden():
            self.parts += [values[name] or "" for name in _VISIBLE_ATTRIBUTES if name in values]
            if tag == "input" and values.get("type") in ("submit", "button"):
                self.parts.append(values.get("value") or "")
        if tag not in _VOID_TAGS:
            self.stack.append((tag, hidden))

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        if not self._hidden():
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _VisibleText()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def english_left(text: str, fragments: set[str], ignore: tuple[str, ...] = ()) -> list[str]:
    """English catalogue text and English words found in `text` (a page shown in Spanish),
    after removing `ignore` (names, the agency's name, what the consumer typed)."""
    for name in ignore:
        text = text.replace(name, " ")
    found = sorted(
        fragment
        for fragment in fragments
        if re.search(rf"(?<![\w-]){re.escape(fragment)}(?![\w-])", text)
    )
    # Whole words only: a reference number such as 493cab68-54be-... holds no English word.
    words = {
        word
        for word in re.findall(r"(?<![\w'])[A-Za-z']+(?![\w'])", text)
        if word.lower() in ENGLISH_WORDS
    }
    return found + sorted(words)
