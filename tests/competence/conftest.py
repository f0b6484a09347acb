"""A small competence catalogue around the named people of tests/conftest.py.

Alice (employee, Team Chatt under Kundservice) holds the CX role "Agent". The Agent
role requires two activities of the "Listen" area: `listening` at U and `escalation`
at L. Dave is a trainer: an employee in Sales holding O in `listening`. Bob coordinates
Kundservice (Alice's unit is below it); Carol coordinates Sales (not Alice's).
"""

import datetime as dt

import pytest

from cxlean.competence.models import Level
from cxlean.org.roles import EMPLOYEE
from tests.factories import (
    AreaFactory,
    CompetenceActivityFactory,
    CXRoleFactory,
    RecordFactory,
    RequirementFactory,
    UserFactory,
)

TODAY = dt.date(2026, 11, 22)


@pytest.fixture
def agent_role(db):
    return CXRoleFactory(slug="agent", name_sv="Kundrådgivare", name_en="Agent")


@pytest.fixture
def listen_area(db):
    return AreaFactory(name_sv="Lyssna", name_en="Listen", order=1)


@pytest.fixture
def listening(listen_area, agent_role):
    activity = CompetenceActivityFactory(
        area=listen_area,
        code="listening",
        title_sv="Aktivt lyssnande",
        title_en="Active listening",
        validity_months=12,
    )
    RequirementFactory(activity=activity, role=agent_role, level=Level.U)
    return activity


@pytest.fixture
def escalation(listen_area, agent_role):
    activity = CompetenceActivityFactory(
        area=listen_area, code="escalation", title_sv="Eskalera rätt", title_en="Escalate well"
    )
    RequirementFactory(activity=activity, role=agent_role, level=Level.L)
    return activity


@pytest.fixture
def agent_alice(alice, agent_role):
    alice.profile.cx_roles.add(agent_role)
    return alice


@pytest.fixture
def dave(sales_unit, listening):
    """A trainer: holds O in active listening, works in Sales."""
    dave = UserFactory(username="dave", first_name="Dave", role=EMPLOYEE, unit=sales_unit)
    RecordFactory(person=dave, activity=listening, level=Level.O, self_level=Level.O)
    return dave
