"""manage.py grant_access USERNAME --scope admin --minutes 60 --reason "ticket 123"."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tenants.grants.errors import GrantError
from tenants.grants.models import Grant
from tenants.grants.services import grant_issue
from tenants.stamp import stamp_guard_command


class Command(BaseCommand):
    help = "Issues a time-boxed access grant to a platform support person (audited)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--scope", choices=Grant.Scope.values, default=Grant.Scope.ADMIN)
        parser.add_argument("--minutes", type=int, default=60)
        parser.add_argument("--reason", required=True)

    def handle(self, *args: object, **options: object) -> None:
        stamp_guard_command()
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"no user {options['username']!r}")
        try:
            grant = grant_issue(
                user=user,
                scope=options["scope"],
                reason=options["reason"],
                duration=timedelta(minutes=options["minutes"]),
                issued_by=None,
            )
        except GrantError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"grant {grant.public_id} until {grant.expires_at.isoformat()}")
