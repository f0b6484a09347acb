"""API-wide behaviour: every error is JSON with field messages, never a 500 page, and
never a Python repr or the database's own text."""

from __future__ import annotations

import copy
import logging
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

from django.contrib.auth.models import User
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.db.models import Model, ProtectedError, QuerySet, RestrictedError
from django.urls import reverse
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import generics, mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import PageNumberPagination
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

from cxlean.core.names import display_name
from cxlean.core.schema import own_enum

logger = logging.getLogger(__name__)

CONFLICT_MESSAGE = gettext_lazy(
    "The change conflicts with data already saved (for example a duplicate); nothing was changed."
)


def still_used_by(error: ProtectedError | RestrictedError) -> str:
    """What still refers to the row, in words: "2 checklist templates and 1 assignment"."""
    rows = (
        error.protected_objects if isinstance(error, ProtectedError) else error.restricted_objects
    ) or ()
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
        exc = serializers.ValidationError(field_errors(exc))
    elif isinstance(exc, (ProtectedError, RestrictedError)):
        exc = refuse_deletion(exc)
    elif isinstance(exc, IntegrityError):
        # The database's text names tables and constraints: log it, say it in words.
        logger.warning("Integrity error answered as 400: %s", exc)
        exc = serializers.ValidationError({"non_field_errors": [str(CONFLICT_MESSAGE)]})
    return drf_exception_handler(exc, context)


# --- a model's ValidationError as a 400 -------------------------------------------------
# One path: `field_errors` maps a model rule's errors to the request's fields. The
# exception handler answers any Django ValidationError a view lets through with it;
# `ModelValidatedSerializer` runs the model's rules in `validate` (so the errors come
# with the serializer's own); `api_errors` renames fields where the request's names
# differ from the model's.


def field_errors(error: DjangoValidationError) -> dict:
    if not hasattr(error, "error_dict"):
        return {api_settings.NON_FIELD_ERRORS_KEY: error.messages}
    return {
        api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else field: messages
        for field, messages in error.message_dict.items()
    }


def api_errors(error: DjangoValidationError, **renamed: str) -> serializers.ValidationError:
    """A model rule's ValidationError as a 400 with field errors, model field names
    renamed to the request's (e.g. rejection_comment -> comment)."""
    return serializers.ValidationError(
        {renamed.get(name, name): messages for name, messages in field_errors(error).items()}
    )


@contextmanager
def model_errors(**renamed: str) -> Iterator[None]:
    """Runs a model method for an API action: its ValidationError becomes a 400 with
    field messages (`renamed` maps model field names to the API's)."""
    try:
        yield
    except DjangoValidationError as error:
        raise api_errors(error, **renamed) from error


# The largest id a BigAutoField holds: a larger one in a request names no row.
MAX_ID = 2**63 - 1


def query_id(request, name: str, message: StrOrPromise) -> int:
    """The id in the query parameter `name`: a 400 with `message` on `name` when it is
    missing, not a whole number, or larger than any id (never a database overflow)."""
    raw = request.query_params.get(name, "")
    if not (raw.isascii() and raw.isdigit()) or not 0 < int(raw) <= MAX_ID:
        raise serializers.ValidationError({name: [message]})
    return int(raw)


def requesting_user(serializer: serializers.Serializer):
    return serializer.context["request"].user


TRANSLATED_HELP = gettext_lazy("In the request language (Accept-Language).")


def translated(help_text: StrOrPromise = TRANSLATED_HELP) -> serializers.CharField:
    """A catalogue text read in the request language (the model's `Translated`
    attribute); the `_sv` and `_en` columns hold both."""
    return serializers.CharField(read_only=True, help_text=help_text)


def translated_fields(*names: str) -> list[str]:
    """Meta.fields for catalogue texts: each as read in the request language
    (`translated()`), followed by its `_sv` and `_en` columns."""
    return [field for name in names for field in (name, f"{name}_sv", f"{name}_en")]


class ModelValidatedSerializer(serializers.ModelSerializer):
    """Runs `full_clean()` (field validators and the model's `clean()`) on the instance
    the request would produce, before anything is saved; errors become 400 field errors.

    Uniqueness is left to DRF's own validators, and the database CheckConstraints stay
    a safety net: `clean()` states the same rules with clearer messages.
    """

    def validate(self, attrs):
        attrs = super().validate(attrs)
        try:
            self.validate_model(self.would_be_instance(attrs), attrs)
        except DjangoValidationError as error:
            raise serializers.ValidationError(field_errors(error)) from error
        return attrs

    def validate_model(self, instance, attrs) -> None:
        """Hook for rules beyond `full_clean`; raise Django's ValidationError."""
        instance.full_clean(validate_unique=False, validate_constraints=False)

    def would_be_instance(self, attrs):
        model: type[Model] = self.Meta.model
        many_to_many = {field.name for field in model._meta.many_to_many}
        values = {name: value for name, value in attrs.items() if name not in many_to_many}
        if self.instance is None:
            return model(**values)
        # A copy: a rejected request must leave the loaded object untouched.
        instance = copy.copy(self.instance)
        for name, value in values.items():
            setattr(instance, name, value)
        return instance


# --- fields ------------------------------------------------------------------------------

# Called with the field's queryset, which is of its model's own QuerySet class (Any: the
# type checker cannot tie a scope to the queryset it is given with).
Scope = Callable[[Any, User], QuerySet]


class ScopedPrimaryKeyField(serializers.PrimaryKeyRelatedField):
    """An id chosen among the objects `scope(queryset, user)` leaves to the requesting
    user; any other id is "does not exist", so nothing about it leaks."""

    def __init__(self, *, scope: Scope, **kwargs):
        self.scope = scope
        super().__init__(**kwargs)

    def get_queryset(self) -> QuerySet:
        return self.scope(super().get_queryset(), self.context["request"].user)


# The largest id a row can have (a 64-bit integer): a bigger number is no row, and
# SQLite refuses to compare with it at all.
MAX_ROW_ID = 2**63 - 1


def id_field(**kwargs) -> serializers.IntegerField:
    """A row's id given as a plain number (not a related field): from 1 to MAX_ROW_ID,
    so that any other number is a 400 on its field, never a query the database refuses."""
    return serializers.IntegerField(min_value=1, max_value=MAX_ROW_ID, **kwargs)


def name_of(user: User | None) -> str | None:
    return display_name(user) if user else None


@extend_schema_field({"type": "string", "nullable": True, "readOnly": True})
class PersonNameField(serializers.ReadOnlyField):
    """The display name of the user at `source`, or null without one."""

    def to_representation(self, value) -> str | None:
        return name_of(value)


def name_field(source: str) -> PersonNameField:
    """A read-only `<role>_name` next to a user field: `name_field("created_by")`."""
    return PersonNameField(source=source)


def enum_field(choices, enum_id: str, field=serializers.ChoiceField, **kwargs):
    """A choice field with an enum of its own in the schema (no name clashes with the
    backlog's status or the other apps' choice sets)."""
    field_class = type(f"{enum_id.title().replace('-', '')}Field", (field,), {})
    extend_schema_field(own_enum(choices, enum_id))(field_class)
    return field_class(choices=choices, **kwargs)


LABEL_HELP = _("The label in the request language.")


def label(source: str) -> serializers.CharField:
    return serializers.CharField(
        source=f"get_{source}_display", read_only=True, help_text=LABEL_HELP
    )


# --- pagination ----------------------------------------------------------------------------


class RowsPagination(PageNumberPagination):
    """Flat tables for reporting tools (Power BI): 500 rows a page, up to 5000."""

    page_size = 500
    page_size_query_param = "page_size"
    max_page_size = 5000


# --- nested items --------------------------------------------------------------------------


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


# A catalogue row whose `name` and `description` are read in the request language;
# Meta.fields lists them next to the `_sv` and `_en` columns. (No docstring: the OpenAPI
# schema describes a serializer by the nearest docstring, which stays the model check's.)
class TranslatedCatalogueSerializer(ModelValidatedSerializer):
    name = translated()
    description = translated()


def transition_action(method: str, *, summary: str, description: str, responses) -> Callable:
    """A POST detail action with no body that calls the object's `method` (its
    ValidationError a 400) and answers with the viewset's `output(obj)`."""

    def run(self, request, pk=None):
        obj = self.get_object()
        with model_errors():
            getattr(obj, method)()
        return self.output(obj)

    run.__name__ = method
    run = action(detail=True, methods=["post"])(run)
    return extend_schema(
        summary=summary, description=description, request=None, responses=responses
    )(run)


# A read-only list of flat report rows (Power BI and other reporting tools): 500 rows a
# page and its filterset as the only filter. (No docstring: the schema would show it.)
class FlatRowsViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    pagination_class = RowsPagination
    filter_backends = [DjangoFilterBackend]


# --- viewsets ------------------------------------------------------------------------------

# What `documented` takes for an action: its summary, a (summary, description) pair, or a
# whole `extend_schema(...)` where the action needs more (parameters, responses).
ActionWords = str | tuple[str, str] | Callable
ViewSetT = TypeVar("ViewSetT", bound=type)


def documented(
    tags: list[str], *, changes: tuple[str, str] | None = None, **actions: ActionWords
) -> Callable[[ViewSetT], ViewSetT]:
    """A viewset's OpenAPI words in one decorator: the `tags` of all its operations and,
    per action (`list`, `retrieve`, `create`, ..., or a custom action by name), a summary,
    a (summary, description) pair or an `extend_schema(...)`:

        @documented(TAGS, list=("List the walks", "Earliest first."), retrieve="A walk")

    `changes=(what, who)` words update, partial_update and destroy alike everywhere:
    ("a walk", "coordinators of its unit") gives "Change a walk (coordinators of its
    unit)", "Change some fields of a walk" and "Delete a walk (coordinators of its
    unit)"; an action named as well keeps its own words.
    """

    def words(value: ActionWords) -> Callable:
        if isinstance(value, tuple):
            summary, description = value
            return extend_schema(summary=summary, description=description)
        return extend_schema(summary=value) if isinstance(value, str) else value

    if changes is not None:
        what, who = changes
        actions = {
            "update": f"Change {what} ({who})",
            "partial_update": f"Change some fields of {what}",
            "destroy": f"Delete {what} ({who})",
            **actions,
        }

    def decorate(viewset: ViewSetT) -> ViewSetT:
        viewset = extend_schema(tags=tags)(viewset)
        if not actions:
            return viewset
        return extend_schema_view(**{name: words(value) for name, value in actions.items()})(
            viewset
        )

    return decorate


# A `destroy` that rows elsewhere still block is a 400 naming them, followed by the
# viewset's `deletion_advice` ("Make it inactive instead."); without advice, the exception
# handler alone gives that 400. (The mixins have no docstring: the schema would show it.)
class AdvisedDeletion:
    deletion_advice: StrOrPromise = ""

    def perform_destroy(self, instance: Model) -> None:
        try:
            instance.delete()
        except (ProtectedError, RestrictedError) as error:
            raise refuse_deletion(error, self.deletion_advice) from error


# Saves the requesting user on the row: in `created_by_field` when it is created, in
# `saved_by_field` each time it is saved (created or changed).
class SavesUser(generics.GenericAPIView):
    created_by_field: str | None = None
    saved_by_field: str | None = None

    def user_fields(self, *, created: bool) -> dict[str, Any]:
        names = [self.saved_by_field, self.created_by_field if created else None]
        return {name: self.request.user for name in names if name}

    def perform_create(self, serializer: serializers.BaseSerializer) -> None:
        serializer.save(**self.user_fields(created=True))

    def perform_update(self, serializer: serializers.BaseSerializer) -> None:
        serializer.save(**self.user_fields(created=False))
