"""Property-based run of every API operation against the OpenAPI description.

Schemathesis generates requests from the schema drf-spectacular builds in this process
(valid and invalid ones), sends them to the WSGI app as a coordinator (Bob) and as an
employee (Alice), and checks that no answer is a server error and that every answer
matches the schema it declares. The run is derandomized with a fixed seed and a few
examples per operation, so it takes minutes and finds the same thing every time.

The data is built once for the module with the factories: a few objects of each kind
in both people's units. Writes made by the generated requests are rolled back after
each operation (each test runs in its own savepoint of the module's transaction).
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from cxlean.org.roles import COORDINATOR, EMPLOYEE
from tests import factories as f
from tests.checklists import factories as checklists
from tests.gemba import factories as gemba
from tests.maturity import factories as maturity
from tests.metrics import factories as metrics
from tests.notifications import factories as notifications
from tests.openapi import openapi_schema

EXAMPLES_PER_OPERATION = 6
SEED = 20261207


def build_schema() -> schemathesis.BaseSchema:
    raw = openapi_schema()
    config = SchemathesisConfig(seed=SEED)
    config.projects.default.phases.update(phases=["examples", "fuzzing"])
    schema = schemathesis.openapi.from_dict(raw, config=config)
    schema.app = get_wsgi_application()
    return schema


schema = build_schema()


def build_world() -> dict:
    """A small organisation: Bob coordinates Kundservice, Alice works in its chat team,
    Carol coordinates Sales; each unit has plans, competence, backlog, journeys,
    checklists, Gemba walks, metrics and a maturity assessment."""
    company = f.UnitFactory(name="Företaget", code="company")
    service = f.UnitFactory(name="Kundservice", code="service", parent=company)
    team = f.UnitFactory(name="Team Chatt", code="chat", parent=service)
    sales = f.UnitFactory(name="Försäljning", code="sales", parent=company)
    bob = f.UserFactory(username="bob", role=COORDINATOR, unit=service)
    alice = f.UserFactory(username="alice", role=EMPLOYEE, unit=team)
    carol = f.UserFactory(username="carol", role=COORDINATOR, unit=sales)
    role = f.CXRoleFactory()
    alice.profile.cx_roles.add(role)
    step = f.GuideStepFactory()
    f.GuideActivityFactory(step=step)
    maturity.make_levels()
    for unit, coordinator, member in ((service, bob, alice), (sales, carol, carol)):
        plan = f.PlanFactory(unit=unit, coordinator=coordinator)
        phase = f.PhaseFactory(plan=plan)
        f.ActivityFactory(phase=phase, owner=member)
        area = f.AreaFactory()
        activity = f.CompetenceActivityFactory(area=area)
        f.RequirementFactory(activity=activity, role=role)
        f.RecordFactory(person=member, activity=activity)
        journey = f.JourneyFactory(unit=unit)
        stage = f.StageFactory(journey=journey)
        first = f.TouchpointFactory(stage=stage)
        second = f.TouchpointFactory(stage=stage)
        f.TransitionFactory(source=first, target=second)
        f.FeedbackFactory(unit=unit, touchpoint=first)
        item = f.ItemFactory(unit=unit, submitted_by=member, owner=coordinator, touchpoint=first)
        f.CommentFactory(item=item, author=member)
        template = checklists.TemplateFactory(role=role)
        template_item = checklists.TemplateItemFactory(template=template)
        assignment = checklists.AssignmentFactory(template=template, unit=unit)
        checklists.CompletionFactory(assignment=assignment, item=template_item, person=member)
        question_set = gemba.QuestionSetFactory()
        question = gemba.QuestionFactory(question_set=question_set)
        gemba.ScheduleFactory(unit=unit, leader=coordinator)
        walk = gemba.WalkFactory(unit=unit, leader=coordinator, participants=[member])
        gemba.AnswerFactory(walk=walk, question=question)
        gemba.ObservationFactory(walk=walk)
        metric = metrics.MetricFactory()
        metrics.TargetFactory(metric=metric, unit=unit)
        metrics.SurveyAnswerFactory(metric=metric, unit=unit)
        metrics.MeasurementFactory(metric=metric, unit=unit)
        dimension_question = maturity.QuestionFactory()
        assessment = maturity.AssessmentFactory(unit=unit, assessors=[member])
        maturity.AnswerFactory(assessment=assessment, question=dimension_question, assessor=member)
        notifications.NotificationFactory(user=member)
        deck = f.deck_with_cards(3, unit=unit)
        game = f.GameSessionFactory(unit=unit, deck=deck, facilitator=coordinator)
        f.TeamMemberFactory(team=f.TeamFactory(session=game), user=member)
    return {
        "bob": Token.objects.create(user=bob).key,
        "alice": Token.objects.create(user=alice).key,
    }


@pytest.fixture(scope="module")
def tokens(django_db_setup, django_db_blocker):
    """The data, built once in a transaction that is rolled back after the module.

    The requests go to the real WSGI handler, which closes the database connection
    after each request (a connection in a transaction looks obsolete to it); like
    Django's test client, the run keeps it open so the transaction survives."""
    with django_db_blocker.unblock():
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["bob", "alice"])
@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_api(case, who, tokens):
    response = case.call(headers={"Authorization": f"Token {tokens[who]}"})
    case.validate_response(
        response,
        checks=[not_a_server_error, response_schema_conformance, status_code_conformance],
    )


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["bob", "alice"])
@pytest.mark.parametrize(
    "endpoint", ["plans", "competence-records", "improvements", "gemba-walks", "assessments"]
)
def test_the_run_reads_real_data(tokens, who, endpoint):
    """The generated requests are signed in and meet rows, not empty lists."""
    response = APIClient().get(f"/api/v1/{endpoint}/", HTTP_AUTHORIZATION=f"Token {tokens[who]}")
    assert response.status_code == 200
    assert response.json()["count"] >= 1
