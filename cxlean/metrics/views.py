"""The CX metric pages: the overview (each metric's latest figure per unit against its
target), the trend of one metric for one unit (chart, table and the improvements marked
on the timeline), recording survey answers, entering a figure, setting targets and the
survey sources (survey tools pushing answers by webhook).

Who reads and records what is `cxlean.metrics.scope`: everyone reads the figures of
their part of the tree (management and superusers of every unit), coordinators record
for the units they coordinate; management reads and records nothing (403). Survey
sources are seen by those `may_see_survey_sources` allows and changed by coordinators of
their unit (`SurveySource.can_edit`), as in the admin and the API.
"""

from __future__ import annotations

import datetime as dt
import json
from copy import copy
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Min, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.http import urlencode
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from cxlean.backlog.models import Item, Status
from cxlean.core.typed import AuthenticatedRequest
from cxlean.metrics.chart import Improvement, build_chart
from cxlean.metrics.forms import (
    AnswerForm,
    BulkAnswersForm,
    FilterForm,
    MeasurementForm,
    PreviewForm,
    SourceFilterForm,
    SurveySourceForm,
    TargetForm,
)
from cxlean.metrics.models import (
    MAPPING_FIELDS,
    Measurement,
    Metric,
    PeriodKind,
    SurveySource,
    may_see_survey_sources,
)
from cxlean.metrics.reports import (
    Period,
    TargetBook,
    Trend,
    latest_vs_target,
    periods_back,
    results,
)
from cxlean.metrics.scope import (
    counted_units,
    home_unit,
    may_record,
    readable_units,
    recording_units,
)
from cxlean.metrics.webhooks import MappingError, mapped_answers, name_units
from cxlean.org.models import Unit

GET_POST = ["GET", "POST"]
TREND_PERIODS = 12


def page(request: HttpRequest, template: str, context: dict) -> HttpResponse:
    """Render a metric page; the tabs name every active metric (and the survey sources
    for those who may see them)."""
    context.setdefault("tab_metrics", Metric.objects.active())
    context.setdefault("tab_sources", may_see_survey_sources(request.user))
    return render(request, template, context)


def trend_url(metric: Metric, unit: Unit | None = None, period: str = "") -> str:
    url = reverse("metrics:trend", args=[metric.kind])
    params: dict[str, str | int] = {"unit": unit.pk} if unit else {}
    if period:
        params["period"] = period
    return f"{url}?{urlencode(params)}" if params else url


def require_recorder(request: HttpRequest) -> QuerySet[Unit]:
    """The units the user records for; 403 for everyone who records nothing."""
    if not may_record(request.user):
        raise PermissionDenied(_("Lean coordinators record CX metrics for their units."))
    return recording_units(request.user)


def default_unit(user, units: list[Unit]) -> Unit | None:
    """The viewer's own unit when they may read it, else the first they may."""
    home = home_unit(user)
    if home is not None and any(unit.pk == home.pk for unit in units):
        return home
    return units[0] if units else None


# --- the overview ------------------------------------------------------------------------


@dataclass
class Row:
    trend: Trend
    depth: int

    @property
    def unit(self) -> Unit:
        return self.trend.unit


@dataclass
class Section:
    metric: Metric
    rows: list[Row]

    @property
    def with_figures(self) -> int:
        return sum(1 for row in self.rows if row.trend.latest)


@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    user = request.user
    readable = readable_units(user)
    filters = FilterForm(request.GET, units=readable, empty_label=_("All my units"))
    chosen = filters.chosen()
    period = chosen.get("period") or PeriodKind.MONTH
    shown = list(readable)
    if "unit" in chosen:
        shown = [unit for unit in shown if unit.path.startswith(chosen["unit"].path)]
    shown_pks = {unit.pk for unit in shown}
    top = min((unit.depth for unit in shown), default=0)
    sections: dict[int, Section] = {}
    for trend in latest_vs_target(counted_units(shown), timezone.localdate(), period):
        if trend.unit.pk not in shown_pks:
            continue
        section = sections.setdefault(trend.metric.pk, Section(trend.metric, []))
        section.rows.append(Row(trend, trend.unit.depth - top))
    return page(
        request,
        "metrics/overview.html",
        {
            "filters": filters,
            "period": period,
            "sections": list(sections.values()),
            "may_record": may_record(user),
        },
    )


# --- the trend page ----------------------------------------------------------------------


def item_url(pk: int) -> str:
    return reverse("backlog:detail", args=[pk])


def improvements_for(user, kind: str, unit: Unit, periods: list[Period]) -> list[Improvement]:
    """The improvements (not rejected) expected to move `kind` in the unit or its
    sub-units that the viewer may see, dated when they entered Do, else when they were
    submitted, within the periods shown. One query."""
    start = timezone.make_aware(dt.datetime.combine(periods[0].start, dt.time()))
    items = (
        Item.objects.visible_to(user)
        .filter(expected_metric=kind, unit__path__startswith=unit.path)
        .exclude(status=Status.REJECTED)
        .annotate(do_at=Min("status_changes__at", filter=Q(status_changes__to_status=Status.DO)))
        .filter(Q(do_at__gte=start) | Q(do_at__isnull=True, created_at__gte=start))
        .order_by()
        .values_list("pk", "title", "do_at", "created_at")
    )
    return [
        Improvement(title, timezone.localdate(do_at or created), item_url(pk))
        for pk, title, do_at, created in items
    ]


def entered_here(metric: Metric, unit: Unit, periods: list[Period]) -> dict:
    """period start -> the unit's own figure entered for the period (for edit links)."""
    figures = Measurement.objects.filter(
        metric=metric,
        unit=unit,
        touchpoint__isnull=True,
        period_kind=periods[0].kind,
        period_start__in=[period.start for period in periods],
    )
    return {figure.period_start: figure for figure in figures}


@require_GET
def trend(request: HttpRequest, kind: str) -> HttpResponse:
    user = request.user
    metric = get_object_or_404(Metric, kind=kind)
    readable = list(readable_units(user))
    filters = FilterForm(request.GET, units=readable_units(user))
    chosen = filters.chosen()
    unit = chosen.get("unit") or default_unit(user, readable)
    if unit is not None:
        filters.show_unit(unit)
    period = chosen.get("period") or PeriodKind.MONTH
    context = {"metric": metric, "filters": filters, "unit": unit, "period": period}
    if unit is None:
        return page(request, "metrics/trend.html", context)
    periods = periods_back(period, timezone.localdate(), TREND_PERIODS)
    rows = [row for row in results(unit.subtree(), [metric], periods) if row.unit.pk == unit.pk]
    improvements = improvements_for(user, metric.kind, unit, periods)
    chart = build_chart(metric, rows, periods, improvements)
    editable = may_record(user) and recording_units(user).filter(pk=unit.pk).exists()
    entered = entered_here(metric, unit, periods) if editable else {}
    context.update(
        {
            "rows": [(row, entered.get(row.period.start)) for row in reversed(rows)],
            "chart": chart,
            "figures": sum(1 for row in rows if row.value is not None),
            "may_record": editable,
            "metrics": list(Metric.objects.active()),
        }
    )
    return page(request, "metrics/trend.html", context)


# --- recording ---------------------------------------------------------------------------


def initial_unit(user, units: QuerySet[Unit]) -> int | None:
    home = home_unit(user)
    return home.pk if home and units.filter(pk=home.pk).exists() else None


def chosen_metric(request: HttpRequest) -> Metric | None:
    kind = request.GET.get("metric")
    return Metric.objects.filter(kind=kind).first() if kind else None


@require_http_methods(GET_POST)
def answer_new(request: HttpRequest) -> HttpResponse:
    units = require_recorder(request)
    data = request.POST if request.method == "POST" else None
    metric = chosen_metric(request)
    initial = {
        "unit": initial_unit(request.user, units),
        "answered_on": timezone.localdate(),
        "metric": metric.pk if metric else None,
    }
    form = AnswerForm(data, units=units, initial=initial)
    if data is not None and form.is_valid():
        answer = form.save(commit=False)
        answer.created_by = request.user
        answer.save()
        messages.success(
            request,
            _("The %(metric)s answer %(score)s is recorded.")
            % {"metric": answer.metric.get_kind_display(), "score": answer.score},
        )
        return redirect(trend_url(answer.metric, answer.unit))
    return page(request, "metrics/answer_form.html", {"form": form})


@require_http_methods(GET_POST)
def answers_bulk(request: HttpRequest) -> HttpResponse:
    units = require_recorder(request)
    data = request.POST if request.method == "POST" else None
    initial = {"unit": initial_unit(request.user, units), "answered_on": timezone.localdate()}
    form = BulkAnswersForm(data, units=units, initial=initial)
    if data is not None and form.is_valid() and (answers := form.answers(request.user)):
        for answer in answers:
            answer.save()
        metric, unit = answers[0].metric, answers[0].unit
        messages.success(
            request,
            ngettext(
                "%(count)d %(metric)s answer is recorded.",
                "%(count)d %(metric)s answers are recorded.",
                len(answers),
            )
            % {"count": len(answers), "metric": metric.get_kind_display()},
        )
        return redirect(trend_url(metric, unit))
    return page(request, "metrics/answers_bulk.html", {"form": form})


@require_http_methods(GET_POST)
def measurement_new(request: HttpRequest) -> HttpResponse:
    units = require_recorder(request)
    data = request.POST if request.method == "POST" else None
    metric = chosen_metric(request)
    initial = {
        "unit": initial_unit(request.user, units),
        "metric": metric.pk if metric else None,
        "period_kind": PeriodKind.MONTH,
        "period_start": Period.of(PeriodKind.MONTH, timezone.localdate()).previous().start,
    }
    form = MeasurementForm(data, units=units, initial=initial)
    if data is not None and form.is_valid():
        figure = form.save(commit=False)
        figure.entered_by = request.user
        figure.save()
        return saved(request, figure)
    return page(request, "metrics/measurement_form.html", {"form": form, "figure": None})


@require_http_methods(GET_POST)
def measurement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    figure = get_object_or_404(
        Measurement.objects.visible_to(request.user).select_related("metric", "unit"), pk=pk
    )
    units = require_recorder(request)
    if not figure.can_edit(request.user):
        raise PermissionDenied(_("Only a Lean coordinator of the unit can change this figure."))
    data = request.POST if request.method == "POST" else None
    form = MeasurementForm(data, instance=figure, units=units)
    if data is not None and form.is_valid():
        figure = form.save(commit=False)
        figure.entered_by = request.user
        figure.save()
        return saved(request, figure)
    return page(request, "metrics/measurement_form.html", {"form": form, "figure": figure})


def saved(request: HttpRequest, figure: Measurement) -> HttpResponse:
    period = Period(figure.period_kind, figure.period_start)
    messages.success(
        request,
        _("%(metric)s for %(unit)s, %(period)s, is saved.")
        % {"metric": figure.metric.get_kind_display(), "unit": figure.unit, "period": period},
    )
    return redirect(trend_url(figure.metric, figure.unit, figure.period_kind))


# --- targets -----------------------------------------------------------------------------


@dataclass
class TargetCell:
    metric: Metric
    value: object = None
    valid_from: object = None
    inherited_from: Unit | None = None


@require_http_methods(GET_POST)
def targets(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    form = None
    if request.method == "POST" or may_record(user):
        recordable = require_recorder(request)
        initial = {
            "unit": initial_unit(user, recordable),
            "valid_from": Period.of(PeriodKind.MONTH, timezone.localdate()).start,
        }
        data = request.POST if request.method == "POST" else None
        form = TargetForm(data, units=recordable, initial=initial)
        if request.method == "POST" and form.is_valid():
            target = form.save(commit=False)
            target.set_by = user
            target.save()
            messages.success(
                request,
                _("The %(metric)s target of %(unit)s is %(value)s from %(day)s.")
                % {
                    "metric": target.metric.get_kind_display(),
                    "unit": target.unit,
                    "value": target.value,
                    "day": target.valid_from.isoformat(),
                },
            )
            return redirect("metrics:targets")
    units = list(readable_units(user))
    metrics = list(Metric.objects.active())
    today = timezone.localdate()
    book = TargetBook(units, metrics, today)
    by_pk = {unit.pk: unit for unit in units}
    top = min((unit.depth for unit in units), default=0)
    rows = []
    for unit in units:
        cells = []
        for metric in metrics:
            found = book.find(unit, metric, today)
            cell = TargetCell(metric)
            if found:
                cell.value, cell.valid_from = found.value, found.valid_from
                if found.unit_id != unit.pk:
                    cell.inherited_from = by_pk.get(found.unit_id)
            cells.append(cell)
        rows.append((unit, unit.depth - top, cells))
    return page(
        request,
        "metrics/targets.html",
        {"form": form, "metrics": metrics, "rows": rows, "today": today},
    )


# --- survey sources ----------------------------------------------------------------------


def require_source_reader(request: HttpRequest) -> None:
    if not may_see_survey_sources(request.user):
        raise PermissionDenied(
            _("Lean coordinators and management see the survey sources of their units.")
        )


def visible_source(request: HttpRequest, pk: int) -> SurveySource:
    """A source the user may see (404 for another part of the tree)."""
    require_source_reader(request)
    sources = SurveySource.objects.visible_to(request.user).select_related(
        "unit", "default_unit", "metric"
    )
    return get_object_or_404(sources, pk=pk)


def editable_source(request: HttpRequest, pk: int) -> SurveySource:
    """A source the user may change: a coordinator of its unit (403 for management and
    the coordinators who only see it)."""
    source = visible_source(request, pk)
    if not source.can_edit(request.user):
        raise PermissionDenied(_("Only a Lean coordinator of the unit can change this source."))
    return source


@require_GET
def sources(request: HttpRequest) -> HttpResponse:
    require_source_reader(request)
    user = request.user
    filters = SourceFilterForm(request.GET, units=readable_units(user), empty_label=_("All"))
    chosen = filters.chosen()
    shown = SurveySource.objects.visible_to(user).select_related("unit", "default_unit")
    if "unit" in chosen:
        shown = shown.filter(unit__path__startswith=chosen["unit"].path)
    if "active" in chosen:
        shown = shown.filter(active=chosen["active"])
    return page(
        request,
        "metrics/sources.html",
        {
            "filters": filters,
            "sources": shown,
            "may_add": may_record(user),
        },
    )


def mapping_of(source: SurveySource) -> list[tuple[str, str]]:
    """The source's field mapping as (label, value) rows, in the admin's order."""
    rows = []
    for name in MAPPING_FIELDS:
        value = getattr(source, name)
        if name == "metric":
            value = value.get_kind_display() if value else ""
        elif name == "value_maps":
            value = json.dumps(value, ensure_ascii=False) if value else ""
        label = getattr(SurveySource._meta.get_field(name), "verbose_name", name)
        rows.append((str(capfirst(label)), value))
    return rows


@require_GET
def source_detail(request: HttpRequest, pk: int) -> HttpResponse:
    source = visible_source(request, pk)
    return page(
        request,
        "metrics/source_detail.html",
        {
            "source": source,
            "mapping": mapping_of(source),
            "may_edit": source.can_edit(request.user),
        },
    )


def secret_page(request: HttpRequest, source: SurveySource, created: bool) -> HttpResponse:
    """The secret, shown in this response only: not in a message (a cookie), not on any
    page after; the browser is told not to keep the page."""
    response = page(request, "metrics/source_secret.html", {"source": source, "created": created})
    add_never_cache_headers(response)
    return response


@require_http_methods(GET_POST)
def source_new(request: HttpRequest) -> HttpResponse:
    require_source_reader(request)
    units = require_recorder(request)
    data = request.POST if request.method == "POST" else None
    form = SurveySourceForm(data, units=units, initial={"unit": initial_unit(request.user, units)})
    if data is not None and form.is_valid():
        return secret_page(request, form.save(), created=True)
    return page(request, "metrics/source_form.html", {"form": form, "source": None})


@require_http_methods(GET_POST)
def source_edit(request: HttpRequest, pk: int) -> HttpResponse:
    source = editable_source(request, pk)
    data = request.POST if request.method == "POST" else None
    # The form changes a copy: a refused change leaves the page's name and crumbs as saved.
    form = SurveySourceForm(data, instance=copy(source), units=recording_units(request.user))
    if data is not None and form.is_valid():
        saved = form.save()
        messages.success(request, _("The survey source %(name)s is saved.") % {"name": saved})
        return redirect("metrics:source_detail", pk=source.pk)
    return page(request, "metrics/source_form.html", {"form": form, "source": source})


@require_http_methods(GET_POST)
def source_rotate(request: HttpRequest, pk: int) -> HttpResponse:
    """Asks first (GET); a POST makes the new secret and shows it once."""
    source = editable_source(request, pk)
    if request.method == "POST":
        source.rotate_secret()
        return secret_page(request, source, created=False)
    return page(request, "metrics/source_rotate.html", {"source": source})


@require_http_methods(["POST"])
def source_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    source = editable_source(request, pk)
    source.active = False
    source.save(update_fields=["active"])
    messages.success(
        request,
        _("%(name)s is inactive: its deliveries are refused until it is made active again.")
        % {"name": source},
    )
    return redirect("metrics:source_detail", pk=source.pk)


@require_http_methods(GET_POST)
def source_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """A sample payload mapped by the source's settings (the same mapping as a delivery,
    the API's preview and the admin's): each answer as it would be recorded and what
    cannot be mapped. Nothing is recorded."""
    source = editable_source(request, pk)
    form = PreviewForm(request.POST if request.method == "POST" else None)
    rows: list = []
    errors: list = []
    tried = request.method == "POST" and form.is_valid()
    if tried:
        try:
            rows, errors = mapped_answers(source, form.cleaned_data["payload"])
            name_units(rows)
        except MappingError as error:
            form.add_error("payload", error.message)
            tried = False
    return page(
        request,
        "metrics/source_preview.html",
        {
            "source": source,
            "form": form,
            "rows": list(enumerate(rows)),
            "errors": errors,
            "tried": tried,
        },
    )
