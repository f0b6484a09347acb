"""The maturity model shipped in fixtures/maturity.json, loaded add-only."""

import json

import pytest

from cxlean.maturity.catalogue import MATURITY_FIXTURE, create_missing_maturity_model
from cxlean.maturity.models import Dimension, LevelDescriptor, MaturityLevel, Question

pytestmark = pytest.mark.django_db


def test_the_fixture_is_complete_and_bilingual():
    rows = json.loads(MATURITY_FIXTURE.read_text(encoding="utf-8"))
    models = {row["model"] for row in rows}
    assert models == {
        "maturity.maturitylevel",
        "maturity.dimension",
        "maturity.question",
        "maturity.leveldescriptor",
    }
    for row in rows:
        fields = row["fields"]
        for name in ("name", "text"):
            if f"{name}_sv" in fields:
                assert fields[f"{name}_sv"] and fields[f"{name}_en"], row
                assert fields[f"{name}_sv"] != fields[f"{name}_en"], row


def test_it_loads_the_levels_six_dimensions_and_a_descriptor_per_level():
    assert create_missing_maturity_model() == (6, 0)
    assert [str(level.lower_bound) for level in MaturityLevel.objects.all()] == [
        "1.00",
        "1.80",
        "2.60",
        "3.40",
        "4.20",
    ]
    for level in MaturityLevel.objects.all():
        level.full_clean()
    assert list(Dimension.objects.values_list("code", flat=True)) == [
        "strategy-leadership",
        "organisation-responsibilities",
        "journey-processes",
        "technology-data",
        "data-driven-governance",
        "culture-improvement",
    ]
    for dimension in Dimension.objects.all():
        assert 3 <= dimension.questions.count() <= 4
    for question in Question.objects.all():
        assert sorted(question.descriptors.values_list("level", flat=True)) == [1, 2, 3, 4, 5]


def test_loading_again_adds_only_what_is_missing_and_keeps_edits():
    create_missing_maturity_model()
    strategy = Dimension.objects.get(code="strategy-leadership")
    strategy.name_sv = "Vår strategi"
    strategy.save()
    strategy.questions.first().descriptors.filter(level=5).delete()
    MaturityLevel.objects.filter(number=5).update(name_en="Leading")
    Dimension.objects.get(code="technology-data").questions.all().delete()
    Dimension.objects.filter(code="technology-data").delete()
    assert create_missing_maturity_model() == (1, 5)
    assert Dimension.objects.get(code="strategy-leadership").name_sv == "Vår strategi"
    assert MaturityLevel.objects.get(number=5).name_en == "Leading"
    assert LevelDescriptor.objects.count() == 18 * 5 - 1
    assert Dimension.objects.get(code="technology-data").questions.count() == 3
    assert create_missing_maturity_model() == (0, 6)
