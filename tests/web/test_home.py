"""The start page: my inbox (open activities among the rest, tests/inbox) and the
rollout plans I can see."""

import datetime as dt

import pytest
from django.urls import reverse

from cxlean.plans.models import Activity
from tests.factories import ActivityFactory, PhaseFactory, PlanFactory

pytestmark = pytest.mark.django_db

HOME = "/"
PAST = dt.date(2020, 1, 1)


def test_home_is_the_root_url():
    assert reverse("home") == HOME


def test_home_lists_my_open_activities_and_not_other_peoples(alice, bob, as_user):
    phase = PhaseFactory(plan__name="Chat rollout")
    ActivityFactory(phase=phase, owner=alice, title="Map the chat journey")
    ActivityFactory(phase=phase, owner=bob, title="Bob's own work")
    ActivityFactory(phase=phase, owner=None, title="Nobody's work")
    html = as_user(alice).get(HOME).content.decode()
    assert "Map the chat journey" in html and "Chat rollout" in html
    assert "Bob&#x27;s own work" not in html and "Nobody" not in html


def test_home_leaves_out_done_and_cancelled_activities(alice, as_user):
    ActivityFactory(owner=alice, title="Finished", status=Activity.Status.DONE)
    ActivityFactory(owner=alice, title="Dropped", status=Activity.Status.CANCELLED)
    ActivityFactory(owner=alice, title="Stuck", status=Activity.Status.BLOCKED)
    html = as_user(alice).get(HOME).content.decode()
    assert "Finished" not in html and "Dropped" not in html
    assert "Stuck" in html and "Blockerad" in html


def test_home_flags_late_activities_in_words(alice, as_user):
    ActivityFactory(owner=alice, title="Overdue", start_date=PAST, due_date=PAST)
    html = as_user(alice).get(HOME, language="en").content.decode()
    assert 'class="inbox-row is-late"' in html
    assert 'id="inbox-late" class="inbox-group__title">Late' in html


def test_home_says_so_when_i_have_nothing_to_do(alice, as_user):
    html = as_user(alice).get(HOME, language="en").content.decode()
    assert "Nothing waits for you. When you are given an activity" in html


def test_home_shows_the_plans_i_take_part_in_with_their_figures(alice, as_user):
    phase = PhaseFactory(plan__name="Chat rollout")
    ActivityFactory(phase=phase, owner=alice, status=Activity.Status.DONE)
    ActivityFactory(phase=phase, status=Activity.Status.BLOCKED, start_date=PAST, due_date=PAST)
    PlanFactory(name="Someone else's rollout")
    html = as_user(alice).get(HOME).content.decode()
    assert "Chat rollout" in html and "Someone else" not in html
    assert 'aria-valuenow="50"' in html  # one of two live activities done


def test_coordinator_does_not_see_plans_of_a_sibling_unit(carol, bob, service_unit, as_user):
    PlanFactory(name="Service rollout", unit=service_unit, coordinator=bob)
    assert "Service rollout" not in as_user(carol).get(HOME).content.decode()
    assert "Service rollout" in as_user(bob).get(HOME).content.decode()


def test_management_sees_every_plan_and_a_way_to_the_admin(maria, bob, service_unit, as_user):
    PlanFactory(name="Service rollout", unit=service_unit, coordinator=bob)
    html = as_user(maria).get(HOME).content.decode()
    assert "Service rollout" in html
    assert html.count(f'href="{reverse("admin:index")}"') >= 3  # two menus and the callout


def test_coordinator_gets_a_new_plan_button(bob, alice, as_user):
    new_plan = f'href="{reverse("plans:create")}"'
    assert new_plan in as_user(bob).get(HOME).content.decode()
    assert new_plan not in as_user(alice).get(HOME).content.decode()


def test_home_shows_at_most_ten_plans_and_links_to_all(maria, as_user):
    PlanFactory.create_batch(11)
    html = as_user(maria).get(HOME, language="en").content.decode()
    assert html.count('class="card__title"') == 10
    assert "See all rollout plans" in html


def test_home_query_count_does_not_grow_with_activities_and_plans(alice, as_user, count_queries):
    client = as_user(alice)

    def add_rows(count: int) -> None:
        for phase in PhaseFactory.create_batch(count):
            ActivityFactory(phase=phase, owner=alice)

    add_rows(5)
    client.get(HOME)  # the first visit is noted with one query more
    five = count_queries(client, HOME)
    add_rows(45)
    assert count_queries(client, HOME) == five
