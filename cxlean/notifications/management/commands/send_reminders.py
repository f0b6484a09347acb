"""Run the reminder sweep now (what beat runs every 15 minutes as cxlean.sweeps.reminders)
and e-mail those who want e-mail right away. Idempotent: a reminder already sent is not
sent again. `--dry-run` only counts what would be created."""

from django.core.management.base import BaseCommand

from cxlean.notifications.mail import MailNotSent, send_immediate
from cxlean.notifications.models import Kind
from cxlean.notifications.sweep import run_sweep


class Command(BaseCommand):
    help = "Create the reminders now due (in-app and e-mail); --dry-run only counts them."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would be sent; change nothing."
        )

    def handle(self, *args, dry_run: bool, **options) -> None:
        result = run_sweep(dry_run=dry_run)
        for kind in Kind:
            if result.created[kind]:
                self.stdout.write(f"{result.created[kind]:>7}  {kind.value}")
        verb = "would be created" if dry_run else "created"
        self.stdout.write(f"{result.total} notification(s) {verb}.")
        if dry_run:
            return
        try:
            emailed = send_immediate()
        except MailNotSent as error:
            self.stderr.write(f"The mail server failed ({error}); the rest is e-mailed later.")
            return
        self.stdout.write(f"{emailed} notification(s) e-mailed.")
