"""API-wide behaviour: every error is JSON with field messages, never a 500 page."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
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
