"""API-wide behaviour: every error is JSON with field messages, never a 500 page, and
never a Python repr or the database's own text."""

from __future__ import annotations

import logging
from collections import Counter
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.db.models import ProtectedError, RestrictedError
from django.urls import reverse
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

logger = logging.getLogger(__name__)

CONFLICT_MESSAGE = gettext_lazy(
    "The change conflicts with data already saved (for example a duplicate); nothing was changed."
)


def still_used_by(error: ProtectedError | RestrictedError) -> str:
    """What still refers to the row, in words: "2 checklist templates and 1 assignment"."""
    rows = getattr(error, "protected_objects", None) or getattr(error, "restricted_objects", ())
    counts = Counter(type(row)._meta for row in rows)
    parts = [
        f"{count} {meta.verbose_name if count == 1 else meta.verbose_name_plural}"
        for meta, count in sorted(counts.items(), key=lambda item: (-item[1], item[0].label))
    ]
    return get_text_list(parts, _("and"))


def deletion_refused(error: ProtectedError | RestrictedError, advice: str = "") -> str:
    """The message for a deletion that rows elsewhere still block, with optional advice."""
    message = _("It cannot be deleted: it is still used by %(uses)s.") % {
        "uses": still_used_by(error)
    }
    return f"{message} {advice}".strip()


def refuse_deletion(error: ProtectedError | RestrictedError, advice: StrOrPromise = ""):
    """A 400 for `perform_destroy`: `raise refuse_deletion(error, _("Make it inactive."))`."""
    return serializers.ValidationError(
        {api_settings.NON_FIELD_ERRORS_KEY: [deletion_refused(error, str(advice))]}
    )


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        detail = (
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
        exc = serializers.ValidationError(detail)
    elif isinstance(exc, (ProtectedError, RestrictedError)):
        exc = refuse_deletion(exc)
    elif isinstance(exc, IntegrityError):
        # The database's text names tables and constraints: log it, say it in words.
        logger.warning("Integrity error answered as 400: %s", exc)
        exc = serializers.ValidationError({"non_field_errors": [str(CONFLICT_MESSAGE)]})
    return drf_exception_handler(exc, context)


class WholeItemsListSerializer(serializers.ListSerializer):
    """A nested list that replaces the parent's items, so each item is read whole.

    DRF reads nested serializers as partial when the parent is (a PATCH): it would skip
    the items' required fields and their defaults, and the parent would then meet items
    without them. A PATCH that sends the list sends every item in full."""

    def run_child_validation(self, data):
        root = self.root
        partial = getattr(root, "partial", False)
        root.partial = False
        try:
            return super().run_child_validation(data)
        finally:
            root.partial = partial


class NestedItemSerializer(serializers.ModelSerializer):
    """The base of writable nested item serializers (`many=True` on a parent)."""

    class Meta:
        list_serializer_class = WholeItemsListSerializer


class BlankAsNullChoiceField(serializers.ChoiceField):
    """A read-only choice that answers null while unset: a model's blank `""` is not
    one of the enum's values, so a generated client could not read it."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        if value in ("", None):
            return None
        return super().to_representation(value)


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
