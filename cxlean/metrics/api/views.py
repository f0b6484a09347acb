"""CX metrics over the API: the metric catalogue, targets, survey answers, entered figures
(measurements) and `metric-results`, the flat table of figures per unit, metric and
period made for Power BI.

Who sees what is `visible_to` (their part of the organisation tree; management and
superusers everything; anything else is a 404); who changes what is `can_edit`
(coordinators of the unit, 403 otherwise). Management reads everything and gets 403 on
every write.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import filters, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from cxlean.core.api import SavesUser, documented
from cxlean.core.filters import FILTER_BACKENDS
from cxlean.metrics.api.filters import (
    MeasurementFilter,
    MetricFilter,
    SurveyAnswerFilter,
    TargetFilter,
)
from cxlean.metrics.api.permissions import RecordingPermission, SurveySourcePermission
from cxlean.metrics.api.serializers import (
    MeasurementSerializer,
    MetricSerializer,
    PreviewSerializer,
    ResultRowSerializer,
    SecretSerializer,
    SurveyAnswerSerializer,
    SurveySourceSecretSerializer,
    SurveySourceSerializer,
    TargetSerializer,
)
from cxlean.metrics.models import Kind, Metric, PeriodKind
from cxlean.metrics.reports import Period, Result, periods_back, results
from cxlean.metrics.scope import counted_units, readable_units
from cxlean.metrics.webhooks import MappingError, mapped_answers
from cxlean.org.api_permissions import CatalogueOwnersWrite
from cxlean.org.models import Unit

TAGS = ["metrics"]
SEARCH_BACKENDS = [*FILTER_BACKENDS, filters.SearchFilter]
MAX_PERIODS = 120


# --- the catalogue -----------------------------------------------------------------------


@documented(
    TAGS,
    list=(
        "List the CX metrics",
        "The metric definitions (NPS, CSAT, CES, churn rate, CLV) with their "
        "answer scales, whether higher is better and the small-sample limit. Everyone "
        "signed in reads them; the CX owner curates them.",
    ),
    retrieve="A CX metric",
    create="Create a metric definition (coordinators)",
    update="Change a metric definition (coordinators)",
    partial_update="Change some fields of a metric (coordinators)",
    destroy=(
        "Delete a metric definition (coordinators)",
        "A metric with targets, answers or figures cannot be deleted (400); "
        "set `active` to false instead.",
    ),
)
class MetricViewSet(viewsets.ModelViewSet):
    queryset = Metric.objects.all()
    serializer_class = MetricSerializer
    permission_classes = [CatalogueOwnersWrite]
    filter_backends = SEARCH_BACKENDS
    filterset_class = MetricFilter
    search_fields = ["name_sv", "name_en", "kind"]
    ordering_fields = ["order", "kind", "id"]
    ordering = ["order", "kind"]


# --- targets, answers and figures --------------------------------------------------------


class ScopedViewSet(SavesUser, viewsets.ModelViewSet):
    permission_classes = [RecordingPermission]
    filter_backends = FILTER_BACKENDS
    serializer_class: type[serializers.ModelSerializer[Any]]
    related: list[str]  # what each view set's rows select along

    def get_queryset(self) -> QuerySet:
        model: Any = self.serializer_class.Meta.model  # the stubs leave Meta.model unbound
        return model.objects.visible_to(self.request.user).select_related(*self.related)


@documented(
    TAGS,
    list=(
        "List the metric targets you can see",
        "Each target holds from `valid_from` on. A unit without a target of its "
        "own follows the nearest unit above it (the `metric-results` rows say which target "
        "applies). Filter by `metric` (kind) and `unit` (with its sub-units).",
    ),
    retrieve="A metric target",
    create=(
        "Set a target (coordinators of the unit)",
        "One per metric, unit and `valid_from` (400 otherwise: change that one).",
    ),
    changes=("a target", "coordinators of its unit"),
)
class TargetViewSet(ScopedViewSet):
    serializer_class = TargetSerializer
    filterset_class = TargetFilter
    related = ["metric", "unit"]
    ordering_fields = ["valid_from", "id"]
    ordering = ["unit__path", "metric__order", "-valid_from", "id"]
    saved_by_field = "set_by"


@documented(
    TAGS,
    list=(
        "List the survey answers you can see",
        "Raw NPS (0–10), CSAT (1–5) and CES (1–7) answers, newest first. Filter "
        "by `metric` (kind), `unit` (with its sub-units), `touchpoint`, `score` and the "
        "day answered (`from`, `to`).",
    ),
    retrieve="A survey answer",
    create=(
        "Record a survey answer (coordinators of the unit)",
        "`score` must lie on the metric's scale (an NPS of 11 or a CSAT of 0 is "
        "a 400 on `score`); churn and CLV are not survey answers (400 on `metric`); "
        "`answered_on` cannot be in the future.",
    ),
    changes=("an answer", "coordinators of its unit"),
)
class SurveyAnswerViewSet(ScopedViewSet):
    serializer_class = SurveyAnswerSerializer
    filterset_class = SurveyAnswerFilter
    related = ["metric", "unit", "touchpoint"]
    ordering_fields = ["answered_on", "score", "id"]
    ordering = ["-answered_on", "-id"]
    created_by_field = "created_by"


@documented(
    TAGS,
    list=(
        "List the entered figures you can see",
        "Figures entered per unit, month or quarter and optionally touchpoint. "
        "Filter by `metric` (kind), `unit` (with its sub-units), `touchpoint`, "
        "`period_kind` and the period start (`from`, `to`).",
    ),
    retrieve="An entered figure",
    create=(
        "Enter a figure (coordinators of the unit)",
        "`period_start` may be any day of the period: it is saved as the "
        "first day of its month or quarter. NPS, CSAT and CES need `value` and "
        "`sample_size`; churn is computed from `customers_at_start` and `customers_lost` "
        "when `value` is left out; CLV from `average_revenue`, `margin_percent` and the "
        "churn (this row's customers, or the churn figure of the same unit and period). "
        "One figure per metric, unit, touchpoint and period (400 otherwise).",
    ),
    changes=("a figure", "coordinators of its unit"),
)
class MeasurementViewSet(ScopedViewSet):
    serializer_class = MeasurementSerializer
    filterset_class = MeasurementFilter
    related = ["metric", "unit", "touchpoint"]
    ordering_fields = ["period_start", "id"]
    ordering = ["unit__path", "metric__order", "-period_start", "id"]
    saved_by_field = "entered_by"


# --- survey sources ----------------------------------------------------------------------


@documented(
    TAGS,
    list=(
        "List the survey sources you can see",
        "Survey tools that push answers by webhook "
        "(`POST /api/v1/survey-sources/<id or slug>/webhook/`, signed with the source's "
        "secret). Coordinators see the sources of their part of the tree, management "
        "and superusers all; nobody else. The secret is never read back.",
    ),
    retrieve="A survey source (without its secret)",
    create=(
        "Add a survey source (coordinators of its unit)",
        "The answer holds the generated `secret`, this once: keep it in the survey "
        "tool. Paths are written `response.nps.score` or `answers[0].value`; give "
        "`metric_path` or a fixed `metric`.",
    ),
    changes=("a survey source", "coordinators of its unit"),
    rotate_secret=extend_schema(
        summary="Make a new secret (coordinators of its unit)",
        description="The old secret stops working at once; the new one is in the answer, "
        "this once.",
        request=None,
        responses=SecretSerializer,
    ),
    preview=extend_schema(
        summary="Map a sample payload, recording nothing",
        description="Send the tool's JSON as the body: the answer shows each answer as "
        "it would be recorded and the mapping's errors by index and field (the rules "
        "of the units, metrics and scores are checked when a delivery arrives).",
        request={"application/json": {"type": "object"}},
        responses=PreviewSerializer,
    ),
)
class SurveySourceViewSet(ScopedViewSet):
    serializer_class = SurveySourceSerializer
    permission_classes = [SurveySourcePermission]
    filterset_class = None
    related = ["unit", "metric"]
    ordering_fields = ["name", "id"]
    ordering = ["name", "id"]

    def create(self, request, *args, **kwargs) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        source = serializer.save()
        shown = SurveySourceSecretSerializer(source, context=self.get_serializer_context())
        return Response(shown.data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"], url_path="rotate-secret")
    def rotate_secret(self, request, pk=None) -> Response:
        source = self.get_object()
        source.rotate_secret()
        return Response(SecretSerializer(source).data)

    @action(detail=True, methods=["post"])
    def preview(self, request, pk=None) -> Response:
        source = self.get_object()
        try:
            rows, errors = mapped_answers(source, request.data)
        except MappingError as error:
            raise serializers.ValidationError({error.field: [error.message]}) from error
        found = [
            {"index": index, "field": field, "messages": messages}
            for index, field, messages in errors
        ]
        return Response(PreviewSerializer({"answers": rows, "errors": found}).data)


# --- the results table -------------------------------------------------------------------


ResultParams = type(
    "ResultParams",
    (serializers.Serializer,),
    {
        "unit": serializers.IntegerField(required=False, min_value=1),
        "metric": serializers.ChoiceField(choices=Kind.choices, required=False),
        "period_kind": serializers.ChoiceField(
            choices=PeriodKind.choices, required=False, default=PeriodKind.MONTH
        ),
        "from": serializers.DateField(required=False),
        "to": serializers.DateField(required=False),
    },
)


def result_row(result: Result) -> dict:
    return {
        "unit": result.unit.pk,
        "unit_name": result.unit.name,
        "metric": result.metric.kind,
        "metric_name": result.metric.name,
        "period_kind": result.period.kind,
        "period_start": result.period.start,
        "period_end": result.period.end,
        "period_label": result.period.label,
        "value": result.value,
        "sample_size": result.sample_size,
        "small_sample": result.small_sample,
        "source": result.source,
        "target": result.target,
        "meets_target": result.meets_target,
    }


def periods_between(kind: str, first: dt.date, last: dt.date) -> list[Period]:
    period, end = Period.of(kind, first), Period.of(kind, last)
    periods: list[Period] = []
    while period <= end and len(periods) <= MAX_PERIODS:
        periods.append(period)
        period = period.next()
    return periods


class ResultTable:
    """The rows of `results` for `units`, in tree order, as a sequence the paginator
    slices: only the units of the rows asked for are worked out (with the answers of
    `counting` counting in them), so a page costs the same however many units there are."""

    def __init__(self, units, metrics: list[Metric], periods: list[Period], counting) -> None:
        self.units = sorted(units, key=lambda unit: unit.path)
        self.metrics, self.periods, self.counting = metrics, periods, counting
        self.per_unit = len(metrics) * len(periods)

    def __len__(self) -> int:
        return len(self.units) * self.per_unit

    def __getitem__(self, index: slice) -> list[Result]:
        start, stop, _step = index.indices(len(self))
        if start >= stop:
            return []
        first, last = start // self.per_unit, (stop - 1) // self.per_unit + 1
        rows = results(self.units[first:last], self.metrics, self.periods, counting=self.counting)
        offset = first * self.per_unit
        return rows[start - offset : stop - offset]


@documented(
    TAGS,
    list=extend_schema(
        summary="CX metric results: one row per unit, metric and period",
        description="A flat, paginated table for Power BI and other reporting tools. Each "
        "row holds the figure of a unit for a metric and a month or quarter: computed from "
        "the survey answers of the unit and its sub-units (`source` answers; quarters count "
        "the answers of their three months together), or entered for the unit itself "
        "(`source` entered, which wins over answers), or none (`value` empty). "
        "`small_sample` flags figures resting on fewer answers than the metric's limit. "
        "`target` is the unit's own target for the period, else the nearest unit's above "
        "it. Rows for every unit you can see (management: all), in tree order; `unit` "
        "narrows to a unit and its sub-units. By default the last twelve periods up to "
        "today; at most 120 periods.",
        parameters=[
            OpenApiParameter("unit", int, description="A unit id: it and its sub-units."),
            OpenApiParameter("metric", str, enum=Kind.values, description="One metric's kind."),
            OpenApiParameter(
                "period_kind", str, enum=PeriodKind.values, description="month (default)"
            ),
            OpenApiParameter("from", dt.date, description="The first period holds this day."),
            OpenApiParameter("to", dt.date, description="The last period holds this day."),
        ],
    ),
)
class ResultViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = ResultRowSerializer
    filter_backends: list = []
    queryset = Unit.objects.none()  # for the schema

    def list(self, request, *args, **kwargs) -> Response:
        params = ResultParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        kind = data["period_kind"]
        last = data.get("to") or timezone.localdate()
        first = data.get("from") or periods_back(kind, last, 12)[0].start
        if first > last:
            raise serializers.ValidationError({"to": [_("“to” cannot be before “from”.")]})
        periods = periods_between(kind, first, last)
        if len(periods) > MAX_PERIODS:
            raise serializers.ValidationError(
                {"from": [_("At most %(count)d periods at a time.") % {"count": MAX_PERIODS}]}
            )
        units = list(readable_units(request.user))
        if "unit" in data:
            within = next((unit for unit in units if unit.pk == data["unit"]), None)
            if within is None:
                raise serializers.ValidationError({"unit": [_("You cannot see this unit.")]})
            units = [unit for unit in units if unit.path.startswith(within.path)]
        metrics = Metric.objects.all() if "metric" in data else Metric.objects.active()
        if "metric" in data:
            metrics = metrics.filter(kind=data["metric"])
        table = ResultTable(units, list(metrics), periods, list(counted_units(units)))
        # The paginator slices the table like a list (the stubs ask for a QuerySet).
        page: list[Result] = self.paginate_queryset(table) or []  # type: ignore[arg-type]
        rows = [result_row(result) for result in page]
        return self.get_paginated_response(ResultRowSerializer(rows, many=True).data)
