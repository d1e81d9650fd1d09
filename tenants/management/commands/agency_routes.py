from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from tenants.models import Agency, ReferralCode, Territory


class Command(BaseCommand):
    help = (
        "Add referral codes and territories (state, or STATE:ZIP-prefix) to an agency, "
        "or move it to a new public URL."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug")
        parser.add_argument("--code", action="append", default=[])
        parser.add_argument("--state", action="append", default=[])
        parser.add_argument("--zip-prefix", action="append", default=[], help="e.g. TX:750")
        parser.add_argument("--public-url", default="", help="The agency's new public URL.")

    @transaction.atomic
    def handle(self, *args: object, **options: object) -> None:
        if not settings.IS_FRONTDOOR:
            raise CommandError("run agency_routes on the front door (CREDITGENIE_ROLE=frontdoor)")
        agency = Agency.objects.filter(slug=options["slug"]).first()
        if agency is None:
            raise CommandError(f"no agency {options['slug']!r} is registered")
        if options["public_url"]:
            agency.public_url = options["public_url"]
            _save_valid(agency)
        territories = [(s.upper(), "") for s in options["state"]]
        territories += [tuple(p.upper().split(":", 1)) for p in options["zip_prefix"]]
        try:
            for code in options["code"]:
                existing = ReferralCode.objects.filter(code=code.lower()).first()
                if existing and existing.agency_id != agency.pk:
                    raise CommandError(f"code {code!r} already belongs to {existing.agency.slug}")
                if existing is None:
                    _save_valid(ReferralCode(agency=agency, code=code.lower()))
            for state, prefix in territories:
                rows = Territory.objects.filter(agency=agency, state=state, zip_prefix=prefix)
                if not rows.exists():
                    _save_valid(Territory(agency=agency, state=state, zip_prefix=prefix))
        except (ValidationError, ValueError) as exc:
            raise CommandError(f"invalid route: {exc}") from None
        self.stdout.write(
            f"{agency.slug}: {len(options['code'])} codes, {len(territories)} territories"
        )


def _save_valid(obj: Agency | ReferralCode | Territory) -> None:
    obj.full_clean()
    obj.save()
