"""How `cxlean.org.sso.sign_in` finds, creates and refuses people from verified claims
(the claims a provider's checked ID token holds; the round trip is in test_sso.py)."""

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import SuspiciousOperation

from cxlean.org.models import ClaimMapping, SSOIdentity
from cxlean.org.roles import COORDINATOR, MANAGEMENT
from cxlean.org.sso_people import Refused, sign_in
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
ISSUER = "https://idp.example.org"


def test_an_unverified_email_address_links_nobody_and_is_not_kept(alice):
    person = sign_in({"sub": "7", "email": alice.email, "email_verified": False}, issuer=ISSUER)
    assert person != alice and person.email == ""


def test_two_people_with_the_address_are_refused_not_guessed(service_team):
    UserFactory(username="one", email="shared@example.org", unit=service_team)
    UserFactory(username="two", email="SHARED@example.org", unit=service_team)
    with pytest.raises(Refused):
        sign_in({"sub": "7", "email": "shared@example.org"}, issuer=ISSUER)


def test_an_address_linked_to_another_provider_account_is_refused(alice):
    SSOIdentity.objects.create(user=alice, issuer=ISSUER, subject="1")
    with pytest.raises(Refused):
        sign_in({"sub": "2", "email": alice.email}, issuer=ISSUER)


def test_the_provider_account_finds_the_person_whatever_their_address_became(alice):
    SSOIdentity.objects.create(user=alice, issuer=ISSUER, subject="1")
    assert sign_in({"sub": "1", "email": "new@example.org"}, issuer=ISSUER) == alice
    alice.refresh_from_db()
    assert alice.email == "new@example.org"


def test_a_taken_username_gets_a_number(alice):
    person = sign_in({"sub": "9", "preferred_username": "alice"}, issuer=ISSUER)
    assert person.username == "alice-2"


def test_a_claim_list_or_value_matches_and_the_mapping_names_only_its_role(alice, maria):
    ClaimMapping.objects.create(claim="roles", value="lean", role=COORDINATOR)
    SSOIdentity.objects.create(user=maria, issuer=ISSUER, subject="m")
    sign_in({"sub": "m", "roles": "other"}, issuer=ISSUER)
    assert set(maria.groups.values_list("name", flat=True)) == {MANAGEMENT}
    person = sign_in({"sub": "n", "roles": ["x", "lean"]}, issuer=ISSUER)
    assert set(person.groups.values_list("name", flat=True)) == {COORDINATOR}


def test_no_subject_no_person():
    with pytest.raises(SuspiciousOperation):
        sign_in({"email": "x@example.org"}, issuer=ISSUER)
    assert not User.objects.filter(email="x@example.org").exists()
