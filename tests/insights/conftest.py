"""Hand-built evidence for Kundservice (with Team Chatt) and Försäljning in 2026.

- Green Cards: one CX role requiring one activity. Alice (Team Chatt) holds the role, a
  signed-off record and a valid card; Erik (Kundservice) holds the role and nothing else.
- Rollout: Kundservice's plan (5 Jan–18 Dec 2026) has four live activities due end of
  February, March, June and 15 December, the first two done, and a cancelled one.
- Backlog: two improvements of Team Chatt reached Act in 2026, after 10 and 30 days;
  Försäljning has one open idea.
- Gemba: Team Chatt planned three walks in 2026 (two done) and cancelled one.
"""

import datetime as dt

import pytest
from django.utils import timezone

from cxlean.backlog.models import Status, StatusChange
from cxlean.competence.models import Level
from cxlean.gemba.models import WalkStatus
from cxlean.org.roles import EMPLOYEE
from cxlean.plans.models import Activity
from tests.factories import (
    ActivityFactory,
    GreenCardFactory,
    ItemFactory,
    PhaseFactory,
    PlanFactory,
    RecordFactory,
    RequirementFactory,
    UserFactory,
)
from tests.gemba.factories import WalkFactory

YEAR = (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
TODAY = dt.date(2027, 1, 10)


def local(day: dt.date, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@pytest.fixture
def green_cards(alice, service_unit):
    requirement = RequirementFactory(level=Level.U)
    alice.profile.cx_roles.add(requirement.role)
    erik = UserFactory(username="erik", first_name="Erik", role=EMPLOYEE, unit=service_unit)
    erik.profile.cx_roles.add(requirement.role)
    RecordFactory(person=alice, activity=requirement.activity, level=Level.U)
    GreenCardFactory(person=alice, issued_on=dt.date(2026, 3, 1), expires_on=dt.date(2028, 3, 1))
    return requirement.role


@pytest.fixture
def rollout(service_unit):
    phase = PhaseFactory(plan=PlanFactory(unit=service_unit))
    due = [dt.date(2026, 2, 28), dt.date(2026, 3, 31), dt.date(2026, 6, 30), dt.date(2026, 12, 15)]
    for index, day in enumerate(due):
        status = Activity.Status.DONE if index < 2 else Activity.Status.PLANNED
        ActivityFactory(phase=phase, start_date=day.replace(day=1), due_date=day, status=status)
    ActivityFactory(phase=phase, due_date=dt.date(2026, 4, 30), status=Activity.Status.CANCELLED)
    return phase.plan


def finished_item(unit, created: dt.date, days: int):
    item = ItemFactory(unit=unit, status=Status.ACT, created_at=local(created))
    StatusChange.objects.create(
        item=item,
        from_status=Status.CHECK,
        to_status=Status.ACT,
        at=local(created + dt.timedelta(days=days)),
    )
    return item


@pytest.fixture
def backlog(service_team, sales_unit):
    finished_item(service_team, dt.date(2026, 3, 1), 10)
    finished_item(service_team, dt.date(2026, 4, 1), 30)
    finished_item(service_team, dt.date(2025, 5, 1), 20)  # finished in 2025
    ItemFactory(unit=sales_unit, created_at=local(dt.date(2026, 2, 1)))


@pytest.fixture
def walks(service_team):
    WalkFactory(unit=service_team, planned_start=local(dt.date(2026, 2, 3)), status=WalkStatus.DONE)
    WalkFactory(unit=service_team, planned_start=local(dt.date(2026, 5, 5)), status=WalkStatus.DONE)
    WalkFactory(unit=service_team, planned_start=local(dt.date(2026, 9, 1)))
    WalkFactory(
        unit=service_team, planned_start=local(dt.date(2026, 10, 6)), status=WalkStatus.CANCELLED
    )
    WalkFactory(unit=service_team, planned_start=local(dt.date(2025, 10, 6)))  # before 2026


@pytest.fixture
def evidence_data(green_cards, rollout, backlog, walks):
    """Everything above."""


# --- maturity and CX metrics, relative to today (the dashboard reads today) --------------
# Kundservice was assessed twice: 2.00 (level 2) about 200 days ago, 3.50 (level 4) 20 days
# ago; Försäljning once, 1.50 (level 1). NPS has a company-wide target of 20: Kundservice
# entered 25 and then 35 (12 answers, a small sample) for the last two months, Försäljning
# 10 for last month (off target).

LEVELS = [
    (1, "Reaktiv", "Reactive", "1.00"),
    (2, "Medveten", "Aware", "1.80"),
    (3, "Definierad", "Defined", "2.60"),
    (4, "Styrd", "Managed", "3.40"),
    (5, "Proaktiv", "Proactive", "4.20"),
]


def months_ago(months: int) -> dt.date:
    today = timezone.localdate()
    year, month = divmod(today.year * 12 + today.month - 1 - months, 12)
    return dt.date(year, month + 1, 1)


@pytest.fixture
def maturity_model(db):
    from decimal import Decimal

    from cxlean.maturity.models import Dimension, MaturityLevel, Question

    for number, sv, en, bound in LEVELS:
        MaturityLevel.objects.create(
            number=number, name_sv=sv, name_en=en, lower_bound=Decimal(bound)
        )
    strategy = Dimension.objects.create(
        code="strategy",
        order=1,
        name_sv="Strategi och ledarskap",
        name_en="Strategy and leadership",
    )
    culture = Dimension.objects.create(
        code="culture",
        order=6,
        name_sv="Kultur och ständiga förbättringar",
        name_en="Culture and continuous improvement",
    )
    return [
        Question.objects.create(
            dimension=dimension, code=f"{dimension.code}-1", text_sv="Fråga", text_en="Question"
        )
        for dimension in (strategy, culture)
    ]


def completed_assessment(unit, days_ago: int, scores: list[int], questions, assessor):
    from cxlean.maturity.models import Assessment, AssessmentAnswer, Status

    assessment = Assessment.objects.create(
        unit=unit,
        assessed_on=timezone.localdate() - dt.timedelta(days=days_ago),
        title=f"Självskattning {unit.name}",
        status=Status.COMPLETED,
        completed_at=timezone.now(),
    )
    assessment.assessors.add(assessor)
    for question, score in zip(questions, scores, strict=True):
        AssessmentAnswer.objects.create(
            assessment=assessment, question=question, assessor=assessor, score=score
        )
    return assessment


@pytest.fixture
def nps(db):
    from cxlean.metrics.models import Metric

    return Metric.objects.create(
        kind="nps", name_sv="NPS", name_en="NPS", scale_min=0, scale_max=10, order=1
    )


def entered(metric, unit, months: int, value: str, sample: int = 100):
    from decimal import Decimal

    from cxlean.metrics.models import Measurement

    return Measurement.objects.create(
        metric=metric,
        unit=unit,
        period_kind="month",
        period_start=months_ago(months),
        value=Decimal(value),
        sample_size=sample,
    )


@pytest.fixture
def review(maturity_model, nps, company, service_unit, service_team, sales_unit, bob, carol):
    from decimal import Decimal

    from cxlean.metrics.models import Target

    completed_assessment(service_unit, 200, [2, 2], maturity_model, bob)
    completed_assessment(service_unit, 20, [3, 4], maturity_model, bob)
    completed_assessment(sales_unit, 30, [1, 2], maturity_model, carol)
    Target.objects.create(
        metric=nps, unit=company, value=Decimal("20"), valid_from=dt.date(2020, 1, 1)
    )
    entered(nps, service_unit, 2, "25")
    entered(nps, service_unit, 1, "35", sample=12)
    entered(nps, sales_unit, 1, "10")
