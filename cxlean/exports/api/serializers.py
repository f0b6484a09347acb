"""Export jobs over the API: ask for one (kind and filters), follow its progress, fetch
the file from `download_url` once it is done (the same permission-checked view as the
web app)."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied

from cxlean.core.api import enum_field
from cxlean.exports.kinds import RequestRefused
from cxlean.exports.models import ExportJob, JobStatus, Kind
from cxlean.exports.services import request_export


class ExportJobSerializer(serializers.ModelSerializer):
    kind = enum_field(
        Kind.choices,
        "export-kind",
        help_text=_(
            "competence_matrix (coordinators and management), backlog, plan (params: "
            "plan), gemba_log or metrics_maturity."
        ),
    )
    params = serializers.JSONField(
        required=False,
        default=dict,
        help_text=_(
            'The filters, as on the page the data comes from, e.g. {"unit": 3} or '
            '{"plan": 12} or {"status": "open", "waste": "muda"}. A filter the '
            "export does not have, or a value it does not understand, is a 400."
        ),
    )
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    status = enum_field(JobStatus.choices, "export-status", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    requested_by: serializers.PrimaryKeyRelatedField[User] = serializers.PrimaryKeyRelatedField(
        read_only=True
    )
    download_url = serializers.SerializerMethodField(
        help_text=_("Where to fetch the file once the job is done (null before and after).")
    )

    class Meta:
        model = ExportJob
        fields = [
            "id",
            "kind",
            "kind_label",
            "params",
            "status",
            "status_label",
            "progress",
            "rows",
            "error",
            "requested_by",
            "created_at",
            "started_at",
            "finished_at",
            "expires_at",
            "download_url",
        ]
        read_only_fields = [
            "progress",
            "rows",
            "error",
            "created_at",
            "started_at",
            "finished_at",
            "expires_at",
        ]

    @extend_schema_field(OpenApiTypes.URI)
    def get_download_url(self, job: ExportJob) -> str | None:
        if not job.is_downloadable():
            return None
        url = reverse("exports:download", args=[job.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url

    def create(self, validated_data) -> ExportJob:
        try:
            return request_export(
                self.context["request"].user, validated_data["kind"], validated_data["params"]
            )
        except RequestRefused as refused:
            if refused.forbidden:
                raise PermissionDenied(" ".join(refused.messages())) from None
            raise serializers.ValidationError(refused.errors) from None
