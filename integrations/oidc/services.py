"""Writes of sign-in: users matched on (issuer, sub), refreshed from the claims each time."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser, Group
from django.db import transaction
from django.utils import timezone

from tenants.roles import STAFF_ROLES, Role

from .models import ConsumerProfile, OidcIdentity
from .tokens import IdToken

_USERNAME_UNSAFE = re.compile(r"[^\w.@+-]")


@dataclass(frozen=True)
class SignInResult:
    user: AbstractUser
    created: bool
    roles: frozenset[str]


def roles_from_groups(groups: tuple[str, ...]) -> frozenset[str]:
    """Our roles among the provider's groups; none at all means consumer (self sign-up).

    Unknown groups are ignored, so a group of another application grants nothing here.
    """
    roles = frozenset(g for g in groups if g in Role.values)
    return roles or frozenset({Role.CONSUMER.value})


def consumer_username(issuer: str, subject: str) -> str:
    """An opaque, stable id for a consumer: a digest of (issuer, sub), nothing of the person
    (a provider username is often the e-mail address)."""
    digest = hashlib.sha256(f"{issuer}\n{subject}".encode()).hexdigest()
    return f"consumer.{digest[:20]}"


def _username(token: IdToken, roles: frozenset[str]) -> str:
    """Staff (employees): readable, the provider's username plus a digest of (issuer, sub).
    Consumers: opaque (`consumer_username`)."""
    if not roles & STAFF_ROLES:
        return consumer_username(token.issuer, token.subject)
    digest = hashlib.sha256(f"{token.issuer}\n{token.subject}".encode()).hexdigest()
    base = _USERNAME_UNSAFE.sub("", token.username or "user")[:100] or "user"
    return f"{base}.{digest[:10]}"


def consumer_profile_set(
    *, user: AbstractUser, given_name: str, family_name: str, email: str
) -> None:
    """Keeps a consumer's name and e-mail encrypted on their profile, none on the user.

    Side effects: inserts or updates the ConsumerProfile; blanks the user's name and
    e-mail fields (the caller saves the user).
    """
    profile = ConsumerProfile.objects.filter(user=user).first() or ConsumerProfile(user=user)
    profile.given_name, profile.family_name = given_name[:150], family_name[:150]
    profile.email = email[:254] or profile.email
    profile.save()
    user.first_name = user.last_name = user.email = ""


def consumer_contact(user: AbstractUser) -> ConsumerProfile | None:
    """The consumer's decrypted name and e-mail (None for staff and unknown users)."""
    return ConsumerProfile.objects.filter(user=user).first()


def _roles_set(user: AbstractUser, roles: frozenset[str]) -> None:
    """Makes the user's role groups exactly ``roles``; other groups are left alone."""
    current = set(user.groups.filter(name__in=Role.values).values_list("name", flat=True))
    for name in current - roles:
        user.groups.remove(Group.objects.get(name=name))
    for name in roles - current:
        user.groups.add(Group.objects.get_or_create(name=name)[0])
    user.__dict__.pop("_creditgenie_roles", None)


def _profile_update(user: AbstractUser, token: IdToken, roles: frozenset[str]) -> None:
    email = token.email if token.email and token.email_verified is not False else ""
    user.username = _username(token, roles)
    if roles & STAFF_ROLES:
        user.first_name, user.last_name = token.given_name[:150], token.family_name[:150]
        user.email = email[:254] or user.email
        ConsumerProfile.objects.filter(user=user).delete()
    else:
        consumer_profile_set(
            user=user, given_name=token.given_name, family_name=token.family_name, email=email
        )
    # The admin is for agency administrators and (with a live grant) platform support.
    user.is_staff = bool(roles & {Role.AGENCY_ADMIN, Role.PLATFORM_SUPPORT})
    user.is_superuser = Role.AGENCY_ADMIN in roles
    user.last_login = timezone.now()


@transaction.atomic
def identity_sign_in(*, token: IdToken) -> SignInResult:
    """The user for a verified ID token, created on first sign-in.

    Matches on (issuer, sub) only: two identities with one e-mail address are two
    users, and a changed address updates the same user. Names, e-mail, roles and the
    staff flags are set from the claims at every sign-in, so a group removed at the
    provider is a role removed here. A consumer's name and e-mail go to their encrypted
    ConsumerProfile and the username is opaque; staff keep theirs on the user.

    Side effects: creates or updates the User, its OidcIdentity and, for a consumer, its
    ConsumerProfile; sets role groups.
    """
    identity = (
        OidcIdentity.objects.select_for_update()
        .select_related("user")
        .filter(issuer=token.issuer, subject=token.subject)
        .first()
    )
    created = identity is None
    roles = roles_from_groups(token.groups)
    if created:
        user = get_user_model()(username=_username(token, roles))
        user.set_unusable_password()
        user.save()
        identity = OidcIdentity.objects.create(
            issuer=token.issuer, subject=token.subject, user=user
        )
    user = identity.user
    _profile_update(user, token, roles)
    user.save()
    _roles_set(user, roles)
    identity.last_sign_in_at = timezone.now()
    identity.save(update_fields=["last_sign_in_at"])
    return SignInResult(user=user, created=created, roles=roles)
