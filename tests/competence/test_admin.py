"""Competence in the admin: who may read and change what, sign-off through the action,
Green Cards issued through the service, trainee plans and the coverage by unit.

Alice (employee, agent in Team Chatt), Bob (coordinator of Kundservice), Carol
(coordinator of Sales) and Maria (management) come from tests/conftest.py; the
catalogue (listening at U, escalation at L for agents; Dave, a trainer in Sales)
from tests/competence/conftest.py.
"""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from cxlean.competence.coverage import coverage_by_unit
from cxlean.competence.models import CardStatus, GreenCard, Level, Record, TraineePlan
from cxlean.org.models import Unit
from tests.factories import (
    CompetenceActivityFactory,
    GoalFactory,
    GreenCardFactory,
    RecordFactory,
    RequirementFactory,
    TraineePlanFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

CHANGELISTS = [
    "competence_area",
    "competence_competenceactivity",
    "competence_requirement",
    "competence_record",
    "competence_greencard",
    "competence_traineeplan",
]
COVERAGE = reverse("admin:competence_coverage")
SIGN_OFF = "sign_off_requested_level"


def changelist(name: str) -> str:
    return reverse(f"admin:{name}_changelist")


def change(obj) -> str:
    return reverse(f"admin:competence_{obj._meta.model_name}_change", args=[obj.pk])


def history(obj) -> str:
    return reverse(f"admin:competence_{obj._meta.model_name}_history", args=[obj.pk])


def today() -> dt.date:
    return timezone.localdate()


def run_action(client, records, action=SIGN_OFF):
    return client.post(
        changelist("competence_record"),
        {"action": action, "_selected_action": [record.pk for record in records]},
        language="en",
        follow=True,
    )


def page_messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


@pytest.fixture
def waiting(agent_alice, listening):
    """Alice asks for U in active listening, holding L."""
    return RecordFactory(
        person=agent_alice,
        activity=listening,
        level=Level.L,
        self_level=Level.U,
        evidence_text="Medlyssning med Bob.",
    )


# --- who sees what -----------------------------------------------------------------------


@pytest.mark.parametrize("name", CHANGELISTS)
def test_management_and_coordinators_open_every_list(name, bob, maria, as_user, waiting):
    assert as_user(maria).get(changelist(name)).status_code == 200
    assert as_user(bob).get(changelist(name)).status_code == 200


def test_employees_are_kept_out(alice, as_user):
    response = as_user(alice).get(changelist("competence_record"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_the_competence_index_links_to_the_coverage(maria, as_user):
    page = as_user(maria).get(reverse("admin:app_list", args=["competence"]))
    assert COVERAGE in page.text


def test_management_reads_records_but_cannot_change_or_sign_off(maria, as_user, waiting):
    client = as_user(maria)
    page = client.get(change(waiting))
    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    assert client.post(change(waiting), {"level": Level.O}).status_code == 403
    assert client.get(history(waiting)).status_code == 200

    listing = client.get(changelist("competence_record"), language="en")
    assert SIGN_OFF not in listing.text
    run_action(client, [waiting])
    waiting.refresh_from_db()
    assert waiting.level == Level.L and waiting.signed_off_by is None


def test_management_cannot_touch_the_catalogue_cards_or_plans(maria, as_user, listening):
    client = as_user(maria)
    assert client.get(reverse("admin:competence_greencard_add")).status_code == 403
    assert client.get(reverse("admin:competence_traineeplan_add")).status_code == 403
    assert client.get(reverse("admin:competence_area_add")).status_code == 403
    response = client.post(change(listening), {"title_sv": "Omdöpt"})
    assert response.status_code == 403
    listening.refresh_from_db()
    assert listening.title_sv == "Aktivt lyssnande"


def test_the_cx_owner_curates_the_catalogue_coordinators_read_it(bob, olivia, as_user, listening):
    page = as_user(olivia).get(change(listening))
    assert b'name="_save"' in page.content
    page = as_user(bob).get(change(listening))
    assert page.status_code == 200 and b'name="_save"' not in page.content


def test_another_units_coordinator_neither_lists_nor_opens_a_record(carol, as_user, waiting):
    client = as_user(carol)
    listing = client.get(changelist("competence_record"))
    assert waiting.pk not in [record.pk for record in listing.context["cl"].result_list]
    assert client.get(change(waiting)).status_code == 302  # "does not exist"
    assert client.get(history(waiting)).status_code == 404


def test_a_record_shows_its_history(bob, as_user, waiting):
    waiting.sign_off(bob)
    page = as_user(bob).get(history(waiting))
    assert page.status_code == 200
    assert page.text.count("<tr") >= 3  # header, creation, sign-off


def test_nobody_edits_levels_in_the_admin(bob, root, as_user, waiting):
    for user in (bob, root):
        assert as_user(user).post(change(waiting), {"level": Level.O}).status_code == 403
    assert as_user(bob).get(reverse("admin:competence_record_add")).status_code == 403
    waiting.refresh_from_db()
    assert waiting.level == Level.L


# --- sign-off through the action ---------------------------------------------------------


def test_coordinator_signs_off_the_requested_level(bob, as_user, waiting, listening):
    response = run_action(as_user(bob), [waiting])
    assert "Signed off 1 record." in page_messages(response)
    waiting.refresh_from_db()
    assert waiting.level == Level.U
    assert waiting.signed_off_by == bob and waiting.signed_off_on == today()
    assert waiting.expires_on == listening.expiry_from(today())
    assert waiting.history.first().history_user == bob


def test_nobody_signs_off_their_own_record_in_the_admin(bob, as_user, listening):
    own = RecordFactory(person=bob, activity=listening, level=Level.I, self_level=Level.U)
    response = run_action(as_user(bob), [own])
    assert any(
        message.startswith("Not signed off:") and "may not sign off" in message
        for message in page_messages(response)
    )
    own.refresh_from_db()
    assert own.level == Level.I and own.signed_off_by is None


def test_the_action_ignores_records_outside_the_coordinators_units(carol, as_user, waiting):
    run_action(as_user(carol), [waiting])
    waiting.refresh_from_db()
    assert waiting.level == Level.L


def test_a_trainer_coordinator_signs_off_another_unit_in_their_activity(
    carol, as_user, waiting, listening
):
    """Carol holds O in listening, so she trains it for everyone (the model's rule)."""
    RecordFactory(person=carol, activity=listening, level=Level.O, self_level=Level.O)
    run_action(as_user(carol), [waiting])
    waiting.refresh_from_db()
    assert waiting.level == Level.U and waiting.signed_off_by == carol


def test_records_with_nothing_waiting_are_left_alone(bob, as_user, agent_alice, escalation):
    done = RecordFactory(person=agent_alice, activity=escalation, level=Level.L, self_level=2)
    response = run_action(as_user(bob), [done])
    assert "1 record had nothing waiting for a sign-off." in page_messages(response)
    done.refresh_from_db()
    assert done.signed_off_by is None


def test_the_list_filters_waiting_and_expired_records(bob, as_user, waiting, escalation):
    expired = RecordFactory(
        person=waiting.person,
        activity=escalation,
        level=Level.L,
        self_level=Level.L,
        expires_on=today() - dt.timedelta(days=1),
    )
    client = as_user(bob)

    def listed(query: str) -> set[int]:
        response = client.get(changelist("competence_record") + query)
        return {record.pk for record in response.context["cl"].result_list}

    assert listed("?sign_off=waiting") == {waiting.pk}
    assert listed("?validity=expired") == {expired.pk}
    assert listed("?validity=valid") == {waiting.pk}
    assert listed(f"?level__exact={Level.L}") == {waiting.pk, expired.pk}


def test_the_record_list_runs_a_constant_number_of_queries(
    maria, as_user, listening, count_queries
):
    client = as_user(maria)

    def queries_for(count: int) -> int:
        while Record.objects.count() < count:
            RecordFactory(activity=listening, level=Level.L, self_level=Level.U)
        return count_queries(client, changelist("competence_record"))

    assert queries_for(3) == queries_for(30)


# --- Green Cards -------------------------------------------------------------------------


def issue(client, person, role=None):
    return client.post(
        reverse("admin:competence_greencard_add"),
        {"person": person.pk, "role": role.pk if role else ""},
        language="en",
    )


@pytest.fixture
def ready_alice(agent_alice, listening, escalation):
    RecordFactory(person=agent_alice, activity=listening, level=Level.U, self_level=Level.U)
    RecordFactory(person=agent_alice, activity=escalation, level=Level.L, self_level=Level.L)
    return agent_alice


def test_coordinator_issues_a_green_card_through_the_admin(bob, as_user, ready_alice, agent_role):
    response = issue(as_user(bob), ready_alice, agent_role)
    assert response.status_code == 302, response.content
    card = GreenCard.objects.get(person=ready_alice)
    assert card.role == agent_role and card.issued_by == bob and card.issued_on == today()
    assert card.number.startswith(f"GC-{today().year}-")
    assert GreenCard.objects.count() == 1  # saved once, by the service


def test_a_card_that_is_not_ready_is_a_form_error(
    bob, as_user, agent_alice, agent_role, listening, escalation
):
    response = issue(as_user(bob), agent_alice, agent_role)
    assert response.status_code == 200
    assert "Not ready for certification: 0 of 2 activities signed off." in response.text
    assert not GreenCard.objects.exists()


def test_a_role_the_person_does_not_hold_is_a_field_error(bob, as_user, ready_alice):
    other_role = RequirementFactory().role
    response = issue(as_user(bob), ready_alice, other_role)
    assert response.status_code == 200
    assert "The person does not hold this CX role." in response.text
    assert not GreenCard.objects.exists()


def test_cards_are_issued_only_for_people_of_ones_units(bob, carol, as_user, ready_alice):
    response = issue(as_user(carol), ready_alice)
    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    assert issue(as_user(bob), bob).status_code == 200  # not even for oneself
    assert not GreenCard.objects.exists()


def test_cards_are_read_only_and_show_their_status(bob, maria, as_user, ready_alice):
    card = GreenCardFactory(
        person=ready_alice, issued_on=today(), expires_on=today() + dt.timedelta(days=10)
    )
    page = as_user(maria).get(changelist("competence_greencard"), language="en")
    assert card.number in page.text and "Expiring soon" in page.text
    assert as_user(bob).post(change(card), {"expires_on": "2040-01-01"}).status_code == 403
    assert card.status(today()) == CardStatus.EXPIRING
    assert card.status(today() + dt.timedelta(days=11)) == CardStatus.EXPIRED
    assert card.status(today() - dt.timedelta(days=30)) == CardStatus.CERTIFIED


def test_a_coordinator_withdraws_a_card_of_their_unit_only(bob, carol, as_user, ready_alice):
    card = GreenCardFactory(person=ready_alice)
    delete = reverse("admin:competence_greencard_delete", args=[card.pk])
    assert as_user(carol).post(delete, {"post": "yes"}).status_code == 302
    assert GreenCard.objects.filter(pk=card.pk).exists()  # not hers: "does not exist"
    assert as_user(bob).post(delete, {"post": "yes"}).status_code == 302
    assert not GreenCard.objects.filter(pk=card.pk).exists()


# --- trainee plans -----------------------------------------------------------------------


def test_coordinator_creates_a_trainee_plan_with_goals(bob, as_user, alice, listening):
    mentor = UserFactory(unit=alice.profile.unit)
    response = as_user(bob).post(
        reverse("admin:competence_traineeplan_add"),
        {
            "person": alice.pk,
            "mentor": mentor.pk,
            "start_date": "2026-09-01",
            "notes": "",
            "goals-TOTAL_FORMS": "1",
            "goals-INITIAL_FORMS": "0",
            "goals-0-activity": listening.pk,
            "goals-0-target_level": Level.L,
            "goals-0-due_date": "2026-10-01",
        },
    )
    assert response.status_code == 302, response.content
    plan = TraineePlan.objects.get(person=alice)
    assert plan.mentor == mentor and plan.goals.get().activity == listening


def test_trainee_plans_of_other_units_are_out_of_reach(carol, bob, as_user, alice, listening):
    plan = TraineePlanFactory(person=alice)
    assert as_user(carol).get(change(plan)).status_code == 302
    page = as_user(bob).get(change(plan))
    assert b'name="_save"' in page.content


def test_the_plan_list_counts_late_goals(maria, as_user, alice, listening, escalation):
    plan = TraineePlanFactory(person=alice, start_date=today() - dt.timedelta(days=60))
    GoalFactory(plan=plan, activity=listening, due_date=today() - dt.timedelta(days=5))
    GoalFactory(plan=plan, activity=escalation, due_date=today() - dt.timedelta(days=5))
    RecordFactory(person=alice, activity=escalation, level=Level.L, self_level=Level.L)
    page = as_user(maria).get(changelist("competence_traineeplan"))
    admin_view = page.context["cl"].model_admin
    shown = page.context["cl"].result_list[0]
    assert admin_view.goals(shown) == 2
    assert admin_view.late(shown) == 1  # listening is not reached; escalation is


# --- coverage by unit --------------------------------------------------------------------


@pytest.fixture
def coverage_case(agent_role, listening, escalation, service_team, sales_unit, alice, dave):
    """Team Chatt: Alice (agent) holds listening U and escalation I; Erin (agent) holds
    escalation L and a valid Green Card. Dave (Sales) holds O in listening but no role."""
    alice.profile.cx_roles.add(agent_role)
    erin = UserFactory(username="erin", unit=service_team)
    erin.profile.cx_roles.add(agent_role)
    RecordFactory(person=alice, activity=listening, level=Level.U, self_level=Level.U)
    RecordFactory(person=alice, activity=escalation, level=Level.I, self_level=Level.I)
    RecordFactory(person=erin, activity=escalation, level=Level.L, self_level=Level.L)
    GreenCardFactory(person=erin, issued_on=today(), expires_on=today() + dt.timedelta(days=200))
    GreenCardFactory(  # an expired card does not count
        person=alice,
        issued_on=today() - dt.timedelta(days=800),
        expires_on=today() - dt.timedelta(days=1),
    )


def rows_by_unit(page) -> dict[str, object]:
    return {row.unit.name: row for row in page.context["rows"]}


def test_coverage_shows_figures_per_unit_with_sub_units(maria, as_user, coverage_case):
    page = as_user(maria).get(COVERAGE, language="en")
    assert page.status_code == 200
    rows = rows_by_unit(page)
    team = rows["Team Chatt"]
    assert (team.people, team.required, team.met, team.percent) == (2, 4, 2, 50)
    assert (team.certified, team.people_with_roles) == (1, 2)
    # Listening: only Alice at U; escalation: nobody at U or O.
    assert team.single_points == 2
    company = rows["Företaget"]
    assert company.people == 4  # Alice, Erin, Maria, Dave
    assert (company.required, company.met, company.certified) == (4, 2, 1)
    assert rows["Försäljning"].people == 1 and rows["Försäljning"].percent is None
    assert "2 of 4" in page.text and "50 %" in page.text


def test_coverage_agrees_with_green_card_progress(coverage_case, alice):
    from cxlean.competence.models import person_card_progress

    row = next(r for r in coverage_by_unit(Unit.objects.order_by("path"), today()) if r.depth == 0)
    progress = person_card_progress(alice)[0]
    assert (progress.done, progress.required) == (1, 2)
    assert row.met == 2  # Alice 1 + Erin 1


def test_a_coordinator_sees_the_coverage_of_their_units_only(carol, bob, as_user, coverage_case):
    assert set(rows_by_unit(as_user(carol).get(COVERAGE))) == {"Försäljning"}
    assert set(rows_by_unit(as_user(bob).get(COVERAGE))) == {"Kundservice", "Team Chatt"}


def test_employees_cannot_open_the_coverage(alice, as_user):
    assert as_user(alice).get(COVERAGE).status_code == 302


def test_coverage_runs_a_constant_number_of_queries(
    maria, as_user, agent_role, company, count_queries
):
    client = as_user(maria)

    def queries_for(teams: int) -> int:
        while Unit.objects.filter(parent=company).count() < teams:
            team = Unit.objects.create(name="Team", code=f"t{Unit.objects.count()}", parent=company)
            for _ in range(3):
                person = UserFactory(unit=team)
                person.profile.cx_roles.add(agent_role)
                activity = CompetenceActivityFactory()
                RequirementFactory(activity=activity, role=agent_role, level=Level.L)
                RecordFactory(person=person, activity=activity, level=Level.U, self_level=3)
        return count_queries(client, COVERAGE)

    assert queries_for(2) == queries_for(8)


def test_the_cx_owner_changes_a_requirement_inline(olivia, as_user, listening, agent_role):
    requirement = listening.requirements.get()
    response = as_user(olivia).post(
        change(listening),
        {
            "area": listening.area_id,
            "code": listening.code,
            "order": listening.order,
            "validity_months": 12,
            "title_sv": listening.title_sv,
            "title_en": listening.title_en,
            "description_sv": "",
            "description_en": "",
            "evidence_sv": "",
            "evidence_en": "",
            "requirements-TOTAL_FORMS": "1",
            "requirements-INITIAL_FORMS": "1",
            "requirements-0-id": requirement.pk,
            "requirements-0-activity": listening.pk,
            "requirements-0-role": agent_role.pk,
            "requirements-0-level": Level.O,
        },
    )
    assert response.status_code == 302, response.content
    requirement.refresh_from_db()
    assert requirement.level == Level.O


def test_evidence_files_are_linked_through_the_apps_checked_download(
    bob, as_user, waiting, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    waiting.evidence_file = SimpleUploadedFile("intyg.pdf", b"%PDF-1.4")
    waiting.save()
    page = as_user(bob).get(change(waiting))
    assert reverse("competence:evidence_file", args=[waiting.pk]) in page.text
    assert settings.MEDIA_URL + "evidence/" not in page.text


def test_a_mentor_coordinator_cannot_delete_a_plan_of_another_unit(carol, as_user, alice):
    plan = TraineePlanFactory(person=alice, mentor=carol)
    client = as_user(carol)
    listing = client.get(changelist("competence_traineeplan"))
    assert plan in listing.context["cl"].result_list  # she mentors it
    assert "delete_selected" not in listing.text
    delete = reverse("admin:competence_traineeplan_delete", args=[plan.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert TraineePlan.objects.filter(pk=plan.pk).exists()
