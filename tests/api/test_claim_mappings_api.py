"""The single sign-on's claim mappings over the API: superusers only, with history."""

import pytest

from cxlean.org.models import ClaimMapping
from cxlean.org.roles import COORDINATOR

pytestmark = pytest.mark.django_db
URL = "/api/v1/claim-mappings/"


@pytest.fixture
def mapping(service_unit):
    return ClaimMapping.objects.create(claim="department", value="service", unit=service_unit)


def test_a_superuser_creates_reads_changes_and_deletes_mappings(api, root, service_unit):
    client = api(root)
    created = client.post(
        URL, {"claim": "groups", "value": "cx-coordinators", "role": COORDINATOR}, format="json"
    )
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    assert client.get(URL).json()["results"][0]["value"] == "cx-coordinators"
    changed = client.patch(f"{URL}{pk}/", {"unit": service_unit.pk}, format="json")
    assert changed.status_code == 200 and changed.json()["unit"] == service_unit.pk
    mapping = ClaimMapping.objects.get(pk=pk)
    assert [row.history_user for row in mapping.history.all()] == [root, root]
    assert client.delete(f"{URL}{pk}/").status_code == 204


def test_a_mapping_gives_something(api, root):
    response = api(root).post(URL, {"claim": "groups", "value": "all"}, format="json")
    assert response.status_code == 400


def test_a_mapping_to_an_unknown_role_is_refused(api, root):
    response = api(root).post(
        URL, {"claim": "groups", "value": "x", "role": "Emperor"}, format="json"
    )
    assert response.status_code == 400 and "role" in response.json()


@pytest.mark.parametrize("person", ["alice", "bob", "maria", "olivia"])
def test_nobody_else_reads_or_changes_mappings(api, request, mapping, person):
    client = api(request.getfixturevalue(person))
    assert client.get(URL).status_code == 403
    assert client.get(f"{URL}{mapping.pk}/").status_code == 403
    assert client.post(URL, {"claim": "groups", "value": "x", "refuse": True}).status_code == 403
    assert client.delete(f"{URL}{mapping.pk}/").status_code == 403


def test_anonymous_gets_nothing(api, mapping):
    assert api().get(URL).status_code in (401, 403)
