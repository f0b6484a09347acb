# ruff: noqa: F811 - pytest fixtures imported from web_fixtures are used as arguments
"""The competence pages: my competence (one-click raise, evidence), a person's page
(sign-off, rejection, Green Card issue, trainee plan), the sign-off queue, a record
with its history and the printable certificate.

Alice (employee, agent) and Bob (her coordinator) come from tests/conftest.py; the
catalogue (listening at U, escalation at L for agents, Dave the listening trainer)
from tests/competence/conftest.py.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format

from cxlean.competence.models import (
    EVIDENCE_MAX_BYTES,
    GreenCard,
    Level,
    Record,
    TraineePlan,
)
from cxlean.core.names import display_name as name
from tests.competence.web_fixtures import (  # noqa: F401 - fixtures
    EN,
    HTMX,
    _media,
    days,
    erin,
    messages_of,
    signed,
    today,
    waiting,
    waiting_escalation,
)
from tests.factories import (
    PASSWORD,
    AreaFactory,
    CompetenceActivityFactory,
    GoalFactory,
    GreenCardFactory,
    RecordFactory,
    TraineePlanFactory,
    UserFactory,
)

MINE = reverse("competence:mine")


def english(day) -> str:
    with translation.override("en"):
        return date_format(day)


def page(client, url, **extra) -> str:
    response = client.get(url, **EN, **extra)
    assert response.status_code == 200
    return response.content.decode()


# --- my competence -----------------------------------------------------------------------


def test_my_competence_groups_activities_by_area_with_required_levels(
    agent_alice, listening, escalation, as_user
):
    other = CompetenceActivityFactory(title_en="Run a huddle")  # in its own area
    AreaFactory(name_en="An empty area")
    html = page(as_user(agent_alice), MINE)
    assert "Listen" in html and other.area.name_en in html
    assert "An empty area" not in html  # only areas with activities
    assert html.index("Active listening") < html.index("Escalate well") < html.index("Run a huddle")
    assert "U – does it independently to standard" in html  # listening's requirement
    assert "Not required" in html  # the huddle


def test_the_level_symbol_has_a_text_for_screen_readers(agent_alice, listening, bob, as_user):
    signed(agent_alice, listening, Level.U, by=bob)
    html = page(as_user(agent_alice), MINE)
    assert (
        '<span class="level level--3" title="U – does it independently to standard">'
        '<span aria-hidden="true">◕</span>'
        '<span class="visually-hidden">U – does it independently to standard</span></span>'
    ) in html


def test_my_competence_shows_who_signed_off_and_until_when(agent_alice, listening, bob, as_user):
    signed(agent_alice, listening, Level.U, by=bob)
    html = page(as_user(agent_alice), MINE)
    until = listening.expiry_from(today())
    assert f"Signed off by {name(bob)} on {english(today())}, valid until {english(until)}." in html
    assert "met" in html


def test_an_expired_sign_off_is_shown_as_expired(agent_alice, listening, bob, as_user):
    signed(agent_alice, listening, Level.U, by=bob, on=days(-400))  # valid 12 months
    html = page(as_user(agent_alice), MINE)
    assert "level--expired" in html
    assert "U – does it independently to standard (expired)" in html
    assert "expired on" in html


def test_waiting_and_rejected_states_are_shown_to_the_employee(
    waiting, waiting_escalation, bob, as_user
):
    waiting_escalation.reject(bob, "Show me a recorded call first.")
    html = page(as_user(waiting.person), MINE)
    assert "Waiting for sign-off of U" in html
    assert "Rejected" in html
    assert f"{name(bob)} did not sign off L:" in html
    assert "Show me a recorded call first." in html


def test_a_person_without_a_profile_or_role_still_has_a_page(listening, as_user):
    from django.contrib.auth.models import User

    User.objects.create_user("nobody", password=PASSWORD)
    html = page(as_user(User.objects.get(username="nobody")), MINE)
    assert "You hold no CX role yet" in html and "Active listening" in html


def test_green_card_progress_per_role_with_the_certificate_link(
    agent_alice, listening, escalation, bob, as_user
):
    signed(agent_alice, listening, Level.U, by=bob)
    html = page(as_user(agent_alice), MINE)
    assert "Agent" in html
    assert "In progress (1 of 2)" in html
    card = GreenCardFactory(person=agent_alice, role=listening.requirements.get().role)
    html = page(as_user(agent_alice), MINE)
    assert "Certified" in html
    assert card.number in html
    assert reverse("competence:certificate", args=[card.pk]) in html


def grow_catalogue(person, role, count, bob):
    """`count` more activities in a new area, required for `role`, half signed off, and
    a trainee goal for each."""
    from tests.factories import RequirementFactory

    area = AreaFactory()
    plan = TraineePlan.objects.get_or_create(person=person, defaults={"start_date": today()})[0]
    for index in range(count):
        activity = CompetenceActivityFactory(area=area, validity_months=12)
        RequirementFactory(activity=activity, role=role, level=Level.L)
        GoalFactory(plan=plan, activity=activity, due_date=days(index - count // 2))
        if index % 2:
            signed(person, activity, Level.U, by=bob).assess(Level.O)
        else:
            RecordFactory(person=person, activity=activity, self_level=Level.I)


def test_competence_pages_run_the_same_queries_for_5_and_50_activities(
    agent_alice, agent_role, bob, as_user, count_queries
):
    GreenCardFactory(person=agent_alice, role=agent_role, issued_by=bob)
    own, coordinator = as_user(agent_alice), as_user(bob)
    urls = {
        own: MINE,
        coordinator: reverse("competence:person", args=[agent_alice.pk]),
    }
    plan_url = reverse("competence:trainee_plan", args=[agent_alice.pk])
    grow_catalogue(agent_alice, agent_role, 5, bob)
    few = {client: count_queries(client, url) for client, url in urls.items()}
    few_plan = count_queries(coordinator, plan_url)
    grow_catalogue(agent_alice, agent_role, 45, bob)
    assert {client: count_queries(client, url) for client, url in urls.items()} == few
    assert count_queries(coordinator, plan_url) == few_plan


# --- one-click raise ---------------------------------------------------------------------


def test_raising_a_level_takes_one_click(agent_alice, listening, as_user):
    client = as_user(agent_alice)
    html = page(client, MINE)
    assert "Raise to I" in html
    url = reverse("competence:assess", args=[listening.pk])
    response = client.post(url, {"level": Level.I}, **EN)
    assert response.status_code == 302
    assert response["Location"] == f"{MINE}#activity-{listening.pk}"
    record = Record.objects.get(person=agent_alice, activity=listening)
    assert (record.self_level, record.level) == (Level.I, Level.NOT_STARTED)
    assert record.awaits_sign_off
    assert "It now waits for a sign-off." in messages_of(response)[0]
    html = page(client, MINE)
    assert "Raise to L" in html and "Waiting for sign-off of I" in html


def test_raising_with_htmx_answers_the_new_row_and_fresh_card_progress(
    agent_alice, listening, escalation, as_user
):
    url = reverse("competence:assess", args=[listening.pk])
    response = as_user(agent_alice).post(url, {"level": Level.I}, **EN, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith(f'<tr id="activity-{listening.pk}"')
    assert "Raise to L" in html
    assert 'id="green-cards"' in html and 'hx-swap-oob="true"' in html
    assert "In progress (0 of 2)" in html  # a self-assessment starts the card
    assert "It now waits for a sign-off." in html  # the announcement


def test_raising_after_a_rejection_asks_again(waiting, bob, as_user):
    waiting.reject(bob, "Not yet.")
    url = reverse("competence:assess", args=[waiting.activity_id])
    as_user(waiting.person).post(url, {"level": Level.O})
    waiting.refresh_from_db()
    assert waiting.self_level == Level.O and waiting.awaits_sign_off
    assert waiting.rejection_comment == ""


def test_no_raise_button_at_o(agent_alice, listening, bob, as_user):
    signed(agent_alice, listening, Level.O, by=bob)
    html = page(as_user(agent_alice), MINE)
    row = html[html.index(f'id="activity-{listening.pk}"') :]
    row = row[: row.index("</tr>")]
    assert "Raise to" not in row


@pytest.mark.parametrize("level", ["7", "-1", "U", ""])
def test_an_unknown_level_changes_nothing(agent_alice, listening, as_user, level):
    client = as_user(agent_alice)
    url = reverse("competence:assess", args=[listening.pk])
    response = client.post(url, {"level": level}, **EN)
    assert response.status_code == 302
    assert "choose a level from the list" in messages_of(response)[0]
    assert not Record.objects.filter(person=agent_alice).exists()
    response = client.post(url, {"level": level}, **EN, **HTMX)
    assert response.status_code == 200
    assert "choose a level from the list" in response.content.decode()


# --- evidence ----------------------------------------------------------------------------


def test_evidence_text_link_and_file_are_saved(agent_alice, listening, as_user):
    client = as_user(agent_alice)
    url = reverse("competence:evidence", args=[listening.pk])
    upload = SimpleUploadedFile("call-review.pdf", b"%PDF-1.4 review", "application/pdf")
    response = client.post(
        url,
        {
            "evidence_text": "Reviewed ten calls with Bob.",
            "evidence_link": "https://example.org/review",
            "evidence_file": upload,
        },
    )
    assert response.status_code == 302
    record = Record.objects.get(person=agent_alice, activity=listening)
    assert record.evidence_text == "Reviewed ten calls with Bob."
    assert record.evidence_link == "https://example.org/review"
    assert record.evidence_file.name.endswith(".pdf")
    html = page(client, MINE)
    assert "Reviewed ten calls with Bob." in html
    assert reverse("competence:evidence_file", args=[record.pk]) in html
    download = client.get(reverse("competence:evidence_file", args=[record.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 review"


def test_evidence_of_a_wrong_type_is_refused_and_nothing_saved(agent_alice, listening, as_user):
    url = reverse("competence:evidence", args=[listening.pk])
    upload = SimpleUploadedFile("script.exe", b"MZ...", "application/octet-stream")
    response = as_user(agent_alice).post(
        url, {"evidence_text": "See file", "evidence_file": upload}, **EN
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Please correct the marked fields." in html
    assert "File extension “exe” is not allowed." in html
    assert not Record.objects.filter(person=agent_alice).exists()


def test_oversized_evidence_is_refused_and_the_record_is_unchanged(agent_alice, listening, as_user):
    record = RecordFactory(person=agent_alice, activity=listening, evidence_text="Before")
    url = reverse("competence:evidence", args=[listening.pk])
    upload = SimpleUploadedFile("big.pdf", b"x" * (EVIDENCE_MAX_BYTES + 1), "application/pdf")
    response = as_user(agent_alice).post(
        url, {"evidence_text": "After", "evidence_file": upload}, **EN
    )
    assert response.status_code == 200
    assert "evidence files may be at most 5 MB" in response.content.decode()
    record.refresh_from_db()
    assert record.evidence_text == "Before" and not record.evidence_file


def test_a_bad_evidence_link_is_refused(agent_alice, listening, as_user):
    url = reverse("competence:evidence", args=[listening.pk])
    response = as_user(agent_alice).post(url, {"evidence_link": "not a link"}, **EN)
    assert "Enter a valid URL." in response.content.decode()
    assert not Record.objects.exists() or not Record.objects.filter(person=agent_alice).exists()


def test_the_evidence_page_works_without_javascript(agent_alice, listening, as_user):
    html = page(as_user(agent_alice), reverse("competence:evidence", args=[listening.pk]))
    assert 'enctype="multipart/form-data"' in html
    assert "Evidence for “Active listening”" in html


# --- a person's page and sign-off ----------------------------------------------------------


def test_coordinator_sees_sign_off_and_reject_on_a_waiting_row(waiting, bob, as_user):
    html = page(as_user(bob), reverse("competence:person", args=[waiting.person_id]))
    assert "Alice" in html and "Team Chatt" in html
    assert reverse("competence:sign_off", args=[waiting.pk]) in html
    assert reverse("competence:reject", args=[waiting.pk]) in html
    assert "Raise to" not in html  # only the person raises their own levels


def test_coordinator_signs_off_from_the_persons_page(waiting, bob, as_user):
    person_url = reverse("competence:person", args=[waiting.person_id])
    response = as_user(bob).post(
        reverse("competence:sign_off", args=[waiting.pk]),
        {"level": Level.U, "next": person_url},
        **EN,
    )
    assert response.status_code == 302 and response["Location"] == person_url
    waiting.refresh_from_db()
    assert (waiting.level, waiting.signed_off_by, waiting.signed_off_on) == (Level.U, bob, today())
    assert messages_of(response)[0].startswith(
        f"Signed off: {name(waiting.person)} at U in “Active listening”"
    )


def test_a_lower_level_can_be_signed_off(waiting_escalation, bob, as_user):
    waiting_escalation.assess(Level.O)
    waiting_escalation.save()
    url = reverse("competence:sign_off", args=[waiting_escalation.pk])
    as_user(bob).post(url, {"level": Level.L})
    waiting_escalation.refresh_from_db()
    assert waiting_escalation.level == Level.L
    assert waiting_escalation.awaits_sign_off  # O still waits


def test_a_level_above_the_request_is_not_offered(waiting, bob, as_user):
    response = as_user(bob).post(
        reverse("competence:sign_off", args=[waiting.pk]), {"level": Level.O}, **EN
    )
    assert response.status_code == 400
    assert "Select a valid choice." in response.content.decode()
    waiting.refresh_from_db()
    assert waiting.level == Level.L


def test_rejection_needs_a_comment_and_the_employee_sees_it(waiting, bob, as_user):
    url = reverse("competence:reject", args=[waiting.pk])
    response = as_user(bob).post(url, {"rejection_comment": "  "}, **EN)
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    waiting.refresh_from_db()
    assert not waiting.is_rejected
    response = as_user(bob).post(url, {"rejection_comment": "Record a call first."}, **EN)
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.is_rejected and waiting.rejected_by == bob
    html = page(as_user(waiting.person), MINE)
    assert "Record a call first." in html and f"{name(bob)} did not sign off U:" in html


def test_rejecting_what_does_not_wait_is_a_form_error(agent_alice, listening, bob, as_user):
    record = signed(agent_alice, listening, Level.U, by=bob)
    response = as_user(bob).post(
        reverse("competence:reject", args=[record.pk]), {"rejection_comment": "No"}, **EN
    )
    assert response.status_code == 400
    assert "Nothing waits for a sign-off on this record." in response.content.decode()


def test_an_expired_sign_off_can_be_signed_off_again(agent_alice, listening, bob, as_user):
    record = signed(agent_alice, listening, Level.U, by=bob, on=days(-400))
    html = page(as_user(bob), reverse("competence:person", args=[agent_alice.pk]))
    assert reverse("competence:sign_off", args=[record.pk]) in html
    as_user(bob).post(reverse("competence:sign_off", args=[record.pk]), {"level": Level.U})
    record.refresh_from_db()
    assert record.expires_on == listening.expiry_from(today())


# --- Green Card --------------------------------------------------------------------------


def test_issue_green_card_when_ready(agent_alice, agent_role, listening, escalation, bob, as_user):
    signed(agent_alice, listening, Level.U, by=bob)
    signed(agent_alice, escalation, Level.L, by=bob)
    client = as_user(bob)
    html = page(client, reverse("competence:person", args=[agent_alice.pk]))
    assert "Ready for certification" in html and "Issue Green Card" in html
    response = client.post(
        reverse("competence:issue_card", args=[agent_alice.pk]), {"role": agent_role.pk}, **EN
    )
    card = GreenCard.objects.get(person=agent_alice)
    assert response.status_code == 302
    assert response["Location"] == reverse("competence:certificate", args=[card.pk])
    assert (card.role, card.issued_by, card.issued_on) == (agent_role, bob, today())
    assert card.number in messages_of(response)[0]


def test_issue_green_card_when_not_ready_is_refused_with_a_message(
    agent_alice, agent_role, listening, escalation, bob, as_user
):
    signed(agent_alice, listening, Level.U, by=bob)
    client = as_user(bob)
    html = page(client, reverse("competence:person", args=[agent_alice.pk]))
    assert "Issue Green Card" not in html
    response = client.post(
        reverse("competence:issue_card", args=[agent_alice.pk]), {"role": agent_role.pk}, **EN
    )
    assert response.status_code == 302
    assert messages_of(response) == ["Not ready for certification: 1 of 2 activities signed off."]
    assert not GreenCard.objects.exists()


def test_issue_green_card_for_an_unknown_role_is_refused(agent_alice, bob, as_user):
    response = as_user(bob).post(
        reverse("competence:issue_card", args=[agent_alice.pk]), {"role": "999"}, **EN
    )
    assert response.status_code == 302
    assert messages_of(response) == ["Choose which Green Card to issue."]


def test_an_expiring_card_is_renewed_by_issuing_again(
    agent_alice, agent_role, listening, escalation, bob, as_user
):
    signed(agent_alice, listening, Level.U, by=bob)
    signed(agent_alice, escalation, Level.L, by=bob)
    old = GreenCardFactory(
        person=agent_alice, role=agent_role, issued_on=days(-700), expires_on=days(10)
    )
    client = as_user(bob)
    html = page(client, reverse("competence:person", args=[agent_alice.pk]))
    assert "Expiring soon" in html and "Renew Green Card" in html
    client.post(reverse("competence:issue_card", args=[agent_alice.pk]), {"role": agent_role.pk})
    new = GreenCard.objects.exclude(pk=old.pk).get()
    assert new.issued_on == today() and new.number != old.number
    html = page(client, reverse("competence:certificate", args=[old.pk]))
    assert f"Replaced by Green Card {new.number}." in html


def test_the_concept_card_is_offered_to_a_person_with_two_roles(
    agent_alice, listening, escalation, bob, as_user
):
    from tests.factories import CXRoleFactory, RequirementFactory

    lead = CXRoleFactory(name_en="Team lead")
    RequirementFactory(activity=escalation, role=lead, level=1)
    agent_alice.profile.cx_roles.add(lead)
    signed(agent_alice, listening, Level.U, by=bob)
    signed(agent_alice, escalation, Level.L, by=bob)
    client = as_user(bob)
    html = page(client, reverse("competence:person", args=[agent_alice.pk]))
    assert "Lean CX (the whole concept)" in html
    client.post(reverse("competence:issue_card", args=[agent_alice.pk]), {"role": "concept"})
    assert GreenCard.objects.get(person=agent_alice).role is None


# --- certificate -------------------------------------------------------------------------


def test_certificate_shows_what_the_card_stands_on(
    agent_alice, agent_role, listening, escalation, bob, as_user
):
    signed(agent_alice, listening, Level.U, by=bob)
    signed(agent_alice, escalation, Level.O, by=bob)
    card = GreenCardFactory(
        person=agent_alice, role=agent_role, issued_by=bob, issued_on=today(), expires_on=days(700)
    )
    html = page(as_user(agent_alice), reverse("competence:certificate", args=[card.pk]))
    assert card.number in html and "Alice" in html and "Agent" in html
    assert "Issued by" in html and name(bob) in html
    assert "Active listening" in html and "Escalate well" in html
    assert "O – can train others" in html
    assert "Expired — no longer valid" not in html
    assert "@media print" not in html  # print rules live in the stylesheet
    assert "css/competence.css" in html


def test_an_expired_certificate_is_clearly_marked(agent_alice, agent_role, bob, as_user):
    card = GreenCardFactory(
        person=agent_alice, role=agent_role, issued_on=days(-800), expires_on=days(-70)
    )
    html = page(as_user(bob), reverse("competence:certificate", args=[card.pk]))
    assert "Expired — no longer valid" in html
    assert "certificate--expired" in html and "Expired on" in html


def test_the_concept_certificate_says_lean_cx(agent_alice, listening, as_user):
    card = GreenCardFactory(person=agent_alice, role=None)
    html = page(as_user(agent_alice), reverse("competence:certificate", args=[card.pk]))
    assert "Lean CX (the whole concept)" in html and "Active listening" in html


# --- trainee plan ------------------------------------------------------------------------


def test_trainee_plan_timeline_flags_late_goals(agent_alice, listening, escalation, as_user):
    mentor = UserFactory(first_name="Mona", last_name="Mentor")
    plan = TraineePlanFactory(person=agent_alice, mentor=mentor, start_date=days(-60))
    GoalFactory(plan=plan, activity=listening, target_level=Level.L, due_date=days(-10))
    GoalFactory(plan=plan, activity=escalation, target_level=Level.L, due_date=days(20))
    html = page(as_user(agent_alice), MINE)
    assert "Trainee plan" in html and "Mentor: Mona Mentor" in html
    assert "1 goal late" in html and "0 of 2 goals reached" in html
    timeline = html[html.index('class="goal-timeline"') :]
    late = timeline.index("goal--late")
    assert late < timeline.index("Today,") < timeline.index("Coming")
    assert '<span class="late">Late</span>' in timeline


def test_a_reached_goal_is_not_late(agent_alice, listening, bob, as_user):
    plan = TraineePlanFactory(person=agent_alice, start_date=days(-60))
    GoalFactory(plan=plan, activity=listening, target_level=Level.L, due_date=days(-10))
    signed(agent_alice, listening, Level.U, by=bob)
    html = page(as_user(agent_alice), MINE)
    assert "goal--reached" in html and "Reached" in html
    assert "goal late" not in html


def test_no_trainee_plan_section_for_a_person_without_one(agent_alice, as_user):
    assert "Trainee plan" not in page(as_user(agent_alice), MINE)


def goal_data(prefix="goals", **rows):
    """A new plan's goal rows as a browser posts them: unused rows keep their defaults."""
    data = {
        f"{prefix}-TOTAL_FORMS": "3",
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index in range(3):
        data |= {f"{prefix}-{index}-activity": "", f"{prefix}-{index}-target_level": Level.L}
    for index, (activity, level, due) in rows.items():
        data |= {
            f"{prefix}-{index}-activity": activity,
            f"{prefix}-{index}-target_level": level,
            f"{prefix}-{index}-due_date": due,
        }
    return data


def test_coordinator_creates_a_trainee_plan_with_goals(
    agent_alice, listening, escalation, bob, dave, as_user
):
    url = reverse("competence:trainee_plan", args=[agent_alice.pk])
    client = as_user(bob)
    html = page(client, url)
    assert "Create trainee plan" in html
    data = {"mentor": dave.pk, "start_date": today().isoformat(), "notes": "Welcome!"}
    data |= goal_data(
        **{
            "0": (listening.pk, Level.L, days(30).isoformat()),
            "1": (escalation.pk, Level.U, days(60).isoformat()),
        }
    )
    response = client.post(url, data, **EN)
    assert response.status_code == 302
    plan = TraineePlan.objects.get(person=agent_alice)
    assert plan.mentor == dave and plan.notes == "Welcome!"
    assert [(g.activity, g.target_level) for g in plan.goals.all()] == [
        (listening, Level.L),
        (escalation, Level.U),
    ]
    html = page(client, reverse("competence:person", args=[agent_alice.pk]))
    assert "Edit trainee plan" in html and f"Mentor: {name(dave)}" in html


def test_a_goal_due_before_the_plan_starts_is_refused(agent_alice, listening, bob, as_user):
    url = reverse("competence:trainee_plan", args=[agent_alice.pk])
    data = {"start_date": today().isoformat()} | goal_data(
        **{"0": (listening.pk, Level.L, days(-5).isoformat())}
    )
    response = as_user(bob).post(url, data, **EN)
    assert response.status_code == 200
    assert "A goal cannot be due before the plan starts." in response.content.decode()
    assert not TraineePlan.objects.exists()


def test_the_same_activity_twice_is_refused(agent_alice, listening, bob, as_user):
    url = reverse("competence:trainee_plan", args=[agent_alice.pk])
    due = days(5).isoformat()
    data = {"start_date": today().isoformat()} | goal_data(
        **{"0": (listening.pk, Level.L, due), "1": (listening.pk, Level.U, due)}
    )
    response = as_user(bob).post(url, data, **EN)
    assert response.status_code == 200
    assert "Please correct the duplicate data for activity." in response.content.decode()
    assert not TraineePlan.objects.exists()


def test_editing_a_plan_moves_its_start_and_checks_existing_goals(
    agent_alice, listening, bob, as_user
):
    plan = TraineePlanFactory(person=agent_alice, start_date=days(-10))
    goal = GoalFactory(plan=plan, activity=listening, due_date=days(5))
    url = reverse("competence:trainee_plan", args=[agent_alice.pk])
    data = {
        "start_date": days(10).isoformat(),
        "goals-TOTAL_FORMS": "1",
        "goals-INITIAL_FORMS": "1",
        "goals-MIN_NUM_FORMS": "0",
        "goals-MAX_NUM_FORMS": "1000",
        "goals-0-id": goal.pk,
        "goals-0-plan": plan.pk,
        "goals-0-activity": listening.pk,
        "goals-0-target_level": Level.L,
        "goals-0-due_date": days(5).isoformat(),
    }
    response = as_user(bob).post(url, data, **EN)
    assert "A goal cannot be due before the plan starts." in response.content.decode()
    plan.refresh_from_db()
    assert plan.start_date == days(-10)
    data |= {"goals-0-DELETE": "on"}
    assert as_user(bob).post(url, data).status_code == 302
    assert not plan.goals.exists()


def test_coordinator_deletes_a_trainee_plan(agent_alice, bob, as_user):
    TraineePlanFactory(person=agent_alice)
    url = reverse("competence:trainee_plan_delete", args=[agent_alice.pk])
    assert as_user(bob).post(url).status_code == 302
    assert not TraineePlan.objects.exists()


# --- queue -------------------------------------------------------------------------------


def test_queue_lists_what_waits_with_evidence(waiting, waiting_escalation, bob, as_user):
    waiting.evidence_text = "Coached by Dave."
    waiting.evidence_file = SimpleUploadedFile("notes.txt", b"notes")
    waiting.save()
    html = page(as_user(bob), reverse("competence:queue"))
    assert "Alice" in html and "Team Chatt" in html
    assert "Active listening" in html and "Escalate well" in html
    assert "Coached by Dave." in html
    assert reverse("competence:evidence_file", args=[waiting.pk]) in html
    assert reverse("competence:sign_off", args=[waiting.pk]) in html
    assert 'name="next" value="/competence/queue/"' in html


def test_queue_is_empty_for_an_employee(agent_alice, waiting, as_user):
    html = page(as_user(agent_alice), reverse("competence:queue"))
    assert "Nothing waits for a sign-off." in html


def test_signing_off_from_the_queue_returns_to_it(waiting, bob, as_user):
    queue = reverse("competence:queue")
    response = as_user(bob).post(
        reverse("competence:sign_off", args=[waiting.pk]), {"level": Level.U, "next": queue}
    )
    assert response["Location"] == queue
    assert "Nothing waits" in page(as_user(bob), queue)


def test_an_unsafe_next_is_ignored(waiting, bob, as_user):
    response = as_user(bob).post(
        reverse("competence:sign_off", args=[waiting.pk]),
        {"level": Level.U, "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("competence:record", args=[waiting.pk])


def test_queue_runs_the_same_queries_for_5_and_50_rows(
    bob, service_team, listen_area, as_user, count_queries
):
    activities = CompetenceActivityFactory.create_batch(5, area=listen_area)

    def add_waiting(count):
        for _ in range(count // 5):
            person = UserFactory(unit=service_team)
            for activity in activities:
                RecordFactory(person=person, activity=activity, self_level=Level.L)

    client = as_user(bob)
    add_waiting(5)
    five = count_queries(client, reverse("competence:queue"))
    add_waiting(45)
    assert Record.objects.for_queue(bob).count() == 50
    assert count_queries(client, reverse("competence:queue")) == five


# --- record and history ------------------------------------------------------------------


def test_record_page_shows_the_history_of_who_changed_what(waiting, bob, as_user):
    waiting.reject(bob, "Show a call.")
    waiting.assess(Level.O)
    waiting.save()
    waiting.sign_off(bob, Level.U)
    html = page(as_user(waiting.person), reverse("competence:record", args=[waiting.pk]))
    assert "History" in html
    assert "Signed-off level" in html and "Self-assessed level" in html
    assert "Reason for rejection" in html and "Show a call." in html
    assert "Rejected by" in html
    assert "change--created" in html


def test_record_history_is_built_in_a_constant_number_of_queries(
    waiting, bob, as_user, count_queries
):
    client = as_user(bob)
    url = reverse("competence:record", args=[waiting.pk])

    def queries():
        return count_queries(client, url)

    few = queries()
    for level in (Level.O, Level.U, Level.O):
        waiting.assess(level)
        waiting.save()
    waiting.sign_off(bob)
    assert queries() == few


def test_record_page_offers_sign_off_to_a_coordinator(waiting, bob, as_user):
    html = page(as_user(bob), reverse("competence:record", args=[waiting.pk]))
    assert "Level to sign off" in html and "Reason for rejection" in html


# --- languages ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "language, title, heading",
    [("sv", "Aktivt lyssnande", "Lyssna"), ("en", "Active listening", "Listen")],
)
def test_pages_speak_both_languages(waiting, bob, as_user, agent_role, language, title, heading):
    card = GreenCardFactory(person=waiting.person, role=agent_role)
    client = as_user(bob)
    urls = [
        reverse("competence:person", args=[waiting.person_id]),
        reverse("competence:queue"),
        reverse("competence:record", args=[waiting.pk]),
        reverse("competence:certificate", args=[card.pk]),
    ]
    for url in urls:
        response = client.get(url, language=language)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert f'<html lang="{language}">' in html
        assert title in html, url
    mine = as_user(waiting.person).get(MINE, language=language).content.decode()
    assert title in mine and heading in mine


def test_the_nav_links_to_competence_by_role(alice, bob, maria, as_user):
    assert "Competence matrix" not in page(as_user(alice), MINE)
    html = page(as_user(bob), MINE)
    assert reverse("competence:matrix") in html and reverse("competence:queue") in html
    html = page(as_user(maria), MINE)
    assert reverse("competence:matrix") in html
    assert 'href="/competence/queue/"' not in html


def test_a_trainer_finds_the_queue_on_their_competence_page(dave, waiting, as_user):
    html = page(as_user(dave), MINE)
    assert reverse("competence:queue") in html
    assert "Sign-off queue" in html
    html = page(as_user(dave), reverse("competence:queue"))
    assert "Active listening" in html and "Alice" in html


def test_other_units_people_are_not_in_the_queue(waiting, carol, erin, listening, as_user):
    RecordFactory(person=erin, activity=listening, self_level=Level.L)
    html = page(as_user(carol), reverse("competence:queue"))
    assert "Erin" in html and "Alice" not in html


def test_the_size_of_an_oversized_file_is_written_the_swedish_way(agent_alice, listening, as_user):
    url = reverse("competence:evidence", args=[listening.pk])
    upload = SimpleUploadedFile("big.pdf", b"x" * (6 * 2**20), "application/pdf")
    response = as_user(agent_alice).post(url, {"evidence_file": upload})
    assert "Filen är 6,0 MB; filer med underlag får vara högst 5 MB." in response.content.decode()
