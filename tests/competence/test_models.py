"""The competence rules: ILUO levels, who signs off, Green Card status, trainee plans."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from cxlean.competence.models import (
    EVIDENCE_MAX_BYTES,
    CardStatus,
    GreenCard,
    Level,
    Record,
    add_months,
    green_card_issue,
    may_sign_off,
    person_card_progress,
)
from tests.competence.conftest import TODAY
from tests.factories import GoalFactory, GreenCardFactory, RecordFactory, TraineePlanFactory

pytestmark = pytest.mark.django_db


def signed(person, activity, level, on=TODAY, by=None):
    """A record signed off at `level` on `on`, the way Record.sign_off leaves it."""
    return RecordFactory(
        person=person,
        activity=activity,
        level=level,
        self_level=level,
        signed_off_by=by,
        signed_off_on=on,
        expires_on=activity.expiry_from(on),
    )


def progress_of(person, today=TODAY):
    (progress,) = person_card_progress(person, today)
    return progress


# --- months ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "day, months, expected",
    [
        (dt.date(2026, 1, 31), 1, dt.date(2026, 2, 28)),
        (dt.date(2028, 1, 31), 1, dt.date(2028, 2, 29)),
        (dt.date(2026, 11, 22), 12, dt.date(2027, 11, 22)),
        (dt.date(2026, 12, 15), 1, dt.date(2027, 1, 15)),
    ],
)
def test_validity_is_counted_in_calendar_months(day, months, expected):
    assert add_months(day, months) == expected


# --- ILUO and the self-assessment ---------------------------------------------------------


def test_raising_the_self_assessment_asks_for_a_sign_off(agent_alice, listening):
    record = RecordFactory(person=agent_alice, activity=listening)
    assert not record.awaits_sign_off
    record.assess(Level.L)
    assert record.awaits_sign_off
    assert record.level == Level.NOT_STARTED  # only a sign-off moves the level itself


def test_unknown_level_is_refused(agent_alice, listening):
    record = RecordFactory(person=agent_alice, activity=listening)
    with pytest.raises(ValidationError) as error:
        record.assess(7)
    assert "self_level" in error.value.message_dict


def test_sign_off_confirms_the_requested_level_and_sets_its_validity(bob, agent_alice, listening):
    record = RecordFactory(person=agent_alice, activity=listening, self_level=Level.U)
    record.sign_off(bob, today=TODAY)
    record.refresh_from_db()
    assert (record.level, record.signed_off_by, record.signed_off_on) == (Level.U, bob, TODAY)
    assert record.expires_on == dt.date(2027, 11, 22)  # listening is valid 12 months
    assert not record.awaits_sign_off


def test_sign_off_without_validity_never_expires(bob, agent_alice, escalation):
    record = RecordFactory(person=agent_alice, activity=escalation, self_level=Level.L)
    record.sign_off(bob, today=TODAY)
    assert record.expires_on is None
    assert not record.is_expired(dt.date(2099, 1, 1))


def test_a_coordinator_may_sign_off_a_lower_level_than_asked(bob, agent_alice, listening):
    record = RecordFactory(person=agent_alice, activity=listening, self_level=Level.O)
    record.sign_off(bob, level=Level.L, today=TODAY)
    assert record.level == Level.L
    assert record.awaits_sign_off  # O is still asked for


def test_not_started_cannot_be_signed_off(bob, agent_alice, listening):
    record = RecordFactory(person=agent_alice, activity=listening)
    with pytest.raises(ValidationError):
        record.sign_off(bob, level=Level.NOT_STARTED)


def test_an_expired_sign_off_counts_as_nothing(agent_alice, listening):
    record = signed(agent_alice, listening, Level.U, on=dt.date(2025, 10, 1))
    assert record.expires_on == dt.date(2026, 10, 1)
    assert record.effective_level(dt.date(2026, 10, 1)) == Level.U
    assert record.effective_level(dt.date(2026, 10, 2)) == Level.NOT_STARTED


# --- who signs off ------------------------------------------------------------------------


def test_nobody_signs_off_their_own_record(bob, listening):
    record = RecordFactory(person=bob, activity=listening, self_level=Level.U)
    assert not may_sign_off(bob, bob, listening)
    with pytest.raises(ValidationError):
        record.sign_off(bob)
    record.refresh_from_db()
    assert record.level == Level.NOT_STARTED


def test_an_employee_cannot_sign_off_a_colleague(alice, listening):
    from tests.factories import UserFactory

    colleague = UserFactory(unit=alice.profile.unit)
    assert not may_sign_off(alice, colleague, listening)


def test_a_coordinator_of_another_unit_cannot_sign_off(carol, agent_alice, listening):
    assert not may_sign_off(carol, agent_alice, listening)


def test_a_coordinator_signs_off_people_of_sub_units(bob, agent_alice, listening):
    assert agent_alice.profile.unit.parent == bob.profile.unit
    assert may_sign_off(bob, agent_alice, listening)


def test_management_only_reads(maria, agent_alice, listening):
    assert not may_sign_off(maria, agent_alice, listening)


def test_a_trainer_signs_off_only_the_activity_they_hold_an_o_in(
    dave, agent_alice, listening, escalation
):
    assert may_sign_off(dave, agent_alice, listening)
    assert not may_sign_off(dave, agent_alice, escalation)


def test_a_trainer_whose_o_has_expired_no_longer_signs_off(dave, agent_alice, listening):
    Record.objects.filter(person=dave).update(expires_on=dt.date(2026, 1, 1))
    assert not may_sign_off(dave, agent_alice, listening, today=TODAY)


# --- rejection ----------------------------------------------------------------------------


def test_a_rejection_needs_a_comment_and_the_employee_sees_it(bob, agent_alice, listening):
    record = RecordFactory(person=agent_alice, activity=listening, self_level=Level.U)
    with pytest.raises(ValidationError) as error:
        record.reject(bob, "   ")
    assert "rejection_comment" in error.value.message_dict
    record.reject(bob, "Show a recorded call first.")
    record.refresh_from_db()
    assert record.is_rejected and not record.awaits_sign_off
    assert (record.rejection_comment, record.rejected_by) == ("Show a recorded call first.", bob)


def test_asking_again_after_a_rejection_clears_it(bob, agent_alice, listening):
    record = RecordFactory(person=agent_alice, activity=listening, self_level=Level.U)
    record.reject(bob, "Not yet.")
    record.assess(Level.L)
    assert not record.is_rejected and record.awaits_sign_off
    assert record.rejection_comment == ""


def test_nothing_to_reject_when_nothing_waits(bob, agent_alice, listening):
    record = signed(agent_alice, listening, Level.U)
    with pytest.raises(ValidationError):
        record.reject(bob, "No.")


def test_the_queue_holds_what_waits_for_the_viewer(
    bob, carol, dave, agent_alice, listening, escalation
):
    waiting = RecordFactory(person=agent_alice, activity=listening, self_level=Level.U)
    other = RecordFactory(person=agent_alice, activity=escalation, self_level=Level.L)
    assert set(Record.objects.for_queue(bob)) == {waiting, other}
    assert set(Record.objects.for_queue(carol)) == set()
    assert set(Record.objects.for_queue(dave)) == {waiting}
    assert set(Record.objects.for_queue(agent_alice)) == set()


def test_evidence_files_are_checked_for_type_and_size(agent_alice, listening):
    record = RecordFactory(person=agent_alice, activity=listening)
    record.evidence_file = SimpleUploadedFile("run.exe", b"MZ...")
    with pytest.raises(ValidationError) as error:
        record.full_clean()
    assert "evidence_file" in error.value.message_dict
    record.evidence_file = SimpleUploadedFile("big.pdf", b"0" * (EVIDENCE_MAX_BYTES + 1))
    with pytest.raises(ValidationError) as error:
        record.full_clean()
    assert "evidence_file" in error.value.message_dict


# --- Green Card ---------------------------------------------------------------------------


def test_green_card_goes_from_not_started_to_ready(agent_alice, listening, escalation, bob):
    assert progress_of(agent_alice).status == CardStatus.NOT_STARTED
    record = RecordFactory(person=agent_alice, activity=listening, self_level=Level.L)
    assert progress_of(agent_alice).status == CardStatus.IN_PROGRESS
    record.sign_off(bob, level=Level.L, today=TODAY)
    progress = progress_of(agent_alice)
    assert (progress.status, progress.done, progress.required) == (CardStatus.IN_PROGRESS, 0, 2)
    signed(agent_alice, escalation, Level.O)
    record.assess(Level.U)
    record.sign_off(bob, today=TODAY)
    progress = progress_of(agent_alice)
    assert (progress.status, progress.done, progress.required) == (CardStatus.READY, 2, 2)


def test_issuing_a_green_card_when_ready(bob, agent_alice, agent_role, listening, escalation):
    signed(agent_alice, listening, Level.U)
    signed(agent_alice, escalation, Level.L)
    card = green_card_issue(person=agent_alice, role=agent_role, by=bob, today=TODAY)
    assert card.number == "GC-2026-0001"
    assert card.expires_on == dt.date(2027, 11, 22)  # listening's sign-off runs out first
    assert progress_of(agent_alice).status == CardStatus.CERTIFIED
    second = green_card_issue(person=agent_alice, role=agent_role, by=bob, today=TODAY)
    assert second.number == "GC-2026-0002"


def test_a_card_is_valid_for_its_own_period_at_most(bob, agent_alice, agent_role, escalation):
    from cxlean.competence.models import Requirement

    Requirement.objects.filter(activity__code="listening").delete()
    signed(agent_alice, escalation, Level.L)  # never expires
    card = green_card_issue(person=agent_alice, role=agent_role, by=bob, today=TODAY)
    assert card.expires_on == dt.date(2028, 11, 22)  # GREEN_CARD_VALIDITY_MONTHS = 24


def test_a_card_is_not_issued_before_everything_is_signed_off(
    bob, agent_alice, agent_role, listening, escalation
):
    signed(agent_alice, listening, Level.L)  # U required
    signed(agent_alice, escalation, Level.L)
    with pytest.raises(ValidationError, match="1 av 2"):
        green_card_issue(person=agent_alice, role=agent_role, by=bob, today=TODAY)
    assert not GreenCard.objects.exists()


@pytest.mark.parametrize("issuer", ["agent_alice", "carol", "maria", "dave"])
def test_only_a_coordinator_of_the_unit_issues_cards(
    request, issuer, agent_alice, agent_role, listening, escalation
):
    signed(agent_alice, listening, Level.U)
    signed(agent_alice, escalation, Level.L)
    with pytest.raises(ValidationError):
        green_card_issue(
            person=agent_alice, role=agent_role, by=request.getfixturevalue(issuer), today=TODAY
        )


def test_card_status_expiring_soon_then_expired(agent_alice, agent_role, listening, escalation):
    signed(agent_alice, listening, Level.U, on=dt.date(2025, 12, 10))
    signed(agent_alice, escalation, Level.L)
    GreenCardFactory(
        person=agent_alice,
        role=agent_role,
        issued_on=dt.date(2025, 12, 10),
        expires_on=dt.date(2026, 12, 10),
    )
    assert progress_of(agent_alice, dt.date(2026, 11, 1)).status == CardStatus.CERTIFIED
    expiring = progress_of(agent_alice, dt.date(2026, 11, 22))
    assert expiring.status == CardStatus.EXPIRING and expiring.counts
    expired = progress_of(agent_alice, dt.date(2026, 12, 11))
    assert expired.status == CardStatus.EXPIRED and not expired.counts
    assert expired.card.number  # the expired card stays on record


def test_the_warning_period_is_configurable(settings, agent_alice, agent_role, escalation):
    settings.GREEN_CARD_EXPIRY_WARNING_DAYS = 60
    signed(agent_alice, escalation, Level.L)
    GreenCardFactory(person=agent_alice, role=agent_role, expires_on=dt.date(2027, 1, 10))
    assert progress_of(agent_alice).status == CardStatus.EXPIRING


def test_a_lapsed_card_whose_sign_offs_were_renewed_is_ready_again(
    agent_alice, agent_role, listening, escalation
):
    GreenCardFactory(person=agent_alice, role=agent_role, expires_on=dt.date(2026, 6, 1))
    signed(agent_alice, listening, Level.U)
    signed(agent_alice, escalation, Level.L)
    assert progress_of(agent_alice).status == CardStatus.READY


# --- trainee plans ------------------------------------------------------------------------


def test_a_goal_is_late_when_its_date_passed_without_the_level(agent_alice, listening, bob):
    goal = GoalFactory(
        plan=TraineePlanFactory(person=agent_alice, mentor=bob, start_date=dt.date(2026, 9, 1)),
        activity=listening,
        target_level=Level.L,
        due_date=dt.date(2026, 11, 1),
    )
    assert goal.is_late(None, TODAY)
    assert not goal.is_late(None, dt.date(2026, 11, 1))
    record = signed(agent_alice, listening, Level.L, on=dt.date(2026, 10, 20))
    assert goal.is_reached(record, TODAY) and not goal.is_late(record, TODAY)
    assert goal.is_late(record, dt.date(2027, 10, 21))  # the sign-off has expired by then


def test_a_goal_cannot_be_due_before_the_plan_starts(agent_alice, listening):
    goal = GoalFactory.build(
        plan=TraineePlanFactory(person=agent_alice, start_date=dt.date(2026, 9, 1)),
        activity=listening,
        due_date=dt.date(2026, 8, 1),
    )
    with pytest.raises(ValidationError) as error:
        goal.full_clean()
    assert "due_date" in error.value.message_dict


def test_a_trainee_is_not_their_own_mentor(agent_alice):
    plan = TraineePlanFactory.build(person=agent_alice, mentor=agent_alice)
    with pytest.raises(ValidationError):
        plan.clean()


def test_history_records_who_signed_off(bob, agent_alice, listening):
    record = RecordFactory(person=agent_alice, activity=listening, self_level=Level.U)
    record.sign_off(bob, today=TODAY)
    latest = record.history.first()
    assert latest.level == Level.U and latest.signed_off_by_id == bob.pk
