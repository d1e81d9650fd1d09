from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tenants.analytics_key import AnalyticsKeyError, analytics_key_file_ensure
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
        elif not settings.CREDITGENIE_ANALYTICS_KEY_IN_ENV:
            # The platform's analytics key, made once; provisioning gives it to agencies.
            try:
                if analytics_key_file_ensure(settings.CREDITGENIE_ANALYTICS_KEY_FILE):
                    self.stdout.write("analytics key file created")
            except AnalyticsKeyError as exc:
                raise CommandError(str(exc)) from None
        self.stdout.write(f"stamped {stamp.role}:{stamp.slug}")
