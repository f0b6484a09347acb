"""Import jobs over the API: a multipart upload (kind + file, checked for safety at
once: a bad file is a 400 on `file`), then the job as it runs and ends."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cxlean.core.api import enum_field
from cxlean.imports.models import ImportJob, Kind, Status
from cxlean.imports.safety import check_workbook


class ImportErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="The row number as Excel shows it; 0: the file.")
    column = serializers.CharField(help_text="The column key; empty: the whole row or file.")
    message = serializers.CharField(help_text="What is wrong, in the requester's language.")


class ImportJobSerializer(serializers.ModelSerializer):
    kind = enum_field(Kind.choices, "import-kind")
    status = enum_field(Status.choices, "import-status", read_only=True)
    # DRF's metaclass takes declared fields off the class, so this field does not hide
    # Serializer.errors; the stubs read it as a class attribute.
    errors = ImportErrorSerializer(many=True, read_only=True)  # type: ignore[assignment]  # see above
    web_url = serializers.SerializerMethodField()

    class Meta:
        model = ImportJob
        fields = [
            "id",
            "kind",
            "original_name",
            "status",
            "progress",
            "rows_total",
            "rows_written",
            "created_count",
            "updated_count",
            "error_count",
            "errors",
            "created_at",
            "started_at",
            "finished_at",
            "web_url",
        ]
        read_only_fields = [name for name in fields if name != "kind"]

    @extend_schema_field(serializers.URLField())
    def get_web_url(self, job: ImportJob) -> str:
        url = reverse("imports:detail", args=[job.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class ImportJobListSerializer(ImportJobSerializer):
    """The list leaves out the errors (read one job for them)."""

    # Enum ids of its own: drf-spectacular names an enum after the one component using it.
    kind = enum_field(Kind.choices, "import-list-kind", read_only=True)
    status = enum_field(Status.choices, "import-list-status", read_only=True)

    class Meta(ImportJobSerializer.Meta):
        fields = [name for name in ImportJobSerializer.Meta.fields if name != "errors"]


class ImportUploadSerializer(serializers.Serializer):
    kind = enum_field(Kind.choices, "import-upload-kind")
    file = serializers.FileField(
        help_text="An Excel workbook (.xlsx) made from the kind's template; at most 5 MB."
    )

    def validate_file(self, file):
        try:
            check_workbook(file)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from error
        return file
