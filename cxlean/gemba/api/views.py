"""Gemba walks over the API: question sets and questions (a catalogue), schedules, walks
with `complete` and `cancel`, answers, observations (multipart photos, permission-checked
downloads, `make-improvement`) and the cadence as flat rows.

Who sees what is `visible_to` (anything else is a 404); who changes what is the model
layer's `can_plan`, `can_edit`, `may_observe`, `can_complete` and the backlog's
`may_submit` (403). Management reads everything and gets 403 on every write.
"""

from __future__ import annotations

import datetime as dt
import posixpath

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import FileResponse, Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
)
from rest_framework import filters, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from cxlean.backlog.api.serializers import ITEM_RELATED, ItemSerializer
from cxlean.backlog.models import Item
from cxlean.core.api import (
    SavesUser,
    documented,
    model_errors,
    transition_action,
)
from cxlean.core.filters import FILTER_BACKENDS
from cxlean.core.parsers import JSONParser
from cxlean.gemba.api.filters import (
    AnswerFilter,
    ObservationFilter,
    QuestionFilter,
    QuestionSetFilter,
    ScheduleFilter,
    WalkFilter,
)
from cxlean.gemba.api.permissions import ObservingPermission, PlanningPermission
from cxlean.gemba.api.serializers import (
    SCHEDULE_RELATED,
    WALK_RELATED,
    AnswerSerializer,
    CadenceRowSerializer,
    CompleteSerializer,
    ObservationSerializer,
    QuestionSerializer,
    QuestionSetSerializer,
    ScheduleSerializer,
    WalkSerializer,
)
from cxlean.gemba.models import (
    Answer,
    Observation,
    Question,
    QuestionSet,
    Schedule,
    Walk,
    improvement_from_observation,
)
from cxlean.gemba.recurrence import generate_for_schedule
from cxlean.gemba.reports import cadence, flat_rows, months_back
from cxlean.org.api_permissions import CatalogueOwnersWrite
from cxlean.org.models import Unit
from cxlean.org.roles import coordinated_units, is_coordinator, sees_everything

TAGS = ["gemba"]
SEARCH_BACKENDS = [*FILTER_BACKENDS, filters.SearchFilter]


# --- question sets -----------------------------------------------------------------------


@documented(
    TAGS,
    list=(
        "List the Gemba question sets",
        "The organisation's standard questions for walks, each set with its "
        "questions in order. Everyone signed in reads them; the CX owner curates them.",
    ),
    retrieve="A question set with its questions",
    create="Create a question set (coordinators)",
    update="Change a question set (coordinators)",
    partial_update="Change some fields of a question set (coordinators)",
    destroy="Delete a question set (coordinators)",
)
class QuestionSetViewSet(viewsets.ModelViewSet):
    queryset = QuestionSet.objects.prefetch_related("questions")
    serializer_class = QuestionSetSerializer
    permission_classes = [CatalogueOwnersWrite]
    filter_backends = SEARCH_BACKENDS
    filterset_class = QuestionSetFilter
    search_fields = ["name_sv", "name_en", "code"]
    ordering_fields = ["name_sv", "name_en", "code", "id"]
    ordering = ["name_sv", "id"]


@documented(
    TAGS,
    list="List the Gemba questions (`?question_set=`)",
    retrieve="A question",
    create="Add a question to a set (coordinators)",
    update="Change a question (coordinators)",
    partial_update="Change some fields of a question (coordinators)",
    destroy=(
        "Delete a question (coordinators)",
        "A question that has been answered on a walk cannot be deleted (400).",
    ),
)
class QuestionViewSet(viewsets.ModelViewSet):
    queryset = Question.objects.all()
    serializer_class = QuestionSerializer
    permission_classes = [CatalogueOwnersWrite]
    filter_backends = FILTER_BACKENDS
    filterset_class = QuestionFilter
    ordering_fields = ["order", "id"]
    ordering = ["question_set", "order", "id"]


# --- schedules ---------------------------------------------------------------------------


@documented(
    TAGS,
    list=(
        "List the recurring Gemba schedules you can see",
        "Management sees every unit's; others those of their part of the organisation tree.",
    ),
    retrieve="A recurring schedule",
    create=(
        "Create a recurring schedule (coordinators of the unit)",
        "Weekly: every `interval` weeks on `weekday` (0 Monday … 6 Sunday); "
        "monthly: every `interval` months on `day_of_month` (31 is the month's last day). "
        "`start_time` is local time (Europe/Stockholm). Saving creates the planned walks of "
        "the coming six weeks at once (needs a leader).",
    ),
    changes=("a schedule", "coordinators of its unit"),
    destroy=("Delete a schedule", "Walks already created stay, without their schedule."),
)
class ScheduleViewSet(viewsets.ModelViewSet):
    queryset = Schedule.objects.all()
    serializer_class = ScheduleSerializer
    permission_classes = [PlanningPermission]
    filter_backends = SEARCH_BACKENDS
    filterset_class = ScheduleFilter
    search_fields = ["title", "place", "process"]
    ordering_fields = ["title", "starts_on", "id"]
    ordering = ["unit__path", "title", "id"]

    def get_queryset(self) -> QuerySet[Schedule]:
        return Schedule.objects.visible_to(self.request.user).select_related(*SCHEDULE_RELATED)

    def perform_create(self, serializer) -> None:
        schedule = serializer.save(created_by=self.request.user)
        generate_for_schedule(schedule, timezone.localdate())

    def perform_update(self, serializer) -> None:
        schedule = serializer.save()
        generate_for_schedule(schedule, timezone.localdate())


# --- walks -------------------------------------------------------------------------------


def walks_for(user) -> QuerySet[Walk]:
    return (
        Walk.objects.visible_to(user).select_related(*WALK_RELATED).prefetch_related("participants")
    )


@documented(
    TAGS,
    list=(
        "List the Gemba walks you can see",
        "Management sees every walk; others the walks of their part of the "
        "organisation tree and those they lead or take part in. Earliest first.",
    ),
    retrieve="A Gemba walk",
    create=(
        "Plan a walk (coordinators of the unit)",
        "A walk needs a leader and at least one of `place`, `process` or "
        "`touchpoint` (400 otherwise). `participants` is a list of user ids. It starts "
        "as planned; use `complete` and `cancel` to close it.",
    ),
    changes=("a walk", "coordinators of its unit"),
)
class WalkViewSet(SavesUser, viewsets.ModelViewSet):
    queryset = Walk.objects.all()
    serializer_class = WalkSerializer
    permission_classes = [PlanningPermission]
    filter_backends = SEARCH_BACKENDS
    filterset_class = WalkFilter
    search_fields = ["place", "process", "summary", "touchpoint__name"]
    ordering_fields = ["planned_start", "status", "id"]
    ordering = ["planned_start", "id"]
    created_by_field = "created_by"

    def get_queryset(self) -> QuerySet[Walk]:
        return walks_for(self.request.user)

    def output(self, walk: Walk) -> Response:
        walk = walks_for(self.request.user).get(pk=walk.pk)
        return Response(WalkSerializer(walk, context=self.get_serializer_context()).data)

    @extend_schema(
        summary="Mark a walk as done",
        description="The walk's leader or a coordinator of its unit. Send `actual_minutes` "
        "(1–720) and an optional `summary`. A cancelled walk cannot be done (400).",
        request=CompleteSerializer,
        responses=WalkSerializer,
    )
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None) -> Response:
        walk = self.get_object()
        params = CompleteSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        with model_errors():
            walk.complete(params.validated_data["actual_minutes"], params.validated_data["summary"])
        return self.output(walk)

    cancel = transition_action(
        "cancel",
        summary="Cancel a walk",
        description="The walk's leader or a coordinator of its unit. A walk that is done "
        "cannot be cancelled (400). Cancelled walks do not count as planned in the cadence.",
        responses=WalkSerializer,
    )


# --- answers -----------------------------------------------------------------------------


@documented(
    TAGS,
    list="Answers on the walks you can see (`?walk=`)",
    retrieve="An answer",
    create=(
        "Answer one of the walk's questions",
        "The walk's leader, participants and coordinators. One answer per "
        "walk and question (a second is a 400: change the first instead); the question "
        "must be in the walk's question set.",
    ),
    update="Change an answer's text",
    partial_update="Change an answer's text",
    destroy="Delete an answer",
)
class AnswerViewSet(SavesUser, viewsets.ModelViewSet):
    queryset = Answer.objects.all()
    serializer_class = AnswerSerializer
    permission_classes = [ObservingPermission]
    filter_backends = FILTER_BACKENDS
    filterset_class = AnswerFilter
    ordering_fields = ["updated_at", "id"]
    ordering = ["walk", "question__order", "id"]
    saved_by_field = "answered_by"

    def get_queryset(self) -> QuerySet[Answer]:
        walks = Walk.objects.visible_to(self.request.user)
        return Answer.objects.filter(walk__in=walks.values("pk")).select_related(
            "question", "answered_by", "walk__unit"
        )

    def perform_create(self, serializer) -> None:
        if not serializer.validated_data["walk"].may_observe(self.request.user):
            raise PermissionDenied(ObservingPermission.message)
        super().perform_create(serializer)


# --- observations ------------------------------------------------------------------------

OBSERVATION_RELATED = ["walk__unit", "walk__touchpoint", "touchpoint", "created_by", "improvement"]


@documented(
    TAGS,
    list=(
        "Observations on the walks you can see",
        "Filter by walk, unit (with sub-units), waste, kind of Muda, severity, "
        "touchpoint, photo and improvement.",
    ),
    retrieve="An observation",
    create=(
        "Add an observation to a walk",
        "The walk's leader, participants and coordinators; JSON, or "
        "multipart/form-data with a `photo` (JPEG, PNG or WebP, at most 8 MB and 40 "
        "megapixels; anything else is a 400 on `photo`). `muda_kind` only with waste "
        "`muda`. Send a `client_token` (a UUID) to make a retry safe: the same token "
        "again returns the observation it created (200) instead of a second one.",
    ),
    changes=("an observation", "its author or a coordinator"),
)
class ObservationViewSet(viewsets.ModelViewSet):
    queryset = Observation.objects.all()
    serializer_class = ObservationSerializer
    permission_classes = [ObservingPermission]
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    filter_backends = SEARCH_BACKENDS
    filterset_class = ObservationFilter
    search_fields = ["text"]
    ordering_fields = ["created_at", "severity", "id"]
    ordering = ["created_at", "id"]

    def get_queryset(self) -> QuerySet[Observation]:
        return Observation.objects.visible_to(self.request.user).select_related(
            *OBSERVATION_RELATED
        )

    def create(self, request, *args, **kwargs) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if not data["walk"].may_observe(request.user):
            raise PermissionDenied(ObservingPermission.message)
        token = data.get("client_token")
        if token is not None and (existing := self.same_token(token)) is not None:
            return Response(self.get_serializer(existing).data, status=status.HTTP_200_OK)
        try:
            with transaction.atomic():
                observation = serializer.save(created_by=request.user)
        except IntegrityError:  # the same token, sent twice at once
            existing = self.same_token(token) if token is not None else None
            if existing is None:
                raise
            return Response(self.get_serializer(existing).data, status=status.HTTP_200_OK)
        observation = self.get_queryset().get(pk=observation.pk)
        return Response(self.get_serializer(observation).data, status=status.HTTP_201_CREATED)

    def same_token(self, token) -> Observation | None:
        found = Observation.objects.filter(client_token=token).first()
        if found is None:
            return None
        visible = self.get_queryset().filter(pk=found.pk).first()
        if visible is None or visible.created_by_id != self.request.user.pk:
            raise serializers.ValidationError(
                {"client_token": [_("This token has been used already.")]}
            )
        return visible

    @extend_schema(
        summary="Make the observation an improvement",
        description="Creates an idea in the backlog with the observation's text (the "
        "first line as title), waste, unit and touchpoint, linked both ways (the item's "
        "source is `gemba`). Anyone who may submit ideas for the walk's unit (not "
        "management). Doing it again returns the same item (200 instead of 201).",
        request=None,
        responses={201: ItemSerializer, 200: ItemSerializer},
    )
    @action(detail=True, methods=["post"], url_path="make-improvement")
    def make_improvement(self, request, pk=None) -> Response:
        observation = self.get_object()
        try:
            item, created = improvement_from_observation(observation, request.user)
        except DjangoPermissionDenied as refused:
            raise PermissionDenied(str(refused) or None) from refused
        item = Item.objects.select_related(*ITEM_RELATED).get(pk=item.pk)
        data = ItemSerializer(item, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    def download(self, field_name: str) -> FileResponse:
        observation = self.get_object()
        photo = getattr(observation, field_name)
        if not photo:
            raise Http404
        try:
            handle = photo.open("rb")
        except FileNotFoundError as missing:
            raise Http404 from missing
        response = FileResponse(handle, filename=posixpath.basename(photo.name))
        response["Cache-Control"] = "private, max-age=3600"
        return response

    @extend_schema(
        summary="Download the observation's photo as uploaded",
        responses={(200, "image/*"): OpenApiResponse(OpenApiTypes.BINARY)},
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def photo(self, request, pk=None) -> FileResponse:
        return self.download("photo")

    @extend_schema(
        summary="Download the display copy of the observation's photo",
        description="A JPEG at most 1600 px on the long side, turned upright.",
        responses={(200, "image/jpeg"): OpenApiResponse(OpenApiTypes.BINARY)},
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def display(self, request, pk=None) -> FileResponse:
        return self.download("photo_display")


# --- cadence -----------------------------------------------------------------------------


class CadenceParams(serializers.Serializer):
    start = serializers.RegexField(
        r"^\d{4}-(0[1-9]|1[0-2])$",
        required=False,
        help_text=_("The first month, YYYY-MM; by default so that the last month is this one."),
        error_messages={"invalid": _("Give the month as YYYY-MM.")},
    )
    months = serializers.IntegerField(min_value=1, max_value=24, required=False, default=6)
    unit = serializers.IntegerField(required=False, min_value=1)


def cadence_units(user) -> QuerySet[Unit]:
    """Management and superusers: every unit; coordinators: the units they coordinate;
    others: their own unit and its sub-units."""
    if sees_everything(user):
        return Unit.objects.all()
    if is_coordinator(user):
        return coordinated_units(user)
    home = Unit.objects.filter(profiles__user=user).first()
    return home.subtree() if home else Unit.objects.none()


@documented(
    TAGS,
    list=extend_schema(
        summary="Gemba cadence: walks done against planned, per unit and month",
        description="Flat rows (unit, month, planned, done, cancelled, ratio), one per unit "
        "and month. A unit counts its own walks and those of its sub-units; planned is "
        "every walk of the month not cancelled (done ones included). Management sees "
        "every unit, coordinators the units they coordinate, others their own unit and "
        "its sub-units. `unit` narrows to a unit and its sub-units.",
        parameters=[
            OpenApiParameter("start", str, description="The first month, YYYY-MM."),
            OpenApiParameter("months", int, description="How many months (1–24, default 6)."),
            OpenApiParameter("unit", int, description="A unit id: it and its sub-units."),
        ],
    ),
)
class CadenceViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = CadenceRowSerializer
    pagination_class = None
    filter_backends = []
    queryset = Unit.objects.none()  # for the schema

    def list(self, request, *args, **kwargs) -> Response:
        params = CadenceParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        months = data["months"]
        if "start" in data:
            year, month = (int(part) for part in data["start"].split("-"))
            start = dt.date(year, month, 1)
        else:
            start = months_back(timezone.localdate(), months)
        units = cadence_units(request.user)
        if "unit" in data:
            within = units.filter(pk=data["unit"]).first()
            if within is None:
                raise serializers.ValidationError({"unit": [_("You cannot see this unit.")]})
            units = units.filter(path__startswith=within.path)
        rows = flat_rows(cadence(units, start, months))
        return Response(CadenceRowSerializer(rows, many=True).data)
