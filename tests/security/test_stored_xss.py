"""Stored XSS: a script payload saved in every free-text field of our models renders escaped
on every page that shows it (agency pages, the admin, the front door).

Free text = every CharField/TextField that is editable, has no choices and no format
validator (a RegexValidator limits such a field to characters that cannot form markup).
A model of ours with free text is filled by a generic builder (payloads in its free text,
the scene's user and application as parents) or, where that cannot build a valid row, by
its entry in SCENE; the test fails naming the model until one works, so fields added by
later issues are walked as soon as they exist.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.validators import RegexValidator
from django.db import DatabaseError, models, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from counselor.demo.terms import DEMO_INPUTS
from counselor.models import OfferException
from counselor.services.proposals import proposal_start
from intake.models import Application
from integrations.models import BureauPull, CreditReport, PlaidAccount, PlaidItem, PlaidTransaction
from integrations.oidc.models import ConsumerProfile
from tenants.audit.models import AuditAction, AuditEvent
from tenants.audit.selectors import HISTORY_PAGE_SIZE
from tenants.audit.services import audit_record
from tenants.models import Agency, AgencyProfile
from tenants.roles import Role, role_grant
from tenants.uploads.models import StoredFile
from tests.security.urls_walk import routes

OUR_PACKAGES = ("tenants", "intake", "counselor", "integrations")
EXEMPT_MODELS = {
    "tenants.DeploymentStamp": "written only by provisioning from a validated slug",
    "encryption.DataKey": "key metadata: ids and wrapped keys written by the key provider",
    "audit.AuditKey": "the wrapped audit chain key, written by the key provider",
    "audit.AuditChainHead": "the chain's last seq and hash, written by audit_record",
    "audit.ChainVerification": "verification outcomes: counts, row numbers, fixed sentences",
}
EXEMPT_FIELDS = {"auth.User.password": "a hash, never shown"}
# Fields whose payload must show up (escaped) somewhere, so the walk cannot pass vacuously.
MUST_SHOW = {
    "tenants.AgencyProfile.name",
    "tenants.AgencyProfile.phone",
    "tenants.AgencyProfile.email",
    "tenants.Agency.display_name",
    "audit.AuditEvent.object_type",
    "audit.AuditEvent.purpose",
    "auth.User.first_name",
    "auth.User.email",
}


def _free_text(model: type[models.Model]) -> list[models.Field]:
    return [
        field
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField)
        and field.editable
        and not field.choices
        and not any(isinstance(v, RegexValidator) for v in field.validators)
        and f"{model._meta.label}.{field.name}" not in EXEMPT_FIELDS
    ]


def _models_in_scope() -> list[type[models.Model]]:
    ours = [
        m
        for m in apps.get_models()
        if m.__module__.split(".")[0] in OUR_PACKAGES and m._meta.label not in EXEMPT_MODELS
    ]
    return [get_user_model(), *(m for m in ours if _free_text(m))]


class Payloads:
    """One distinct payload per field, short enough for its max_length."""

    def __init__(self) -> None:
        self.by_field: dict[str, str] = {}

    def __call__(self, label: str, field_name: str) -> str:
        key = f"{label}.{field_name}"
        payload = f"<script>x{len(self.by_field):02d}</script>"
        self.by_field[key] = payload
        return payload


def _values(model: type[models.Model], payload: Payloads) -> dict[str, str]:
    label = model._meta.label
    return {f.name: payload(label, f.name) for f in _free_text(model)}


def _user(payload: Payloads):
    values = _values(get_user_model(), payload)
    user = get_user_model().objects.create_user(
        username="xss-consumer", password="a-long-test-password", **values
    )
    role_grant(user, Role.CONSUMER)
    return user


def _agency_profile(payload: Payloads, scene: dict) -> None:
    AgencyProfile.objects.update(**_values(AgencyProfile, payload))


def _agency(payload: Payloads, scene: dict) -> None:
    values = _values(Agency, payload)
    Agency.objects.create(slug="xss-agency", public_url="https://xss.example.org", **values)


def _consumer_profile(payload: Payloads, scene: dict) -> None:
    """Names carry payloads; an e-mail address cannot (the field refuses non-addresses)."""
    values = _values(ConsumerProfile, payload) | {"email": "xss-consumer@example.org"}
    ConsumerProfile.objects.create(user=scene["user"], **values)


def _offer_exception(payload: Payloads, scene: dict) -> None:
    """A supervisor's exception hangs off a saved proposal version of the scene's case."""
    case_id = scene["application"].public_id
    version = proposal_start(case_id=case_id, inputs=DEMO_INPUTS, actor=None)
    values = _values(OfferException, payload)
    OfferException.objects.create(
        version=version,
        grounds=["budget"],
        approved_by=scene["user"],
        approved_at=timezone.now(),
        **values,
    )


def _audit_event(payload: Payloads, scene: dict) -> None:
    values = _values(AuditEvent, payload)
    case = str(scene["application"].public_id)
    audit_record(
        actor=scene["user"],
        role=values["role"],
        action=AuditAction.READ,
        object_type=values["object_type"],
        object_id=values["object_id"],
        purpose=values["purpose"],
        grant_id=values["grant_id"],
        case_id=case,
    )
    # The actor's username (format-validated) is the label; case_id names the case; the
    # request id and the hashes are computed.
    for computed in ("actor_label", "case_id", "request_id", "prev_hash", "hash"):
        payload.by_field.pop(f"audit.AuditEvent.{computed}")


def _stored_file(payload: Payloads, scene: dict) -> None:
    values = _values(StoredFile, payload)
    StoredFile.objects.create(
        storage_key=f"uploads/xss/{uuid.uuid4().hex}",
        size=1,
        content_type=StoredFile.ContentType.PDF,
        sealed=True,
        status=StoredFile.Status.CLEAN,
        uploaded_by=scene["user"],
        **values,
    )


def _plaid_item() -> PlaidItem:
    return PlaidItem.objects.create(item_id=f"xss-{uuid.uuid4().hex}", access_token="a")


def _plaid_account(payload: Payloads, scene: dict) -> None:
    PlaidAccount.objects.create(item=_plaid_item(), **_values(PlaidAccount, payload))


def _plaid_transaction(payload: Payloads, scene: dict) -> None:
    values = _values(PlaidTransaction, payload)
    today = timezone.localdate()
    PlaidTransaction.objects.create(item=_plaid_item(), amount=1, date=today, **values)


def _credit_report(payload: Payloads, scene: dict) -> None:
    key = uuid.uuid4().hex
    pull = BureauPull.objects.create(
        idempotency_key=key, reference=key[:24], consent_reference="c", subject="{}"
    )
    values = _values(CreditReport, payload)
    CreditReport.objects.create(
        pull=pull, retain_until=timezone.now(), hit=True, frozen=False, **values
    )


SCENE: dict[str, Callable[[Payloads, dict], None]] = {
    "integrations.PlaidAccount": _plaid_account,
    "integrations.PlaidTransaction": _plaid_transaction,
    "integrations.CreditReport": _credit_report,
    "tenants.AgencyProfile": _agency_profile,
    "tenants.Agency": _agency,
    "integrations.ConsumerProfile": _consumer_profile,
    "counselor.OfferException": _offer_exception,
    "audit.AuditEvent": _audit_event,
    "uploads.StoredFile": _stored_file,
}


def _required(field: models.Field) -> bool:
    auto = getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
    return not (field.null or field.has_default() or field.primary_key or auto)


def _plain_value(field: models.Field) -> object:
    """A valid value for a required field that holds no free text."""
    if field.choices:
        return field.choices[0][0]
    if isinstance(field, models.DateTimeField):
        return timezone.now() + timedelta(hours=1)
    if isinstance(field, models.DateField):
        return timezone.localdate()
    if isinstance(field, models.BooleanField):
        return False
    if isinstance(field, models.IntegerField | models.DecimalField):
        return 1
    return ""


def _generic(model: type[models.Model], payload: Payloads, scene: dict) -> None:
    """A row with payloads in its free text and the scene's user/application as parents."""
    parents = {get_user_model(): scene["user"], Application: scene["application"]}
    values: dict[str, object] = _values(model, payload)
    for field in model._meta.concrete_fields:
        if isinstance(field, models.ForeignKey) and not field.null:
            values[field.name] = parents.get(field.related_model)
        elif field.name not in values and _required(field):
            values[field.name] = _plain_value(field)
    try:
        with transaction.atomic():
            model.objects.create(**values)
    except (TypeError, ValueError, DatabaseError) as exc:
        label = model._meta.label
        pytest.fail(f"add {label} to SCENE in {__name__} (free text: stored XSS): {exc}")


def _build_scene(payload: Payloads) -> dict:
    user = _user(payload)
    scene = {"user": user, "application": Application.objects.create(consumer=user)}
    for model in _models_in_scope()[1:]:
        builder = SCENE.get(model._meta.label)
        if builder is None:
            _generic(model, payload, scene)
        else:
            builder(payload, scene)
    return scene


def _html_pages(client: Client, values: dict[str, str]) -> list[str]:
    pages = []
    for route in routes(values):
        response = client.get(route.path)
        if response.get("Content-Type", "").startswith("text/html") and not response.streaming:
            pages.append(response.content.decode())
    return pages


def _staff(username: str, role: str, **extra: object):
    user = get_user_model().objects.create_user(username=username, **extra)
    role_grant(user, role)
    return user


def _assert_escaped(pages: list[str], payload: Payloads) -> set[str]:
    """Every payload is absent raw; returns the fields whose payload shows escaped."""
    shown = set()
    for field, text in payload.by_field.items():
        escaped = text.replace("<", "&lt;").replace(">", "&gt;")
        assert not any(text in page for page in pages), f"{field} renders unescaped"
        if any(escaped in page for page in pages):
            shown.add(field)
    return shown


def test_payload_in_every_free_text_field_renders_escaped(db, agency_profile, request):
    payload = Payloads()
    scene = _build_scene(payload)
    supervisor = _staff("xss-supervisor", Role.SUPERVISOR)
    admin = _staff("xss-admin", Role.AGENCY_ADMIN, is_staff=True, is_superuser=True)
    values = {
        "public_id": str(scene["application"].public_id),
        "object_id": str(AgencyProfile.objects.get().pk),
        "document_id": str(scene["application"].public_id),  # no such document
        "task_id": str(scene["application"].public_id),  # no such task
        "id": str(scene["user"].pk),
        "content_type_id": "1",
        "app_label": "tenants",
        "url": "no-such-page/",
        "token": "not-a-signed-token",
        "name": "no-such-message.eml",
        "section": "debts",
    }
    pages = []
    for person in (scene["user"], supervisor, admin):
        client = Client()
        client.force_login(person)
        pages += _html_pages(client, values)
        if person == supervisor:
            pages += _audit_history_pages(client, scene["application"])
    pages += _frontdoor_pages(request.getfixturevalue("frontdoor_settings"))
    shown = _assert_escaped(pages, payload)
    assert shown >= MUST_SHOW, f"not shown anywhere: {sorted(MUST_SHOW - shown)}"


def _audit_history_pages(client: Client, application: Application) -> list[str]:
    """Every page of the case's audit history, newest first: the walk's own refused reads
    of the case push the scene's event past the first page."""
    url = reverse("counselor:application-audit", args=[application.public_id])
    events = AuditEvent.objects.filter(case_id=str(application.public_id)).count()
    numbers = range(1, events // HISTORY_PAGE_SIZE + 2)
    return [client.get(f"{url}?page={number}").content.decode() for number in numbers]


def _frontdoor_pages(frontdoor_settings) -> list[str]:
    """Front-door pages, after the agency pages (the fixture switches the role)."""
    values = {"code": "none", "slug": "xss-agency", "object_id": "1", "id": "1"}
    values |= {"content_type_id": "1", "app_label": "tenants", "url": "x/"}
    return _html_pages(Client(), values)


@pytest.mark.parametrize("label", sorted(SCENE))
def test_scene_models_exist(label):
    assert apps.get_model(label)
