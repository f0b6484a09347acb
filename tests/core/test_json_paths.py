"""Paths into parsed JSON (cxlean.core.json_paths), as survey sources map their answers."""

import pytest
from django.core.exceptions import ValidationError

from cxlean.core.json_paths import MISSING, path_steps, validate_path, value_at

DATA = {"response": {"nps": {"score": 9}}, "answers": [{"value": 3}, {"value": None}]}


@pytest.mark.parametrize(
    ("path", "steps"),
    [
        ("response.nps.score", ["response", "nps", "score"]),
        ("answers[0].value", ["answers", 0, "value"]),
        ("[2].id", [2, "id"]),
        ("a[1][0]", ["a", 1, 0]),
        ("svar-id", ["svar-id"]),
    ],
)
def test_a_path_is_names_and_positions(path, steps):
    assert path_steps(path) == steps
    validate_path(path)


@pytest.mark.parametrize("path", ["a..b", ".a", "a.", "a[x]", "a[-1]", "a[1", "a]"])
def test_what_is_not_a_path(path):
    with pytest.raises(ValidationError):
        validate_path(path)


def test_a_value_is_found_or_missing():
    assert value_at(DATA, "response.nps.score") == 9
    assert value_at(DATA, "answers[0].value") == 3
    assert value_at(DATA, "answers[1].value") is None
    for nowhere in ("answers[2].value", "response.csat", "response.nps.score.x", "answers.x"):
        assert value_at(DATA, nowhere) is MISSING
    assert value_at([{"id": 1}], "[0].id") == 1
