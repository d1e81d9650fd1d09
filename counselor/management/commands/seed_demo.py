from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser

from counselor.demo.agency import DEMO_PASSWORD, demo_seed


class Command(BaseCommand):
    help = "Fill this agency with deterministic demo consumers and applications."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--count", type=int, default=24, help="Generated consumers.")
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args: object, **options: int) -> None:
        result = demo_seed(count=options["count"], seed=options["seed"])
        self.stdout.write(
            f"created {result.users_created} users and {result.applications_created} "
            f"applications (demo sign-in password: {DEMO_PASSWORD})"
        )
