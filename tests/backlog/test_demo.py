"""The demo organisation's backlog, journeys and customer feedback (`manage.py demo`,
content from cxlean/demo/backlog.py and cxlean/demo/journeys.py)."""

import datetime as dt
from collections import Counter
from collections.abc import Iterator

import pytest
from django.utils import timezone

from cxlean.backlog.models import Comment, Item, Status, StatusChange
from cxlean.journeys.models import Feedback, Journey, Stage, Touchpoint, Transition
from cxlean.org.roles import coordinates_unit
from tests.demo_once import ON_ONE_WORKER, demo_for_module, run_demo

pytestmark = [pytest.mark.django_db, ON_ONE_WORKER]


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker) -> Iterator[str]:
    """The demo, built once for this module (see tests/demo_once.py)."""
    with demo_for_module(django_db_blocker) as output:
        yield output


@pytest.fixture
def debug(settings):
    settings.DEBUG = True


def snapshot() -> tuple:
    return (
        sorted(
            Item.objects.values_list(
                "title", "unit__code", "status", "owner__username", "priority", "due_date"
            )
        ),
        sorted(StatusChange.objects.values_list("item__title", "to_status", "by__username")),
        sorted(Feedback.objects.values_list("what_happened", "improvement__title")),
        sorted(Touchpoint.objects.values_list("name", "emotion", "partner_controlled")),
    )


def test_the_backlog_has_items_in_every_status(built):
    statuses = Counter(Item.objects.values_list("status", flat=True))
    assert set(statuses) == set(Status.values)
    assert 25 <= Item.objects.count() <= 40
    assert Item.objects.values("unit").distinct().count() >= 5


def test_some_items_are_overdue_and_each_waste_is_there(built):
    assert 2 <= Item.objects.overdue().count() <= 8
    assert set(Item.objects.exclude(waste="").values_list("waste", flat=True)) == {
        "muda",
        "mura",
        "muri",
    }
    assert Item.objects.exclude(muda_kind="").values("muda_kind").distinct().count() >= 5


def test_every_move_was_made_by_someone_allowed_to_make_it(built):
    moves = StatusChange.objects.select_related("item__unit", "by", "by__profile__unit")
    assert moves.count() >= 60
    for move in moves:
        item = move.item
        assert move.by is not None
        owner_move = move.by_id == item.owner_id
        assert coordinates_unit(move.by, item.unit) or owner_move, move
    assert {move.by.username for move in moves} >= {"coordinator", "employee", "admin"}


def test_the_story_is_dated_over_three_months(built):
    now = timezone.now()
    oldest = Item.objects.order_by("created_at").first().created_at
    assert dt.timedelta(days=80) <= now - oldest <= dt.timedelta(days=95)
    for item in Item.objects.prefetch_related("status_changes"):
        times = [item.created_at] + [move.at for move in item.status_changes.all()]
        assert times == sorted(times), item
        if times[1:]:
            assert item.status_changed_at == times[-1]
    history = Item.history.filter(title="Återuppringning i stället för telefonkö")
    assert history.order_by("history_date").last().status == Status.ACT
    assert history.order_by("history_date").first().history_date < now - dt.timedelta(days=70)


def test_finished_items_have_their_effect_and_planned_ones_an_owner(built):
    for item in Item.objects.filter(status=Status.ACT):
        assert item.spread is not None and (item.measured_effect or item.measured_change)
    for item in Item.objects.filter(status__in=[Status.PLAN, Status.DO, Status.CHECK]):
        assert item.owner and item.due_date
    assert Item.objects.exclude(expected_metric="").count() >= 15
    assert Comment.objects.count() >= 8


def test_two_journeys_with_stages_touchpoints_and_transitions(built):
    assert set(Journey.objects.values_list("name", flat=True)) == {
        "Flytta och teckna elavtal",
        "Fel på fakturan",
    }
    for journey in Journey.objects.all():
        stages = Stage.objects.filter(journey=journey)
        assert 4 <= stages.count() <= 6
        for stage in stages:
            assert 2 <= stage.touchpoints.count() <= 4
    touchpoints = Touchpoint.objects.all()
    assert touchpoints.filter(partner_controlled=True).exists()
    assert set(touchpoints.values_list("emotion", flat=True)) == {-2, -1, 0, 1, 2}
    assert touchpoints.filter(owner_role__isnull=False).count() == touchpoints.count()
    assert Transition.objects.exclude(friction="").count() == Transition.objects.count() >= 5
    for transition in Transition.objects.all():
        transition.full_clean()


def test_feedback_over_three_months_some_turned_into_improvements(built):
    today = timezone.localdate()
    feedback = Feedback.objects.all()
    assert 20 <= feedback.count() <= 30
    assert {f.received_on for f in feedback} <= {today - dt.timedelta(days=n) for n in range(0, 92)}
    assert set(feedback.values_list("sentiment", flat=True)) == {-1, 0, 1}
    turned = Item.objects.filter(source_feedback__isnull=False)
    assert 8 <= turned.count() < feedback.count()
    for item in turned.select_related("source_feedback"):
        assert item.source == "voc"
        assert item.source_feedback.what_happened in item.description
        assert item.created_at.date() >= item.source_feedback.received_on


def test_running_the_demo_twice_changes_nothing(built, debug):
    before = snapshot()
    assert "already there" in run_demo()
    assert snapshot() == before


# A reset rebuilding the same backlog: tests/org/test_demo.py, with the organisation's.
# A large organisation's backlog: tests/org/test_demo_command.py, with its reset.
