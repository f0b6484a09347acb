"""The CX metrics and maturity report for the units the requester reads (as /metrics/
shows them, optionally narrowed to a unit and its sub-units):

- Metrics: every unit × period × active metric with a figure over the last 12 months
  (12 months, or 4 quarters): value, sample, small sample, where it comes from, target,
  whether it meets the target (`cxlean.metrics.reports.results`, the pages' figures);
- Maturity: one row per completed assessment the requester sees and dimension, with
  the dimension's and the overall score and level (`cxlean.maturity.scoring`);
- Evidence: the indicators the system measures itself (`cxlean.insights.evidence`) for
  the units on the requester's maturity dashboard (coordinators and management).
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from openpyxl import Workbook

from cxlean.exports.sheets import Sheet
from cxlean.exports.writers.base import Request, about_sheet, yes_no
from cxlean.insights.dashboard import dashboard_units, twelve_months_before
from cxlean.insights.evidence import evidence_by_unit
from cxlean.maturity.models import Assessment, Status
from cxlean.maturity.scoring import load_model, scores_for
from cxlean.metrics.forms import FilterForm
from cxlean.metrics.models import Metric, PeriodKind
from cxlean.metrics.reports import ANSWERS, ENTERED, periods_back, results
from cxlean.metrics.scope import counted_units, readable_units
from cxlean.org.models import Unit


def params_form(data, user) -> FilterForm:
    return FilterForm(data, units=readable_units(user))


def shown_units(request: Request[FilterForm]) -> list:
    unit = request.form.chosen().get("unit")
    units = readable_units(request.user)
    if unit is not None:
        units = units.filter(path__startswith=unit.path)
    return list(units)


def write(workbook: Workbook, request: Request[FilterForm]) -> None:
    units = shown_units(request)
    kind = request.form.chosen().get("period") or PeriodKind.MONTH
    periods = periods_back(kind, request.today, 4 if kind == PeriodKind.QUARTER else 12)
    metrics = list(Metric.objects.active())
    shown = {unit.pk for unit in units}
    figures = [
        result
        for result in results(counted_units(units), metrics, periods)
        if result.unit.pk in shown and result.value is not None
    ]
    assessments = list(
        Assessment.objects.visible_to(request.user)
        .filter(status=Status.COMPLETED, unit__in=[unit.pk for unit in units])
        .select_related("unit")
        .order_by("unit__path", "assessed_on", "pk")
    )
    model = load_model()
    request.progress.expect(len(figures) + len(assessments) * max(len(model.dimensions), 1))
    metrics_sheet(workbook, figures, request)
    maturity_sheet(workbook, assessments, model, request)
    evidence_sheet(workbook, units, request)
    about_sheet(
        workbook,
        request,
        _("CX metrics and maturity report"),
        [
            _(
                "Metrics: the figures of the last 12 months (or 4 quarters); a unit's figure "
                "counts the survey answers of its sub-units. A figure entered for a unit "
                "wins over one computed from answers."
            ),
            _(
                "Maturity: questions are scored 1–5; a dimension's score is the mean of its "
                "questions, the overall score the mean of the dimensions."
            ),
        ],
    )


def metrics_sheet(workbook: Workbook, figures, request: Request[FilterForm]) -> None:
    sources = {ANSWERS: _("survey answers"), ENTERED: _("entered figure")}
    sheet = Sheet(
        workbook, _("CX metrics"), widths=(26, 10, 22, 10, 10, 12, 16, 10, 14), freeze="B2"
    )
    sheet.header(
        [
            _("Unit"),
            _("Period"),
            _("Metric"),
            _("Value"),
            _("Sample"),
            _("Small sample"),
            _("Source"),
            _("Target"),
            _("Meets target"),
        ]
    )
    for result in figures:
        sheet.row(
            [
                result.unit.name,
                result.period.label,
                result.metric.name,
                result.value,
                result.sample_size,
                yes_no(result.small_sample),
                sources.get(result.source, ""),
                result.target,
                yes_no(result.meets_target),
            ]
        )
        request.progress.tick()


def maturity_sheet(workbook: Workbook, assessments, model, request: Request[FilterForm]) -> None:
    scores = scores_for(assessments, model)
    sheet = Sheet(
        workbook, _("Maturity"), widths=(8, 26, 34, 12, 34, 10, 22, 12, 10, 22), freeze="C2"
    )
    sheet.header(
        [
            _("Assessment ID"),
            _("Unit"),
            _("Assessment"),
            _("Assessed on"),
            _("Dimension"),
            _("Score"),
            _("Level"),
            _("Questions answered"),
            _("Overall score"),
            _("Overall level"),
        ]
    )
    for assessment in assessments:
        score = scores[assessment.pk]
        for dimension in model.dimensions:
            if dimension.pk not in score.dimensions:
                continue
            level = score.dimension_levels.get(dimension.pk)
            sheet.row(
                [
                    assessment.pk,
                    assessment.unit.name,
                    assessment.title,
                    assessment.assessed_on,
                    dimension.name,
                    score.dimensions[dimension.pk],
                    str(level) if level else "",
                    _("%(answered)s of %(asked)s")
                    % {
                        "answered": score.dimension_answered.get(dimension.pk, 0),
                        "asked": score.dimension_questions.get(dimension.pk, 0),
                    },
                    score.overall,
                    str(score.level) if score.level else "",
                ]
            )
            request.progress.tick()


def evidence_sheet(workbook: Workbook, units, request: Request[FilterForm]) -> None:
    """The dashboard's indicators over the last twelve months, for the units of the
    requester's dashboard among those shown (none for employees)."""
    allowed = set(dashboard_units(request.user).values_list("pk", flat=True))
    units = [unit for unit in units if unit.pk in allowed]
    if not units:
        return
    today = request.today
    start = twelve_months_before(today)
    evidence = evidence_by_unit(
        Unit.objects.filter(pk__in=[unit.pk for unit in units]), start, today, today
    )
    sheet = Sheet(workbook, _("Evidence"), widths=(26, 28, 12, 22, 60, 20), freeze="B2")
    sheet.header(
        [_("Unit"), _("Indicator"), _("Value"), _("In words"), _("Detail"), _("Judgement")]
    )
    for unit in units:
        for indicator in evidence.get(unit.pk, []):
            sheet.row(
                [
                    unit.name,
                    indicator.label,
                    indicator.value,
                    indicator.display,
                    indicator.detail,
                    indicator.tone_label,
                ]
            )
            request.progress.count()
