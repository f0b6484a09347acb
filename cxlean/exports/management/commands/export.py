"""python manage.py export KIND --out FILE [--user USERNAME] [--unit ID] [--plan ID]

Writes an export synchronously with the same writer the background worker uses. With
--user, as that person sees the data (their permissions and units); without, in a
superuser's scope: every unit, every person.
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from cxlean.exports.kinds import RequestRefused
from cxlean.exports.models import Kind
from cxlean.exports.services import write_export
from cxlean.exports.writers.base import ExportError


def everything_scope() -> User:
    """An unsaved superuser standing for "the command line": it sees every unit and
    person. (id 0, never a real row: nothing is written in its name.)"""
    user = User(id=0, username="manage.py", is_superuser=True, is_staff=True, is_active=True)
    # The role caches cxlean.org.roles keeps on the user: no groups, no home unit.
    vars(user).update(_cxlean_groups=frozenset(), _cxlean_home_unit=None)
    return user


class Command(BaseCommand):
    help = (
        "Write an Excel export (the same as the web app's) to a file. Kinds: "
        + ", ".join(Kind.values)
        + ". Without --user the export covers everything, as a superuser sees it; with "
        "--user it holds what that person may see. --unit narrows it to a unit and its "
        "sub-units (not for plan); --plan is required for the plan export."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=Kind.values)
        parser.add_argument("--out", required=True, help="The .xlsx file to write.")
        parser.add_argument(
            "--user",
            help="Export as this person sees it (default: superuser scope, everything).",
        )
        parser.add_argument("--unit", type=int, help="Only this unit (id) and its sub-units.")
        parser.add_argument("--plan", type=int, help="The rollout plan (id) of the plan export.")
        parser.add_argument(
            "--language", default="sv", choices=["sv", "en"], help="Language of the texts."
        )

    def handle(self, *args, kind, out, user, unit, plan, language, **options):
        person = self.person(user)
        params = {}
        if unit is not None:
            params["unit"] = unit
        if plan is not None:
            params["plan"] = plan
        with translation.override(language):
            try:
                written = write_export(kind, person, params, out)
            except RequestRefused as refused:
                raise CommandError(" ".join(refused.messages())) from None
            except ExportError as error:
                raise CommandError(str(error)) from None
        self.stdout.write(
            f"{kind}: {written.rows} rows written to {out} in {written.seconds:.1f} s"
        )

    def person(self, username: str | None) -> User:
        if not username:
            return everything_scope()
        try:
            return User.objects.get(username=username, is_active=True)
        except User.DoesNotExist:
            raise CommandError(f"No active user “{username}”.") from None
