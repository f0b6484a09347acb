"""Create the planned Gemba walks of every active schedule for the coming weeks.

Beat runs the same each night (cxlean.sweeps.gemba_plan); run it by hand after editing
schedules in bulk. It is idempotent: walks already created
are neither duplicated nor changed.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cxlean.gemba.recurrence import DEFAULT_HORIZON_DAYS, generate_walks


class Command(BaseCommand):
    help = "Create the planned Gemba walks of every active schedule for the coming days."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=DEFAULT_HORIZON_DAYS,
            help=f"How many days ahead to plan (default {DEFAULT_HORIZON_DAYS}).",
        )

    def handle(self, *args, days: int, **options) -> None:
        if not 1 <= days <= 366:
            raise CommandError("--days must be from 1 to 366.")
        created = generate_walks(timezone.localdate(), days)
        self.stdout.write(f"{created} planned walk(s) created for the next {days} days.")
