"""Write the data-model diagrams of the manual (docs/datamodel/<app>.mmd) from the models;
`--check` writes nothing and fails when a committed diagram is out of date."""

from django.core.management.base import BaseCommand, CommandError

from cxlean.help import datamodel


class Command(BaseCommand):
    help = "Generate the manual's data-model diagrams (Mermaid) from the models."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--check", action="store_true", help="Fail if a committed diagram is out of date."
        )

    def handle(self, *args, check: bool, **options) -> None:
        if check:
            if stale := datamodel.stale():
                raise CommandError(
                    "Out of date: " + ", ".join(stale) + " (run `manage.py datamodel`)."
                )
            self.stdout.write("The data-model diagrams are up to date.")
            return
        for written in datamodel.write_all():
            self.stdout.write(str(written.relative_to(datamodel.DOCS_DIR.parent)))
