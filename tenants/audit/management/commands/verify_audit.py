"""manage.py verify_audit: walk the keyed audit chain against its anchors and name every
broken row."""

from __future__ import annotations

import re
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tenants.audit.selectors import audit_chain_verify, audit_chain_verify_anchored
from tenants.audit.services import audit_chain_check
from tenants.encryption.exceptions import KeyProviderError
from tenants.stamp import stamp_guard_command

_ANCHOR = re.compile(r"^(\d+):([0-9a-f]{64})$")


def _anchor(value: str) -> tuple[int, str]:
    match = _ANCHOR.match(value)
    if match is None:
        raise CommandError(f"--anchor {value!r}: use SEQ:HASH (the hash in lowercase hex)")
    return int(match[1]), match[2]


class Command(BaseCommand):
    help = (
        "Recomputes every audit event's hash under the chain key (which needs the agency's "
        "master key) and compares the chain with the anchors in write-once storage. Exits 0 "
        "with the row count when intact; otherwise prints each problem and exits 1. "
        "--record also anchors an intact head and records the outcome (the daily task)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--anchor",
            help="SEQ:HASH of a row recorded elsewhere; checked instead of the stored anchors.",
        )
        parser.add_argument("--record", action="store_true")
        parser.add_argument("--chunk-size", type=int, default=5000)

    def handle(self, *args: Any, **options: Any) -> None:
        stamp_guard_command()
        try:
            if options["record"]:
                result = audit_chain_check()
                self._finish(result.intact, result.problem, result.rows, result.last_seq)
                return
            if options["anchor"]:
                anchor = _anchor(options["anchor"])
                report = audit_chain_verify(anchors=[anchor], chunk_size=options["chunk_size"])
            else:
                report = audit_chain_verify_anchored(chunk_size=options["chunk_size"])
        except KeyProviderError as exc:
            raise CommandError(f"cannot verify without the chain key: {exc}") from None
        for problem in report.problems:
            self.stderr.write(str(problem))
        hidden = report.problem_count - len(report.problems)
        if hidden:
            self.stderr.write(f"... and {hidden} more problem(s)")
        if not report.intact:
            raise CommandError(
                f"audit chain broken from row {report.first_bad_seq}: "
                f"{report.problem_count} problem(s) in {report.count} rows"
            )
        self.stdout.write(
            f"audit chain intact: {report.count} events, head {report.last_seq}:{report.last_hash}"
        )

    def _finish(self, intact: bool, problem: str, rows: int, last_seq: int) -> None:
        if not intact:
            raise CommandError(f"audit chain broken: {problem}")
        self.stdout.write(f"audit chain intact: {rows} events, head {last_seq}; anchored")
