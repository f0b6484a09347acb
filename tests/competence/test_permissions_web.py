# ruff: noqa: F811 - pytest fixtures imported from web_fixtures are used as arguments
"""Who may open and use each competence page.

Alice (employee, agent in Team Chatt) asks for U in active listening and L in
escalation. Bob coordinates Customer Service, above her team. Carol coordinates Sales
(Alice does not exist for her: 404). Dave is an employee in Sales who trains active
listening (holds O): he signs off that activity for anyone but not escalation. Maria is
management: she reads everything and changes nothing (403). Root is superuser.
"""

import pytest
from django.urls import reverse

from cxlean.competence.models import GreenCard, Level, Record, TraineePlan
from tests.competence.web_fixtures import (  # noqa: F401 - fixtures
    EN,
    _media,
    signed,
    waiting,
    waiting_escalation,
)
from tests.factories import GreenCardFactory, RecordFactory, TraineePlanFactory

PEOPLE = ["alice", "bob", "carol", "maria", "root", "dave"]

# GET
MINE = dict.fromkeys(PEOPLE, 200)
QUEUE = dict.fromkeys(PEOPLE, 200)
PERSON = {"alice": 302, "bob": 200, "carol": 404, "maria": 200, "root": 200, "dave": 404}
RECORD = {"alice": 200, "bob": 200, "carol": 404, "maria": 200, "root": 200, "dave": 200}
UNTRAINED_RECORD = RECORD | {"dave": 404}
CERTIFICATE = {"alice": 200, "bob": 200, "carol": 404, "maria": 200, "root": 200, "dave": 404}
# Alice sees her own competence (`people_visible_to`) but changes none of it: 403.
TRAINEE_PLAN = {"alice": 403, "bob": 200, "carol": 404, "maria": 403, "root": 200, "dave": 404}
EVIDENCE_FORM = MINE | {"maria": 403}
# POST
SIGN_OFF = {"alice": 400, "bob": 302, "carol": 404, "maria": 403, "root": 302, "dave": 302}
SIGN_OFF_UNTRAINED = SIGN_OFF | {"dave": 404}
ISSUE_CARD = {"alice": 403, "bob": 302, "carol": 404, "maria": 403, "root": 302, "dave": 404}
CHANGE_PLAN = {"alice": 403, "bob": 302, "carol": 404, "maria": 403, "root": 302, "dave": 404}
ASSESS_OWN = dict.fromkeys(PEOPLE, 302) | {"maria": 403}


@pytest.fixture
def card(agent_alice, agent_role):
    return GreenCardFactory(person=agent_alice, role=agent_role)


@pytest.fixture
def urls(waiting, waiting_escalation, card, listening):
    alice = waiting.person
    return {
        "mine": reverse("competence:mine"),
        "queue": reverse("competence:queue"),
        "person": reverse("competence:person", args=[alice.pk]),
        "record": reverse("competence:record", args=[waiting.pk]),
        "untrained_record": reverse("competence:record", args=[waiting_escalation.pk]),
        "certificate": reverse("competence:certificate", args=[card.pk]),
        "trainee_plan": reverse("competence:trainee_plan", args=[alice.pk]),
        "evidence_form": reverse("competence:evidence", args=[listening.pk]),
        "sign_off": reverse("competence:sign_off", args=[waiting.pk]),
        "sign_off_untrained": reverse("competence:sign_off", args=[waiting_escalation.pk]),
        "reject": reverse("competence:reject", args=[waiting.pk]),
        "issue_card": reverse("competence:issue_card", args=[alice.pk]),
        "trainee_plan_delete": reverse("competence:trainee_plan_delete", args=[alice.pk]),
        "assess": reverse("competence:assess", args=[listening.pk]),
    }


@pytest.fixture
def people(request, alice, bob, carol, maria, root, dave):
    return {"alice": alice, "bob": bob, "carol": carol, "maria": maria, "root": root, "dave": dave}


GET_PAGES = [
    ("mine", MINE),
    ("queue", QUEUE),
    ("person", PERSON),
    ("record", RECORD),
    ("untrained_record", UNTRAINED_RECORD),
    ("certificate", CERTIFICATE),
    ("trainee_plan", TRAINEE_PLAN),
    ("evidence_form", EVIDENCE_FORM),
]


@pytest.mark.parametrize("page", [name for name, _ in GET_PAGES])
def test_anonymous_visitors_are_sent_to_the_login_page(client, urls, page):
    response = client.get(urls[page])
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    "action", ["sign_off", "reject", "issue_card", "trainee_plan", "trainee_plan_delete", "assess"]
)
def test_anonymous_visitors_change_nothing(client, urls, waiting, action):
    response = client.post(urls[action], {"level": Level.U, "rejection_comment": "x"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    waiting.refresh_from_db()
    assert waiting.level == Level.L and not waiting.is_rejected


@pytest.mark.parametrize("person", PEOPLE)
@pytest.mark.parametrize("page, expected", GET_PAGES)
def test_who_may_open_each_page(people, urls, as_user, person, page, expected):
    response = as_user(people[person]).get(urls[page])
    assert response.status_code == expected[person]


# --- sign-off ----------------------------------------------------------------------------


@pytest.mark.parametrize("person", PEOPLE)
def test_who_may_sign_off_alices_listening(people, urls, waiting, as_user, person):
    response = as_user(people[person]).post(urls["sign_off"], {"level": Level.U}, **EN)
    assert response.status_code == SIGN_OFF[person]
    waiting.refresh_from_db()
    assert (waiting.level == Level.U) == (SIGN_OFF[person] == 302)


@pytest.mark.parametrize("person", PEOPLE)
def test_a_trainer_signs_off_only_their_activity(people, urls, waiting_escalation, as_user, person):
    response = as_user(people[person]).post(urls["sign_off_untrained"], {"level": Level.L})
    assert response.status_code == SIGN_OFF_UNTRAINED[person]
    waiting_escalation.refresh_from_db()
    assert (waiting_escalation.level == Level.L) == (SIGN_OFF_UNTRAINED[person] == 302)


@pytest.mark.parametrize("person", PEOPLE)
def test_who_may_reject(people, urls, waiting, as_user, person):
    response = as_user(people[person]).post(urls["reject"], {"rejection_comment": "Not yet"})
    assert response.status_code == SIGN_OFF[person]
    waiting.refresh_from_db()
    assert waiting.is_rejected == (SIGN_OFF[person] == 302)


def test_employee_cannot_sign_off_their_own_record(waiting, as_user):
    response = as_user(waiting.person).post(
        reverse("competence:sign_off", args=[waiting.pk]), {"level": Level.U}, **EN
    )
    assert response.status_code == 400
    assert "You may not sign off this record." in response.content.decode()
    waiting.refresh_from_db()
    assert waiting.level == Level.L and waiting.awaits_sign_off


def test_employee_cannot_sign_off_a_colleague(agent_alice, service_team, listening, as_user):
    from tests.factories import UserFactory

    colleague = UserFactory(unit=service_team)
    record = RecordFactory(person=colleague, activity=listening, self_level=Level.U)
    response = as_user(agent_alice).post(
        reverse("competence:sign_off", args=[record.pk]), {"level": Level.U}
    )
    assert response.status_code == 404
    record.refresh_from_db()
    assert record.level == Level.NOT_STARTED


def test_a_coordinator_cannot_sign_off_their_own_record(bob, listening, as_user):
    record = RecordFactory(person=bob, activity=listening, self_level=Level.U)
    client = as_user(bob)
    assert (
        "Nothing waits for a sign-off."
        in client.get(reverse("competence:queue"), **EN).content.decode()
    )
    response = client.post(reverse("competence:sign_off", args=[record.pk]), {"level": 3}, **EN)
    assert response.status_code == 400
    assert "You may not sign off this record." in response.content.decode()
    record.refresh_from_db()
    assert record.level == Level.NOT_STARTED


def test_a_trainer_cannot_sign_off_their_own_record(dave, listening, as_user):
    record = Record.objects.get(person=dave, activity=listening)
    record.level = Level.U
    record.save()
    response = as_user(dave).post(
        reverse("competence:sign_off", args=[record.pk]), {"level": Level.O}, **EN
    )
    assert response.status_code == 400
    record.refresh_from_db()
    assert record.level == Level.U


def test_a_trainer_sees_only_their_activity_in_the_queue(
    dave, waiting, waiting_escalation, as_user
):
    html = as_user(dave).get(reverse("competence:queue"), **EN).content.decode()
    assert reverse("competence:sign_off", args=[waiting.pk]) in html
    assert reverse("competence:sign_off", args=[waiting_escalation.pk]) not in html


# --- Green Card and trainee plan -----------------------------------------------------------


@pytest.fixture
def ready(agent_alice, listening, escalation, bob):
    signed(agent_alice, listening, Level.U, by=bob)
    signed(agent_alice, escalation, Level.L, by=bob)
    return agent_alice


@pytest.mark.parametrize("person", PEOPLE)
def test_who_may_issue_a_green_card(people, ready, agent_role, as_user, person):
    url = reverse("competence:issue_card", args=[ready.pk])
    response = as_user(people[person]).post(url, {"role": agent_role.pk})
    assert response.status_code == ISSUE_CARD[person]
    assert GreenCard.objects.filter(person=ready).exists() == (ISSUE_CARD[person] == 302)


@pytest.mark.parametrize("person", PEOPLE)
def test_who_may_change_a_trainee_plan(people, agent_alice, as_user, person):
    TraineePlanFactory(person=agent_alice)
    url = reverse("competence:trainee_plan_delete", args=[agent_alice.pk])
    response = as_user(people[person]).post(url)
    assert response.status_code == CHANGE_PLAN[person]
    assert TraineePlan.objects.exists() == (CHANGE_PLAN[person] != 302)


@pytest.mark.parametrize("person", PEOPLE)
def test_who_may_save_a_trainee_plan(people, agent_alice, as_user, person):
    url = reverse("competence:trainee_plan", args=[agent_alice.pk])
    data = {
        "start_date": "2026-12-01",
        "goals-TOTAL_FORMS": "0",
        "goals-INITIAL_FORMS": "0",
        "goals-MIN_NUM_FORMS": "0",
        "goals-MAX_NUM_FORMS": "1000",
    }
    response = as_user(people[person]).post(url, data)
    assert response.status_code == CHANGE_PLAN[person]
    assert TraineePlan.objects.exists() == (CHANGE_PLAN[person] == 302)


# --- one's own record ----------------------------------------------------------------------


@pytest.mark.parametrize("person", PEOPLE)
def test_everyone_but_management_raises_their_own_level(people, listening, as_user, person):
    user = people[person]
    before = Record.objects.filter(person=user, activity=listening).first()
    response = as_user(user).post(reverse("competence:assess", args=[listening.pk]), {"level": 1})
    assert response.status_code == ASSESS_OWN[person]
    after = Record.objects.filter(person=user, activity=listening).first()
    if ASSESS_OWN[person] == 403:
        assert after == before
    else:
        assert after.self_level == Level.I


def test_raising_changes_only_ones_own_record(waiting, bob, as_user):
    as_user(bob).post(reverse("competence:assess", args=[waiting.activity_id]), {"level": 4})
    waiting.refresh_from_db()
    assert waiting.self_level == Level.U  # Bob raised his own, not Alice's
    assert Record.objects.get(person=bob, activity=waiting.activity).self_level == Level.O


def test_management_cannot_add_evidence(maria, listening, as_user):
    url = reverse("competence:evidence", args=[listening.pk])
    assert as_user(maria).post(url, {"evidence_text": "x"}).status_code == 403
    assert not Record.objects.filter(person=maria).exists()


def test_evidence_files_are_not_public(waiting, carol, client, as_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    waiting.evidence_file = SimpleUploadedFile("notes.txt", b"private")
    waiting.save()
    url = reverse("competence:evidence_file", args=[waiting.pk])
    assert client.get(url).status_code == 302  # to the login page
    assert as_user(carol).get(url).status_code == 404
    assert as_user(waiting.person).get(url).status_code == 200


# --- management sees but has no buttons ----------------------------------------------------


def test_management_sees_pages_without_action_buttons(maria, waiting, as_user):
    client = as_user(maria)
    person = client.get(reverse("competence:person", args=[waiting.person_id]), **EN)
    html = person.content.decode()
    assert "Active listening" in html
    assert "Issue Green Card" not in html and "Edit trainee plan" not in html
    assert "/sign-off/" not in html and "/reject/" not in html
    queue = client.get(reverse("competence:queue"), **EN).content.decode()
    assert "Active listening" in queue and "/sign-off/" not in queue
    record = client.get(reverse("competence:record", args=[waiting.pk]), **EN).content.decode()
    assert "/sign-off/" not in record
    mine = client.get(reverse("competence:mine"), **EN).content.decode()
    assert "Raise to" not in mine and "Save evidence" not in mine


def test_management_is_not_offered_to_issue_a_ready_card(maria, ready, as_user):
    html = as_user(maria).get(reverse("competence:person", args=[ready.pk]), **EN)
    html = html.content.decode()
    assert "Ready for certification" in html and "Issue Green Card" not in html


def test_another_units_coordinator_sees_no_trace_of_alice(carol, waiting, card, as_user):
    client = as_user(carol)
    for url in [
        reverse("competence:person", args=[waiting.person_id]),
        reverse("competence:record", args=[waiting.pk]),
        reverse("competence:certificate", args=[card.pk]),
        reverse("competence:trainee_plan", args=[waiting.person_id]),
    ]:
        assert client.get(url).status_code == 404, url
    assert "Alice" not in client.get(reverse("competence:queue")).content.decode()
