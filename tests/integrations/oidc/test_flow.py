"""The authorization code flow against the real provider, in-process."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model

from integrations.models import ConsumerProfile, OidcIdentity
from integrations.oidc.services import consumer_username
from tenants.audit.models import AuditEvent
from tenants.encryption.blind_index import blind_index
from tenants.roles import roles_of
from tenants.signin import AUTH_TIME
from tests.integrations.oidc.devprovider import DEMO_PASSWORD
from tests.integrations.oidc.flows import provider_sign_in

pytestmark = pytest.mark.processes


def test_authorize_request_carries_state_nonce_and_pkce_s256(oidc, person):
    start = person.client.get("/oidc/authenticate/?next=/apply/")
    query = parse_qs(urlsplit(start["Location"]).query)
    assert start["Location"].startswith(f"{oidc.issuer}/auth?")
    assert query["response_type"] == ["code"]
    assert query["client_id"] == ["cg-inprocess"]
    assert query["scope"] == ["openid email profile"]
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) == 43
    assert len(query["state"][0]) == 32 and len(query["nonce"][0]) == 32
    assert query["redirect_uri"] == ["http://testserver/oidc/callback/"]


def test_code_flow_signs_a_counselor_in_with_the_counselor_role(oidc, person):
    response = person.sign_in("counselor", next="/apply/")
    assert response.status_code == 302
    assert response["Location"] == "/apply/"
    user = get_user_model().objects.get(pk=person.client.session["_auth_user_id"])
    identity = OidcIdentity.objects.get(user=user)
    assert identity.issuer == oidc.issuer
    assert identity.subject == oidc.person("acme", "counselor")["sub"]
    assert roles_of(user) == {"counselor"}
    assert (user.first_name, user.last_name, user.email) == (
        "Carol",
        "Nguyen",
        "counselor@acme.example.com",
    )
    assert user.is_staff is False
    assert not user.has_usable_password()
    assert isinstance(person.client.session[AUTH_TIME], int)
    event = AuditEvent.objects.filter(actor=user, action="login").get()
    assert (event.outcome, event.role, event.purpose) == ("allowed", "counselor", "signed in")


def test_second_sign_in_reuses_the_same_user(oidc, person, other_person):
    person.sign_in("supervisor")
    other_person.sign_in("supervisor")
    assert person.client.session["_auth_user_id"] == other_person.client.session["_auth_user_id"]
    assert OidcIdentity.objects.count() == 1


def test_agency_admin_gets_the_admin_and_a_consumer_does_not(oidc, person, other_person):
    person.sign_in("admin")
    page = person.client.get("/admin/")
    assert page.status_code == 200
    assert b"Site administration" in page.content
    other_person.sign_in("consumer")
    refused = other_person.client.get("/admin/")
    assert refused.status_code == 403
    assert "You do not have access to this area" in refused.content.decode()


def test_wrong_password_at_the_provider_never_reaches_us(oidc, person):
    start = person.client.get("/oidc/authenticate/")
    with pytest.raises(AssertionError, match="provider refused the form: 401"):
        person.follow_provider(start["Location"], "counselor", "not-the-password")
    assert "_auth_user_id" not in person.client.session


def test_sign_up_at_the_provider_creates_a_consumer(oidc, person):
    start = person.client.get("/oidc/authenticate/?signup=1")
    assert parse_qs(urlsplit(start["Location"]).query)["prompt"] == ["create"]
    page = person.browser.get(start["Location"], timeout=10)
    assert "Create your account" in page.text
    form = {
        "given_name": "Nia",
        "family_name": "Park",
        "email": "nia@example.com",
        "password": "a-long-password-1",
    }
    action = page.url.split("/interaction/")[0] + page.text.split('action="')[1].split('"')[0]
    signup = person.browser.post(action, data=form, allow_redirects=False, timeout=10)
    assert signup.status_code == 303
    back = person.follow_provider(signup.headers["Location"], "unused")
    assert back.status_code == 302
    assert back["Location"] == "/"
    profile = ConsumerProfile.objects.get(email_index=blind_index("email", "nia@example.com"))
    user = profile.user
    assert roles_of(user) == {"consumer"}
    assert (profile.given_name, profile.family_name, profile.email) == (
        "Nia",
        "Park",
        "nia@example.com",
    )
    identity = OidcIdentity.objects.get(user=user)
    assert user.username == consumer_username(identity.issuer, identity.subject)
    assert (user.first_name, user.last_name, user.email) == ("", "", "")


def _head() -> int:
    return AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def _denied_sign_ins(after: int) -> list[tuple[str, str, str]]:
    events = AuditEvent.objects.filter(seq__gt=after, object_type="session", outcome="denied")
    return [(e.action, e.actor_label, e.purpose) for e in events.order_by("seq")]


def test_forged_code_is_refused_and_audited(oidc, person):
    head = _head()
    start = person.client.get("/oidc/authenticate/")
    state = parse_qs(urlsplit(start["Location"]).query)["state"][0]

    response = person.client.get(f"/oidc/callback/?code=forged-code&state={state}")

    assert response.status_code == 400
    assert _denied_sign_ins(head) == [
        (
            "login",
            "anonymous",
            "sign-in refused: the provider refused the authorization code (invalid_grant)",
        )
    ]


def test_replayed_code_is_refused_and_audited(oidc, person):
    head = _head()
    start = person.client.get("/oidc/authenticate/")
    callback = provider_sign_in(
        person.browser, start["Location"], "consumer", DEMO_PASSWORD, "http://testserver/"
    )
    code = parse_qs(urlsplit(callback).query)["code"][0]
    assert person.client.get(callback.removeprefix("http://testserver")).status_code == 302
    again = person.client.get("/oidc/authenticate/")
    state = parse_qs(urlsplit(again["Location"]).query)["state"][0]

    response = person.client.get(f"/oidc/callback/?code={code}&state={state}")

    assert response.status_code == 400
    assert [purpose for _, _, purpose in _denied_sign_ins(head)] == [
        "sign-in refused: the provider refused the authorization code (invalid_grant)"
    ]


def test_the_providers_pages_speak_the_sites_language_and_switch(oidc, person):
    """Issue 17: the local sign-in and sign-up pages in Spanish for a Spanish page (the
    site sends ui_locales), with their own language switch."""
    person.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    start = person.client.get("/oidc/authenticate/?signup=1")
    assert parse_qs(urlsplit(start["Location"]).query)["ui_locales"] == ["es"]
    page = person.browser.get(start["Location"], timeout=10)
    assert '<html lang="es">' in page.text
    assert "Cree su cuenta con" in page.text and "Correo electrónico" in page.text
    switch = page.url.split("?")[0] + "?lang=en"
    assert f'href="{urlsplit(switch).path}?lang=en"' in page.text
    english = person.browser.get(switch, timeout=10)
    assert '<html lang="en">' in english.text and "Create your account with" in english.text
    person.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    sign_in = person.browser.get(person.client.get("/oidc/authenticate/")["Location"], timeout=10)
    assert "Iniciar sesión en" in sign_in.text and "Contraseña" in sign_in.text
