"""Audited views: reads and refusals recorded, the supervisor history page, the log line."""

from __future__ import annotations

import json
import logging
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from creditgenie.logging import JsonFormatter
from intake.models import Application
from tenants.audit.ip import ip_opened
from tenants.audit.key import chain_key_stored
from tenants.audit.models import AuditEvent
from tenants.audit.services import audit_record, client_ip
from tenants.encryption.keys import active_data_key
from tenants.roles import Role, role_grant

pytestmark = pytest.mark.django_db

HISTORY_PURPOSE = "supervisory review of the case's audit history"

# Views that touch no consumer data. Every other URL must be @audited (or the admin).
NOT_CONSUMER_DATA = {
    "healthz": "liveness probe",
    "readyz": "readiness probe",
    "agency:home": "public landing page",
    "agency:brand-css": "the agency's colour",
    "agency:logo": "the agency's logo",
    "accounts:login": "sign-in form",
    "accounts:logout": "sign-out",
    "accounts:signed-out": "the signed-out page",
    "accounts:reauthenticate": "step-up: a redirect to sign in again",
    "oidc:authenticate": "redirect to the OpenID provider",
    "oidc:callback": "sign-in result; sign-ins are audited as login events",
    "integrations:plaid-webhook": "Plaid's signed notifications; refusals are audited",
    "oidc:reauthenticate": "step-up: a redirect through the provider",
    "oidc:reauthenticate-continue": "step-up: a redirect to the provider",
    "grants:issue": "issuing access grants to staff; grants are audited by their service",
    "intake:start": "creates an empty draft application; no consumer data yet",
    "counselor:creditor-terms": "the agency's creditor terms table; changes audited by services",
    "counselor:creditor-terms-new": "adding creditor terms; audited by its service",
    "counselor:creditor-terms-edit": "changing creditor terms; audited by its service",
    "counselor:fee-schedule": "the agency's fee schedule; changes audited by its service",
    "counselor:supervisor": "aggregate counts and times per status and counselor; no case data",
    "counselor:unread": "the header's unread-message count: a number, no case named",
    "intake:counseling-request": "a blank request form; the request is audited by its service",
    "set_language": "the language cookie",
    "notifications:preferences": "the signed-in person's notice choices; a text opt-in is a "
    "consent, audited by its service",
    "notifications:unsubscribe": "a signed link that turns one channel off; shows no case data",
    "notifications:sms-inbound": "the text provider's STOP and START callback",
    "notifications:local-mail": "local runs only: the mail sink's list (notices name nobody)",
    "notifications:local-mail-message": "local runs only: one notice of the mail sink",
}
# The Django admin is audited separately (docs/audit.md, "Open points").
EXEMPT_NAMESPACES = ("admin",)


def _staff(username: str, *roles: str):
    user = get_user_model().objects.create_user(username=username, password="long-test-pw-1")
    for role in roles:
        role_grant(user, role)
    return user


@pytest.fixture
def application(consumer):
    role_grant(consumer, Role.CONSUMER)
    return Application.objects.create(consumer=consumer)


def _events(**filters: object) -> list[dict[str, object]]:
    fields = ("actor_id", "actor_label", "role", "action", "object_type", "object_id")
    more = ("case_id", "purpose", "outcome", "request_id", "ip", "grant_id")
    rows = AuditEvent.objects.filter(**filters).order_by("seq").values("seq", *fields, *more)
    # The address is stored sealed for its row: opened here, and the seq left out.
    return [{k: v for k, v in ip_opened(row).items() if k != "seq"} for row in rows]


def test_application_view_records_a_read_with_request_id_and_ip(client, consumer, application):
    client.force_login(consumer)
    url = reverse("intake:application", kwargs={"public_id": application.public_id})

    response = client.get(url, headers={"X-Request-ID": "req-0001-abcd"}, REMOTE_ADDR="203.0.113.7")

    assert response.status_code == 200
    assert response.context["application"] == application
    public_id = str(application.public_id)
    assert _events(request_id="req-0001-abcd") == [
        {
            "actor_id": consumer.pk,
            "actor_label": f"user-{consumer.pk}",
            "role": "consumer",
            "action": "read",
            "object_type": "application",
            "object_id": public_id,
            "case_id": public_id,
            "purpose": "consumer viewing own application",
            "outcome": "allowed",
            "request_id": "req-0001-abcd",
            "ip": "203.0.113.7",
            "grant_id": "",
        }
    ]


def test_application_view_records_a_denied_event_for_a_foreign_application(
    client, application, other_consumer
):
    client.force_login(other_consumer)
    url = reverse("intake:application", kwargs={"public_id": application.public_id})

    response = client.get(url, headers={"X-Request-ID": "req-0002-abcd"})

    assert response.status_code == 404
    assert [
        (e["actor_id"], e["action"], e["object_id"], e["outcome"])
        for e in _events(request_id="req-0002-abcd")
    ] == [(other_consumer.pk, "read", str(application.public_id), "denied")]


def test_client_ip_trusts_forwarded_for_only_when_configured(settings):
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.9, 203.0.113.50"
    )

    settings.CREDITGENIE_TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.2"
    settings.CREDITGENIE_TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "203.0.113.50"
    settings.CREDITGENIE_TRUSTED_PROXY_COUNT = 3
    assert client_ip(request) == "10.0.0.2"


def _history_url(application: Application) -> str:
    return reverse("counselor:application-audit", kwargs={"public_id": application.public_id})


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.AGENCY_ADMIN])
def test_audit_history_view_shows_the_case_to_reviewers_and_records_the_read(
    client, application, role
):
    reviewer = _staff("reviewer-1", role)
    earlier = audit_record(
        actor=None,
        role="",
        action="read",
        object_type="application",
        object_id=str(application.public_id),
        case_id=str(application.public_id),
    )
    client.force_login(reviewer)

    response = client.get(_history_url(application), headers={"X-Request-ID": "req-0003-abcd"})

    assert response.status_code == 200
    assert [e.seq for e in response.context["page"].object_list] == [earlier.seq]
    assert "system" in response.content.decode()
    assert _events(request_id="req-0003-abcd") == [
        {
            "actor_id": reviewer.pk,
            "actor_label": f"user-{reviewer.pk}",
            "role": str(role),
            "action": "read",
            "object_type": "audit_history",
            "object_id": str(application.public_id),
            "case_id": str(application.public_id),
            "purpose": HISTORY_PURPOSE,
            "outcome": "allowed",
            "request_id": "req-0003-abcd",
            "ip": "127.0.0.1",
            "grant_id": "",
        }
    ]


@pytest.mark.parametrize("who", ["owner", "counselor", "platform_support"])
def test_audit_history_view_is_404_and_denied_for_everyone_else(client, application, who):
    user = application.consumer if who == "owner" else _staff(who, who)
    client.force_login(user)

    response = client.get(_history_url(application), headers={"X-Request-ID": "req-0004-abcd"})

    assert response.status_code == 404
    assert [
        (e["actor_id"], e["object_type"], e["outcome"]) for e in _events(request_id="req-0004-abcd")
    ] == [(user.pk, "audit_history", "denied")]


def test_audit_history_view_sends_anonymous_visitors_to_sign_in(client, application):
    response = client.get(_history_url(application))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("rows", [1, 3])
def test_audit_history_view_query_count_is_constant(
    client, application, django_assert_num_queries, django_capture_on_commit_callbacks, rows
):
    supervisor = _staff("supervisor-1", Role.SUPERVISOR)
    for number in range(rows):
        audit_record(
            actor=supervisor,
            role="supervisor",
            action="read",
            object_type="note",
            object_id=str(number),
            case_id=str(application.public_id),
        )
    client.force_login(supervisor)

    # deployment stamp, session, the user with their roles, application, count, agency
    # profile, rows;
    # then the audit write: take the chain head, insert the event with the new head hash.
    # The chain key and the data key sealing the address are unwrapped once per process and
    # kept after a commit, as in production.
    with django_capture_on_commit_callbacks(execute=True):
        chain_key_stored()
        active_data_key()
    active_data_key()  # a key made in a transaction is the cached active one once committed
    with django_assert_num_queries(9):
        response = client.get(_history_url(application))

    assert len(response.context["page"].object_list) == rows


def test_audit_log_line_has_the_fields_and_no_personal_data(
    caplog, django_capture_on_commit_callbacks
):
    user = get_user_model().objects.create_user(
        username="counselor-7", first_name="Ana", last_name="Lopez", email="ana.lopez@example.org"
    )
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.7")
    request.request_id = "req-0005-abcd"
    caplog.set_level(logging.INFO, logger="creditgenie.audit")

    with django_capture_on_commit_callbacks(execute=True):
        event = audit_record(
            actor=user,
            role="counselor",
            action="read",
            object_type="application",
            object_id="c0ffee",
            case_id="c0ffee",
            purpose="counseling review",
            grant_id="grant-1",
            request=request,
        )

    (record,) = [r for r in caplog.records if r.name == "creditgenie.audit"]
    line = JsonFormatter().format(record)
    assert json.loads(line)["audit"] == {
        "seq": event.seq,
        "created_at": event.created_at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "actor_id": user.pk,
        "actor_label": f"user-{user.pk}",
        "role": "counselor",
        "action": "read",
        "object_type": "application",
        "object_id": "c0ffee",
        "case_id": "c0ffee",
        "purpose": "counseling review",
        "grant_id": "grant-1",
        "outcome": "allowed",
        "request_id": "req-0005-abcd",
        "prev_hash": event.prev_hash,
        "hash": event.hash,
    }
    for personal in ("Ana", "Lopez", "ana.lopez", "example.org", "203.0.113.7"):
        assert personal not in line


def _url_patterns(patterns, namespace: str = ""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = ":".join(filter(None, [namespace, entry.namespace or ""]))
            yield from _url_patterns(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern):
            yield (f"{namespace}:{entry.name}" if namespace else entry.name), entry


def _app_patterns() -> list[tuple[str, URLPattern]]:
    return [
        (name, pattern)
        for name, pattern in _url_patterns(get_resolver().url_patterns)
        if not name.startswith(tuple(f"{ns}:" for ns in EXEMPT_NAMESPACES))
    ]


def test_every_url_is_audited_or_known_to_hold_no_consumer_data():
    unclassified = [
        name
        for name, pattern in _app_patterns()
        if name not in NOT_CONSUMER_DATA and not hasattr(pattern.callback, "audit_spec")
    ]

    assert unclassified == []
    assert {n for n, _ in _app_patterns()} >= {"intake:application", "counselor:application-audit"}


def _probe_kwargs(pattern: URLPattern) -> dict[str, object]:
    fakes = {"UUIDConverter": uuid.uuid4(), "IntConverter": 2_000_000_001}
    return {k: fakes.get(type(c).__name__, "x") for k, c in pattern.pattern.converters.items()}


def test_every_audited_view_records_a_denied_event_for_an_unknown_object(client, other_consumer):
    client.force_login(other_consumer)
    audited = [(n, p) for n, p in _app_patterns() if hasattr(p.callback, "audit_spec")]

    for name, pattern in audited:
        spec = pattern.callback.audit_spec
        kwargs = _probe_kwargs(pattern)
        response = client.get(reverse(name, kwargs=kwargs))
        if response.status_code == 405:
            response = client.post(reverse(name, kwargs=kwargs))

        assert response.status_code == 404, name
        assert [
            (e["action"], e["object_type"], e["outcome"])
            for e in _events(
                actor=other_consumer,
                object_id=str(kwargs.get(spec.id_kwarg, "")),
                object_type=spec.object_type,
            )
        ] == [(spec.action, spec.object_type, "denied")], name
    # 30 + casework: status, task, task done, message, re-run; + bank OAuth return; + the
    # signed plan (consumer's and counselor's copy) and removing a document; + a supervisor's
    # offer exception; + follow-ups, the Today panel, messages and adding a report's debt;
    # + a supervisor's "Refresh now" of the dashboard; + one section of the case page
    assert len(audited) == 46
