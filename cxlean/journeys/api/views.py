"""Customer journeys and the Voice of the Customer over the API.

Journeys are shared knowledge: everyone signed in reads every journey with its stages,
touchpoints and transitions; coordinators of the journey's unit change them
(`may_change_journey`). Feedback is read as `Feedback.objects.visible_to` shows it,
logged by everyone but management for their part of the tree (`may_log_feedback`).
Turning it into an improvement (`POST feedback/{id}/make-improvement/`) is the backlog's
endpoint (`cxlean.backlog.api.views.FeedbackImprovementView`).
"""

from __future__ import annotations

from django.db.models import (
    Count,
    Prefetch,
    QuerySet,
)
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets

from cxlean.core.api import documented
from cxlean.core.filters import FILTER_BACKENDS, SEARCH_BACKENDS
from cxlean.journeys.api.filters import (
    FeedbackFilter,
    JourneyFilter,
    StageFilter,
    TouchpointFilter,
    TransitionFilter,
)
from cxlean.journeys.api.permissions import FeedbackPermission, JourneyPermission
from cxlean.journeys.api.serializers import (
    FeedbackSerializer,
    JourneyMapSerializer,
    JourneySerializer,
    StageSerializer,
    TouchpointSerializer,
    TransitionSerializer,
)
from cxlean.journeys.improvements import open_improvements, open_improvements_in_journey
from cxlean.journeys.models import Feedback, Journey, Stage, Touchpoint, Transition

JOURNEY_TAGS = ["journeys"]


class JourneyPartViewSet(viewsets.ModelViewSet):
    permission_classes = [JourneyPermission]
    filter_backends = FILTER_BACKENDS

    def journey_of(self, obj) -> Journey:
        return obj.journey

    # Answer with the object as a GET would show it, counts included.
    def perform_create(self, serializer) -> None:
        serializer.instance = self.get_queryset().get(pk=serializer.save().pk)

    def perform_update(self, serializer) -> None:
        serializer.instance = self.get_queryset().get(pk=serializer.save().pk)


@documented(
    JOURNEY_TAGS,
    list="Customer journeys, with counts",
    retrieve=extend_schema(
        summary="A journey map",
        description="The journey with its stages in order, each stage's touchpoints "
        "(channel, owning CX role, partner-controlled, the customer's emotion −2 to +2, "
        "the number of open improvements) and the transitions between touchpoints with "
        "their friction notes and open improvements.",
        responses=JourneyMapSerializer,
    ),
    create="Create a journey (coordinators, for a unit of theirs)",
)
class JourneyViewSet(JourneyPartViewSet):
    queryset = Journey.objects.all()
    serializer_class = JourneySerializer
    filter_backends = SEARCH_BACKENDS
    filterset_class = JourneyFilter
    search_fields = ["name", "persona", "description"]
    ordering_fields = ["name", "created_at"]
    ordering = ["name", "id"]  # explicit: counted (grouped) queries drop Meta.ordering

    def journey_of(self, journey: Journey) -> Journey:
        return journey

    def get_queryset(self) -> QuerySet[Journey]:
        journeys = (
            Journey.objects.visible_to(self.request.user)
            .select_related("unit")
            .annotate(
                stage_count=Count("stages", distinct=True),
                touchpoint_count=Count("stages__touchpoints", distinct=True),
                open_improvements=open_improvements_in_journey(),
            )
        )
        if self.action == "retrieve":
            touchpoints = Touchpoint.objects.annotate(open_improvements=open_improvements())
            transitions = Transition.objects.annotate(open_improvements=open_improvements())
            journeys = journeys.prefetch_related(
                Prefetch("stages", queryset=Stage.objects.order_by("order", "pk")),
                Prefetch("stages__touchpoints", queryset=touchpoints.order_by("order", "pk")),
                Prefetch("stages__touchpoints__transitions_out", queryset=transitions),
            )
        return journeys

    def get_serializer_class(self):
        return JourneyMapSerializer if self.action == "retrieve" else JourneySerializer


@documented(JOURNEY_TAGS)
class StageViewSet(JourneyPartViewSet):
    """The stages of a journey, in order."""

    queryset = Stage.objects.all()
    serializer_class = StageSerializer
    filterset_class = StageFilter
    ordering_fields = ["order"]

    def get_queryset(self) -> QuerySet[Stage]:
        return Stage.objects.filter(
            journey__in=Journey.objects.visible_to(self.request.user)
        ).select_related("journey__unit")


@documented(JOURNEY_TAGS)
class TouchpointViewSet(JourneyPartViewSet):
    """Touchpoints with the number of open improvements on each."""

    queryset = Touchpoint.objects.all()
    serializer_class = TouchpointSerializer
    filter_backends = SEARCH_BACKENDS
    filterset_class = TouchpointFilter
    search_fields = ["name", "description"]
    ordering_fields = ["order", "emotion", "name"]
    ordering = Touchpoint._meta.ordering  # explicit: counted (grouped) queries drop it

    def get_queryset(self) -> QuerySet[Touchpoint]:
        return (
            Touchpoint.objects.filter(
                stage__journey__in=Journey.objects.visible_to(self.request.user)
            )
            .select_related("stage__journey__unit")
            .annotate(open_improvements=open_improvements())
        )


@documented(JOURNEY_TAGS)
class TransitionViewSet(JourneyPartViewSet):
    """Hand-overs between two touchpoints of one journey, with friction notes."""

    queryset = Transition.objects.all()
    serializer_class = TransitionSerializer
    filterset_class = TransitionFilter
    ordering_fields = ["id"]
    ordering = Transition._meta.ordering  # explicit: counted (grouped) queries drop it

    def get_queryset(self) -> QuerySet[Transition]:
        return (
            Transition.objects.filter(
                source__stage__journey__in=Journey.objects.visible_to(self.request.user)
            )
            .select_related("source__stage__journey__unit", "target")
            .annotate(open_improvements=open_improvements())
        )


@documented(
    ["voice of the customer"],
    list=(
        "Customer feedback you can see",
        "Newest first. Management sees every unit; others their part of the "
        "organisation tree and what they logged.",
    ),
    create=(
        "Log customer feedback",
        "Everyone but management logs feedback for a unit of their part of the "
        "tree (another unit is a 400 on `unit`).",
    ),
)
class FeedbackViewSet(viewsets.ModelViewSet):
    """Voice of the Customer: what happened, how it felt, what can be improved."""

    queryset = Feedback.objects.all()
    serializer_class = FeedbackSerializer
    permission_classes = [FeedbackPermission]
    filter_backends = SEARCH_BACKENDS
    filterset_class = FeedbackFilter
    search_fields = ["what_happened", "how_it_felt", "what_to_improve", "customer_reference"]
    ordering_fields = ["received_on", "sentiment", "created_at"]

    def get_queryset(self) -> QuerySet[Feedback]:
        return (
            Feedback.objects.visible_to(self.request.user)
            .select_related("unit", "touchpoint", "created_by")
            .select_related("improvement")
        )
