"""The evidence indicators as flat, paginated rows for Power BI (see
`cxlean.insights.reports`). Read-only; who sees which units is `report_units`."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.response import Response

from cxlean.core.api import RowsPagination, documented
from cxlean.insights.api.serializers import MAX_PERIODS, EvidenceParams, EvidenceRowSerializer
from cxlean.insights.reports import evidence_rows, periods_between, report_units
from cxlean.metrics.models import PeriodKind
from cxlean.metrics.reports import periods_back
from cxlean.org.models import Unit

TAGS = ["insights"]


@documented(TAGS)
class EvidenceRowsViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = EvidenceRowSerializer
    pagination_class = RowsPagination
    filter_backends: list = []
    queryset = Unit.objects.none()  # for the schema

    @extend_schema(
        summary="Maturity evidence indicators as a flat table",
        description="One row per unit, period and indicator: Green Card coverage, rollout "
        "progress against plan, improvements standardised and their lead time, Gemba walks "
        "done against planned, CX metrics on target. Each unit counts itself and its "
        "sub-units; a period counts its days up to today. `value` is empty and `available` "
        "false when there is no data (never 0 for missing data). Management sees every "
        "unit, coordinators the units they coordinate, others their own unit and its "
        "sub-units. Quarters by default, the last four; at most 36 periods. Ordered by "
        "unit (tree order), period and indicator; 500 rows a page (`page_size` up to 5000).",
        parameters=[EvidenceParams],
    )
    def list(self, request, *args, **kwargs) -> Response:
        params = EvidenceParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        today = timezone.localdate()
        kind = data["period_kind"]
        default_count = 12 if kind == PeriodKind.MONTH else 4
        first = data.get("from") or periods_back(kind, today, default_count)[0].start
        periods = periods_between(kind, first, data.get("to") or today)
        if len(periods) > MAX_PERIODS:
            raise serializers.ValidationError(
                {
                    "from": [
                        _("Ask for at most %(count)d periods at a time.") % {"count": MAX_PERIODS}
                    ]
                }
            )
        units = report_units(request.user)
        if "unit" in data:
            within = units.filter(pk=data["unit"]).first()
            if within is None:
                raise serializers.ValidationError({"unit": [_("You cannot see this unit.")]})
            units = units.filter(path__startswith=within.path)
        rows = evidence_rows(units, periods, today, data.get("indicator", ""))
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)
