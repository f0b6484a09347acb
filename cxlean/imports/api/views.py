"""Imports over the API: `import-jobs` (upload, list your own, read one with its
errors) and `import-templates/<kind>/` (the kind's template workbook).

Like the web pages: Lean coordinators and superusers only (employees and management
get 403: imports change data); someone else's job is a 404.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from cxlean.core.api import documented
from cxlean.imports.api.serializers import (
    ImportJobListSerializer,
    ImportJobSerializer,
    ImportUploadSerializer,
)
from cxlean.imports.models import ImportJob, Kind, may_import
from cxlean.imports.services import import_create
from cxlean.imports.workbooks import CONTENT_TYPE, template_filename, template_workbook
from cxlean.org.api_permissions import is_signed_in

TAGS = ["imports"]


class Importers(BasePermission):
    message = _("Imports are for Lean coordinators.")

    def has_permission(self, request, view) -> bool:
        return is_signed_in(request) and may_import(request.user)


@documented(TAGS)
class ImportJobViewSet(
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    permission_classes = [Importers]
    parser_classes = [MultiPartParser]
    filter_backends: list = []
    queryset = ImportJob.objects.none()

    def get_queryset(self):
        jobs = ImportJob.objects.visible_to(self.request.user)
        if self.action == "list":
            return jobs.filter(requested_by=self.request.user).defer("errors")
        return jobs

    def get_serializer_class(self):
        if self.action == "create":
            return ImportUploadSerializer
        return ImportJobListSerializer if self.action == "list" else ImportJobSerializer

    @extend_schema(
        summary="Your import jobs, newest first",
        description="Status, progress and counts of each job (errors: read the job).",
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(
        summary="An import job with its errors by row and column",
        description="Poll it while `status` is `queued` or `validating`.",
    )
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(
        summary="Import an Excel file (multipart: kind and file)",
        description=(
            "The file is checked at once (an .xlsx, at most 5 MB, no macros, no zip bomb, no "
            "XML entities): a bad file is a 400 with the reason on `file` and no job. Otherwise "
            "the job is queued (201) and runs in the background: every row is validated, then "
            "all rows are written in one transaction or none. Read the job to follow it."
        ),
        request={"multipart/form-data": ImportUploadSerializer},
        responses={201: ImportJobSerializer, 400: OpenApiResponse(description="Field errors")},
    )
    def create(self, request, *args, **kwargs):
        upload = ImportUploadSerializer(data=request.data, context=self.get_serializer_context())
        upload.is_valid(raise_exception=True)
        job = import_create(
            user=request.user,
            kind=upload.validated_data["kind"],
            file=upload.validated_data["file"],
            language=get_language() or "sv",
        )
        body = ImportJobSerializer(job, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_201_CREATED)


@documented(TAGS)
class ImportTemplateViewSet(viewsets.ViewSet):
    permission_classes = [Importers]
    lookup_field = "kind"
    lookup_value_regex = "|".join(Kind.values)

    @extend_schema(
        summary="Download the template workbook of a kind of import",
        description=(
            "Sheet `data` has the fixed column keys; the `Instructions` sheet (in the request "
            "language) explains each column and lists the allowed values."
        ),
        parameters=[
            OpenApiParameter("kind", OpenApiTypes.STR, OpenApiParameter.PATH, enum=Kind.values)
        ],
        responses={(200, CONTENT_TYPE): OpenApiTypes.BINARY},
    )
    def retrieve(self, request, kind: str | None = None):
        if kind not in Kind.values:
            raise NotFound
        response = HttpResponse(template_workbook(kind, request.user), content_type=CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{template_filename(kind)}"'
        return response
