"""The single sign-on's claim mappings and linked accounts in the admin: superusers only."""

import pytest
from django.urls import reverse

from cxlean.org.models import ClaimMapping, SSOIdentity
from cxlean.org.roles import COORDINATOR

pytestmark = pytest.mark.django_db


def test_a_superuser_adds_a_mapping_in_the_admin(as_user, root, service_unit):
    client = as_user(root)
    response = client.post(
        reverse("admin:org_claimmapping_add"),
        {"claim": "groups", "value": "cx-coordinators", "role": COORDINATOR, "order": 0},
    )
    assert response.status_code == 302
    mapping = ClaimMapping.objects.get()
    assert mapping.history.get().history_user == root
    assert client.get(reverse("admin:org_claimmapping_changelist")).status_code == 200
    history = client.get(reverse("admin:org_claimmapping_history", args=[mapping.pk]))
    assert history.status_code == 200


def test_a_mapping_that_gives_nothing_is_refused_in_the_admin(as_user, root):
    response = as_user(root).post(
        reverse("admin:org_claimmapping_add"), {"claim": "groups", "value": "x", "order": 0}
    )
    assert response.status_code == 200 and not ClaimMapping.objects.exists()


@pytest.mark.parametrize("person", ["bob", "maria", "olivia"])
def test_others_in_the_admin_see_no_mappings_or_accounts(as_user, request, person, alice):
    client = as_user(request.getfixturevalue(person))
    mapping = ClaimMapping.objects.create(claim="groups", value="x", refuse=True)
    SSOIdentity.objects.create(user=alice, issuer="https://idp.example.org", subject="1")
    assert client.get(reverse("admin:org_claimmapping_changelist")).status_code == 403
    assert client.get(reverse("admin:org_claimmapping_change", args=[mapping.pk])).status_code in (
        302,
        403,
    )
    assert client.get(reverse("admin:org_ssoidentity_changelist")).status_code == 403


def test_a_superuser_sees_linked_accounts_but_adds_none(as_user, root, alice):
    SSOIdentity.objects.create(user=alice, issuer="https://idp.example.org", subject="1")
    client = as_user(root)
    assert client.get(reverse("admin:org_ssoidentity_changelist")).status_code == 200
    assert client.get(reverse("admin:org_ssoidentity_add")).status_code == 403
