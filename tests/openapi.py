"""The OpenAPI description drf-spectacular builds, generated once per test process.

Generating it takes seconds, and many tests only read it (does it describe an app's
endpoints, how does it word them). They share one copy made the way
`manage.py spectacular --format openapi-json` makes it: the schema generator of the
settings, rendered to JSON. The command itself (with --validate and --fail-on-warn, so
the whole document is valid OpenAPI without warnings) and the /api/schema/ page are
tested in tests/api/test_schema.py.
"""

import functools
import json
from dataclasses import dataclass

from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.renderers import OpenApiJsonRenderer
from drf_spectacular.settings import spectacular_settings


@dataclass(frozen=True)
class Generated:
    text: str  # the JSON document, as the command writes it
    warned: bool  # drf-spectacular warned or erred while generating it


@functools.cache
def generated() -> Generated:
    schema = spectacular_settings.DEFAULT_GENERATOR_CLASS().get_schema(request=None, public=True)
    warned = bool(GENERATOR_STATS)  # get_schema starts from no warnings
    text = OpenApiJsonRenderer().render(schema, renderer_context={}).decode()
    return Generated(text=text, warned=warned)


def openapi_text() -> str:
    return generated().text


def openapi_schema() -> dict:
    """A fresh copy of the description each time, so a test may change it."""
    return json.loads(generated().text)
