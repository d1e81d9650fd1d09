"""The consumer's e-signature on a plan offer (E-SIGN Act / UETA practice) and the signed
copy of the plan.

Signing binds an identity to one exact document: the typed name must be the applicant's
legal name (and a co-applicant signs too), the consumer affirms a versioned intent
statement, and the record keeps the SHA-256 of the frozen offer document. The signed copy
is that frozen document followed by the signature block; it is made from the stored
records only, so the consumer and the counselor always get the same bytes.
"""

from __future__ import annotations

import secrets
import unicodedata
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from notifications.kinds import Kind
from tenants.audit.models import AuditAction
from tenants.audit.services import client_ip
from tenants.encryption.blind_index import blind_index
from tenants.selectors import agency_profile_get, agency_zone

from ..errors import SignatureInvalid
from ..models import Application, Household, PlanAcceptance, PlanOffer, StatusChange
from ..models.offers import OfferRendering
from .analytics import offer_accepted_emit
from .common import consumer_audit
from .consents import SIGNATURE_INTENT, consent_text
from .notices import staff_notice
from .pdf import document_pdf
from .portal import document_sha256, offer_for_answer, stage_record

# Signature ids are read aloud and typed: no 0/O, 1/I/L or U.
_ID_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"


def signature_id_new() -> str:
    """A short random id such as ``7K3Q-9XMA`` (30^8 values; unique in the database)."""
    chars = "".join(secrets.choice(_ID_ALPHABET) for _ in range(8))
    return f"{chars[:4]}-{chars[4:]}"


def name_key(name: str) -> str:
    """A name compared the way people write it: letters only, accents removed, case folded
    (``"  MARÍA   lópez "`` and ``"Maria Lopez"`` give the same key)."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(ch for ch in decomposed if ch.isalpha()).casefold()


def name_matches(typed: str, legal_names: Iterable[str]) -> bool:
    """Whether `typed` is one of `legal_names`, forgiving case, accents and spacing."""
    key = name_key(typed)
    return bool(key) and any(key == name_key(name) for name in legal_names if name)


def _applicant_names(household: Household) -> tuple[str, ...]:
    # With or without the middle name: both are the applicant's legal name.
    return (household.full_name, f"{household.first_name or ''} {household.last_name or ''}")


def _co_applicant_name(household: Household) -> str:
    return f"{household.co_first_name or ''} {household.co_last_name or ''}".strip()


def signature_check(
    *, household: Household | None, typed_name: str, co_typed_name: str, consented: bool
) -> None:
    """Raises SignatureInvalid (with the form field it is about) unless the intent box is
    ticked, the typed name is the applicant's legal name and, when there is a co-applicant,
    the co-applicant's typed name is theirs. Side effects: none."""
    if household is None or not household.last_name:
        raise SignatureInvalid(_("We do not have your legal name. Please call your counselor."))
    if not name_matches(typed_name, _applicant_names(household)):
        raise SignatureInvalid(
            _("Type your full legal name as it is on your application: %(name)s.")
            % {"name": household.full_name},
            field="typed_name",
        )
    if household.has_co_applicant and not name_matches(
        co_typed_name, (_co_applicant_name(household),)
    ):
        raise SignatureInvalid(
            _("Your co-applicant types their full legal name: %(name)s.")
            % {"name": _co_applicant_name(household)},
            field="co_typed_name",
        )
    if not consented:
        raise SignatureInvalid(_("Tick the box to sign."), field="consent")


def _ip_hash(request: HttpRequest | None) -> str:
    address = client_ip(request) if request is not None else None
    return blind_index("ip", address) if address else ""


@transaction.atomic
def plan_offer_accept(
    *,
    application: Application,
    offer_id: Any,
    document_hash: str,
    typed_name: str,
    consented: bool,
    actor: Any,
    co_typed_name: str = "",
    language: str = "en",
    request: HttpRequest | None = None,
) -> PlanAcceptance:
    """The consumer's e-signature on the current offer: the typed legal names, the intent
    statement (its version in `language`), time, who, a keyed hash of the IP address, the
    user agent, and the SHA-256 of the exact offer document (recomputed, not taken from
    the browser).

    Side effects: offer open -> accepted (conditional UPDATE); one PlanAcceptance with a
    new signature id; status -> enrolled and its timeline row; one audit `create`;
    ``accepted`` and ``enrolled`` analytics events; the counselor's notice. Raises
    OfferAlreadySigned (a second signature), OfferNotOpen (superseded or declined),
    OfferChanged (hash differs), SignatureInvalid (wrong name, no tick); nothing changes
    when it raises.
    """
    offer = offer_for_answer(application, offer_id, document_hash)
    signed_rendering = offer.rendering_of(document_hash) or offer.rendering(language)
    household = Household.objects.filter(application=application).first()
    signature_check(
        household=household,
        typed_name=typed_name,
        co_typed_name=co_typed_name,
        consented=consented,
    )
    now = timezone.now()
    PlanOffer.objects.filter(pk=offer.pk, status=PlanOffer.Status.OPEN, superseded=False).update(
        status=PlanOffer.Status.ACCEPTED, responded_at=now
    )
    intent = consent_text(SIGNATURE_INTENT, language)
    acceptance = PlanAcceptance.objects.create(
        application=application,
        offer=offer,
        signature_id=signature_id_new(),
        signed_by=actor if actor is not None and actor.is_authenticated else None,
        typed_name=" ".join(typed_name.split()),
        co_typed_name=" ".join(co_typed_name.split()) or None,
        intent_version=intent.version,
        intent_language=intent.language,
        consented=True,
        document_hash=document_sha256(signed_rendering.html),
        accepted_at=now,
        ip=client_ip(request) if request is not None else None,
        ip_hash=_ip_hash(request),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:300] if request else "",
    )
    Application.objects.filter(pk=application.pk).update(status=Application.Status.ENROLLED)
    stage_record(application, StatusChange.Stage.ENROLLED)
    consumer_audit(
        actor=actor,
        action=AuditAction.CREATE,
        object_type="plan_acceptance",
        object_id=str(acceptance.public_id),
        application=application,
        request=request,
        purpose=f"plan offer signed ({acceptance.signature_id}, intent {intent.version})",
    )
    offer_accepted_emit(application, offer)
    staff_notice(
        application=application, kind=Kind.OFFER_ACCEPTED_COUNSELOR, extra=(offer.created_by,)
    )
    return acceptance


def signed_plan_html(acceptance: PlanAcceptance) -> str:
    """The frozen offer document followed by the signature block, in the document's
    language, with the time in the agency's timezone. Side effects: none."""
    rendering = _signed_rendering(acceptance)
    language = rendering.language if rendering.language in ("en", "es") else "en"
    with translation.override(language):
        block = render_to_string(
            "portal/partials/_signed_block.html",
            {
                "acceptance": acceptance,
                "zone": agency_zone(agency_profile_get()),
                "intent": consent_text(
                    SIGNATURE_INTENT, acceptance.intent_language, acceptance.intent_version
                ),
            },
        )
    return rendering.html + block


def _signed_rendering(acceptance: PlanAcceptance) -> OfferRendering:
    """The document the consumer read and signed (its hash is the signature's), in the
    language they read it in."""
    offer = acceptance.offer
    return offer.rendering_of(acceptance.document_hash) or offer.renderings()[0]


def signed_plan_pdf(acceptance: PlanAcceptance) -> bytes:
    """The signed plan as a PDF; the same record always gives the same bytes."""
    language = _signed_rendering(acceptance).language
    return document_pdf(
        signed_plan_html(acceptance),
        title=f"Signed plan {acceptance.signature_id}",
        language=language,
        created=acceptance.accepted_at,
    )
