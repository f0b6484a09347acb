"""The rules of Gemba walks (cxlean/gemba/models.py): where a walk goes, who sees,
plans, observes and closes it, observations' waste, and observation → improvement."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from cxlean.backlog.models import Item, MudaKind, Source, Status, Waste
from cxlean.gemba.models import (
    Frequency,
    Observation,
    Schedule,
    Severity,
    Walk,
    WalkStatus,
    improvement_from_observation,
)
from cxlean.org.roles import EMPLOYEE
from tests.factories import UserFactory
from tests.gemba.factories import (
    AnswerFactory,
    ObservationFactory,
    QuestionFactory,
    QuestionSetFactory,
    ScheduleFactory,
    WalkFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def walk(service_unit, bob, alice):
    """Bob leads a walk in Kundservice; Alice (Team Chatt, below it) takes part."""
    return WalkFactory(unit=service_unit, leader=bob, participants=[alice])


@pytest.fixture
def sales_walk(sales_unit, carol):
    return WalkFactory(unit=sales_unit, leader=carol, place="Säljgolvet")


# --- where -------------------------------------------------------------------------------


def test_a_walk_needs_a_place_a_process_or_a_touchpoint(service_unit, bob, phone_queue):
    walk = WalkFactory.build(unit=service_unit, leader=bob, place="  ")
    with pytest.raises(ValidationError) as raised:
        walk.full_clean()
    assert "place" in raised.value.message_dict
    walk.process = "Inkommande samtal"
    walk.full_clean()
    walk.process, walk.touchpoint = "", phone_queue
    walk.full_clean()


def test_where_prefers_the_touchpoint_then_the_place_then_the_process(walk, phone_queue):
    walk.process = "Inkommande samtal"
    assert walk.where == "Kundtjänstgolvet"
    walk.place = ""
    assert walk.where == "Inkommande samtal"
    walk.touchpoint = phone_queue
    assert walk.where == "Telefonkö"
    assert "Telefonkö" in str(walk)


def test_overdue_is_planned_and_more_than_a_day_late(walk):
    now = timezone.now()
    walk.planned_start = now - dt.timedelta(hours=23)
    assert not walk.is_overdue
    walk.planned_start = now - dt.timedelta(hours=25)
    assert walk.is_overdue
    walk.save()
    assert list(Walk.objects.overdue()) == [walk]
    walk.status = WalkStatus.DONE
    assert not walk.is_overdue


# --- who sees, plans, observes, closes ---------------------------------------------------


def test_employees_see_the_walks_of_their_part_of_the_tree(walk, sales_walk, alice, service_team):
    team_walk = WalkFactory(unit=service_team)
    colleague = UserFactory(role=EMPLOYEE, unit=service_team)
    assert set(Walk.objects.visible_to(colleague)) == {walk, team_walk}  # not a participant
    assert sales_walk not in Walk.objects.visible_to(alice)


def test_leaders_and_participants_see_their_walks_in_other_units(sales_walk, alice):
    sales_walk.participants.add(alice)
    assert sales_walk in Walk.objects.visible_to(alice)
    assert Walk.objects.visible_to(alice).filter(pk=sales_walk.pk).count() == 1  # no duplicates
    led = WalkFactory(unit=sales_walk.unit, leader=alice)
    assert led in Walk.objects.visible_to(alice)


def test_coordinators_see_their_units_management_and_root_everything(
    walk, sales_walk, bob, carol, maria, root
):
    assert set(Walk.objects.visible_to(bob)) == {walk}
    assert set(Walk.objects.visible_to(carol)) == {sales_walk}
    assert set(Walk.objects.visible_to(maria)) == {walk, sales_walk}
    assert set(Walk.objects.visible_to(root)) == {walk, sales_walk}
    assert not Walk.objects.visible_to(AnonymousUser()).exists()


def test_who_plans_observes_and_closes(walk, alice, bob, carol, maria, root, service_team):
    bystander = UserFactory(role=EMPLOYEE, unit=service_team)
    anonymous = AnonymousUser()
    assert [walk.can_plan(u) for u in (alice, bob, carol, maria, root, anonymous)] == [
        False,
        True,
        False,
        False,
        True,
        False,
    ]
    assert [walk.may_observe(u) for u in (alice, bob, carol, maria, root, bystander)] == [
        True,
        True,
        False,
        False,
        True,
        False,
    ]
    assert not walk.may_observe(anonymous)
    assert [walk.can_complete(u) for u in (alice, bob, carol, maria, root)] == [
        False,
        True,
        False,
        False,
        True,
    ]
    led_by_alice = WalkFactory(unit=walk.unit, leader=alice)
    assert led_by_alice.can_complete(alice) and led_by_alice.may_observe(alice)


def test_management_never_observes_even_as_a_participant(walk, maria):
    walk.participants.add(maria)
    assert not walk.may_observe(maria)


def test_participants_are_read_from_a_prefetch_without_queries(
    walk, alice, django_assert_num_queries
):
    walk = Walk.objects.prefetch_related("participants").get(pk=walk.pk)
    with django_assert_num_queries(0):
        assert walk.is_participant(alice)


# --- done and cancelled ------------------------------------------------------------------


def test_complete_records_the_minutes_and_the_summary(walk):
    walk.complete(40, "Bra samtal med teamet.")
    walk.refresh_from_db()
    assert (walk.status, walk.actual_minutes, walk.summary) == (
        WalkStatus.DONE,
        40,
        "Bra samtal med teamet.",
    )


@pytest.mark.parametrize("minutes", [-5, 0, 721, "many", None])
def test_complete_refuses_impossible_minutes(walk, minutes):
    with pytest.raises(ValidationError) as raised:
        walk.complete(minutes)
    assert "actual_minutes" in raised.value.message_dict
    walk.refresh_from_db()
    assert walk.status == WalkStatus.PLANNED


def test_a_cancelled_walk_is_not_done_and_a_done_walk_not_cancelled(walk, service_unit):
    walk.cancel()
    assert walk.status == WalkStatus.CANCELLED
    with pytest.raises(ValidationError):
        walk.complete(30)
    other = WalkFactory(unit=service_unit)
    other.complete(30)
    with pytest.raises(ValidationError):
        other.cancel()


def test_a_done_walk_needs_its_minutes(walk):
    walk.status = WalkStatus.DONE
    with pytest.raises(ValidationError) as raised:
        walk.full_clean()
    assert "actual_minutes" in raised.value.message_dict


def test_walks_keep_their_history_including_participants(walk, alice, bob):
    walk.participants.add(bob)
    walk.summary = "Ändrad"
    walk.save()
    assert walk.history.count() >= 2
    latest = walk.history.latest()
    assert {p.user_id for p in latest.participants.all()} == {alice.pk, bob.pk}


def test_one_walk_per_schedule_and_start():
    schedule = ScheduleFactory()
    start = schedule.planned_start(schedule.starts_on)
    WalkFactory(schedule=schedule, unit=schedule.unit, planned_start=start)
    with pytest.raises(IntegrityError), transaction.atomic():
        WalkFactory(schedule=schedule, unit=schedule.unit, planned_start=start)
    WalkFactory(unit=schedule.unit, planned_start=start)  # without a schedule: fine


# --- schedules ---------------------------------------------------------------------------


def test_a_schedule_needs_its_weekday_or_day_and_cannot_end_before_it_starts(service_unit):
    schedule = ScheduleFactory.build(weekday=None, unit=service_unit, leader=None)
    with pytest.raises(ValidationError) as raised:
        schedule.full_clean()
    assert "weekday" in raised.value.message_dict
    schedule.frequency = Frequency.MONTHLY
    schedule.ends_on = schedule.starts_on - dt.timedelta(days=1)
    with pytest.raises(ValidationError) as raised:
        schedule.full_clean()
    assert set(raised.value.message_dict) == {"day_of_month", "ends_on"}
    schedule.day_of_month, schedule.ends_on = 32, None
    with pytest.raises(ValidationError) as raised:
        schedule.full_clean()
    assert "day_of_month" in raised.value.message_dict


def test_schedules_are_seen_in_the_part_of_the_tree(service_unit, sales_unit, alice, carol, maria):
    service = ScheduleFactory(unit=service_unit)
    sales = ScheduleFactory(unit=sales_unit)
    assert list(Schedule.objects.visible_to(alice)) == [service]
    assert list(Schedule.objects.visible_to(carol)) == [sales]
    assert set(Schedule.objects.visible_to(maria)) == {service, sales}
    assert service.can_edit(alice) is False and sales.can_edit(carol) is True


# --- answers and observations ------------------------------------------------------------


def test_an_answer_belongs_to_the_walks_question_set(walk):
    question_set = QuestionSetFactory()
    walk.question_set = question_set
    walk.save()
    own = QuestionFactory(question_set=question_set)
    AnswerFactory.build(walk=walk, question=own).full_clean()
    foreign = QuestionFactory()
    with pytest.raises(ValidationError) as raised:
        AnswerFactory.build(walk=walk, question=foreign).full_clean()
    assert "question" in raised.value.message_dict


def test_one_answer_per_walk_and_question(walk):
    answer = AnswerFactory(walk=walk)
    with pytest.raises(IntegrityError), transaction.atomic():
        AnswerFactory(walk=walk, question=answer.question)


@pytest.mark.parametrize(
    ("fields", "error_field"),
    [
        ({"waste": Waste.MURA, "muda_kind": MudaKind.WAITING}, "muda_kind"),
        ({"waste": Waste.MUDA, "muda_kind": ""}, "muda_kind"),
        ({"waste": "junk"}, "waste"),
        ({"waste": Waste.MUDA, "muda_kind": "laziness"}, "muda_kind"),
        ({"severity": 4}, "severity"),
        ({"severity": 0}, "severity"),
        ({"text": ""}, "text"),
    ],
)
def test_bad_observations_are_refused(walk, fields, error_field):
    observation = ObservationFactory.build(walk=walk, **fields)
    with pytest.raises(ValidationError) as raised:
        observation.full_clean()
    assert error_field in raised.value.message_dict


def test_the_database_refuses_a_kind_of_muda_with_mura_and_severity_four(walk):
    for fields in ({"waste": Waste.MURA, "muda_kind": MudaKind.WAITING}, {"severity": 4}):
        with pytest.raises(IntegrityError), transaction.atomic():
            ObservationFactory(walk=walk, **fields)


def test_good_observations_pass(walk):
    for fields in (
        {"waste": Waste.MUDA, "muda_kind": MudaKind.WAITING, "severity": Severity.HIGH},
        {"waste": Waste.MURI, "severity": Severity.LOW},
        {},
    ):
        ObservationFactory.build(walk=walk, **fields).full_clean()


def test_the_client_token_is_used_once(walk):
    token = "2f1c7f57-2d40-4f55-9f8b-0a4f3c2d1e00"
    ObservationFactory(walk=walk, client_token=token)
    with pytest.raises(IntegrityError), transaction.atomic():
        ObservationFactory(walk=walk, client_token=token)


def test_observations_are_seen_with_their_walk(walk, sales_walk, alice, carol, maria):
    mine, theirs = ObservationFactory(walk=walk), ObservationFactory(walk=sales_walk)
    assert list(Observation.objects.visible_to(alice)) == [mine]
    assert list(Observation.objects.visible_to(carol)) == [theirs]
    assert set(Observation.objects.visible_to(maria)) == {mine, theirs}
    assert not Observation.objects.visible_to(AnonymousUser()).exists()


# --- observation → improvement -----------------------------------------------------------


def test_an_observation_becomes_an_improvement_linked_both_ways(walk, alice, phone_queue):
    observation = ObservationFactory(
        walk=walk,
        text="Kunden får vänta vid disken.\nIngen ser kön.",
        waste=Waste.MUDA,
        muda_kind=MudaKind.WAITING,
        severity=Severity.HIGH,
        touchpoint=phone_queue,
    )
    item, created = improvement_from_observation(observation, alice)
    assert created
    assert item.title == "Kunden får vänta vid disken"
    assert item.description.startswith("Kunden får vänta vid disken.\nIngen ser kön.")
    assert "Kundtjänstgolvet" in item.description  # the walk it came from
    assert (item.unit, item.touchpoint, item.submitted_by) == (walk.unit, phone_queue, alice)
    assert (item.source, item.status) == (Source.GEMBA, Status.IDEA)
    assert (item.waste, item.muda_kind) == (Waste.MUDA, MudaKind.WAITING)
    observation.refresh_from_db()
    assert observation.improvement == item
    assert Item.objects.get(pk=item.pk).gemba_observation == observation


def test_making_it_twice_gives_the_same_item(walk, alice, bob):
    observation = ObservationFactory(walk=walk)
    item, created = improvement_from_observation(observation, alice)
    again, created_again = improvement_from_observation(observation, bob)
    stale = Observation.objects.get(pk=observation.pk)
    Observation.objects.filter(pk=observation.pk).update(improvement=item)
    third, created_third = improvement_from_observation(stale, bob)
    assert created and not created_again and not created_third
    assert again == item == third
    assert Item.objects.count() == 1


def test_a_stale_copy_does_not_make_a_second_item(walk, alice):
    """Two requests that loaded the observation before either made the item."""
    observation = ObservationFactory(walk=walk)
    first_copy = Observation.objects.get(pk=observation.pk)
    second_copy = Observation.objects.get(pk=observation.pk)
    item, _ = improvement_from_observation(first_copy, alice)
    again, created = improvement_from_observation(second_copy, alice)
    assert again == item and not created
    assert Item.objects.count() == 1


def test_the_walks_touchpoint_and_a_long_first_line(walk, alice, phone_queue):
    walk.touchpoint = phone_queue
    walk.save()
    observation = ObservationFactory(walk=walk, text="Väntan " * 60 + ".")
    item, _ = improvement_from_observation(observation, alice)
    assert item.touchpoint == phone_queue
    assert len(item.title) <= 200 and not item.title.endswith(".")


@pytest.mark.parametrize("who", ["maria", "carol"])
def test_management_and_other_units_cannot_make_improvements(walk, who, request):
    observation = ObservationFactory(walk=walk)
    with pytest.raises(PermissionDenied):
        improvement_from_observation(observation, request.getfixturevalue(who))
    assert not Item.objects.exists()
    observation.refresh_from_db()
    assert observation.improvement is None


def test_an_open_follow_up_until_the_improvement_is_finished(walk, alice, bob):
    observation = ObservationFactory(walk=walk)
    assert observation.is_open
    item, _ = improvement_from_observation(observation, alice)
    assert observation.is_open
    item.rejection_reason = "Redan åtgärdat."
    item.move(Status.REJECTED, bob)
    observation.refresh_from_db()
    assert not observation.is_open


def test_translated_question_sets(settings):
    from django.utils import translation

    question = QuestionFactory(
        text_sv="Var väntar kunden?", text_en="Where does the customer wait?"
    )
    with translation.override("en"):
        assert str(question) == "Where does the customer wait?"
        assert question.question_set.name.startswith("Question set")
    with translation.override("sv"):
        assert question.text == "Var väntar kunden?"
