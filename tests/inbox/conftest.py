"""A Kundservice with something waiting in every area, and a Försäljning beside it.

Alice (employee, Team Chatt) owns a late activity, has a checklist (1 of 2 done), joins
an overdue Gemba walk, assesses a maturity questionnaire (1 of 3 answered), waits for a
sign-off, had a level rejected, has a trainee goal due in three days and an idea not yet
triaged. Dave (employee, Kundservice) gives Bob (their coordinator) late and blocked
work, an overdue checklist, a walk to report, a recurring walk to plan and a Green Card
expiring. Sam in
Försäljning has the same kinds of things: only Carol (their coordinator) sees them.
"""

import datetime as dt

import pytest
from django.utils import timezone

from cxlean.backlog.models import Status as ItemStatus
from cxlean.competence.models import Level
from cxlean.exports.models import ExportJob, JobStatus, Kind
from cxlean.maturity.models import Status as AssessmentStatus
from cxlean.org.roles import EMPLOYEE
from cxlean.plans.models import Activity
from tests.checklists.factories import AssignmentFactory, CompletionFactory, TemplateItemFactory
from tests.factories import (
    ActivityFactory,
    CompetenceActivityFactory,
    GoalFactory,
    GreenCardFactory,
    ItemFactory,
    PhaseFactory,
    RecordFactory,
    TraineePlanFactory,
    UserFactory,
)
from tests.gemba.factories import ScheduleFactory, WalkFactory
from tests.maturity.factories import AnswerFactory, AssessmentFactory, QuestionFactory


def days(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


def at(n: int) -> dt.datetime:
    return timezone.now() + dt.timedelta(days=n)


@pytest.fixture
def dave(service_unit):
    return UserFactory(username="dave", first_name="Dave", role=EMPLOYEE, unit=service_unit)


@pytest.fixture
def sam(sales_unit):
    return UserFactory(username="sam", first_name="Sam", role=EMPLOYEE, unit=sales_unit)


def unit_work(unit, coordinator, person, tag: str) -> None:
    """What a coordinator of `unit` is to act on, from `person`: a late and a blocked
    activity, an overdue checklist, a walk to report, a recurring walk without a leader
    (to plan), a sign-off, an idea, a card."""
    phase = PhaseFactory(plan__unit=unit, plan__coordinator=coordinator, plan__name=f"Plan {tag}")
    ActivityFactory(
        phase=phase, owner=person, title=f"Late work {tag}", start_date=days(-9), due_date=days(-2)
    )
    ActivityFactory(
        phase=phase,
        owner=person,
        title=f"Blocked work {tag}",
        status=Activity.Status.BLOCKED,
        start_date=days(-1),
        due_date=days(20),
    )
    item = TemplateItemFactory()
    AssignmentFactory(
        template=item.template, unit=unit, person=person, role=None, due_date=days(-3)
    )
    WalkFactory(unit=unit, leader=person, planned_start=at(-3), place=f"Walk {tag}")
    ScheduleFactory(unit=unit, leader=None, title=f"Round {tag}")
    RecordFactory(person=person, level=Level.I, self_level=Level.U)
    ItemFactory(unit=unit, submitted_by=person, title=f"Idea {tag}")
    GreenCardFactory(person=person, issued_on=days(-700), expires_on=days(10))


@pytest.fixture
def everything(alice, bob, carol, dave, sam, maria, service_unit, service_team, sales_unit):
    # rollout plans
    phase = PhaseFactory(plan__unit=service_unit, plan__coordinator=bob, plan__name="Chat rollout")
    ActivityFactory(
        phase=phase,
        owner=alice,
        title="Map the chat journey",
        start_date=days(-5),
        due_date=days(-1),
    )
    # checklists: 1 of 2 done, due in 20 days
    first = TemplateItemFactory(template__title_sv="Introduktion", template__title_en="Onboarding")
    TemplateItemFactory(template=first.template)
    mine = AssignmentFactory(
        template=first.template, unit=service_team, person=alice, role=None, due_date=days(20)
    )
    CompletionFactory(assignment=mine, item=first, person=alice)
    # Gemba: an overdue walk she joins; the last done walk with an open improvement
    WalkFactory(
        unit=service_unit,
        leader=bob,
        participants=[alice],
        planned_start=at(-2),
        place="Kundtjänstgolvet",
    )
    done = WalkFactory(
        unit=service_unit,
        leader=alice,
        planned_start=at(-20),
        place="Disken",
        status="done",
        actual_minutes=30,
    )
    follow_up = ItemFactory(unit=service_unit, title="Shorter queue", status=ItemStatus.DO)
    done.observations.create(text="Long queue", improvement=follow_up)
    # maturity: she is an assessor, 1 of 3 answered
    questions = QuestionFactory.create_batch(3)
    assessment = AssessmentFactory(unit=service_unit, assessors=[alice], title="Kundservice 2026")
    AnswerFactory(assessment=assessment, question=questions[0], assessor=alice)
    # competence
    RecordFactory(person=alice, activity__title_sv="Kundresan", level=Level.I, self_level=Level.L)
    RecordFactory(
        person=alice,
        activity__title_sv="Gemba",
        level=Level.I,
        self_level=Level.L,
        rejected_level=Level.L,
        rejection_comment="Visa ett exempel först",
    )
    goal_activity = CompetenceActivityFactory(title_sv="Förbättringstavlan")
    GoalFactory(
        plan=TraineePlanFactory(person=alice, start_date=days(-30)),
        activity=goal_activity,
        due_date=days(3),
    )
    # improvements: her idea, not yet triaged
    ItemFactory(unit=service_team, submitted_by=alice, title="Chat at night")
    # what the coordinators act on
    unit_work(service_unit, bob, dave, "service")
    unit_work(sales_unit, carol, sam, "sales")
    # an export Bob asked for, finished
    ExportJob.objects.create(
        kind=Kind.BACKLOG, requested_by=bob, status=JobStatus.DONE, finished_at=timezone.now()
    )
    # management: an assessment completed yesterday
    AssessmentFactory(
        unit=sales_unit,
        title="Försäljning 2026",
        status=AssessmentStatus.COMPLETED,
        completed_at=at(-1),
    )
