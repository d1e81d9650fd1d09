"""Users are (issuer, sub), never e-mail; claims refresh the user at every sign-in."""

from __future__ import annotations

import uuid

import pytest
from django.contrib.auth import get_user_model

from integrations.models import ConsumerProfile
from tenants.audit.models import AuditEvent
from tenants.encryption.blind_index import blind_index
from tenants.roles import roles_of
from tenants.views.accounts import DEMO_ACCOUNTS

pytestmark = pytest.mark.processes


def _user(person):
    return get_user_model().objects.get(pk=person.client.session["_auth_user_id"])


def test_two_identities_with_one_email_are_two_users(oidc, person, other_person):
    shared = oidc.person("acme", "consumer")["email"]
    with oidc.changed("acme", "twin", _new=True, sub=str(uuid.uuid4()), email=shared):
        person.sign_in("consumer")
        other_person.sign_in("twin")
    first, second = _user(person), _user(other_person)
    assert first.pk != second.pk
    assert first.consumer_profile.email == second.consumer_profile.email == shared
    assert first.username != second.username
    index = blind_index("email", shared)
    assert ConsumerProfile.objects.filter(email_index=index).count() == 2


def test_changed_email_at_the_provider_updates_the_same_user(oidc, person, other_person):
    person.sign_in("consumer")
    before = _user(person)
    with oidc.changed("acme", "consumer", email="maria.new@example.com", family_name="Diaz"):
        other_person.sign_in("consumer")
    after = _user(other_person)
    assert after.pk == before.pk
    profile = ConsumerProfile.objects.get(user=after)
    assert (profile.email, profile.family_name) == ("maria.new@example.com", "Diaz")
    assert (after.email, after.last_name, after.username) == ("", "", before.username)


def test_group_removal_at_the_provider_demotes_at_next_sign_in(oidc, person, other_person):
    with oidc.changed("acme", "counselor", groups=["counselor", "supervisor"]):
        person.sign_in("counselor")
    assert roles_of(_user(person)) == {"counselor", "supervisor"}
    other_person.sign_in("counselor")
    assert roles_of(_user(other_person)) == {"counselor"}


def test_no_groups_means_consumer_and_unknown_groups_grant_nothing(oidc, person):
    with oidc.changed("acme", "consumer", groups=["other-app-admins"]):
        person.sign_in("consumer")
    user = _user(person)
    assert roles_of(user) == {"consumer"}
    assert (user.is_staff, user.is_superuser) == (False, False)


def test_admin_flags_follow_the_groups(oidc, person, other_person):
    person.sign_in("admin")
    assert (_user(person).is_staff, _user(person).is_superuser) == (True, True)
    with oidc.changed("acme", "admin", groups=["counselor"]):
        other_person.sign_in("admin")
    demoted = _user(other_person)
    assert (demoted.is_staff, demoted.is_superuser) == (False, False)
    assert other_person.client.get("/admin/").status_code == 403


def test_a_consumer_never_reaches_a_staff_url(oidc, person):
    person.sign_in("consumer")
    case = uuid.uuid4()
    for url in (
        "/admin/",
        "/admin/auth/user/",
        "/admin/grants/grant/",
        "/grants/",
        f"/counselor/applications/{case}/audit/",
    ):
        response = person.client.get(url)
        assert response.status_code in (403, 404), (url, response.status_code)
    denied = AuditEvent.objects.filter(actor=_user(person), outcome="denied")
    assert denied.filter(object_type="admin").count() == 3


def test_staff_without_mfa_in_amr_is_refused_with_an_explanation(oidc, person):
    with oidc.changed("acme", "counselor", mfa=False):
        response = person.sign_in("counselor")
    assert response.status_code == 403
    assert "second factor" in response.content.decode()
    assert "_auth_user_id" not in person.client.session
    event = AuditEvent.objects.filter(purpose="sign-in refused: mfa_required").get()
    assert (event.action, event.outcome, event.actor_id) == ("login", "denied", None)


def test_consumer_without_mfa_is_fine(oidc, person):
    assert oidc.person("acme", "consumer")["mfa"] is False
    assert person.sign_in("consumer").status_code == 302


def test_staff_tokens_carry_mfa_in_amr(oidc, person, settings):
    settings.OIDC_STAFF_REQUIRE_AMR = True  # a token without amr would now be refused
    assert person.sign_in("counselor").status_code == 302


def test_login_page_demo_accounts_exist_at_the_provider_for_both_agencies(oidc):
    for agency in ("acme", "beacon"):
        for username, _ in DEMO_ACCOUNTS:
            assert oidc.person(agency, username)["password"] == "genie-demo-2026"
