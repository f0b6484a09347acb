"""The improvement backlog: one row per improvement the requester sees, with the filters
and the sort order of the backlog list (/improvements/)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from openpyxl import Workbook

from cxlean.backlog.forms import ItemFilterForm
from cxlean.backlog.models import Item, Metric, MudaKind, Quadrant, Status, Waste
from cxlean.exports.sheets import Sheet
from cxlean.exports.writers.base import CHUNK, Request, about_sheet, name_of

COLUMNS = (
    "pk",
    "unit__name",
    "title",
    "status",
    "waste",
    "muda_kind",
    "touchpoint__name",
    "impact",
    "feasibility",
    "customer_value",
    "priority",
    "quadrant",
    "owner__first_name",
    "owner__last_name",
    "owner__username",
    "due_date",
    "created_at",
    "expected_metric",
    "expected_change",
    "expected_effect",
    "measured_change",
    "measured_effect",
)


def params_form(data, user) -> ItemFilterForm:
    return ItemFilterForm(data, viewer=user)


def headers() -> list[str]:
    return [
        _("ID"),
        _("Unit"),
        _("Title"),
        _("Status"),
        _("Waste"),
        _("Kind of Muda"),
        _("Touchpoint"),
        _("Impact"),
        _("Feasibility"),
        _("Customer value"),
        _("Priority"),
        _("Quadrant"),
        _("Owner"),
        _("Due date"),
        _("Submitted"),
        _("Expected effect on"),
        _("Expected change"),
        _("Expected effect"),
        _("Measured change"),
        _("Measured effect"),
    ]


def labels(choices) -> dict[str, str]:
    return {value: str(label) for value, label in choices.choices}


def items_for(request: Request[ItemFilterForm]):
    """The list's items: visible to the requester, filtered and sorted as the list."""
    return request.form.filter(Item.objects.visible_to(request.user))


def write(workbook: Workbook, request: Request[ItemFilterForm]) -> None:
    items = items_for(request)
    request.progress.expect(items.count())
    status, waste, muda = labels(Status), labels(Waste), labels(MudaKind)
    quadrant, metric = labels(Quadrant), labels(Metric)
    sheet = Sheet(
        workbook,
        _("Improvements"),
        widths=(8, 22, 48, 16, 20, 18, 24, 9, 11, 11, 9, 16, 22, 12, 18, 14, 12, 40, 12, 40),
        freeze="D2",
    )
    sheet.header(headers())
    for row in items.values_list(*COLUMNS).iterator(chunk_size=CHUNK):
        (pk, unit, title, state, kind, muda_kind, touchpoint, impact, feasibility, value,
         priority, corner, first, last, username, due, created, expected_metric,
         expected_change, expected_effect, measured_change, measured_effect) = row  # fmt: skip
        sheet.row(
            [
                pk,
                unit,
                title,
                status.get(state, state),
                waste.get(kind, ""),
                muda.get(muda_kind, ""),
                touchpoint,
                impact,
                feasibility,
                value,
                priority,
                quadrant.get(corner, ""),
                name_of(first, last, username),
                due,
                created,
                metric.get(expected_metric, ""),
                expected_change,
                expected_effect,
                measured_change,
                measured_effect,
            ]
        )
        request.progress.tick()
    about_sheet(
        workbook,
        request,
        _("Improvement backlog"),
        [
            _(
                "Impact, feasibility and customer value are scored 1–5; the priority and the "
                "quadrant follow from them by the backlog's documented formula."
            ),
        ],
    )
