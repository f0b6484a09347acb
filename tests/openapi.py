"""The OpenAPI description drf-spectacular builds, generated once per test process.

Generating it takes seconds, and many tests only read it (does it describe an app's
endpoints, how does it word them). They share one copy made the way
`manage.py spectacular --validate --format openapi-json` makes it: the schema generator
of the settings, validated against the OpenAPI specification, rendered to JSON. The
command itself and the /api/schema/ page are tested in tests/api/test_schema.py.
"""

import functools
import json
from dataclasses import dataclass

from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.renderers import OpenApiJsonRenderer
from drf_spectacular.settings import spectacular_settings
from drf_spectacular.validation import validate_schema


@dataclass(frozen=True)
class Generated:
    text: str  # the JSON document, as the command writes it
    warned: bool  # drf-spectacular warned or erred while generating it


@functools.cache
def generated() -> Generated:
    schema = spectacular_settings.DEFAULT_GENERATOR_CLASS().get_schema(request=None, public=True)
    warned = bool(GENERATOR_STATS)  # get_schema starts from no warnings
    validate_schema(schema)  # raises if it is not valid OpenAPI
    text = OpenApiJsonRenderer().render(schema, renderer_context={}).decode()
    return Generated(text=text, warned=warned)


def openapi_text() -> str:
    return generated().text


def openapi_schema() -> dict:
    """A fresh copy of the description each time, so a test may change it."""
    return json.loads(generated().text)
