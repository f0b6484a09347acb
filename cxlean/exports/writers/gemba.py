"""The Gemba walk log: the walks the requester sees, with the filters of the walk list
(/gemba/: unit, status, month), and an Observations sheet with what was seen on them
(waste, severity, text, the improvement it became)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook

from cxlean.backlog.models import MudaKind, Waste
from cxlean.exports.sheets import Sheet
from cxlean.exports.writers.base import CHUNK, Request, about_sheet, name_of
from cxlean.gemba.forms import WalkFilterForm
from cxlean.gemba.models import Observation, Severity, WalkStatus
from cxlean.gemba.queries import listed_walks, month_bounds

WALK_COLUMNS = (
    "pk",
    "unit__name",
    "planned_start",
    "leader__first_name",
    "leader__last_name",
    "leader__username",
    "status",
    "touchpoint__name",
    "place",
    "process",
    "duration_minutes",
    "actual_minutes",
    "observation_count",
    "summary",
)
OBSERVATION_COLUMNS = (
    "walk_id",
    "walk__planned_start",
    "walk__unit__name",
    "waste",
    "muda_kind",
    "severity",
    "text",
    "touchpoint__name",
    "improvement_id",
    "created_at",
)


def params_form(data, user) -> WalkFilterForm:
    return WalkFilterForm(data)


def walks_for(request: Request[WalkFilterForm]):
    """The walks of the list: visible to the requester, filtered as the list."""
    chosen = request.form.chosen()
    walks = listed_walks(request.user)
    if "unit" in chosen:
        walks = walks.filter(unit__path__startswith=chosen["unit"].path)
    if "month" in chosen:
        start, end = month_bounds(chosen["month"])
        walks = walks.filter(planned_start__gte=start, planned_start__lt=end)
    if "status" in chosen:
        walks = walks.filter(status=chosen["status"])
    return walks


def write(workbook: Workbook, request: Request[WalkFilterForm]) -> None:
    walks = walks_for(request)
    observations = Observation.objects.filter(walk__in=walks.order_by().values("pk"))
    request.progress.expect(walks.count() + observations.count())
    statuses = {value: str(label) for value, label in WalkStatus.choices}
    severities = {value: str(label) for value, label in Severity.choices}
    wastes = {value: str(label) for value, label in Waste.choices}
    kinds = {value: str(label) for value, label in MudaKind.choices}

    sheet = Sheet(
        workbook,
        _("Walks"),
        widths=(8, 22, 17, 22, 12, 28, 24, 24, 24, 12, 12, 13, 48),
        freeze="C2",
    )
    sheet.header(
        [
            _("Walk ID"),
            _("Unit"),
            _("Planned start"),
            _("Leader"),
            _("Status"),
            _("Where"),
            _("Touchpoint"),
            _("Place"),
            _("Process"),
            _("Planned duration (minutes)"),
            _("Actual duration (minutes)"),
            _("Observations"),
            pgettext("walk report", "Summary"),
        ]
    )
    ordered = walks.order_by("planned_start", "pk").values_list(*WALK_COLUMNS)
    for row in ordered.iterator(chunk_size=CHUNK):
        (pk, unit, start, first, last, username, status, touchpoint, place, process,
         planned, actual, count, summary) = row  # fmt: skip
        sheet.row(
            [
                pk,
                unit,
                start,
                name_of(first, last, username),
                statuses.get(status, status),
                touchpoint or place or process,
                touchpoint,
                place,
                process,
                planned,
                actual,
                count,
                summary,
            ]
        )
        request.progress.tick()

    sheet = Sheet(
        workbook, _("Observations"), widths=(8, 17, 22, 20, 18, 10, 60, 24, 14, 17), freeze="B2"
    )
    sheet.header(
        [
            _("Walk ID"),
            _("Walk planned start"),
            _("Unit"),
            _("Waste"),
            _("Kind of Muda"),
            _("Severity"),
            _("What was seen"),
            _("Touchpoint"),
            _("Improvement ID"),
            _("Logged"),
        ]
    )
    ordered = observations.order_by("walk__planned_start", "walk_id", "created_at", "pk")
    for row in ordered.values_list(*OBSERVATION_COLUMNS).iterator(chunk_size=CHUNK):
        walk, start, unit, waste, kind, severity, text, touchpoint, improvement, logged = row
        sheet.row(
            [
                walk,
                start,
                unit,
                wastes.get(waste, ""),
                kinds.get(kind, ""),
                severities.get(severity, severity),
                text,
                touchpoint,
                improvement,
                logged,
            ]
        )
        request.progress.tick()
    about_sheet(
        workbook,
        request,
        _("Gemba walk log"),
        [_("An observation's improvement ID is the improvement it became in the backlog.")],
    )
