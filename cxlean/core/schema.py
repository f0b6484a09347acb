"""The OpenAPI description says what the API really answers.

`AutoSchema` adds three rules to drf-spectacular's mapping, for every serializer:

- a field that can answer `null` is nullable in responses: a field with `default=None`
  (a name read through a relation that may be empty, e.g. `touchpoint.name`) and a
  SerializerMethodField whose method is annotated `-> ... | None`;
- a time of day is a string `HH:MM[:SS[.ffffff]]`: JSON Schema's `time` format is
  RFC 3339's full time, which needs a UTC offset that local times of day do not have;
- a URL field that may be blank has no `uri` format (an empty string is not a URI).
"""

from __future__ import annotations

import inspect
import re
import types
import typing

from django.core.exceptions import FieldDoesNotExist
from drf_spectacular import openapi
from rest_framework import serializers
from rest_framework.fields import empty

TIME_PATTERN = r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,6})?)?$"


def own_enum(choices, enum_id: str) -> dict:
    """A choice set described as an enum of its own in the schema. The statuses appear
    under several names (status, to, from_status, allowed_moves...); without its own id
    each use would make drf-spectacular warn about one choice set with many names."""
    values = [value for value, _label in choices]
    numbers = all(isinstance(value, int) and not isinstance(value, bool) for value in values)
    return {
        "type": "integer" if numbers else "string",
        "enum": values,
        "x-spec-enum-id": f"cxlean-{enum_id}",
    }


def returns_none(method) -> bool:
    """Whether a method's return annotation admits None."""
    annotation = inspect.signature(method).return_annotation
    if annotation is inspect.Signature.empty:
        return False
    if isinstance(annotation, str):
        return re.search(r"\bNone\b|Optional\[", annotation) is not None
    return type(None) in typing.get_args(annotation) or (
        isinstance(annotation, types.UnionType) and type(None) in annotation.__args__
    )


def may_answer_null(field) -> bool:
    if getattr(field, "default", empty) is None:
        return True
    if isinstance(field, serializers.SerializerMethodField) and field.parent is not None:
        method = getattr(field.parent, field.method_name, None)
        return method is not None and returns_none(method)
    return False


def may_be_blank(field) -> bool:
    """Whether a field may hold "": it allows blank input, or it reads a model field
    that may be blank (read-only model fields do not carry `allow_blank`)."""
    if getattr(field, "allow_blank", False):
        return True
    model = getattr(getattr(field.parent, "Meta", None), "model", None)
    if model is None or not field.source or "." in field.source:
        return False
    try:
        return model._meta.get_field(field.source).blank
    except FieldDoesNotExist:
        return False


class AutoSchema(openapi.AutoSchema):
    def _get_serializer_field_meta(self, field, direction):
        meta = super()._get_serializer_field_meta(field, direction)
        if direction == "response" and may_answer_null(field):
            meta["nullable"] = True
        return meta

    def _insert_field_validators(self, field, schema):
        # Runs after the field is mapped, and adds formats of its own (URLValidator).
        super()._insert_field_validators(field, schema)
        if isinstance(field, serializers.TimeField) and schema.get("format") == "time":
            del schema["format"]
            schema["pattern"] = TIME_PATTERN
            schema.setdefault("example", "09:00:00")
        if (
            isinstance(field, serializers.URLField)
            and schema.get("format") == "uri"
            and may_be_blank(field)
        ):
            del schema["format"]


ERROR_SCHEMA = {
    "type": "object",
    "description": (
        "An error: `detail` says what went wrong; a 400 on a form-like request lists "
        "the messages by field name instead (`non_field_errors` for the request as a whole)."
    ),
    "properties": {"detail": {"type": "string"}},
    "additionalProperties": True,
}

ERROR_RESPONSES = {
    "400": "The request could not be read or is not valid; nothing was changed.",
    "403": "Not signed in, or not allowed to do this.",
    "404": "No such object (or not one you may see), or no such page of a list.",
}


def declare_error_responses(result, generator, request, public):
    """A drf-spectacular post-processing hook: every operation lists the errors it can
    answer, with their JSON shape, so clients (and the tests) know every status."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    content = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for code, description in ERROR_RESPONSES.items():
                responses.setdefault(code, {"description": description, "content": content})
            if "requestBody" in operation:
                responses.setdefault(
                    "415",
                    {"description": "A content type the API does not read.", "content": content},
                )
    return result
