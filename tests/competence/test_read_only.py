"""A Lean coordinator who is also in Management reads competence and signs off nothing,
on the web as over the API (see tests/org/test_read_only.py)."""

import pytest
from django.urls import reverse

from cxlean.competence.models import Level
from tests.api.conftest import api_client
from tests.competence.web_fixtures import signed
from tests.org.test_read_only import coordinator_in_management

pytestmark = pytest.mark.django_db


@pytest.fixture
def dora(service_unit):
    return coordinator_in_management(service_unit)


@pytest.fixture
def asking(agent_alice, listening, bob):
    """Alice holds L in active listening and asks for U."""
    record = signed(agent_alice, listening, Level.L, by=bob)
    record.assess(Level.U)
    record.save()
    return record


def test_web_sign_off_is_refused(dora, asking, as_user):
    record = asking
    client = as_user(dora)
    assert client.get(reverse("competence:record", args=[record.pk])).status_code == 200
    response = client.post(reverse("competence:sign_off", args=[record.pk]), {"level": Level.U})
    assert response.status_code == 403
    record.refresh_from_db()
    assert record.level == Level.L


def test_api_sign_off_is_refused(dora, asking):
    record = asking
    client = api_client(dora)
    url = reverse("competence-record-detail", args=[record.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        reverse("competence-record-sign-off", args=[record.pk]), {"level": Level.U}, format="json"
    )
    assert response.status_code == 403
    record.refresh_from_db()
    assert record.level == Level.L
