"""Factories of the maturity app (base factories in tests/factories.py)."""

import datetime as dt
from decimal import Decimal

import factory

from cxlean.maturity.models import (
    Assessment,
    AssessmentAnswer,
    Dimension,
    LevelDescriptor,
    MaturityLevel,
    Question,
)
from tests.factories import UnitFactory, UserFactory

LEVELS = (
    (1, "Reaktiv", "Reactive", "1.00"),
    (2, "Medveten", "Aware", "1.80"),
    (3, "Definierad", "Defined", "2.60"),
    (4, "Styrd", "Managed", "3.40"),
    (5, "Proaktiv och strategisk", "Proactive and strategic", "4.20"),
)


def make_levels() -> list[MaturityLevel]:
    return [
        MaturityLevel.objects.create(
            number=number, name_sv=sv, name_en=en, lower_bound=Decimal(bound)
        )
        for number, sv, en, bound in LEVELS
    ]


class DimensionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dimension

    code = factory.Sequence(lambda n: f"dimension-{n}")
    order = factory.Sequence(lambda n: n)
    name_sv = factory.Sequence(lambda n: f"Dimension {n}")
    name_en = factory.Sequence(lambda n: f"Dimension {n} (en)")


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question
        skip_postgeneration_save = True

    dimension = factory.SubFactory(DimensionFactory)
    code = factory.Sequence(lambda n: f"question-{n}")
    order = factory.Sequence(lambda n: n)
    text_sv = factory.Sequence(lambda n: f"Fråga {n}?")
    text_en = factory.Sequence(lambda n: f"Question {n}?")

    @factory.post_generation
    def descriptors(self, create, extracted, **kwargs):
        if not create or extracted is False:
            return
        LevelDescriptor.objects.bulk_create(
            LevelDescriptor(
                question=self,
                level=level,
                text_sv=f"Nivå {level} för {self.code}",
                text_en=f"Level {level} for {self.code}",
            )
            for level in range(1, 6)
        )


class AssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assessment
        skip_postgeneration_save = True

    unit = factory.SubFactory(UnitFactory)
    assessed_on = dt.date(2026, 1, 15)
    title = factory.Sequence(lambda n: f"Självskattning {n}")

    @factory.post_generation
    def assessors(self, create, extracted, **kwargs):
        if create and extracted:
            self.assessors.set(extracted)


class AnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AssessmentAnswer

    assessment = factory.SubFactory(AssessmentFactory)
    question = factory.SubFactory(QuestionFactory)
    assessor = factory.SubFactory(UserFactory)
    score = 3
