"""Competence over the API: the catalogue, records with self-assessment, evidence and
sign-off, Green Cards and their progress, trainee plans and the flat matrix.

The people are those of tests/conftest.py and tests/competence/conftest.py: Alice
(employee, Team Chatt under Kundservice, CX role Agent), Bob (coordinator of
Kundservice), Carol (coordinator of Sales), Maria (management), Dave (an employee in
Sales who trains active listening: he holds a valid O in it).
"""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from cxlean.competence.models import (
    EVIDENCE_MAX_BYTES,
    CompetenceActivity,
    Goal,
    GreenCard,
    Level,
    Record,
    Requirement,
    TraineePlan,
)
from cxlean.org.roles import EMPLOYEE
from tests.api.conftest import api_client
from tests.factories import (
    AreaFactory,
    CompetenceActivityFactory,
    CXRoleFactory,
    GoalFactory,
    GreenCardFactory,
    RecordFactory,
    RequirementFactory,
    TraineePlanFactory,
    UserFactory,
)
from tests.openapi import openapi_schema

pytestmark = pytest.mark.django_db
DAY = dt.timedelta(days=1)


@pytest.fixture
def api():
    """`api(bob)` gives an APIClient signed in as Bob; `api()` an anonymous one."""
    return api_client


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def today() -> dt.date:
    return timezone.localdate()


def signed(person, activity, level, on=None, **extra) -> Record:
    """A record signed off at `level`, the way Record.sign_off leaves it."""
    on = on or today()
    return RecordFactory(
        person=person,
        activity=activity,
        level=level,
        self_level=level,
        signed_off_on=on,
        expires_on=activity.expiry_from(on),
        **extra,
    )


@pytest.fixture
def alices_listening(agent_alice, listening):
    """Alice thinks she now listens independently (U); nobody has signed it off."""
    return RecordFactory(person=agent_alice, activity=listening, self_level=Level.U)


@pytest.fixture
def alices_escalation(agent_alice, escalation):
    return RecordFactory(person=agent_alice, activity=escalation, self_level=Level.L)


@pytest.fixture
def carols_seller(sales_unit, listening):
    seller = UserFactory(username="sam", first_name="Sam", role=EMPLOYEE, unit=sales_unit)
    RecordFactory(person=seller, activity=listening, self_level=Level.L)
    return seller


def record_url(record, action=None) -> str:
    if action:
        return reverse(f"competence-record-{action}", args=[record.pk])
    return reverse("competence-record-detail", args=[record.pk])


def fill_team(unit, role, activities, count: int) -> list:
    """`count` employees in `unit` holding `role`, each with a record per activity."""
    people = []
    for _ in range(count):
        person = UserFactory(role=EMPLOYEE, unit=unit)
        person.profile.cx_roles.add(role)
        for activity in activities:
            signed(person, activity, Level.L)
        people.append(person)
    return people


# --- anonymous ---------------------------------------------------------------------------

LISTS = [
    "competence-area-list",
    "competence-activity-list",
    "competence-requirement-list",
    "competence-record-list",
    "competence-progress-list",
    "competence-matrix-list",
    "green-card-list",
    "trainee-plan-list",
    "trainee-goal-list",
]


@pytest.mark.parametrize("route", LISTS)
def test_anonymous_gets_nothing(api, route):
    assert api().get(reverse(route)).status_code == 403
    assert api().post(reverse(route), {}, format="json").status_code in (403, 405)


@pytest.mark.parametrize("name", ["alice", "bob", "carol", "maria", "root"])
@pytest.mark.parametrize("route", LISTS)
def test_everyone_signed_in_reads_the_lists(api, request, route, name):
    assert api(request.getfixturevalue(name)).get(reverse(route)).status_code == 200


# --- catalogue ---------------------------------------------------------------------------


def test_activity_shows_its_requirements_and_titles_in_the_request_language(
    api, alice, listening, agent_role
):
    url = reverse("competence-activity-detail", args=[listening.pk])
    english = api(alice).get(url, HTTP_ACCEPT_LANGUAGE="en").json()
    swedish = api(alice).get(url, HTTP_ACCEPT_LANGUAGE="sv").json()
    assert (english["title"], swedish["title"]) == ("Active listening", "Aktivt lyssnande")
    assert (english["title_sv"], english["title_en"]) == ("Aktivt lyssnande", "Active listening")
    assert english["requirements"] == [{"role": agent_role.pk, "level": 3, "level_letter": "U"}]
    assert english["validity_months"] == 12


def test_the_cx_owner_creates_an_activity_with_requirements_and_replaces_them(
    api, olivia, listen_area, agent_role
):
    client = api(olivia)
    response = client.post(
        reverse("competence-activity-list"),
        {
            "area": listen_area.pk,
            "code": "greeting",
            "title_sv": "Hälsa",
            "title_en": "Greeting",
            "requirements": [{"role": agent_role.pk, "level": 2}],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    activity = CompetenceActivity.objects.get(code="greeting")
    assert response.json()["requirements"][0]["level_letter"] == "L"
    url = reverse("competence-activity-detail", args=[activity.pk])
    changed = client.patch(url, {"requirements": [{"role": agent_role.pk, "level": 4}]}, "json")
    assert changed.status_code == 200
    assert changed.json()["requirements"] == [
        {"role": agent_role.pk, "level": 4, "level_letter": "O"}
    ]
    requirement = Requirement.objects.get(activity=activity)
    assert requirement.level == Level.O
    assert requirement.history.count() == 2  # created, then raised
    cleared = client.patch(url, {"requirements": []}, format="json")
    assert cleared.json()["requirements"] == []
    assert not Requirement.objects.filter(activity=activity).exists()


@pytest.mark.parametrize(
    "requirements, field",
    [
        ([{"role": "ROLE", "level": 7}], "requirements"),
        ([{"role": "ROLE", "level": 0}], "requirements"),
        ([{"role": "ROLE", "level": 2}, {"role": "ROLE", "level": 3}], "requirements"),
        ([{"role": 99999, "level": 2}], "requirements"),
    ],
)
def test_bad_requirements_are_a_400(api, olivia, listen_area, agent_role, requirements, field):
    for requirement in requirements:
        if requirement["role"] == "ROLE":
            requirement["role"] = agent_role.pk
    response = api(olivia).post(
        reverse("competence-activity-list"),
        {
            "area": listen_area.pk,
            "code": "x",
            "title_sv": "X",
            "title_en": "X",
            "requirements": requirements,
        },
        format="json",
    )
    assert response.status_code == 400
    assert field in response.json()
    assert not CompetenceActivity.objects.filter(code="x").exists()


def test_requirement_endpoint_round_trip_and_unknown_level(api, olivia, escalation, agent_role):
    client = api(olivia)
    requirement = Requirement.objects.get(activity=escalation)
    url = reverse("competence-requirement-detail", args=[requirement.pk])
    assert client.patch(url, {"level": 9}, format="json").status_code == 400
    response = client.patch(url, {"level": 3}, format="json")
    assert response.status_code == 200 and response.json()["level_letter"] == "U"
    twice = client.post(
        reverse("competence-requirement-list"),
        {"activity": escalation.pk, "role": agent_role.pk, "level": 2},
        format="json",
    )
    assert twice.status_code == 400  # one requirement per role and activity


@pytest.mark.parametrize("name", ["alice", "maria", "bob", "carol"])
def test_only_the_cx_owner_changes_the_catalogue(api, request, name, listen_area, listening):
    client = api(request.getfixturevalue(name))
    created = client.post(
        reverse("competence-area-list"), {"name_sv": "A", "name_en": "A"}, format="json"
    )
    assert created.status_code == 403
    url = reverse("competence-activity-detail", args=[listening.pk])
    assert client.patch(url, {"title_en": "Changed"}, format="json").status_code == 403
    assert client.delete(url).status_code == 403
    assert CompetenceActivity.objects.get(pk=listening.pk).title_en == "Active listening"


def test_catalogue_objects_in_use_are_not_deleted(api, olivia, listen_area, alices_listening):
    client = api(olivia)
    area = client.delete(reverse("competence-area-detail", args=[listen_area.pk]))
    activity = client.delete(
        reverse("competence-activity-detail", args=[alices_listening.activity_id])
    )
    assert (area.status_code, activity.status_code) == (400, 400)
    assert "non_field_errors" in activity.json()
    assert Record.objects.filter(pk=alices_listening.pk).exists()
    unused = CompetenceActivityFactory(area=AreaFactory())
    assert client.delete(reverse("competence-activity-detail", args=[unused.pk])).status_code == 204


# --- records: who sees what --------------------------------------------------------------


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_record_lists_hold_only_what_you_may_see(
    api, alice, bob, carol, maria, dave, alices_listening, alices_escalation, carols_seller
):
    url = reverse("competence-record-list")
    daves = Record.objects.get(person=dave)
    sams = Record.objects.get(person=carols_seller)
    alices = {alices_listening.pk, alices_escalation.pk}
    assert ids(api(alice).get(url)) == alices
    assert ids(api(bob).get(url)) == alices
    assert ids(api(carol).get(url)) == {daves.pk, sams.pk}
    # A trainer sees the records of the activity he trains, in any unit.
    assert ids(api(dave).get(url)) == {daves.pk, sams.pk, alices_listening.pk}
    assert ids(api(maria).get(url)) == alices | {daves.pk, sams.pk}


@pytest.mark.parametrize(
    "name, code", [("alice", 200), ("bob", 200), ("carol", 404), ("maria", 200), ("dave", 404)]
)
def test_record_detail_of_a_record_you_cannot_see_is_404(
    api, request, name, code, alices_escalation
):
    client = api(request.getfixturevalue(name))
    assert client.get(record_url(alices_escalation)).status_code == code


def test_record_shows_level_letters_names_and_state(api, bob, alices_listening, service_team):
    row = api(bob).get(record_url(alices_listening)).json()
    assert (row["person_name"], row["unit"], row["unit_name"]) == (
        alices_listening.person.get_full_name(),
        service_team.pk,
        "Team Chatt",
    )
    assert (row["level"], row["level_letter"], row["self_level"], row["self_level_letter"]) == (
        0,
        "–",
        3,
        "U",
    )
    assert row["awaits_sign_off"] is True and row["expired"] is False
    assert row["activity_code"] == "listening"


# --- records: the employee's own ---------------------------------------------------------


def test_employee_adds_her_own_record_which_then_awaits_a_sign_off(api, agent_alice, escalation):
    response = api(agent_alice).post(
        reverse("competence-record-list"),
        {"activity": escalation.pk, "self_level": Level.L, "evidence_text": "Did it twice"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    record = Record.objects.get(person=agent_alice, activity=escalation)
    assert (record.self_level, record.level, record.evidence_text) == (2, 0, "Did it twice")
    assert response.json()["awaits_sign_off"] is True
    again = api(agent_alice).post(
        reverse("competence-record-list"), {"activity": escalation.pk}, format="json"
    )
    assert again.status_code == 400  # one record per person and activity


def test_employee_cannot_add_a_record_for_someone_else(api, alice, bob, escalation):
    response = api(alice).post(
        reverse("competence-record-list"),
        {"person": bob.pk, "activity": escalation.pk, "self_level": 2},
        format="json",
    )
    assert response.status_code == 400
    assert "person" in response.json()
    assert not Record.objects.exists()


def test_coordinator_adds_an_empty_record_for_someone_of_her_unit_only(
    api, alice, bob, carol, escalation
):
    url = reverse("competence-record-list")
    theirs = api(bob).post(
        url, {"person": alice.pk, "activity": escalation.pk, "self_level": 3}, format="json"
    )
    assert theirs.status_code == 400 and "self_level" in theirs.json()
    other_unit = api(carol).post(url, {"person": alice.pk, "activity": escalation.pk}, "json")
    assert other_unit.status_code == 400 and "person" in other_unit.json()
    assert not Record.objects.exists()
    empty = api(bob).post(url, {"person": alice.pk, "activity": escalation.pk}, format="json")
    assert empty.status_code == 201
    assert Record.objects.get(person=alice).self_level == Level.NOT_STARTED


def test_management_adds_no_records(api, maria, escalation):
    response = api(maria).post(
        reverse("competence-record-list"), {"activity": escalation.pk}, format="json"
    )
    assert response.status_code == 403
    assert not Record.objects.exists()


def test_employee_raises_her_self_assessment_and_adds_evidence(api, alice, alices_escalation):
    response = api(alice).patch(
        record_url(alices_escalation),
        {"self_level": 3, "evidence_link": "https://example.org/log", "level": 4},
        format="json",
    )
    assert response.status_code == 200, response.json()
    alices_escalation.refresh_from_db()
    assert (alices_escalation.self_level, alices_escalation.level) == (3, 0)  # level ignored
    assert alices_escalation.evidence_link == "https://example.org/log"
    assert alices_escalation.history.first().history_user == alice


def test_raising_a_rejected_self_assessment_asks_again(api, alice, bob, alices_escalation):
    alices_escalation.reject(bob, "Show me a real case")
    response = api(alice).patch(record_url(alices_escalation), {"self_level": 3}, "json")
    assert response.json()["is_rejected"] is False
    assert response.json()["awaits_sign_off"] is True
    assert response.json()["rejection_comment"] == ""


@pytest.mark.parametrize("name, code", [("bob", 403), ("maria", 403), ("carol", 404)])
def test_only_the_person_changes_the_self_assessment(api, request, name, code, alices_escalation):
    client = api(request.getfixturevalue(name))
    response = client.patch(record_url(alices_escalation), {"self_level": 4}, format="json")
    assert response.status_code == code
    alices_escalation.refresh_from_db()
    assert alices_escalation.self_level == Level.L


def test_records_cannot_be_replaced_or_deleted(api, alice, alices_escalation):
    client = api(alice)
    assert client.put(record_url(alices_escalation), {}, format="json").status_code == 405
    assert client.delete(record_url(alices_escalation)).status_code == 405


@pytest.mark.parametrize("level", [7, -1, "U", ""])
def test_unknown_self_assessed_level_is_a_400(api, alice, alices_escalation, level):
    response = api(alice).patch(record_url(alices_escalation), {"self_level": level}, "json")
    assert response.status_code == 400
    assert "self_level" in response.json()
    alices_escalation.refresh_from_db()
    assert alices_escalation.self_level == Level.L


def test_evidence_file_upload_is_stored(api, alice, alices_escalation):
    upload = SimpleUploadedFile("case.pdf", b"%PDF-1.4 evidence", "application/pdf")
    response = api(alice).patch(
        record_url(alices_escalation), {"evidence_file": upload}, format="multipart"
    )
    assert response.status_code == 200, response.json()
    alices_escalation.refresh_from_db()
    assert alices_escalation.evidence_file.name.endswith(".pdf")
    link = response.json()["evidence_file"]
    assert link.endswith(f"/competence/records/{alices_escalation.pk}/evidence-file/")
    # The link is the permission-checked download of the web app.
    assert api(alice).get(link).status_code == 200


@pytest.mark.parametrize(
    "name, size",
    [("case.pdf", EVIDENCE_MAX_BYTES + 1), ("setup.exe", 100), ("no-extension", 100)],
)
def test_oversized_or_wrong_type_evidence_is_a_400(api, alice, alices_escalation, name, size):
    upload = SimpleUploadedFile(name, b"x" * size)
    response = api(alice).patch(
        record_url(alices_escalation),
        {"evidence_file": upload, "self_level": 3},
        format="multipart",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "evidence_file" in response.json()
    alices_escalation.refresh_from_db()
    assert (alices_escalation.self_level, alices_escalation.evidence_file.name) == (2, "")


def test_oversized_evidence_says_the_limit(api, alice, alices_escalation):
    upload = SimpleUploadedFile("case.pdf", b"x" * (EVIDENCE_MAX_BYTES + 1))
    response = api(alice).patch(
        record_url(alices_escalation),
        {"evidence_file": upload},
        format="multipart",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "at most 5 MB" in response.json()["evidence_file"][0]


def test_evidence_on_a_new_record_is_checked_too(api, agent_alice, escalation):
    upload = SimpleUploadedFile("virus.exe", b"MZ")
    response = api(agent_alice).post(
        reverse("competence-record-list"),
        {"activity": escalation.pk, "evidence_file": upload},
        format="multipart",
    )
    assert response.status_code == 400 and "evidence_file" in response.json()
    assert not Record.objects.exists()


# --- records: sign-off and rejection -----------------------------------------------------


def test_coordinator_signs_off_the_self_assessed_level(api, bob, alices_listening):
    response = api(bob).post(record_url(alices_listening, "sign-off"), {}, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["level"], body["level_letter"], body["signed_off_by"]) == (3, "U", bob.pk)
    assert body["signed_off_on"] == today().isoformat()
    assert body["expires_on"] is not None  # listening is valid for 12 months
    assert body["awaits_sign_off"] is False


def test_coordinator_signs_off_a_lower_level_than_asked(api, bob, alices_listening):
    response = api(bob).post(record_url(alices_listening, "sign-off"), {"level": 2}, "json")
    assert response.status_code == 200
    alices_listening.refresh_from_db()
    assert (alices_listening.level, alices_listening.self_level) == (2, 3)


def test_trainer_signs_off_the_activity_he_trains_in_another_unit(api, dave, alices_listening):
    response = api(dave).post(record_url(alices_listening, "sign-off"), {}, format="json")
    assert response.status_code == 200
    alices_listening.refresh_from_db()
    assert (alices_listening.level, alices_listening.signed_off_by) == (Level.U, dave)


def test_trainer_cannot_sign_off_an_activity_he_does_not_train(api, dave, alices_escalation):
    # Dave does not hold an O in escalation, so Alice's escalation record is not even
    # visible to him: 404, nothing revealed.
    response = api(dave).post(record_url(alices_escalation, "sign-off"), {}, format="json")
    assert response.status_code == 404
    alices_escalation.refresh_from_db()
    assert alices_escalation.level == Level.NOT_STARTED


def test_trainer_whose_own_sign_off_expired_no_longer_sees_or_signs_off(
    api, dave, listening, alices_listening
):
    Record.objects.filter(person=dave, activity=listening).update(expires_on=today() - DAY)
    response = api(dave).post(record_url(alices_listening, "sign-off"), {}, format="json")
    assert response.status_code == 404  # an expired O no longer opens the record
    alices_listening.refresh_from_db()
    assert alices_listening.level == Level.NOT_STARTED


@pytest.mark.parametrize("name, code", [("alice", 403), ("maria", 403), ("carol", 404)])
def test_others_cannot_sign_off_or_reject(api, request, name, code, alices_listening):
    client = api(request.getfixturevalue(name))
    assert client.post(record_url(alices_listening, "sign-off"), {}, "json").status_code == code
    rejected = client.post(record_url(alices_listening, "reject"), {"comment": "No"}, "json")
    assert rejected.status_code == code
    alices_listening.refresh_from_db()
    assert (alices_listening.level, alices_listening.rejected_level) == (0, None)


def test_nobody_signs_off_their_own_record_not_even_a_coordinator(api, bob, escalation):
    own = RecordFactory(person=bob, activity=escalation, self_level=Level.O)
    response = api(bob).post(record_url(own, "sign-off"), {}, format="json")
    assert response.status_code == 403
    own.refresh_from_db()
    assert own.level == Level.NOT_STARTED


@pytest.mark.parametrize("level", [9, 0, "O", -1])
def test_unknown_sign_off_level_is_a_400(api, bob, alices_listening, level):
    response = api(bob).post(record_url(alices_listening, "sign-off"), {"level": level}, "json")
    assert response.status_code == 400
    assert "level" in response.json()
    alices_listening.refresh_from_db()
    assert alices_listening.level == Level.NOT_STARTED


def test_signing_off_nothing_asked_is_a_400(api, bob, alice, escalation):
    record = RecordFactory(person=alice, activity=escalation)  # self_level 0
    response = api(bob).post(record_url(record, "sign-off"), {}, format="json")
    assert response.status_code == 400 and "level" in response.json()


def test_coordinator_rejects_with_a_comment_the_employee_sees(api, alice, bob, alices_listening):
    response = api(bob).post(
        record_url(alices_listening, "reject"), {"comment": "Record a call first"}, "json"
    )
    assert response.status_code == 200
    mine = api(alice).get(record_url(alices_listening)).json()
    assert mine["is_rejected"] is True and mine["awaits_sign_off"] is False
    assert (mine["rejection_comment"], mine["rejected_by"]) == ("Record a call first", bob.pk)
    assert (mine["rejected_level"], mine["rejected_level_letter"]) == (3, "U")


@pytest.mark.parametrize("body", [{}, {"comment": ""}, {"comment": "   "}])
def test_rejection_without_a_comment_is_a_400(api, bob, alices_listening, body):
    response = api(bob).post(record_url(alices_listening, "reject"), body, format="json")
    assert response.status_code == 400
    assert "comment" in response.json()
    alices_listening.refresh_from_db()
    assert alices_listening.rejected_level is None


def test_rejecting_what_does_not_wait_is_a_400(api, bob, agent_alice, escalation):
    record = signed(agent_alice, escalation, Level.L)
    response = api(bob).post(record_url(record, "reject"), {"comment": "No"}, format="json")
    assert response.status_code == 400
    assert "non_field_errors" in response.json()


# --- records: filters and query counts ---------------------------------------------------


def test_record_filters(
    api, maria, bob, alices_listening, alices_escalation, carols_seller, service_unit, listening
):
    url = reverse("competence-record-list")
    client = api(maria)
    signed_alice = api(bob).post(record_url(alices_escalation, "sign-off"), {}, "json")
    assert signed_alice.status_code == 200
    assert ids(client.get(url, {"unit": service_unit.pk})) == {
        alices_listening.pk,
        alices_escalation.pk,
    }
    waiting = ids(client.get(url, {"awaits_sign_off": "true"}))
    assert alices_listening.pk in waiting and alices_escalation.pk not in waiting
    assert ids(client.get(url, {"level": 2})) == {alices_escalation.pk}
    assert ids(client.get(url, {"person": carols_seller.pk, "activity": listening.pk})) == {
        Record.objects.get(person=carols_seller).pk
    }


@pytest.mark.parametrize(
    "params",
    [
        {"awaits_sign_off": "maybe"},
        {"level": 9},
        {"unit": "abc"},
        {"person": "1.5"},
        {"expired": "sometimes"},
    ],
)
def test_bad_record_filters_are_a_400(api, maria, params):
    response = api(maria).get(reverse("competence-record-list"), params)
    assert response.status_code == 400
    assert set(params) <= set(response.json())


@pytest.mark.parametrize("name", ["alice", "bob", "dave", "maria"])
def test_record_list_queries_do_not_grow_with_the_people(
    api, request, name, service_team, agent_role, listening, escalation, count_queries
):
    # Session, user, groups, home unit (for coordinators), count, the page of records
    # with person, unit, activity, area and sign-off names joined.
    client = api(request.getfixturevalue(name))
    url = reverse("competence-record-list")
    fill_team(service_team, agent_role, [listening, escalation], 5)
    few = count_queries(client, url)
    fill_team(service_team, agent_role, [listening, escalation], 45)
    assert count_queries(client, url) == few


# --- Green Cards -------------------------------------------------------------------------


@pytest.fixture
def ready_alice(agent_alice, listening, escalation):
    """Alice holds every activity the Agent role requires, signed off and valid."""
    signed(agent_alice, listening, Level.U)
    signed(agent_alice, escalation, Level.O)
    return agent_alice


def test_coordinator_issues_a_green_card_to_someone_ready(api, bob, ready_alice, agent_role):
    response = api(bob).post(
        reverse("green-card-list"), {"person": ready_alice.pk, "role": agent_role.pk}, "json"
    )
    assert response.status_code == 201, response.json()
    card = response.json()
    assert card["number"] == f"GC-{today().year}-0001"
    assert (card["person"], card["role"], card["issued_by"]) == (
        ready_alice.pk,
        agent_role.pk,
        bob.pk,
    )
    assert card["status"] == "certified"
    # The card lasts no longer than the listening sign-off it stands on (12 months).
    listening_expiry = Record.objects.get(person=ready_alice, activity__code="listening").expires_on
    assert card["expires_on"] == listening_expiry.isoformat()


def test_a_green_card_for_someone_not_ready_is_a_400_saying_how_far(
    api, bob, agent_alice, listening, escalation, agent_role
):
    signed(agent_alice, listening, Level.U)
    response = api(bob).post(
        reverse("green-card-list"),
        {"person": agent_alice.pk, "role": agent_role.pk},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "1 of 2" in response.json()["non_field_errors"][0]
    assert not GreenCard.objects.exists()


def test_a_green_card_for_a_role_the_person_does_not_hold_is_a_400(api, bob, ready_alice):
    other = CXRoleFactory(slug="seller")
    response = api(bob).post(
        reverse("green-card-list"), {"person": ready_alice.pk, "role": other.pk}, "json"
    )
    assert response.status_code == 400 and "role" in response.json()


@pytest.mark.parametrize("name, code", [("alice", 403), ("maria", 403), ("carol", 400)])
def test_only_a_coordinator_of_the_unit_issues_green_cards(
    api, request, name, code, ready_alice, agent_role
):
    client = api(request.getfixturevalue(name))
    response = client.post(
        reverse("green-card-list"), {"person": ready_alice.pk, "role": agent_role.pk}, "json"
    )
    assert response.status_code == code
    assert not GreenCard.objects.exists()


def test_green_cards_cannot_be_edited_or_deleted(api, bob, alice):
    card = GreenCardFactory(person=alice)
    url = reverse("green-card-detail", args=[card.pk])
    assert api(bob).patch(url, {"expires_on": "2099-01-01"}, "json").status_code == 405
    assert api(bob).delete(url).status_code == 405


def test_green_card_status_and_visibility(api, alice, bob, carol, maria, agent_role):
    certified = GreenCardFactory(
        person=alice, role=agent_role, issued_on=today() - 300 * DAY, expires_on=today() + 400 * DAY
    )
    expiring = GreenCardFactory(
        person=alice, issued_on=today() - 300 * DAY, expires_on=today() + 10 * DAY
    )
    expired = GreenCardFactory(
        person=alice, role=agent_role, issued_on=today() - 900 * DAY, expires_on=today() - DAY
    )
    url = reverse("green-card-list")
    rows = {row["id"]: row["status"] for row in api(alice).get(url).json()["results"]}
    assert rows == {certified.pk: "certified", expiring.pk: "expiring", expired.pk: "expired"}
    assert ids(api(maria).get(url, {"status": "expired"})) == {expired.pk}
    assert ids(api(bob).get(url, {"concept": "true"})) == {expiring.pk}
    assert ids(api(carol).get(url)) == set()
    assert api(carol).get(reverse("green-card-detail", args=[certified.pk])).status_code == 404
    assert api(maria).get(url, {"status": "nearly"}).status_code == 400


# --- Green Card progress -----------------------------------------------------------------


def test_progress_of_your_own_green_cards(api, agent_alice, listening, escalation, agent_role):
    signed(agent_alice, listening, Level.U)
    response = api(agent_alice).get(reverse("competence-progress-list"))
    (me,) = response.json()["results"]
    assert me["person"] == agent_alice.pk
    (card,) = me["cards"]
    assert (card["role"], card["status"], card["done"], card["required"]) == (
        agent_role.pk,
        "in_progress",
        1,
        2,
    )
    assert card["card"] is None and card["card_number"] is None


def test_progress_shows_the_current_card(api, bob, ready_alice, agent_role):
    card = GreenCardFactory(
        person=ready_alice, role=agent_role, issued_on=today(), expires_on=today() + 400 * DAY
    )
    response = api(bob).get(reverse("competence-progress-detail", args=[ready_alice.pk]))
    (progress,) = response.json()["cards"]
    assert (progress["status"], progress["card"], progress["card_number"]) == (
        "certified",
        card.pk,
        card.number,
    )
    assert progress["done"] == progress["required"] == 2


@pytest.mark.parametrize(
    "name, code", [("alice", 200), ("bob", 200), ("maria", 200), ("carol", 404), ("dave", 404)]
)
def test_progress_of_people_you_do_not_follow_is_404(api, request, name, code, agent_alice):
    client = api(request.getfixturevalue(name))
    url = reverse("competence-progress-detail", args=[agent_alice.pk])
    assert client.get(url).status_code == code
    people = client.get(reverse("competence-progress-list"), {"person": agent_alice.pk})
    assert people.json()["count"] == (1 if code == 200 else 0)


@pytest.mark.parametrize("name", ["bob", "maria"])
def test_progress_queries_do_not_grow_with_the_people(
    api, request, name, service_team, agent_role, listening, escalation, count_queries
):
    client = api(request.getfixturevalue(name))
    url = reverse("competence-progress-list")
    fill_team(service_team, agent_role, [listening, escalation], 5)
    few = count_queries(client, url)
    fill_team(service_team, agent_role, [listening, escalation], 40)
    assert count_queries(client, url) == few


# --- trainee plans -----------------------------------------------------------------------


@pytest.fixture
def alices_plan(alice, dave):
    return TraineePlanFactory(person=alice, mentor=dave, start_date=today() - 60 * DAY)


def test_coordinator_makes_a_trainee_plan_with_goals(api, bob, alice, dave, listening):
    client = api(bob)
    start = today() - 30 * DAY
    response = client.post(
        reverse("trainee-plan-list"),
        {"person": alice.pk, "mentor": dave.pk, "start_date": start.isoformat()},
        format="json",
    )
    assert response.status_code == 201, response.json()
    plan = TraineePlan.objects.get(person=alice)
    goal = client.post(
        reverse("trainee-goal-list"),
        {
            "plan": plan.pk,
            "activity": listening.pk,
            "target_level": 2,
            "due_date": (today() - DAY).isoformat(),
        },
        format="json",
    )
    assert goal.status_code == 201, goal.json()
    assert (goal.json()["reached"], goal.json()["late"]) == (False, True)
    signed(alice, listening, Level.L)
    detail = client.get(reverse("trainee-plan-detail", args=[plan.pk])).json()
    assert detail["mentor_name"] == "Dave " + dave.last_name
    (line,) = detail["goals"]
    assert (line["reached"], line["late"], line["level_letter"]) == (True, False, "L")
    assert detail["late_count"] == 0


def test_trainee_plan_rules_are_400s(api, bob, carol, alice, alices_plan, listening):
    url = reverse("trainee-plan-list")
    twice = api(bob).post(url, {"person": alice.pk, "start_date": "2026-01-01"}, "json")
    assert twice.status_code == 400 and "person" in twice.json()
    other_unit = api(carol).post(url, {"person": alice.pk, "start_date": "2026-01-01"}, "json")
    assert other_unit.status_code == 400 and "person" in other_unit.json()
    own_mentor = api(bob).patch(
        reverse("trainee-plan-detail", args=[alices_plan.pk]), {"mentor": alice.pk}, "json"
    )
    assert own_mentor.status_code == 400 and "mentor" in own_mentor.json()
    goals = reverse("trainee-goal-list")
    early = {
        "plan": alices_plan.pk,
        "activity": listening.pk,
        "target_level": 2,
        "due_date": (alices_plan.start_date - DAY).isoformat(),
    }
    assert "due_date" in api(bob).post(goals, early, format="json").json()
    unknown = {**early, "due_date": today().isoformat(), "target_level": 7}
    assert "target_level" in api(bob).post(goals, unknown, format="json").json()
    not_hers = api(carol).post(goals, {**unknown, "target_level": 2}, format="json")
    assert not_hers.status_code == 400 and "plan" in not_hers.json()
    assert not Goal.objects.exists()


@pytest.mark.parametrize(
    "name, read, write",
    [
        ("alice", 200, 403),  # the trainee
        ("dave", 200, 403),  # the mentor
        ("bob", 200, 200),  # coordinator of her unit
        ("carol", 404, 404),
        ("maria", 200, 403),
    ],
)
def test_who_reads_and_changes_a_trainee_plan(api, request, name, read, write, alices_plan):
    client = api(request.getfixturevalue(name))
    url = reverse("trainee-plan-detail", args=[alices_plan.pk])
    assert client.get(url).status_code == read
    assert client.patch(url, {"notes": "Changed"}, format="json").status_code == write
    goal = GoalFactory(plan=alices_plan, due_date=today())
    goal_url = reverse("trainee-goal-detail", args=[goal.pk])
    assert client.get(goal_url).status_code == read
    assert client.patch(goal_url, {"target_level": 3}, format="json").status_code == write


@pytest.mark.parametrize("name", ["alice", "maria"])
def test_employees_and_management_make_no_trainee_plans(api, request, name, bob):
    response = api(request.getfixturevalue(name)).post(
        reverse("trainee-plan-list"), {"person": bob.pk, "start_date": "2026-01-01"}, "json"
    )
    assert response.status_code == 403


def test_coordinator_deletes_a_goal_and_a_plan(api, bob, alices_plan):
    goal = GoalFactory(plan=alices_plan, due_date=today())
    client = api(bob)
    assert client.delete(reverse("trainee-goal-detail", args=[goal.pk])).status_code == 204
    assert client.delete(reverse("trainee-plan-detail", args=[alices_plan.pk])).status_code == 204
    assert not TraineePlan.objects.exists()


# --- the flat matrix ---------------------------------------------------------------------


def matrix(client, **params) -> list[dict]:
    response = client.get(reverse("competence-matrix-list"), params)
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_matrix_rows_for_required_and_recorded_activities(
    api, agent_alice, listening, escalation, service_team
):
    extra = CompetenceActivityFactory(area=listening.area, code="extra", title_en="Extra")
    signed(agent_alice, listening, Level.O, on=today() - 400 * DAY)  # expired after 12 months
    RecordFactory(person=agent_alice, activity=extra, self_level=Level.I)
    rows = {row["activity_code"]: row for row in matrix(api(agent_alice))}
    assert set(rows) == {"listening", "escalation", "extra"}  # a required one has no record
    listened = rows["listening"]
    assert (listened["person"], listened["unit"], listened["unit_name"]) == (
        agent_alice.pk,
        service_team.pk,
        "Team Chatt",
    )
    assert (listened["level"], listened["level_letter"], listened["effective_level"]) == (4, "O", 0)
    assert listened["expired"] is True and listened["meets_requirement"] is False
    assert (listened["required_level"], listened["required_level_letter"]) == (3, "U")
    assert listened["signed_off_on"] == (today() - 400 * DAY).isoformat()
    assert rows["escalation"]["level"] == 0 and rows["escalation"]["signed_off_on"] is None
    assert rows["escalation"]["required_level"] == 2
    assert rows["extra"]["required_level"] is None and rows["extra"]["meets_requirement"] is None
    assert rows["extra"]["awaits_sign_off"] is True


def test_matrix_title_follows_the_request_language(api, agent_alice, listening):
    client = api(agent_alice)
    english = client.get(reverse("competence-matrix-list"), HTTP_ACCEPT_LANGUAGE="en").json()
    titles = {row["activity_title"] for row in english["results"]}
    assert "Active listening" in titles


def test_matrix_required_level_is_the_highest_across_the_roles(
    api, agent_alice, listening, escalation
):
    lead = CXRoleFactory(slug="lead")
    RequirementFactory(activity=escalation, role=lead, level=Level.O)
    agent_alice.profile.cx_roles.add(lead)
    rows = {row["activity_code"]: row for row in matrix(api(agent_alice))}
    assert rows["escalation"]["required_level"] == Level.O
    # The role filter keeps the activities the role requires, still at the highest level.
    filtered = matrix(api(agent_alice), role=lead.pk)
    assert [(row["activity_code"], row["required_level"]) for row in filtered] == [
        ("escalation", 4)
    ]


def test_matrix_shows_each_user_whom_they_follow(
    api, agent_alice, bob, carol, maria, dave, listening, carols_seller
):
    def people(client):
        return {row["person"] for row in matrix(client)}

    assert people(api(agent_alice)) == {agent_alice.pk}
    assert people(api(bob)) == {agent_alice.pk}
    assert people(api(carol)) == {dave.pk, carols_seller.pk}
    assert people(api(dave)) == {dave.pk}  # a trainer sees records, not people
    assert people(api(maria)) == {agent_alice.pk, dave.pk, carols_seller.pk}


def test_matrix_filters(api, maria, agent_alice, dave, listening, escalation, service_unit):
    client = api(maria)
    assert {row["person"] for row in matrix(client, unit=service_unit.pk)} == {agent_alice.pk}
    assert {row["activity"] for row in matrix(client, activity=escalation.pk)} == {escalation.pk}
    assert {row["person"] for row in matrix(client, person=dave.pk)} == {dave.pk}
    other_area = CompetenceActivityFactory(code="other")
    RecordFactory(person=dave, activity=other_area, self_level=Level.L)
    in_area = matrix(client, area=other_area.area_id)
    assert [(row["person"], row["activity_code"]) for row in in_area] == [(dave.pk, "other")]


@pytest.mark.parametrize(
    "params",
    [{"unit": "abc"}, {"role": 99999}, {"area": "1.5"}, {"activity": 99999}, {"person": "x"}],
)
def test_bad_matrix_filters_are_a_400(api, maria, params):
    response = api(maria).get(reverse("competence-matrix-list"), params)
    assert response.status_code == 400
    assert set(params) <= set(response.json())


def test_matrix_is_paged_by_rows(api, maria, service_team, agent_role, listening, escalation):
    fill_team(service_team, agent_role, [listening], 3)  # 3 people x 2 required activities
    client = api(maria)
    first = client.get(reverse("competence-matrix-list"), {"page_size": 4}).json()
    second = client.get(first["next"]).json()
    assert first["count"] == 6 and len(first["results"]) == 4 and len(second["results"]) == 2
    keys = [(row["person"], row["activity"]) for row in first["results"] + second["results"]]
    assert len(set(keys)) == 6
    assert client.get(reverse("competence-matrix-list"), {"page": 9}).status_code == 404


@pytest.mark.parametrize("name", ["alice", "bob", "maria"])
def test_matrix_queries_do_not_grow_with_people_or_activities(
    api, request, name, service_team, agent_role, listening, escalation, count_queries
):
    # Session, user, groups, home unit; activities, people, their CX roles, the roles'
    # requirements, (person, activity) pairs with a record; the page's records.
    client = api(request.getfixturevalue(name))
    url = reverse("competence-matrix-list")
    fill_team(service_team, agent_role, [listening, escalation], 5)
    few = count_queries(client, url)
    more = [CompetenceActivityFactory(area=listening.area) for _ in range(5)]
    fill_team(service_team, agent_role, [listening, escalation, *more], 45)
    assert count_queries(client, url) == few
    assert count_queries(client, f"{url}?page_size=1000") == few


# --- the schema --------------------------------------------------------------------------


def test_schema_describes_the_competence_endpoints():
    paths = openapi_schema()["paths"]
    for endpoint in [
        "competence-areas",
        "competence-activities",
        "competence-requirements",
        "competence-records",
        "competence-progress",
        "green-cards",
        "trainee-plans",
        "trainee-goals",
    ]:
        assert f"/api/v1/{endpoint}/" in paths
        assert f"/api/v1/{endpoint}/{{id}}/" in paths
    assert "/api/v1/competence-records/{id}/sign-off/" in paths
    assert "/api/v1/competence-records/{id}/reject/" in paths
    matrix_parameters = {
        p["name"] for p in paths["/api/v1/competence-matrix/"]["get"]["parameters"]
    }
    assert {"unit", "role", "area", "activity", "person", "page", "page_size"} <= matrix_parameters
