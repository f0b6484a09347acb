"""Factories of the Gemba app (base factories in tests/factories.py)."""

import datetime as dt

import factory
from django.utils import timezone

from cxlean.gemba.models import (
    Answer,
    Frequency,
    Observation,
    Question,
    QuestionSet,
    Schedule,
    Severity,
    Walk,
    Weekday,
)
from tests.factories import UnitFactory, UserFactory


class QuestionSetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuestionSet

    code = factory.Sequence(lambda n: f"question-set-{n}")
    name_sv = factory.Sequence(lambda n: f"Frågeunderlag {n}")
    name_en = factory.Sequence(lambda n: f"Question set {n}")


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    question_set = factory.SubFactory(QuestionSetFactory)
    order = factory.Sequence(lambda n: n)
    text_sv = factory.Sequence(lambda n: f"Var väntar kunden? ({n})")
    text_en = factory.Sequence(lambda n: f"Where does the customer wait? ({n})")


class ScheduleFactory(factory.django.DjangoModelFactory):
    """Every second Tuesday at 09:00 from 6 January 2026 (a Tuesday)."""

    class Meta:
        model = Schedule

    unit = factory.SubFactory(UnitFactory)
    title = factory.Sequence(lambda n: f"Kundtjänstgolvet {n}")
    place = "Kundtjänstgolvet"
    leader = factory.SubFactory(UserFactory, unit=factory.SelfAttribute("..unit"))
    frequency = Frequency.WEEKLY
    interval = 2
    weekday = Weekday.TUESDAY
    start_time = dt.time(9, 0)
    duration_minutes = 30
    starts_on = dt.date(2026, 1, 6)
    active = True


class WalkFactory(factory.django.DjangoModelFactory):
    """A planned walk on the customer service floor, a week from now at 09:00."""

    class Meta:
        model = Walk
        skip_postgeneration_save = True

    unit = factory.SubFactory(UnitFactory)
    planned_start = factory.LazyFunction(
        lambda: timezone.make_aware(
            dt.datetime.combine(timezone.localdate() + dt.timedelta(days=7), dt.time(9, 0))
        )
    )
    leader = factory.SubFactory(UserFactory, unit=factory.SelfAttribute("..unit"))
    place = "Kundtjänstgolvet"

    @factory.post_generation
    def participants(self, create, extracted, **kwargs):
        if create and extracted:
            self.participants.set(extracted)


class AnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Answer

    walk = factory.SubFactory(WalkFactory)
    question = factory.SubFactory(QuestionFactory)
    text = "Kunden väntar i telefonkön."


class ObservationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Observation

    walk = factory.SubFactory(WalkFactory)
    text = factory.Sequence(lambda n: f"Kunden får vänta vid disken ({n}).")
    severity = Severity.MEDIUM
