"""`manage.py demo`: the demo organisation with a rollout in progress and its people's
competence (see cxlean/demo/org.py and cxlean/demo/competence.py)."""

from __future__ import annotations

import os
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from cxlean.backlog.models import Item
from cxlean.demo import org as demo


class Command(BaseCommand):
    help = (
        "Build the demo organisation (Nordljus Energi AB) with a Lean CX rollout in "
        "progress, competence records, Green Cards and a trainee plan, and five logins. "
        "Does nothing if it is already there."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--people",
            type=int,
            default=0,
            metavar="N",
            help="Grow the organisation to N people (for benchmarks).",
        )
        parser.add_argument(
            "--reset", action="store_true", help="Delete the demo organisation and build it again."
        )
        parser.add_argument("--force", action="store_true", help="Run even though DEBUG is off.")

    def handle(self, *args, people: int, reset: bool, force: bool, **options) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                f"DEBUG is off, so this looks like a production database. The demo creates "
                f"logins with the known password '{demo.DEMO_PASSWORD}', including a "
                f"superuser; use --force if you really want it here."
            )
        if people < 0:
            raise CommandError("--people must be zero or more.")
        call_command("load_catalogue", verbosity=0)
        if demo.demo_exists() and not reset:
            self.stdout.write("The demo organisation is already there (--reset rebuilds it).")
        else:
            self.build(people, reset)
        self.write_logins()

    @transaction.atomic
    def build(self, people: int, reset: bool) -> None:
        started = time.monotonic()
        if reset and demo.demo_exists():
            demo.delete_demo()
            self.stdout.write("Removed the previous demo organisation.")
        try:
            summary = demo.build_demo(today=timezone.localdate(), people=people)
        except demo.DemoError as error:
            raise CommandError(str(error)) from error
        late = summary.plan.activities().late().count()
        competence = summary.competence
        from_walks = Item.objects.filter(gemba_observation__isnull=False).count()
        self.stdout.write(
            f"Built the demo organisation: {summary.people} people in {summary.units} units, "
            f"rollout “{summary.plan.name}” in progress ({late} activities late), "
            f"{competence.records} competence records ({competence.waiting} of the named "
            f"people's waiting for sign-off), {competence.cards} Green Cards and "
            f"{competence.trainee_plans} trainee plan, {summary.backlog.items} improvements "
            f"({summary.backlog.overdue} overdue, {summary.backlog.from_feedback} from customer "
            f"feedback), {summary.checklists} checklist assignments, {summary.walks} Gemba "
            f"walks ({from_walks} improvements made from their observations), "
            f"{summary.survey_answers} survey answers, {summary.assessments} maturity "
            f"assessments, {summary.games} timeline games and {summary.notifications} "
            f"reminders in "
            f"{time.monotonic() - started:.1f} s."
        )

    def write_logins(self) -> None:
        url = f"http://127.0.0.1:{os.environ.get('PORT', '8000')}/"
        self.stdout.write(f"\nLog in at {url} with password {demo.DEMO_PASSWORD}:")
        for username, what in demo.LOGINS:
            self.stdout.write(f"  {username:<12} {what}")
