"""The consent texts: versioned files in both languages (templates/intake/consents/),
and the hash that a consent record keeps of the exact text shown."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings

from ..models import Consent

# The intent statement a consumer affirms when signing a plan offer: versioned like the
# consents (a PlanAcceptance keeps its version), though it is not a Consent row.
SIGNATURE_INTENT = "plan_signature"
# The version each kind shows now. A new wording is a new file and a new version here.
CURRENT_VERSIONS: dict[str, str] = {
    SIGNATURE_INTENT: "2026-01",
    Consent.Kind.PRIVACY: "2026-01",
    Consent.Kind.ESIGN: "2026-01",
    Consent.Kind.CREDIT_PULL: "2026-01",
    Consent.Kind.BANK_DATA: "2026-01",
}
REQUIRED_KINDS = (Consent.Kind.PRIVACY, Consent.Kind.ESIGN)
TEXT_DIR = Path(settings.BASE_DIR) / "templates" / "intake" / "consents"


@dataclass(frozen=True)
class ConsentText:
    kind: str
    version: str
    language: str
    text: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode()).hexdigest()


@cache
def consent_text(kind: str, language: str, version: str = "") -> ConsentText:
    """The text of `kind` in `language` (English when Spanish is not asked for), in
    `version` (a text someone agreed to earlier) or the current one."""
    language = "es" if language.startswith("es") else "en"
    version = version or CURRENT_VERSIONS[kind]
    text = (TEXT_DIR / f"{kind}-{version}.{language}.txt").read_text(encoding="utf-8").strip()
    return ConsentText(kind, version, language, text)
