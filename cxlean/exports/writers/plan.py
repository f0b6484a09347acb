"""A rollout plan the requester may see: its activities (phase, owner, dates, status,
dependencies, planned and actual cost), a Gantt-like sheet (a column per week, the
weeks of an activity filled and marked "■" so the span reads without colour too), and
a budget summary (budget, planned, actual, remaining, per phase)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from cxlean.core.typed import form_field
from cxlean.exports.sheets import Sheet, Style, Styled
from cxlean.exports.writers.base import Request, about_sheet, name_of
from cxlean.plans.models import Activity, Plan, PlanFigures

MAX_WEEKS = 260  # five years of columns; a longer plan is cut, and the sheet says so
WEEK = dt.timedelta(days=7)
HEADER = Style(fill="E7ECEF", bold=True, wrap=True)
BOLD = Style(bold=True)
MARK = "■"
# The bar's colour follows the status; the status is also a column in words.
BAR_FILLS = {
    Activity.Status.PLANNED: "BFD7EE",
    Activity.Status.IN_PROGRESS: "8DB8E2",
    Activity.Status.DONE: "A8D5BA",
    Activity.Status.BLOCKED: "F4B4B4",
    Activity.Status.CANCELLED: "D9D9D9",
}
LATE_FILL = "F9CB9C"
ZERO = Decimal("0")


class PlanParams(forms.Form):
    plan = forms.ModelChoiceField(
        label=gettext_lazy("Rollout plan"),
        queryset=Plan.objects.none(),
        error_messages={
            "required": gettext_lazy("Say which rollout plan to export."),
            "invalid_choice": gettext_lazy(
                "There is no rollout plan with this id that you can see."
            ),
        },
    )

    def __init__(self, *args, viewer, **kwargs):
        super().__init__(*args, **kwargs)
        form_field(self, "plan", forms.ModelChoiceField).queryset = Plan.objects.visible_to(viewer)


def params_form(data, user) -> PlanParams:
    return PlanParams(data, viewer=user)


def monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def weeks_of(start: dt.date, end: dt.date) -> list[dt.date]:
    """The Mondays from the week holding `start` to the week holding `end`."""
    weeks: list[dt.date] = []
    week = monday(start)
    while week <= end and len(weeks) < MAX_WEEKS:
        weeks.append(week)
        week += WEEK
    return weeks


def write(workbook: Workbook, request: Request[PlanParams]) -> None:
    plan = Plan.objects.for_detail().get(pk=request.form.cleaned_data["plan"].pk)
    phases = list(plan.phases_with_activities())
    activities = [(phase, activity) for phase in phases for activity in phase.activities.all()]
    request.progress.expect(2 * len(activities) + len(phases))
    today = request.today

    sheet = Sheet(
        workbook, _("Activities"), widths=(28, 44, 22, 12, 12, 14, 8, 44, 14, 14), freeze="C2"
    )
    sheet.header(
        [
            _("Phase"),
            _("Activity"),
            _("Owner"),
            _("Start"),
            _("Due"),
            _("Status"),
            _("Late"),
            _("Depends on"),
            _("Planned cost"),
            _("Actual cost"),
        ]
    )
    for phase, activity in activities:
        sheet.row(
            [
                phase.title,
                activity.title,
                owner_name(activity),
                activity.start_date,
                activity.due_date,
                activity.get_status_display(),
                _("Late") if activity.is_late_on(today) else "",
                "; ".join(other.title for other in activity.depends_on.all()),
                activity.planned_cost,
                activity.actual_cost,
            ]
        )
        request.progress.tick()

    gantt_sheet(workbook, plan, activities, request)
    budget_sheet(workbook, plan, phases, request)
    about_sheet(
        workbook,
        request,
        _("Rollout plan: %(name)s") % {"name": plan.name},
        [
            _(
                "The planned cost of cancelled activities does not count towards the plan; "
                "their actual cost does (it was spent)."
            ),
        ],
    )


def owner_name(activity: Activity) -> str:
    owner = activity.owner
    return name_of(owner.first_name, owner.last_name, owner.username) if owner else ""


def gantt_sheet(workbook: Workbook, plan: Plan, activities, request: Request[PlanParams]) -> None:
    today = request.today
    starts = [plan.start_date, *[activity.start_date for _phase, activity in activities]]
    ends = [plan.end_date, *[activity.due_date for _phase, activity in activities]]
    weeks = weeks_of(min(starts), max(ends))
    sheet = Sheet(workbook, _("Timeline"), widths=(24, 40, 14, *[5] * len(weeks)), freeze="D3")
    sheet.row(
        [
            Styled(_("Week"), HEADER),
            "",
            "",
            *[Styled(f"{week.isocalendar().week}", HEADER) for week in weeks],
        ]
    )
    sheet.header([_("Phase"), _("Activity"), _("Status"), *weeks])
    for phase, activity in activities:
        late = activity.is_late_on(today)
        bar = Style(fill=LATE_FILL if late else BAR_FILLS.get(activity.status, "BFD7EE"))
        first, last = monday(activity.start_date), monday(activity.due_date)
        status = activity.get_status_display() + (f" · {_('Late')}" if late else "")
        sheet.row(
            [
                phase.title,
                activity.title,
                status,
                *[Styled(MARK, bar) if first <= week <= last else None for week in weeks],
            ]
        )
        request.progress.tick()
    sheet.row([])
    sheet.row(["", _("Each ■ is a week the activity runs (from its start to its due date).")])
    sheet.row(
        [
            "",
            _(
                "Colours: blue planned or in progress, green done, red blocked, "
                "orange late, grey cancelled."
            ),
        ]
    )
    if len(weeks) == MAX_WEEKS:
        sheet.row(["", _("The timeline is cut after %(weeks)s weeks.") % {"weeks": MAX_WEEKS}])


def budget_sheet(workbook: Workbook, plan: Plan, phases, request: Request[PlanParams]) -> None:
    figures = PlanFigures.of(plan)
    sheet = Sheet(workbook, _("Budget"), widths=(32, 14, 12, 16, 16))
    sheet.header([_("Plan"), plan.name])
    for label, value in (
        (_("Budget"), figures.budget),
        (_("Planned cost"), figures.planned),
        (_("Actual cost"), figures.actual),
        (_("Remaining (budget minus actual)"), figures.remaining),
        (_("Planned over budget"), figures.planned_over_budget),
        (_("Actual over budget"), figures.actual_over_budget),
        (_("Progress (%)"), figures.progress),
    ):
        sheet.row([Styled(label, BOLD), value])
    sheet.row([])
    sheet.header([_("Phase"), _("Activities"), _("Done"), _("Planned cost"), _("Actual cost")])
    for phase in phases:
        live = [a for a in phase.activities.all() if a.status != Activity.Status.CANCELLED]
        sheet.row(
            [
                phase.title,
                len(live),
                sum(1 for a in live if a.status == Activity.Status.DONE),
                sum((a.planned_cost for a in live), ZERO),
                sum((a.actual_cost for a in phase.activities.all()), ZERO),
            ]
        )
        request.progress.tick()
    sheet.row(
        [
            Styled(_("Total"), BOLD),
            figures.activities,
            figures.done,
            Styled(figures.planned, BOLD),
            Styled(figures.actual, BOLD),
        ]
    )
