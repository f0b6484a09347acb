"""API test helpers: logged-in API clients, a plan in each department, query counting.

Service plan: Bob's unit, Alice owns one of its activities. Sales plan: Carol's unit.
"""

import pytest
from rest_framework.test import APIClient

from tests.factories import PASSWORD, ActivityFactory, PhaseFactory, PlanFactory


def api_client(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.fixture
def api():
    """`api(bob)` gives an APIClient signed in as Bob; `api()` an anonymous one."""
    return api_client


@pytest.fixture
def service_plan(service_unit, bob):
    return PlanFactory(name="Service rollout", unit=service_unit, coordinator=bob)


@pytest.fixture
def service_phase(service_plan):
    return PhaseFactory(plan=service_plan, title="Map the journey", order=1)


@pytest.fixture
def alices_activity(service_phase, alice):
    return ActivityFactory(phase=service_phase, owner=alice, title="Interview customers")


@pytest.fixture
def sales_plan(sales_unit, carol):
    return PlanFactory(name="Sales rollout", unit=sales_unit, coordinator=carol)


@pytest.fixture
def sales_activity(sales_plan):
    return ActivityFactory(phase=PhaseFactory(plan=sales_plan), title="Call lost customers")
