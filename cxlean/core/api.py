"""API-wide behaviour: every error is JSON with field messages, never a 500 page."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.urls import reverse
from rest_framework import serializers
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        detail = (
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
        exc = serializers.ValidationError(detail)
    elif isinstance(exc, IntegrityError):
        exc = serializers.ValidationError({"non_field_errors": [str(exc).splitlines()[0]]})
    return drf_exception_handler(exc, context)


class DownloadField(serializers.FileField):
    """An uploaded file, written as multipart like any FileField, but read back as the
    link of the web view that checks who may download it (uploads are not served from
    MEDIA_URL: evidence and attachments are not public)."""

    def __init__(self, url_name: str, **kwargs):
        self.url_name = url_name
        super().__init__(**kwargs)

    def to_representation(self, value) -> str | None:
        if not value:
            return None
        url = reverse(self.url_name, args=[value.instance.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url
