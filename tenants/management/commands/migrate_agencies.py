from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tenants.models import Agency
from tenants.provisioning import ProvisioningError, migrate_agency


class Command(BaseCommand):
    help = "Apply migrations to every agency registered at the front door."

    def handle(self, *args: object, **options: object) -> None:
        if not settings.IS_FRONTDOOR:
            raise CommandError(
                "run migrate_agencies on the front door (CREDITGENIE_ROLE=frontdoor)"
            )
        failures = 0
        for agency in Agency.objects.order_by("slug"):
            try:
                migrate_agency(agency)
            except ProvisioningError as exc:
                failures += 1
                self.stderr.write(f"{agency.slug}: {exc}")
            else:
                self.stdout.write(f"{agency.slug}: migrated")
        if failures:
            raise CommandError(f"{failures} agency database(s) could not be migrated")
