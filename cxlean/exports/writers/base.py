"""What every writer gets and shares: the request (who, which filters), the workbook,
progress, and the "About this export" sheet that says what the file holds."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django import forms
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from cxlean.core.branding import current_brand
from cxlean.core.names import display_name
from cxlean.core.workbooks import sign
from cxlean.exports.progress import Progress
from cxlean.exports.sheets import Sheet, Style, Styled

CHUNK = 2_000  # rows fetched from the database at a time
BOLD = Style(bold=True)


class ExportError(Exception):
    """A refusal or failure to tell the person who asked, in words (already translated)."""


@dataclass
class Request[F: forms.Form]:
    """One export to write: who asked (their permissions decide what is in it) and the
    kind's filter form, bound to the job's params and valid (`cxlean.exports.kinds`).
    A writer names its form's class: `Request[ItemFilterForm]`."""

    user: object
    form: F
    progress: Progress = field(default_factory=Progress)
    now: dt.datetime = field(default_factory=timezone.now)

    @property
    def today(self) -> dt.date:
        return timezone.localdate(self.now)

    @property
    def filters(self) -> dict:
        """The filters chosen: field name -> cleaned value (empty ones left out)."""
        return {
            name: value
            for name, value in self.form.cleaned_data.items()
            if value not in (None, "", False)
        }

    def display(self, name: str, value) -> str:
        """A filter's value in words: a choice's label, an object's name, a date."""
        field_ = self.form.fields.get(name)
        if isinstance(field_, forms.ChoiceField) and not isinstance(value, Model):
            # The getter gives the normalised (value, label) pairs; the stubs type it as
            # everything the setter accepts.
            choices = dict(field_.choices)  # type: ignore[arg-type]  # see above
            return str(choices.get(value, value))
        return filter_text(value)

    def label(self, name: str) -> str:
        field_ = self.form.fields.get(name)
        return str(field_.label) if field_ is not None and field_.label else name


def new_workbook() -> Workbook:
    return sign(Workbook(write_only=True))


def name_of(first: str | None, last: str | None, username: str | None) -> str:
    """`display_name` from values_list columns: the full name, else the login."""
    if username is None:
        return ""
    return f"{first or ''} {last or ''}".strip() or username


def yes_no(value: bool | None) -> str:
    if value is None:
        return ""
    return _("Yes") if value else _("No")


def filter_text(value) -> str:
    if isinstance(value, Model):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return yes_no(value)
    return str(value)


def about_sheet(
    workbook: Workbook, request: Request, title: str, notes: Sequence[str] = ()
) -> None:
    """Who asked, when, with which filters, and what the sheets mean."""
    sheet = Sheet(workbook, _("About this export"), widths=(28, 80))
    sheet.row([Styled(title, Style(bold=True))])
    sheet.row([])
    sheet.row([Styled(_("Organisation"), BOLD), current_brand().name])
    sheet.row([Styled(_("Requested by"), BOLD), requester_name(request.user)])
    local = timezone.localtime(request.now)
    sheet.row([Styled(_("Written"), BOLD), local.replace(tzinfo=None, microsecond=0)])
    sheet.row([Styled(_("Rows written"), BOLD), request.progress.rows])
    if request.filters:
        for name, value in request.filters.items():
            sheet.row([Styled(request.label(name), BOLD), request.display(name, value)])
    else:
        sheet.row([Styled(_("Filters"), BOLD), _("None: everything you may see.")])
    if notes:
        sheet.row([])
        for note in notes:
            sheet.row(["", Styled(note, Style(wrap=True))])


def requester_name(user) -> str:
    if getattr(user, "pk", None) in (None, 0):
        return _("Command line (every unit)")
    return display_name(user)
