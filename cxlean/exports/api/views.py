"""The export jobs endpoint: one's own jobs (superusers every job); POST asks for one."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets

from cxlean.exports.api.serializers import ExportJobSerializer
from cxlean.exports.models import ExportJob


@extend_schema_view(
    list=extend_schema(
        summary="My export jobs",
        description="The Excel exports you asked for, newest first, with their status "
        "and progress (superusers see everyone's).",
    ),
    retrieve=extend_schema(
        summary="An export job",
        description="Status (queued, running, done, failed, expired), progress 0–100 and, "
        "once done, `download_url`. Someone else's job is a 404.",
    ),
    create=extend_schema(
        summary="Ask for an Excel export",
        description="Give `kind` and the `params` (filters). The job is answered at once "
        "as `queued` (201) and written in the background; poll it until `done`. A kind "
        "you may not export (the competence matrix for employees) is a 403; an unknown "
        "kind, filter or value a 400 with the errors per field.",
    ),
)
class ExportJobViewSet(
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = ExportJobSerializer
    filterset_fields = ["kind", "status"]
    ordering_fields = ["created_at"]
    search_fields: list[str] = []

    def get_queryset(self) -> QuerySet[ExportJob]:
        return ExportJob.objects.visible_to(self.request.user).order_by("-created_at", "-pk")
