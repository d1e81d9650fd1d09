"""manage.py verify_audit: walk the audit hash chain and name every broken row."""

from __future__ import annotations

import re
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tenants.audit.selectors import audit_chain_verify

_ANCHOR = re.compile(r"^(\d+):([0-9a-f]{64})$")


def _anchor(value: str) -> tuple[int, str]:
    match = _ANCHOR.match(value)
    if match is None:
        raise CommandError(f"--anchor {value!r}: use SEQ:HASH (the hash in lowercase hex)")
    return int(match[1]), match[2]


class Command(BaseCommand):
    help = (
        "Recomputes every audit event's hash in sequence. Exits 0 with the row count when "
        "the chain is intact; otherwise prints each altered or missing row and exits 1."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--anchor",
            help="SEQ:HASH of a row recorded elsewhere (the audit log); it must still match.",
        )
        parser.add_argument("--chunk-size", type=int, default=5000)

    def handle(self, *args: Any, **options: Any) -> None:
        anchor = _anchor(options["anchor"]) if options["anchor"] else None
        report = audit_chain_verify(anchor=anchor, chunk_size=options["chunk_size"])
        if not report.intact:
            for problem in report.problems:
                self.stderr.write(str(problem))
            hidden = report.problem_count - len(report.problems)
            if hidden:
                self.stderr.write(f"... and {hidden} more problem(s)")
            raise CommandError(
                f"audit chain broken: {report.problem_count} problem(s) in {report.count} rows"
            )
        self.stdout.write(
            f"audit chain intact: {report.count} events, head {report.last_seq}:{report.last_hash}"
        )
