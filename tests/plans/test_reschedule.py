"""Moving an activity on the timeline: a drag, the arrow keys or the "Move an activity"
form all post `plans:activity_reschedule` (activity and days). The rules are the
activity form's: inside the plan's dates, not before a predecessor ends, not past a
successor's start. A refused move changes nothing and says why.

Alice's activity runs from day -10 to day 10; "Write personas" (nobody's) depends on it
and runs from day 10 to day 30; the plan runs from day -60 to day 120 (conftest).
"""

import pytest
from django.urls import reverse

from cxlean.plans.models import Activity
from tests.factories import ActivityFactory, PhaseFactory
from tests.plans.conftest import days

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def reschedule(client, activity: Activity, shift: int, **extra):
    url = reverse("plans:activity_reschedule", args=[activity.phase.plan_id])
    return client.post(url, {"activity": activity.pk, "days": shift}, **extra)


def dates(activity: Activity) -> tuple:
    activity.refresh_from_db()
    return activity.start_date, activity.due_date


def shown_messages(response) -> list[str]:
    return [str(message) for message in response.wsgi_request._messages]


# --- the rules ---------------------------------------------------------------------------


def test_coordinator_moves_an_activity_later_keeping_its_length(as_user, bob, other_activity):
    response = reschedule(as_user(bob), other_activity, 3, language="en")
    assert response.status_code == 302
    assert response.url == reverse("plans:detail", args=[other_activity.phase.plan_id]) + (
        "#timeline"
    )
    assert dates(other_activity) == (days(13), days(33))
    [message] = shown_messages(response)
    assert message.startswith("“Write personas” now runs from")


def test_a_move_is_recorded_in_the_history(as_user, bob, other_activity):
    reschedule(as_user(bob), other_activity, 2)
    latest = other_activity.history.latest()
    assert latest.start_date == days(12) and latest.history_user == bob


def test_starting_before_a_predecessor_ends_is_refused_and_nothing_changes(
    as_user, bob, other_activity
):
    response = reschedule(as_user(bob), other_activity, -1)
    assert response.status_code == 302
    assert dates(other_activity) == (days(10), days(30))
    [message] = shown_messages(response)
    assert "Interview customers" in message  # the predecessor it would start before


def test_ending_after_a_successor_starts_is_refused_and_nothing_changes(
    as_user, bob, alices_activity, other_activity
):
    response = reschedule(as_user(bob), alices_activity, 1)
    assert response.status_code == 302
    assert dates(alices_activity) == (days(-10), days(10))
    [message] = shown_messages(response)
    assert "Write personas" in message  # the successor it would run into


def test_a_move_the_dependencies_allow_goes_through(as_user, bob, alices_activity, other_activity):
    reschedule(as_user(bob), alices_activity, -5)
    assert dates(alices_activity) == (days(-15), days(5))


@pytest.mark.parametrize("shift", [91, -61])
def test_moving_outside_the_plans_dates_is_refused(as_user, bob, service_phase, shift):
    activity = ActivityFactory(phase=service_phase, start_date=days(0), due_date=days(30))
    response = reschedule(as_user(bob), activity, shift, language="en")
    assert dates(activity) == (days(0), days(30))
    [message] = shown_messages(response)
    assert (
        message.startswith("“Activity") and "was not moved. The rollout plan runs from " in message
    )


def test_the_refusal_uses_the_activity_forms_words(as_user, bob, other_activity):
    """The same rule, the same sentence: the activity form refuses this start too."""
    response = reschedule(as_user(bob), other_activity, -1, language="en")
    [message] = shown_messages(response)
    assert message.startswith("“Write personas” was not moved. This activity starts ")
    assert "before “Interview customers” ends on" in message


@pytest.mark.parametrize("shift", ["0", "", "many", "99999999"])
def test_no_shift_or_a_bad_number_changes_nothing(as_user, bob, other_activity, shift):
    url = reverse("plans:activity_reschedule", args=[other_activity.phase.plan_id])
    response = as_user(bob).post(url, {"activity": other_activity.pk, "days": shift})
    assert response.status_code == 302
    assert dates(other_activity) == (days(10), days(30))
    assert shown_messages(response)


def test_an_activity_of_another_plan_cannot_be_moved_through_this_one(
    as_user, bob, service_plan, other_activity, sales_plan
):
    foreign = ActivityFactory(
        phase=PhaseFactory(plan=sales_plan), start_date=days(0), due_date=days(5)
    )
    url = reverse("plans:activity_reschedule", args=[service_plan.pk])
    as_user(bob).post(url, {"activity": foreign.pk, "days": 1})
    assert dates(foreign) == (days(0), days(5))


# --- who may ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, status, moved",
    [
        ("bob", 302, True),  # coordinator of the plan's unit
        ("root", 302, True),
        ("alice", 403, False),  # employee, even owning the predecessor
        ("maria", 403, False),  # management reads only
        ("carol", 404, False),  # coordinator of another unit: the plan is not hers to see
    ],
)
def test_who_may_move_an_activity(request, as_user, other_activity, name, status, moved):
    user = request.getfixturevalue(name)
    response = reschedule(as_user(user), other_activity, 2)
    assert response.status_code == status
    assert dates(other_activity) == ((days(12), days(32)) if moved else (days(10), days(30)))


def test_anonymous_visitors_are_sent_to_log_in(client, other_activity):
    response = reschedule(client, other_activity, 2)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert dates(other_activity) == (days(10), days(30))


def test_only_a_post_moves(as_user, bob, other_activity):
    url = reverse("plans:activity_reschedule", args=[other_activity.phase.plan_id])
    assert as_user(bob).get(url).status_code == 405


# --- with HTMX (a drag or the arrow keys) -------------------------------------------------


def test_with_htmx_the_answer_is_the_new_timeline_with_the_row_and_figures(
    as_user, bob, other_activity
):
    response = reschedule(as_user(bob), other_activity, 3, language="en", **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="timeline"')
    assert f'data-start="{days(13):%Y-%m-%d}"' in html  # the bar at its new place
    assert f'id="activity-{other_activity.pk}"' in html and 'hx-swap-oob="true"' in html
    assert 'id="plan-figures"' in html
    assert "now runs from" in html and 'role="status"' in html
    assert f'data-focus="{other_activity.pk}"' in html  # the script puts focus back on it


def test_with_htmx_a_refused_move_is_a_422_with_the_reasons(as_user, bob, other_activity):
    response = reschedule(as_user(bob), other_activity, -3, language="en", **HTMX)
    html = response.content.decode()
    assert response.status_code == 422
    assert 'role="alert"' in html and "before “Interview customers” ends on" in html
    assert f'data-start="{days(10):%Y-%m-%d}"' in html  # drawn where it still is
    assert dates(other_activity) == (days(10), days(30))
    assert not shown_messages(response)  # the answer says it; no message left for later


# --- the timeline's bars are links --------------------------------------------------------


def test_every_bar_is_a_link_with_an_accessible_name(as_user, bob, alices_activity, other_activity):
    plan = alices_activity.phase.plan
    html = as_user(bob).get(reverse("plans:detail", args=[plan.pk]), language="en").content
    html = html.decode()
    edit = reverse("plans:activity_edit", args=[alices_activity.pk])
    assert f'<a class="activity" id="bar-{alices_activity.pk}"' in html
    assert f'href="{edit}"' in html
    assert 'aria-label="Interview customers, ' in html and ", Planned" in html
    assert 'data-day-width="' in html and 'id="reschedule-form"' in html
    assert "js/timeline.js" in html


@pytest.mark.parametrize("name", ["alice", "maria"])
def test_readers_get_links_to_the_table_and_no_way_to_move(
    request, as_user, alices_activity, other_activity, name
):
    plan = alices_activity.phase.plan
    user = request.getfixturevalue(name)
    html = as_user(user).get(reverse("plans:detail", args=[plan.pk])).content.decode()
    assert f'href="#activity-{alices_activity.pk}"' in html
    assert "data-day-width" not in html and 'id="reschedule-form"' not in html
    assert "data-activity=" not in html


def test_svg_attributes_stay_locale_independent_when_editable(as_user, bob, other_activity):
    plan = other_activity.phase.plan
    html = as_user(bob).get(reverse("plans:detail", args=[plan.pk])).content.decode()
    start = html.index('<svg class="timeline"')
    svg = html[start : html.index("</svg>", start)]
    assert "data-day-width" in svg
    for attribute in ("data-day-width", "data-start", "data-due"):
        for value in svg.split(f'{attribute}="')[1:]:
            assert "," not in value.split('"')[0]
