"""Sign-in identity: the rank rule of cxlean.org.roles, the confirmation of a new e-mail
address (and the password reset that only ever mails the confirmed one), and the sign-in
audit of sign-ins and password resets."""

import datetime as dt
import re

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.urls import reverse
from django.utils import timezone

from cxlean.org.accounts import confirmation_token, language_of, request_email_change
from cxlean.org.models import EmailChange, SignInEvent, Surface
from cxlean.org.roles import (
    COORDINATOR,
    CX_OWNER,
    EMPLOYEE,
    MANAGEMENT,
    may_change_access,
    may_change_sign_in,
    may_grant_role,
    rank,
)
from tests.api.conftest import api_client
from tests.factories import PASSWORD, UserFactory

# --- the rule ----------------------------------------------------------------------------


def test_rank_is_the_highest_role(alice, bob, maria, root, service_unit):
    both = UserFactory(role=COORDINATOR, unit=service_unit)
    both.groups.add(*maria.groups.all())
    odd = UserFactory(role="Some other group", unit=service_unit)
    assert [rank(u) for u in (alice, bob, maria, root, both, odd)] == [0, 1, 2, 3, 2, 0]
    assert rank(AnonymousUser()) == -1


def test_who_changes_whose_sign_in(alice, bob, carol, maria, root, service_team):
    tove = UserFactory(role=COORDINATOR, unit=service_team)
    boss = UserFactory(role=MANAGEMENT, unit=service_team)
    assert may_change_sign_in(bob, alice)  # outranks, in his units
    assert not may_change_sign_in(carol, alice)  # not her units
    assert not may_change_sign_in(bob, tove)  # equal rank
    assert not may_change_sign_in(bob, boss)  # higher rank
    assert not may_change_sign_in(bob, root)
    assert not may_change_sign_in(maria, alice)  # management changes nothing
    assert not may_change_sign_in(alice, bob)
    assert may_change_sign_in(bob, bob)  # own names and e-mail (confirmed)
    assert all(may_change_sign_in(root, person) for person in (alice, bob, maria, root))
    assert not may_change_sign_in(AnonymousUser(), alice)


def test_a_coordinator_cannot_take_over_the_cx_owner(bob, service_team):
    """The CX owner ranks with management: whoever signed in as them could change every
    unit's Green Card rules. Even in the coordinator's own units their e-mail is not his."""
    owner = UserFactory(role=CX_OWNER, unit=service_team, email="owner@example.org")
    assert rank(owner) == rank(UserFactory(role=MANAGEMENT, unit=service_team))
    assert not may_change_sign_in(bob, owner)
    response = api_client(bob).patch(
        reverse("person-detail", args=[owner.pk]),
        {"email": "bob@attacker.example"},
        format="json",
    )
    assert response.status_code == 403
    assert "är CX-ägare" in response.json()["detail"]
    owner.refresh_from_db()
    assert owner.email == "owner@example.org"
    assert not EmailChange.objects.filter(user=owner).exists()


def test_nobody_changes_their_own_roles_or_active(alice, bob, root):
    assert may_change_access(bob, alice)
    assert not may_change_access(bob, bob)
    assert not may_change_access(root, root)


def test_only_superusers_give_roles_above_employee(bob, maria, root):
    assert may_grant_role(bob, EMPLOYEE)
    assert not may_grant_role(bob, COORDINATOR)
    assert not may_grant_role(bob, MANAGEMENT)
    assert not may_grant_role(maria, EMPLOYEE)
    assert all(may_grant_role(root, role) for role in (EMPLOYEE, COORDINATOR, MANAGEMENT))


# --- confirming a new e-mail address -----------------------------------------------------


def link_in(message) -> str:
    return re.search(r"http\S+/accounts/email/confirm/\S+/", message.body).group(0)


@pytest.fixture
def requested(alice, bob, mailoutbox, django_capture_on_commit_callbacks):
    """Bob gave Alice a new address; the confirmation e-mail went to that address."""
    with django_capture_on_commit_callbacks(execute=True):
        change = request_email_change(alice, "alice@new.org", actor=bob, surface=Surface.API)
    return change


def reset_mails_to(client, address, mailoutbox) -> list[list[str]]:
    mailoutbox.clear()
    client.post(reverse("password_reset"), {"email": address})
    return [message.to for message in mailoutbox]


def test_a_new_address_is_not_used_for_a_password_reset_until_confirmed(
    client, alice, requested, mailoutbox
):
    old = alice.email
    message = mailoutbox[0]
    assert message.to == ["alice@new.org"]
    assert reset_mails_to(client, "alice@new.org", mailoutbox) == []
    assert reset_mails_to(client, old, mailoutbox) == [[old]]


def test_the_confirmation_link_sets_the_address(client, alice, requested, mailoutbox):
    url = link_in(mailoutbox[0])
    page = client.get(url, language="en")
    assert page.status_code == 200 and "alice@new.org" in page.text
    alice.refresh_from_db()
    assert alice.email != "alice@new.org"  # opening the link confirms nothing
    done = client.post(url, language="en")
    assert done.status_code == 200 and "is now the address" in done.text
    alice.refresh_from_db()
    assert alice.email == "alice@new.org"
    assert EmailChange.objects.get().confirmed_at is not None
    assert reset_mails_to(client, "alice@new.org", mailoutbox) == [["alice@new.org"]]
    event = SignInEvent.objects.get(what="email_confirmed")
    assert (event.person, event.actor, event.surface, event.new_value) == (
        alice,
        None,
        "web",
        "alice@new.org",
    )


def test_the_email_is_in_the_persons_language_else_swedish(alice, bob):
    from cxlean.notifications.models import Preference

    assert language_of(alice) == "sv"
    Preference.objects.create(user=alice, language="en")
    alice = User.objects.get(pk=alice.pk)
    assert language_of(alice) == "en"


def test_an_expired_link_says_so_and_changes_nothing(client, alice, requested, mailoutbox):
    url = link_in(mailoutbox[0])
    later = timezone.now() + EmailChange.VALID_FOR + dt.timedelta(minutes=1)
    from unittest import mock

    with mock.patch("django.core.signing.time.time", return_value=later.timestamp()):
        response = client.post(url, language="en")
    assert response.status_code == 400 and "expired" in response.text
    alice.refresh_from_db()
    assert alice.email != "alice@new.org"


@pytest.mark.parametrize("token", ["nonsense", "eyJjaGFuZ2UiOjF9:abc:def"])
def test_a_bad_link_says_so(db, client, token):
    response = client.get(reverse("email_confirm", args=[token]), language="en")
    assert response.status_code == 400 and "not valid" in response.text


def test_a_replaced_request_cannot_be_confirmed(client, alice, bob, requested):
    first = confirmation_token(requested)
    request_email_change(alice, "alice@newer.org", actor=bob, surface=Surface.API)
    response = client.post(reverse("email_confirm", args=[first]), language="en")
    assert response.status_code == 400 and "replaced" in response.text
    alice.refresh_from_db()
    assert alice.email not in ("alice@new.org", "alice@newer.org")


def test_a_confirmed_link_cannot_be_used_twice(client, alice, requested):
    url = reverse("email_confirm", args=[confirmation_token(requested)])
    client.post(url)
    response = client.post(url, language="en")
    assert response.status_code == 400 and "already been confirmed" in response.text


def test_setting_the_same_address_again_withdraws_the_request(alice, bob, requested):
    assert request_email_change(alice, alice.email, actor=bob, surface=Surface.API) is None
    assert not EmailChange.objects.exists()


# --- the password reset ------------------------------------------------------------------


def test_people_without_a_password_yet_choose_one_through_the_reset(
    client, service_team, mailoutbox
):
    dave = User.objects.create_user("dave", email="dave@x.org")
    assert not dave.has_usable_password()
    assert reset_mails_to(client, "dave@x.org", mailoutbox) == [["dave@x.org"]]


def test_a_password_reset_is_audited(client, alice, mailoutbox):
    client.post(reverse("password_reset"), {"email": alice.email})
    link = re.search(r"/accounts/reset/\S+/\S+/", mailoutbox[0].body).group(0)
    form = client.get(link, follow=True)
    response = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "Ett-nytt-lösenord-9", "new_password2": "Ett-nytt-lösenord-9"},
    )
    assert response.status_code == 302
    assert list(
        SignInEvent.objects.filter(person=alice).order_by("pk").values_list("what", "actor")
    ) == [("password_reset_requested", None), ("password_reset", None)]


# --- signing in --------------------------------------------------------------------------


def test_sign_ins_and_failed_sign_ins_are_audited(client, alice):
    client.post(reverse("login"), {"username": "alice", "password": "wrong"})
    client.post(reverse("login"), {"username": "nobody", "password": "wrong"})
    client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    rows = list(
        SignInEvent.objects.order_by("pk").values_list("what", "username", "person", "surface")
    )
    assert rows == [
        ("login_failed", "alice", alice.pk, "web"),
        ("login_failed", "nobody", None, "web"),
        ("logged_in", "alice", alice.pk, "web"),
    ]
    assert SignInEvent.objects.last().ip_address == "127.0.0.1"


def test_the_login_page_links_to_the_password_reset(db, client):
    page = client.get(reverse("login"), language="en")
    assert reverse("password_reset") in page.text and "Forgot your password?" in page.text
    assert client.get(reverse("password_reset")).status_code == 200
