from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tenants.encryption.exceptions import KeyProviderError
from tenants.encryption.keyfile import add_key_version
from tenants.encryption.keys import data_keys_rotate
from tenants.stamp import stamp_guard_command


class Command(BaseCommand):
    help = (
        "Re-wrap every data key under the current master key (KMS ReEncrypt, or the key "
        "file's newest version). Idempotent; all or nothing; every value stays readable."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--new-master-key",
            action="store_true",
            help="local provider: first append a new master key version to the key file",
        )
        parser.add_argument(
            "--new-data-key",
            action="store_true",
            help="also retire the active data key and start a new one for new writes",
        )

    def handle(self, *args: object, **options: object) -> None:
        stamp_guard_command()
        if options["new_master_key"]:
            if settings.CREDITGENIE_KEY_PROVIDER != "local":
                raise CommandError("--new-master-key is for the local provider; rotate in KMS")
            try:
                added = add_key_version(settings.CREDITGENIE_KEY_FILE)
            except KeyProviderError as exc:
                raise CommandError(str(exc)) from None
            self.stdout.write(f"master key {added.key_id} added to the key file")
        try:
            result = data_keys_rotate(new_data_key=bool(options["new_data_key"]))
        except KeyProviderError as exc:
            raise CommandError(f"nothing changed: {exc}") from None
        self.stdout.write(
            f"re-wrapped {result.rewrapped} data key(s) under {result.master_key_id}; "
            f"{result.already_current} already current"
        )
        if result.new_data_key:
            self.stdout.write(f"new active data key {result.new_data_key}")
