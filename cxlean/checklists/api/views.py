"""Checklists over the API: templates and their items (the catalogue), assignments,
ticks (item completions) and a flat progress table for reporting tools.

Who sees what is the model layer's `visible_to` (anything else is a 404) and, for the
progress rows, `cxlean.checklists.progress.row_filter`; who changes what is
`CatalogueOwnersWrite` for the catalogue, `Assignment.can_manage` for assignments and
`Assignment.may_tick` for ticks (403). Management reads everything and changes nothing.
"""

from __future__ import annotations

from typing import cast

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from cxlean.checklists.api.filters import (
    AssignmentFilter,
    CompletionFilter,
    ProgressFilter,
    TemplateFilter,
    TemplateItemFilter,
)
from cxlean.checklists.api.permissions import TICK_MESSAGE, TicksOwnOnly
from cxlean.checklists.api.serializers import (
    AssignmentChangeSerializer,
    AssignmentSerializer,
    CompletionSerializer,
    ProgressRowSerializer,
    TemplateItemSerializer,
    TemplateSerializer,
)
from cxlean.checklists.models import Assignment, ChecklistTemplate, Completion, TemplateItem
from cxlean.checklists.progress import progress_rows
from cxlean.core.api import FlatRowsViewSet, documented
from cxlean.core.filters import FILTER_BACKENDS
from cxlean.core.parsers import JSONParser
from cxlean.org.api_permissions import CatalogueOwnersWrite, ChangesInScope

TAGS = ["checklists"]


# --- catalogue ---------------------------------------------------------------------------


@documented(
    TAGS,
    list="List the checklist templates",
    create="Add a checklist template (Lean coordinators)",
    changes=("a checklist template", "Lean coordinators"),
    destroy=(
        "Delete a checklist template",
        "Lean coordinators; a template that has been assigned cannot be deleted (400).",
    ),
)
class TemplateViewSet(viewsets.ModelViewSet):
    """What someone in a CX role does during the rollout, with its items in order.
    Everyone signed in reads; Lean coordinators change the catalogue."""

    queryset = ChecklistTemplate.objects.select_related("role", "step").prefetch_related(
        Prefetch("items", queryset=TemplateItem.objects.order_by("order", "pk"))
    )
    serializer_class = TemplateSerializer
    permission_classes = [CatalogueOwnersWrite]
    filter_backends = FILTER_BACKENDS
    filterset_class = TemplateFilter
    ordering_fields = ["order", "code", "id"]
    ordering = ["role__order", "order", "id"]


@documented(
    TAGS,
    list="List the items of the checklist templates",
    create="Add an item to a checklist template (Lean coordinators)",
)
class TemplateItemViewSet(viewsets.ModelViewSet):
    """One thing to do on a checklist; `needs_evidence` items are ticked off only with a
    file attached. Everyone signed in reads; Lean coordinators change them."""

    queryset = TemplateItem.objects.select_related("template")
    serializer_class = TemplateItemSerializer
    permission_classes = [CatalogueOwnersWrite]
    filter_backends = FILTER_BACKENDS
    filterset_class = TemplateItemFilter
    ordering_fields = ["order", "id"]
    ordering = ["template", "order", "id"]


# --- assignments -------------------------------------------------------------------------


@documented(
    TAGS,
    list=(
        "List the checklist assignments you can see",
        "Management sees all; coordinators the assignments of their units and "
        "role assignments made above them; everyone the assignments that reach them "
        "(`?mine=true` for only those).",
    ),
    create=(
        "Assign a checklist",
        "Lean coordinators, within the units they coordinate. Send `template`, "
        "`due_date` (not in the past) and either `person` or `unit` (with `role`, the "
        "template's role when left out): a role assignment reaches everyone holding the "
        "role in the unit and its sub-units, including people who get it later.",
    ),
    update="Change an assignment's due date",
    partial_update="Change an assignment's due date",
    destroy="Remove an assignment (coordinators of its unit)",
)
class AssignmentViewSet(viewsets.ModelViewSet):
    queryset = Assignment.objects.all()
    serializer_class = AssignmentSerializer
    permission_classes = [ChangesInScope]
    filter_backends = FILTER_BACKENDS
    filterset_class = AssignmentFilter
    ordering_fields = ["due_date", "created_at", "id"]
    ordering = ["due_date", "id"]

    def get_queryset(self) -> QuerySet[Assignment]:
        return Assignment.objects.visible_to(self.request.user).select_related(
            "template", "unit", "person", "role", "assigned_by"
        )

    def get_serializer_class(self):
        if self.action in ("update", "partial_update"):
            return AssignmentChangeSerializer
        return AssignmentSerializer

    def may_change(self, user, assignment: Assignment) -> bool:
        return assignment.can_manage(user)


# --- ticks -------------------------------------------------------------------------------


@documented(
    TAGS,
    list=(
        "Ticked items you can see",
        "Your own; coordinators those of the people in their units; "
        "management all. One row per person and item they have recorded something on.",
    ),
    create=(
        "Tick off, untick, note or attach evidence on an item of your checklist",
        "Only the person the checklist reaches records on it. Send "
        "`assignment` and `item` with any of `done`, `note`, `evidence` (multipart for "
        "a file). Creates your row for the item (201) or changes it (200). An item that "
        "needs evidence is ticked off only with a file (400 on `evidence`); another "
        "file type or a larger file is a 400 on `evidence` too.",
    ),
    update="Change your tick, note or evidence",
    partial_update="Change your tick, note or evidence",
)
class CompletionViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    queryset = Completion.objects.all()
    serializer_class = CompletionSerializer
    permission_classes = [TicksOwnOnly]
    filter_backends = FILTER_BACKENDS
    filterset_class = CompletionFilter
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    ordering_fields = ["done_at", "updated_at", "id"]
    ordering = ["assignment", "person", "item__order", "id"]

    def get_queryset(self) -> QuerySet[Completion]:
        return Completion.objects.visible_to(self.request.user).select_related(
            "assignment__unit", "item", "person"
        )

    def create(self, request, *args, **kwargs) -> Response:
        serializer = cast(CompletionSerializer, self.get_serializer(data=request.data))
        serializer.is_valid(raise_exception=True)
        assignment = serializer.validated_data["assignment"]
        item = serializer.validated_data["item"]
        if not assignment.may_tick(request.user):
            raise PermissionDenied(TICK_MESSAGE)
        existed = Completion.objects.filter(
            assignment=assignment, item=item, person=request.user
        ).exists()
        completion = serializer.save_tick(assignment, item)
        code = status.HTTP_200_OK if existed else status.HTTP_201_CREATED
        return Response(self.get_serializer(completion).data, status=code)

    def update(self, request, *args, **kwargs) -> Response:
        completion = self.get_object()
        serializer = cast(
            CompletionSerializer,
            self.get_serializer(
                completion, data=request.data, partial=kwargs.get("partial", False)
            ),
        )
        serializer.is_valid(raise_exception=True)
        completion = serializer.save_tick(completion.assignment, completion.item)
        return Response(self.get_serializer(completion).data)


# --- progress ----------------------------------------------------------------------------


@documented(
    TAGS,
    list=(
        "Checklist progress as a flat table",
        "One row per person and assignment: done and total items, per cent, "
        "complete, overdue (past the due date and not complete, as of today), with the "
        "checklist, its CX role and the person's unit, made for Power BI and other "
        "reporting tools. A role assignment's rows are the people holding the role in "
        "its unit and sub-units now. You see your own rows; coordinators those of the "
        "people in their units; management everyone's. 500 rows a page (`page_size` up "
        "to 5000), by due date.",
    ),
)
class ProgressViewSet(FlatRowsViewSet):
    queryset = Assignment.objects.all()
    serializer_class = ProgressRowSerializer
    filterset_class = ProgressFilter

    def get_queryset(self) -> QuerySet[Assignment]:
        return Assignment.objects.visible_to(self.request.user)

    def list(self, request, *args, **kwargs) -> Response:
        filters = ProgressFilter(request.query_params, self.get_queryset(), request=request)
        if not filters.is_valid():
            raise serializers.ValidationError(filters.errors)
        chosen = filters.form.cleaned_data
        person = chosen.get("person")
        rows = progress_rows(
            filters.qs,
            viewer=request.user,
            today=timezone.localdate(),
            people={person} if person is not None else None,
        )
        rows = [row for row in rows if keeps(row, chosen)]
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


def keeps(row, chosen: dict) -> bool:
    """The row-level filters of ProgressFilter."""
    unit = chosen.get("unit")
    if unit is not None and (row.unit is None or not row.unit.is_within(unit)):
        return False
    for name in ("overdue", "complete"):
        wanted = chosen.get(name)
        if wanted is not None and getattr(row.progress, name) != wanted:
            return False
    return True
