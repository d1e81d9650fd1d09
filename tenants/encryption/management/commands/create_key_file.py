from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tenants.encryption.keyfile import create_key_file, new_blind_index_key


class Command(BaseCommand):
    help = (
        "Create this deployment's local master key file (CREDITGENIE_KEY_FILE, mode 0600). "
        "Never overwrites an existing key file."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--path", default="", help="another path than CREDITGENIE_KEY_FILE")
        parser.add_argument(
            "--print-blind-index-key",
            action="store_true",
            help="also print a fresh CREDITGENIE_BLIND_INDEX_KEY value",
        )

    def handle(self, *args: object, **options: object) -> None:
        path = Path(str(options["path"]) or settings.CREDITGENIE_KEY_FILE)
        try:
            master = create_key_file(path)
        except FileExistsError:
            raise CommandError(f"{path} exists; a key file is never overwritten") from None
        self.stdout.write(f"# key file {path} created, master key {master.key_id}")
        self.stdout.write(f"CREDITGENIE_KEY_FILE={path}")
        if options["print_blind_index_key"]:
            self.stdout.write(f"CREDITGENIE_BLIND_INDEX_KEY={new_blind_index_key()}")
