"""The deployment stamp: proof that this database belongs to this deployment.

A mis-pointed DATABASE_URL must never show agency A's data under agency B's name,
so every deployment compares the stamp in its database with CREDITGENIE_TENANT
(system check at start-up, middleware on requests) and refuses to serve on mismatch.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from .models import DeploymentStamp


class StampMismatch(Exception):
    """The database is stamped for another deployment."""


def stamp_read() -> DeploymentStamp | None:
    """The stamp row, or None when the database has no stamp (or no stamp table)."""
    try:
        return DeploymentStamp.objects.first()
    except DatabaseError:
        return None


def stamp_problem() -> str | None:
    """A sentence naming what is wrong with this database's stamp, or None when it matches."""
    expected = (settings.CREDITGENIE_ROLE, settings.CREDITGENIE_TENANT)
    try:
        connection.ensure_connection()
    except DatabaseError:
        return "The database cannot be reached right now; nothing can be shown."
    stamp = stamp_read()
    if stamp is None:
        return (
            f"This database is not provisioned for {expected[1]!r}: it carries no deployment "
            "stamp. Run provisioning before serving."
        )
    if (stamp.role, stamp.slug) != expected:
        return (
            f"This deployment is configured for {expected[1]!r} ({expected[0]}) but its "
            f"database belongs to {stamp.slug!r} ({stamp.role}). Check DATABASE_URL."
        )
    return None


@transaction.atomic
def stamp_write() -> DeploymentStamp:
    """Stamps the database with this deployment's slug and role; idempotent.

    Raises StampMismatch if the database already belongs to another deployment.
    """
    role, slug = settings.CREDITGENIE_ROLE, settings.CREDITGENIE_TENANT
    stamp = DeploymentStamp.objects.select_for_update().first()
    if stamp is None:
        return DeploymentStamp.objects.create(id=1, slug=slug, role=role, stamped_at=timezone.now())
    if (stamp.role, stamp.slug) != (role, slug):
        raise StampMismatch(f"database already belongs to {stamp.slug!r} ({stamp.role})")
    return stamp


def stamp_guard_command() -> None:
    """The stamp guard of management commands that read or change agency data.

    Raises CommandError naming the problem when the database belongs to another deployment
    (or carries no stamp), so such a command never reads agency A's data as agency B.
    """
    problem = stamp_problem()
    if problem is not None:
        raise CommandError(problem)
