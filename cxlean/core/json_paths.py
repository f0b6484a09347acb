"""Paths into parsed JSON, as integrators write them: `response.nps.score`,
`answers[0].value`, `[2].id` (a list at the top). A name is any run of characters but
`.`, `[` and `]`; an index is a whole number from 0.

`value_at(data, path)` answers `MISSING` rather than raising when the path leads
nowhere, so a caller can say which path was missing in its own words."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MISSING: Any = object()
_STEP = re.compile(r"\.?([^.\[\]]+)|\[(\d+)\]")


def path_steps(path: str) -> list[str | int]:
    """The names and indexes of `path`; ValueError when it is not a path."""
    steps: list[str | int] = []
    position = 0
    while position < len(path):
        match = _STEP.match(path, position)
        if match is None or (position == 0 and path.startswith(".")):
            raise ValueError(path)
        name, index = match.groups()
        steps.append(int(index) if index is not None else name)
        position = match.end()
    if not steps or path.endswith("."):
        raise ValueError(path)
    return steps


def validate_path(path: str) -> None:
    if not path:
        return
    try:
        path_steps(path)
    except ValueError:
        raise ValidationError(
            _(
                "“%(path)s” is not a path: write names with dots and list positions in brackets, "
                "e.g. response.nps.score or answers[0].value."
            ),
            params={"path": path},
            code="invalid",
        ) from None


def value_at(data: Any, path: str) -> Any:
    """What `path` leads to in `data`, or `MISSING`."""
    for step in path_steps(path):
        if isinstance(step, int):
            if not isinstance(data, list) or step >= len(data):
                return MISSING
        elif not isinstance(data, dict) or step not in data:
            return MISSING
        data = data[step]
    return data
