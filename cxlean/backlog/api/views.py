"""The improvement backlog over the API: items with their moves through PDCA as explicit
actions, their history, comments and attachments, and a flat table for reporting tools.

Who sees what is `Item.objects.visible_to` (anything else is a 404); who changes what
is the model layer's `can_manage`, `can_edit_plan`, `allowed_moves`, `can_comment` and
`may_submit` (403, or a 400 on `unit` for a unit you may not submit for). Management
reads everything and gets 403 on every write.
"""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from cxlean.backlog.api.filters import (
    AttachmentFilter,
    CommentFilter,
    ItemFilter,
)
from cxlean.backlog.api.permissions import (
    AuthorOrCoordinatorDeletes,
    FeedbackImprovementPermission,
    ItemPermission,
)
from cxlean.backlog.api.serializers import (
    ITEM_RELATED,
    AttachmentSerializer,
    CommentSerializer,
    ItemPlanSerializer,
    ItemRowSerializer,
    ItemSerializer,
    MoveSerializer,
    StatusChangeSerializer,
)
from cxlean.backlog.models import Attachment, Comment, Item, improvement_from_feedback
from cxlean.core.api import RowsPagination, documented, model_errors
from cxlean.core.filters import FILTER_BACKENDS, SEARCH_BACKENDS
from cxlean.journeys.models import Feedback

TAGS = ["backlog"]
ITEM_ORDERING = ["priority", "due_date", "created_at", "title", "status_changed_at"]


def visible_items(user) -> QuerySet[Item]:
    return Item.objects.visible_to(user).select_related(*ITEM_RELATED)


@documented(
    TAGS,
    list=(
        "List the improvements you can see",
        "Highest priority first (unscored ideas last) unless `ordering` says "
        "otherwise. Management and superusers see every unit; others their part of the "
        "organisation tree and the items they submitted or own.",
    ),
    create=(
        "Submit an improvement idea",
        "Everyone but management submits ideas for a unit of their part of the "
        "tree (another unit is a 400 on `unit`). It starts as an idea; priority and "
        "quadrant follow from the scores.",
    ),
    update=(
        "Change an improvement",
        "Coordinators of the item's unit change every editable field; the "
        "owner only the plan and effect fields (description, due_date, expected_*, "
        "measured_*, spread, spread_note), with a PATCH; anything else from them is a 403.",
    ),
    partial_update="Change some fields of an improvement",
    destroy="Delete an improvement (coordinators of its unit)",
)
class ItemViewSet(viewsets.ModelViewSet):
    """Improvement items: waste, scores, priority and quadrant, PDCA status."""

    queryset = Item.objects.all()  # the model, for the schema; get_queryset scopes it
    serializer_class = ItemSerializer
    permission_classes = [ItemPermission]
    filter_backends = SEARCH_BACKENDS
    filterset_class = ItemFilter
    search_fields = ["title", "description"]
    ordering_fields = ITEM_ORDERING

    def get_queryset(self) -> QuerySet[Item]:
        return visible_items(self.request.user)

    def output(self, item: Item, code: int = status.HTTP_200_OK) -> Response:
        return Response(ItemSerializer(item, context=self.get_serializer_context()).data, code)

    def update(self, request, *args, **kwargs) -> Response:
        item = self.get_object()
        serializer_class = ItemSerializer if item.can_manage(request.user) else ItemPlanSerializer
        serializer = serializer_class(
            item,
            data=request.data,
            partial=kwargs.get("partial", False),
            context=self.get_serializer_context(),
        )
        serializer.is_valid(raise_exception=True)
        return self.output(serializer.save())

    @extend_schema(
        summary="Move an improvement through the workflow",
        description="idea → triaged → plan → do → check → act, or rejected (and rejected → "
        "idea; check → plan for another round). Send the fields the target needs: "
        "triaged needs waste and scores (set them with PATCH first); plan an `owner` and a "
        "`due_date`; check the `measured_effect` or `measured_change`; act `spread`; "
        "rejected a `rejection_reason`. Coordinators of the item's unit make any allowed "
        "move; the owner moves it plan → do → check → act and check → plan. A refused "
        "move is a 400 with the reasons per field (`status` for a move the workflow does "
        "not allow) and changes nothing.",
        request=MoveSerializer,
        responses=ItemSerializer,
    )
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None) -> Response:
        item = self.get_object()
        context = {**self.get_serializer_context(), "item": item}
        params = MoveSerializer(data=request.data, context=context)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        with model_errors():
            item.move(data["to"], request.user, data["note"], **params.fields_to_set())
        return self.output(item)

    @extend_schema(
        summary="The item's moves through the workflow",
        description="Every status change, oldest first: from, to, by whom, when, the note.",
        responses=StatusChangeSerializer(many=True),
    )
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def history(self, request, pk=None) -> Response:
        changes = self.get_object().status_changes.select_related("by")
        return Response(StatusChangeSerializer(changes, many=True).data)


@documented(
    TAGS,
    list=(
        "The backlog as a flat table",
        "One row per improvement you can see, with plain columns, made for "
        "Power BI and other reporting tools: codes and labels, scores, priority, "
        "quadrant, owner, dates, the touchpoint and journey, expected and measured "
        "change, and the lead time in days from submission to Act. Filters as on "
        "/improvements/. 500 rows a page (`page_size` up to 5000), in id order.",
    ),
)
class ItemRowViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    queryset = Item.objects.all()
    serializer_class = ItemRowSerializer
    pagination_class = RowsPagination
    filter_backends = SEARCH_BACKENDS
    filterset_class = ItemFilter
    search_fields = ["title", "description"]
    ordering_fields = [*ITEM_ORDERING, "id"]
    ordering = ["id"]

    def get_queryset(self) -> QuerySet[Item]:
        return visible_items(self.request.user)


class ItemPartViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Comments and attachments: the parts of the items you can see. Adding one needs
    `Item.can_comment`; deleting it its author or a coordinator of the item's unit."""

    permission_classes = [AuthorOrCoordinatorDeletes]
    filter_backends = FILTER_BACKENDS
    ordering_fields = ["created_at"]
    ordering = ["created_at", "id"]
    author_field = "author"

    def get_queryset(self) -> QuerySet:
        items = Item.objects.visible_to(self.request.user)
        return (
            super()
            .get_queryset()
            .filter(item__in=items)
            .select_related("item__unit", self.author_field)
        )

    def perform_create(self, serializer) -> None:
        if not serializer.validated_data["item"].can_comment(self.request.user):
            raise PermissionDenied(AuthorOrCoordinatorDeletes.comment_message)
        serializer.save(**{self.author_field: self.request.user})


@documented(
    TAGS,
    list="Comments on the improvements you can see (`?item=`)",
    create="Comment on an improvement",
    destroy="Delete a comment (its author or a coordinator)",
)
class CommentViewSet(ItemPartViewSet):
    queryset = Comment.objects.all()
    serializer_class = CommentSerializer
    filterset_class = CommentFilter


@documented(
    TAGS,
    list="Attachments of the improvements you can see (`?item=`)",
    create=(
        "Attach a file to an improvement",
        "multipart/form-data with `item`, `file` and an optional "
        "`description`. Allowed types: pdf, png, jpg, jpeg, gif, webp, docx, xlsx, pptx, "
        "txt, csv; at most 10 MB. Another type or a larger file is a 400 on `file`.",
    ),
    destroy="Delete an attachment (its uploader or a coordinator)",
)
class AttachmentViewSet(ItemPartViewSet):
    queryset = Attachment.objects.all()
    serializer_class = AttachmentSerializer
    filterset_class = AttachmentFilter
    parser_classes = [MultiPartParser, FormParser]
    author_field = "uploaded_by"


@documented(["voice of the customer"])
class FeedbackImprovementView(generics.GenericAPIView):
    """Customer feedback (Voice of the Customer) becomes an improvement in the backlog."""

    permission_classes = [FeedbackImprovementPermission]
    serializer_class = ItemSerializer

    def get_queryset(self) -> QuerySet[Feedback]:
        return Feedback.objects.visible_to(self.request.user).select_related("unit", "touchpoint")

    @extend_schema(
        summary="Turn the feedback into an improvement",
        description="Makes an idea in the backlog from the feedback (its unit and "
        "touchpoint, source Voice of the Customer, the three answers as description), "
        "keeping the link. 201 with the new item; 200 with the same item when it was "
        "made before. Needs the right to submit improvements for the feedback's unit.",
        request=None,
        responses={
            201: OpenApiResponse(ItemSerializer, description="The new improvement."),
            200: OpenApiResponse(ItemSerializer, description="The one made before."),
        },
    )
    def post(self, request, pk: int) -> Response:
        item, created = improvement_from_feedback(self.get_object(), request.user)
        data = ItemSerializer(item, context=self.get_serializer_context()).data
        return Response(data, status.HTTP_201_CREATED if created else status.HTTP_200_OK)
