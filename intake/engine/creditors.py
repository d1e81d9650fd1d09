"""Creditor names, as consumers type them and as credit reports print them, in one
normal form. Pure code (no Django); both the verification (stated debt vs tradeline) and
the agency's creditor terms (report name vs table entry) compare names through it.

The normal form, in order: upper case; apostrophes dropped ("Kohl's" is "KOHLS"); any
other run of characters but A-Z and 0-9 is one space; multi-word brands become one word
("CAPITAL ONE", "CAP ONE", "CAP1" are all CAPITALONE); bureau abbreviations become the
brand ("SYNCB" is SYNCHRONY, "JPMCB" is CHASE); words that say nothing of who the creditor
is ("BANK", "CARD", "SERVICES", "NA"...) and numbers are left out.
"""

from __future__ import annotations

import re

# Multi-word brands and their bureau spellings, to one word each.
PHRASES = (
    ("CAPITAL ONE", "CAPITALONE"),
    ("CAP ONE", "CAPITALONE"),
    ("CAP1", "CAPITALONE"),
    ("BANK OF AMERICA", "BOFA"),
    ("BK OF AMER", "BOFA"),
    ("AMERICAN EXPRESS", "AMEX"),
    ("WELLS FARGO", "WELLSFARGO"),
    ("WF BANK", "WELLSFARGO"),
    ("US BANK", "USBANK"),
    ("NAVY FEDERAL", "NAVYFEDERAL"),
    ("NAVY FCU", "NAVYFEDERAL"),
)
# Bureau abbreviations, to the brand ("" drops the word).
ALIASES = {
    "SYNCB": "SYNCHRONY",
    "JPMCB": "CHASE",
    "JPMORGAN": "CHASE",
    "CITIBANK": "CITI",
    "CBNA": "CITI",
    "WFBNA": "WELLSFARGO",
    "BOA": "BOFA",
    "DISC": "DISCOVER",
    "COMENITY": "COMENITY",
    "CB": "",
    "DFS": "DISCOVER",
}
FILLER = frozenset(
    {
        "BANK",
        "NA",
        "N",
        "A",
        "FIN",
        "FINANCIAL",
        "SVCS",
        "SERVICES",
        "SVC",
        "CARD",
        "CARDS",
        "CREDIT",
        "CORP",
        "INC",
        "USA",
        "CO",
        "FSB",
        "THE",
        "OF",
        "LLC",
        "STORE",
        "ACCOUNT",
        "LOAN",
        "LOANS",
        "AUTO",
        "VISA",
        "MASTERCARD",
        "MC",
    }
)
# How the one-word brands read on a page.
DISPLAY = {
    "CAPITALONE": "Capital One",
    "BOFA": "Bank of America",
    "AMEX": "American Express",
    "WELLSFARGO": "Wells Fargo",
    "USBANK": "U.S. Bank",
    "NAVYFEDERAL": "Navy Federal",
}

_APOSTROPHES = re.compile("['\u2019]")
_NON_ALNUM = re.compile(r"[^A-Z0-9]+")


def creditor_words(name: str) -> tuple[str, ...]:
    """The significant words of a creditor's name, in order, in the normal form above:
    ``"SYNCB/Amazon Store Card"`` -> ``("SYNCHRONY", "AMAZON")``."""
    text = " " + _NON_ALNUM.sub(" ", _APOSTROPHES.sub("", name.upper())) + " "
    for phrase, word in PHRASES:
        text = text.replace(f" {phrase} ", f" {word} ")
    words = (ALIASES.get(w, w) for w in text.split())
    return tuple(w for w in words if w and w not in FILLER and not w.isdigit())


def creditor_key(name: str) -> str:
    """The normal form as one string: two names are the same creditor when their keys are
    equal (``"JPMCB CARD"`` and ``"Chase"`` are both ``"CHASE"``)."""
    return " ".join(creditor_words(name))


def creditor_tokens(name: str) -> frozenset[str]:
    """The significant words as a set, for overlap tests between two spellings."""
    return frozenset(creditor_words(name))


def creditor_display(name: str) -> str:
    """A readable creditor name: ``"SYNCB/AMAZON"`` -> ``"Synchrony / Amazon"``."""
    parts = [
        " ".join(DISPLAY.get(w, w.title()) for w in creditor_words(part))
        for part in name.split("/")
    ]
    return " / ".join(p for p in parts if p) or name.title()
