"""Rollout plans, phases and activities.

Who sees what is `Plan.objects.visible_to` / `Activity.objects.visible_to`: anything
else is a 404. Who changes what is `Plan.can_edit` (coordinators of the plan's unit)
and, for an activity's status, `Activity.can_update_status` (its owner). Management
reads everything and gets 403 on every write.
"""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.response import Response

from cxlean.core.api import documented
from cxlean.org.api_permissions import ActivityPermission, ChangesInScope
from cxlean.plans.api.filters import ActivityFilter, PhaseFilter, PlanFilter
from cxlean.plans.api.serializers import (
    ActivitySerializer,
    ActivityStatusSerializer,
    PhaseSerializer,
    PlanCreateSerializer,
    PlanDetailSerializer,
    PlanSerializer,
    PlanWriteSerializer,
)
from cxlean.plans.models import Activity, Phase, Plan

# The detail's nested phases and activities: two queries whatever the plan's size
# (plus one for the activities' predecessors).
PLAN_DETAIL_PREFETCH = [
    Prefetch("phases", queryset=Phase.objects.all()),
    Prefetch(
        "phases__activities",
        queryset=Activity.objects.select_related("owner").prefetch_related("depends_on"),
    ),
]


@documented(
    ["plans"],
    list="List the plans you can see, with their figures",
    retrieve="A plan with its figures, phases and activities",
    create=extend_schema(
        summary="Create a plan",
        description=(
            "Coordinators create plans for the units they coordinate; another unit is a 400 "
            "on `unit`. With `prefill_from_guide` (the default) the plan gets a phase per "
            "guide step with the guide's recommended activities."
        ),
        request=PlanCreateSerializer,
        responses={201: PlanDetailSerializer},
    ),
    update=extend_schema(request=PlanWriteSerializer, responses=PlanDetailSerializer),
    partial_update=extend_schema(request=PlanWriteSerializer, responses=PlanDetailSerializer),
)
class PlanViewSet(viewsets.ModelViewSet):
    queryset = Plan.objects.all()  # the model, for the schema; get_queryset scopes it
    permission_classes = [ChangesInScope]
    filterset_class = PlanFilter
    search_fields = ["name", "description", "unit__name"]
    ordering_fields = [
        "name",
        "start_date",
        "end_date",
        "budget",
        "activity_count",
        "late_count",
        "blocked_count",
        "planned_total",
        "actual_total",
        "created_at",
        "updated_at",
    ]
    # Restated, not left to Meta.ordering: with_figures() aggregates, and Django drops
    # Meta.ordering from aggregating queries.
    ordering = ["-start_date", "name", "id"]

    def get_queryset(self) -> QuerySet:
        plans = (
            Plan.objects.visible_to(self.request.user)
            .with_figures()
            .select_related("unit", "coordinator")
        )
        if self.action != "list":
            plans = plans.prefetch_related(*PLAN_DETAIL_PREFETCH)
        return plans

    def get_serializer_class(self):
        return {
            "create": PlanCreateSerializer,
            "update": PlanWriteSerializer,
            "partial_update": PlanWriteSerializer,
            "retrieve": PlanDetailSerializer,
        }.get(self.action, PlanSerializer)

    def may_change(self, user, plan: Plan) -> bool:
        return plan.can_edit(user)

    def create(self, request, *args, **kwargs) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        plan = serializer.save()
        return Response(self.detail_of(plan), status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs) -> Response:
        serializer = self.get_serializer(
            self.get_object(), data=request.data, partial=kwargs.get("partial", False)
        )
        serializer.is_valid(raise_exception=True)
        plan = serializer.save()
        return Response(self.detail_of(plan))

    def detail_of(self, plan: Plan) -> dict:
        """The saved plan as the detail shows it, figures recomputed."""
        fresh = (
            Plan.objects.with_figures()
            .select_related("unit", "coordinator")
            .prefetch_related(*PLAN_DETAIL_PREFETCH)
            .get(pk=plan.pk)
        )
        return PlanDetailSerializer(fresh, context=self.get_serializer_context()).data


@documented(["plans"])
class PhaseViewSet(viewsets.ModelViewSet):
    """Phases of the plans you can see; coordinators of the plan's unit change them."""

    queryset = Phase.objects.all()
    serializer_class = PhaseSerializer
    permission_classes = [ChangesInScope]
    filterset_class = PhaseFilter
    search_fields = ["title"]
    ordering_fields = ["order", "title", "plan"]
    ordering = ["plan_id", "order", "id"]

    def get_queryset(self) -> QuerySet:
        return Phase.objects.filter(
            plan__in=Plan.objects.visible_to(self.request.user)
        ).select_related("plan__unit")

    def may_change(self, user, phase: Phase) -> bool:
        return phase.plan.can_edit(user)


@documented(
    ["plans"],
    list="List the activities you can see",
    partial_update=extend_schema(
        description=(
            "Coordinators of the plan's unit change any field. An activity's owner may send "
            "`status` and nothing else; any other field from them is a 403."
        )
    ),
)
class ActivityViewSet(viewsets.ModelViewSet):
    """Activities of the plans you can see: who does what, and when."""

    queryset = Activity.objects.all()
    serializer_class = ActivitySerializer
    permission_classes = [ActivityPermission]
    filterset_class = ActivityFilter
    search_fields = ["title", "description"]
    ordering_fields = [
        "start_date",
        "due_date",
        "status",
        "title",
        "order",
        "planned_cost",
        "actual_cost",
    ]
    ordering = ["phase__plan_id", "phase__order", "order", "start_date", "id"]

    def get_queryset(self) -> QuerySet:
        return (
            Activity.objects.visible_to(self.request.user)
            .select_related("phase__plan__unit", "owner")
            .prefetch_related("depends_on")
        )

    def update(self, request, *args, **kwargs) -> Response:
        activity = self.get_object()  # 404 if unseen; ActivityPermission said who may
        serializer_class = (
            ActivitySerializer if activity.can_edit(request.user) else ActivityStatusSerializer
        )
        serializer = serializer_class(
            activity,
            data=request.data,
            partial=kwargs.get("partial", False),
            context=self.get_serializer_context(),
        )
        serializer.is_valid(raise_exception=True)
        serializer.save()
        activity._prefetched_objects_cache = {}  # depends_on may have changed
        return Response(ActivitySerializer(activity, context=self.get_serializer_context()).data)
