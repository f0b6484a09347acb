"""Competence over the API: the catalogue, records with self-assessment and sign-off,
Green Cards and their progress, trainee plans, and the flat matrix for reporting.

Who sees what is the model layer's `visible_to` (anything else is a 404); who changes
what is `may_sign_off`, `coordinates_unit` and the permission classes (403).
Management reads everything and changes nothing.
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.settings import api_settings

from cxlean.competence.api.filters import (
    AreaFilter,
    CompetenceActivityFilter,
    GoalFilter,
    GreenCardFilter,
    ProgressFilter,
    RecordFilter,
    RequirementFilter,
    TraineePlanFilter,
)
from cxlean.competence.api.matrix import flat_matrix, progress_of
from cxlean.competence.api.permissions import RecordPermission
from cxlean.competence.api.serializers import (
    AreaSerializer,
    CompetenceActivitySerializer,
    GoalSerializer,
    GreenCardIssueSerializer,
    GreenCardSerializer,
    MatrixQuerySerializer,
    MatrixRowSerializer,
    PersonProgressSerializer,
    RecordCreateSerializer,
    RecordSelfAssessmentSerializer,
    RecordSerializer,
    RejectSerializer,
    RequirementSerializer,
    SignOffSerializer,
    TraineePlanSerializer,
)
from cxlean.competence.matrix import people_in_view
from cxlean.competence.models import (
    Area,
    CompetenceActivity,
    Goal,
    GreenCard,
    Record,
    Requirement,
    TraineePlan,
    unit_of,
)
from cxlean.core.api import AdvisedDeletion, documented, model_errors
from cxlean.org.api_permissions import CatalogueOwnersWrite, ChangesInScope
from cxlean.org.roles import coordinates_unit

TAGS = ["competence"]


def refuse(message) -> serializers.ValidationError:
    return serializers.ValidationError({api_settings.NON_FIELD_ERRORS_KEY: [message]})


# --- catalogue ---------------------------------------------------------------------------


@documented(TAGS)
class AreaViewSet(AdvisedDeletion, viewsets.ModelViewSet):
    """Competence areas, each grouping activities (often one per guide step). Everyone
    signed in reads; Lean coordinators change them. `name` and `description` are in the
    request language; the `_sv` and `_en` fields hold both."""

    queryset = Area.objects.all()
    serializer_class = AreaSerializer
    permission_classes = [CatalogueOwnersWrite]
    filterset_class = AreaFilter
    search_fields = ["name_sv", "name_en"]
    ordering_fields = ["order", "id"]
    ordering = ["order", "id"]
    deletion_advice = _("Move or remove them first.")


@documented(
    TAGS,
    destroy=extend_schema(
        description="Only an activity nobody has a record in can be deleted; records hold "
        "people's sign-off history."
    ),
)
class CompetenceActivityViewSet(viewsets.ModelViewSet):
    """Competence activities with the CX roles that require them. Everyone signed in
    reads; Lean coordinators change them, requirements included."""

    queryset = CompetenceActivity.objects.select_related("area").prefetch_related(
        Prefetch("requirements", queryset=Requirement.objects.all())
    )
    serializer_class = CompetenceActivitySerializer
    permission_classes = [CatalogueOwnersWrite]
    filterset_class = CompetenceActivityFilter
    search_fields = ["code", "title_sv", "title_en"]
    ordering_fields = ["order", "code", "id"]
    ordering = ["area__order", "area_id", "order", "id"]

    def perform_destroy(self, activity: CompetenceActivity) -> None:
        if activity.records.exists():
            raise refuse(_("People have records in this activity; it cannot be deleted."))
        activity.delete()


@documented(TAGS)
class RequirementViewSet(viewsets.ModelViewSet):
    """Which CX role requires which activity at which level (1 I, 2 L, 3 U, 4 O)."""

    queryset = Requirement.objects.all()
    serializer_class = RequirementSerializer
    permission_classes = [CatalogueOwnersWrite]
    filterset_class = RequirementFilter
    ordering_fields = ["level", "id"]
    ordering = ["role__order", "role_id", "activity_id"]


# --- records -----------------------------------------------------------------------------


@documented(
    TAGS,
    list=(
        "List the competence records you can see",
        "Your own records; a coordinator's units; for a trainer (valid O) "
        "the records of that activity; management everything.",
    ),
    create=extend_schema(
        summary="Add a competence record",
        description="Your own record, with your self-assessment and evidence (send a file "
        "as multipart/form-data; PDF, image, Office or text, at most 5 MB). A coordinator "
        "or trainer may add an empty record for someone whose record they may sign off.",
        request=RecordCreateSerializer,
        responses={201: RecordSerializer},
    ),
    partial_update=extend_schema(
        summary="Change your self-assessment or evidence",
        description="Only the person changes these; anyone else gets a 403. Raising "
        "`self_level` above the signed-off level asks for a sign-off.",
        request=RecordSelfAssessmentSerializer,
        responses=RecordSerializer,
    ),
)
class RecordViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Each person's level per activity, with self-assessment, evidence and sign-off."""

    http_method_names = ["get", "post", "patch", "head", "options"]
    queryset = Record.objects.all()
    serializer_class = RecordSerializer
    permission_classes = [RecordPermission]
    filterset_class = RecordFilter
    search_fields = ["activity__code", "activity__title_sv", "activity__title_en"]
    ordering_fields = ["updated_at", "signed_off_on", "expires_on", "level", "self_level"]
    ordering = [
        "person__first_name",
        "person__last_name",
        "person_id",
        "activity__area__order",
        "activity__order",
        "activity_id",
    ]

    def get_queryset(self) -> QuerySet:
        return Record.objects.visible_to(self.request.user).select_related(
            "person__profile__unit", "activity__area", "signed_off_by", "rejected_by"
        )

    def get_serializer_class(self):
        return {
            "create": RecordCreateSerializer,
            "partial_update": RecordSelfAssessmentSerializer,
        }.get(self.action, RecordSerializer)

    def output(self, record: Record, code: int = status.HTTP_200_OK) -> Response:
        return Response(RecordSerializer(record, context=self.get_serializer_context()).data, code)

    def create(self, request, *args, **kwargs) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self.output(serializer.save(), status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs) -> Response:
        serializer = self.get_serializer(self.get_object(), data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        return self.output(serializer.save())

    @extend_schema(
        summary="Sign off a record",
        description="Confirms `level` (by default the self-assessed one). Coordinators of "
        "the person's unit and trainers of the activity may; nobody on their own record.",
        request=SignOffSerializer,
        responses=RecordSerializer,
    )
    @action(detail=True, methods=["post"], url_path="sign-off")
    def sign_off(self, request, pk=None) -> Response:
        record = self.get_object()
        params = SignOffSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        with model_errors():
            record.sign_off(request.user, params.validated_data.get("level"))
        return self.output(record)

    @extend_schema(
        summary="Reject a self-assessment",
        description="Sends the self-assessed level back with a comment the person sees.",
        request=RejectSerializer,
        responses=RecordSerializer,
    )
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None) -> Response:
        record = self.get_object()
        params = RejectSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        with model_errors(rejection_comment="comment"):
            record.reject(request.user, params.validated_data["comment"])
        return self.output(record)


# --- Green Cards -------------------------------------------------------------------------


@documented(
    TAGS,
    create=extend_schema(
        summary="Issue a Green Card",
        description="A coordinator of the person's unit certifies them for a CX role (or the "
        "concept as a whole, `role` null) once every required activity is signed off at "
        "the required level and valid. Otherwise a 400 says how far they are.",
        request=GreenCardIssueSerializer,
        responses={201: GreenCardSerializer},
    ),
)
class GreenCardViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Issued Green Cards; a renewal is a new card. `status` is as of today."""

    queryset = GreenCard.objects.all()
    serializer_class = GreenCardSerializer
    permission_classes = [ChangesInScope]
    filterset_class = GreenCardFilter
    search_fields = ["number"]
    ordering_fields = ["issued_on", "expires_on", "number"]
    ordering = ["-issued_on", "-id"]

    def get_queryset(self) -> QuerySet:
        return GreenCard.objects.visible_to(self.request.user).select_related(
            "person", "role", "issued_by"
        )

    def may_change(self, user, card: GreenCard) -> bool:
        return False  # cards are issued, never edited; a superuser corrects in the admin

    def create(self, request, *args, **kwargs) -> Response:
        serializer = GreenCardIssueSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        card = serializer.save()
        data = GreenCardSerializer(card, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED)


@documented(
    TAGS,
    list=(
        "Green Card progress of the people you follow",
        "Per person (yourself; a coordinator's units; management everyone), "
        "one entry per CX role: status, how many required activities are done, the "
        "current card. `?person=<id>` gives one person.",
    ),
    retrieve="Green Card progress of one person (by person id)",
)
class ProgressViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = User.objects.all()
    serializer_class = PersonProgressSerializer
    filterset_class = ProgressFilter
    search_fields = ["first_name", "last_name", "username"]
    ordering_fields = ["first_name", "last_name", "username"]
    ordering = ["profile__unit__path", "first_name", "last_name", "id"]

    def get_queryset(self) -> QuerySet:
        return (
            people_in_view(self.request.user)
            .filter(is_active=True)
            .select_related("profile__unit")
            .prefetch_related("profile__cx_roles")
        )

    def list(self, request, *args, **kwargs) -> Response:
        people = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        assert people is not None  # the viewset paginates
        return self.get_paginated_response(self.get_serializer(progress_of(people), many=True).data)

    def retrieve(self, request, *args, **kwargs) -> Response:
        return Response(self.get_serializer(progress_of([self.get_object()])[0]).data)


# --- trainee plans -----------------------------------------------------------------------


@documented(TAGS)
class TraineePlanViewSet(viewsets.ModelViewSet):
    """A new hire's dated goals, with a mentor. The trainee, their mentor, coordinators
    of their unit and management read it; coordinators of the unit change it."""

    queryset = TraineePlan.objects.all()
    serializer_class = TraineePlanSerializer
    permission_classes = [ChangesInScope]
    filterset_class = TraineePlanFilter
    ordering_fields = ["start_date", "id"]
    ordering = ["start_date", "id"]

    def get_queryset(self) -> QuerySet:
        return (
            TraineePlan.objects.visible_to(self.request.user)
            .select_related("person__profile__unit", "mentor")
            .prefetch_related(
                Prefetch("goals", queryset=Goal.objects.select_related("activity")),
                "person__competence_records",
            )
        )

    def may_change(self, user, plan: TraineePlan) -> bool:
        return coordinates_unit(user, unit_of(plan.person))


@documented(TAGS)
class GoalViewSet(viewsets.ModelViewSet):
    """Goals of the trainee plans you can see: an activity, a level, a date. `reached`
    and `late` are as of today."""

    queryset = Goal.objects.all()
    serializer_class = GoalSerializer
    permission_classes = [ChangesInScope]
    filterset_class = GoalFilter
    ordering_fields = ["due_date", "target_level", "id"]
    ordering = ["due_date", "id"]

    def get_queryset(self) -> QuerySet:
        return (
            Goal.objects.filter(plan__in=TraineePlan.objects.visible_to(self.request.user))
            .select_related("plan__person__profile__unit", "activity")
            .prefetch_related("plan__person__competence_records")
        )

    def may_change(self, user, goal: Goal) -> bool:
        return coordinates_unit(user, unit_of(goal.plan.person))


# --- the flat matrix ---------------------------------------------------------------------


class MatrixPagination(PageNumberPagination):
    page_size = 500
    page_size_query_param = "page_size"
    max_page_size = 5000


@documented(TAGS)
class MatrixViewSet(viewsets.GenericViewSet):
    serializer_class = MatrixRowSerializer
    pagination_class = MatrixPagination
    filter_backends: list = []

    def get_queryset(self) -> QuerySet[User]:
        """The people whose rows the matrix holds (the browsable API asks for it)."""
        return people_in_view(self.request.user)

    @extend_schema(
        summary="The competence matrix as a flat table",
        description="One row per person and activity that the person's CX roles require "
        "or that they have a record in; made for Power BI and other reporting tools. "
        "Your own rows; a coordinator's units; management everyone. 500 rows a page "
        "(`page_size` up to 5000).",
        parameters=[MatrixQuerySerializer],
    )
    def list(self, request) -> Response:
        params = MatrixQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        matrix = flat_matrix(request.user, **params.validated_data)
        keys = self.paginate_queryset(matrix.keys)
        assert keys is not None  # the viewset paginates
        return self.get_paginated_response(matrix.rows(keys))
