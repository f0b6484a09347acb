"""`manage.py rebuild_rollups`: the survey answer roll-ups again from the raw answers;
with `--check`, only report where they differ (exit code 1 on a difference)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from cxlean.metrics import rollups


class Command(BaseCommand):
    help = "Rebuild the survey answer roll-ups from the raw answers, or check them (--check)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--check",
            action="store_true",
            help="Change nothing; exit with 1 when a roll-up differs from the raw answers.",
        )

    def handle(self, *args, check: bool = False, **options) -> None:
        started = time.perf_counter()
        if check:
            differences = rollups.differences()
            for line in differences:
                self.stdout.write(line)
            if differences:
                raise CommandError(f"{len(differences)} roll-ups differ from the raw answers.")
            self.stdout.write(
                f"Roll-ups match the answers ({time.perf_counter() - started:.2f} s)."
            )
            return
        count = rollups.rebuild()
        self.stdout.write(f"{count} roll-ups rebuilt in {time.perf_counter() - started:.2f} s.")
