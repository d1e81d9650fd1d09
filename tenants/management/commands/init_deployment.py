from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tenants.services import agency_profile_ensure
from tenants.stamp import StampMismatch, stamp_write


class Command(BaseCommand):
    help = (
        "Stamp this deployment's (migrated) database with its slug and, for an agency, "
        "create its profile. Idempotent; refuses a database that belongs to another deployment."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", default="", help="Agency name for a new profile.")

    def handle(self, *args: object, **options: str) -> None:
        try:
            stamp = stamp_write()
        except StampMismatch as exc:
            raise CommandError(f"refusing to stamp: {exc}") from None
        if not settings.IS_FRONTDOOR:
            agency_profile_ensure(name=options["name"] or settings.CREDITGENIE_TENANT)
        self.stdout.write(f"stamped {stamp.role}:{stamp.slug}")
