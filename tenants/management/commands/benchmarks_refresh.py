"""Computes the front door's cross-agency benchmarks and stores them for the page.

Run by a schedule: an EventBridge rule starts it as an ECS task in production
(deploy/infra/platform.py), the local platform's `benchmarks` process every few minutes.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from tenants.benchmarks import BenchmarksUnavailable, benchmarks_refresh


class Command(BaseCommand):
    help = "Compute the cross-agency benchmarks now and store them for the benchmarks page."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--every",
            type=int,
            default=0,
            help="keep running, computing again every this many seconds (local platform)",
        )

    def handle(self, *args, every: int, **options) -> None:
        while True:
            try:
                run = benchmarks_refresh()
            except BenchmarksUnavailable as exc:
                if not every:
                    raise CommandError(f"benchmarks not computed: {exc}") from exc
                self.stderr.write(f"benchmarks not computed: {exc}")
            else:
                self.stdout.write(
                    f"benchmarks computed by {run.engine} over {run.files} files "
                    f"at {run.computed_at:%Y-%m-%d %H:%M:%S} UTC"
                )
            if not every:
                return
            time.sleep(every)
