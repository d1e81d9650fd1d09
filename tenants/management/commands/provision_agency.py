from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tenants.provisioning import AgencySpec, ProvisioningError, env_file_path, provision_agency


class Command(BaseCommand):
    help = (
        "Create or complete an agency deployment: database, migrations, stamp, profile, "
        "front-door registration and environment file. Safe to re-run."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug")
        parser.add_argument("--name", required=True)
        parser.add_argument("--public-url", required=True)
        parser.add_argument("--database-url", default="")

    def handle(self, *args: object, **options: str) -> None:
        if not settings.IS_FRONTDOOR:
            raise CommandError(
                "run provision_agency on the front door (CREDITGENIE_ROLE=frontdoor)"
            )
        spec = AgencySpec(
            slug=options["slug"],
            name=options["name"],
            public_url=options["public_url"],
            database_url=options["database_url"],
        )
        try:
            values = provision_agency(spec)
        except ProvisioningError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"# {spec.slug}: environment written to {env_file_path(spec.slug)}")
        for key, value in values.items():
            self.stdout.write(f"{key}={value}")
