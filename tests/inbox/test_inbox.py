"""Each role's inbox ("To do" on the start page): rows from every area they may see,
grouped by urgency, nothing from units outside their reach, constant queries."""

import pytest
from django.urls import reverse
from django.utils import translation

from cxlean.inbox.rows import Urgency, inbox_for
from tests.inbox.conftest import unit_work

pytestmark = pytest.mark.django_db

HOME = "/"


def rows_of(user, limit: int = 50) -> dict[str, list]:
    """kind → [(title, state, urgency)] of the user's inbox, in English."""
    rows: dict[str, list] = {}
    with translation.override("en"):
        inbox = inbox_for(user, limit)
    for row in inbox.rows:
        rows.setdefault(row.kind, []).append((row.title, row.state, row.urgency))
    return rows


def titles(rows: dict[str, list]) -> str:
    return " | ".join(f"{kind}: {title} {state}" for kind in rows for title, state, _ in rows[kind])


def test_employee_sees_her_own_things_from_every_area(everything, alice):
    rows = rows_of(alice)
    assert set(rows) == {
        "activity",
        "checklist",
        "walk",
        "walk_follow_up",
        "assessment",
        "level_waiting",
        "level_rejected",
        "trainee_goal",
        "idea",
    }
    assert rows["activity"] == [("Map the chat journey", rows["activity"][0][1], Urgency.LATE)]
    checklist = rows["checklist"][0]
    assert checklist[0] == "Onboarding" and "1 of 2 done" in checklist[1]
    assert checklist[2] == Urgency.WAITING
    assert rows["walk"][0][2] == Urgency.LATE and "not yet reported" in rows["walk"][0][1]
    assert "1 of 3 answered" in rows["assessment"][0][1]
    assert "Visa ett exempel först" in rows["level_rejected"][0][1]
    assert rows["trainee_goal"][0][2] == Urgency.SOON
    assert rows["idea"][0][0] == "Chat at night" and "Idea" in rows["idea"][0][1]
    text = titles(rows)
    for others in ("work service", "Idea service", "Walk service", "sales", "Dave"):
        assert others not in text, others  # nobody else's work


def test_coordinator_sees_their_units_work_and_not_a_sister_units(everything, bob):
    rows = rows_of(bob)
    for kind in (
        "activity",
        "checklist_overdue",
        "walk_to_report",
        "sign_off",
        "triage",
        "green_card",
        "export",
    ):
        assert kind in rows, kind
    text = titles(rows)
    assert "Late work service" in text and "Blocked work service" in text
    assert "Walk service" in text and "Idea service" in text and "Chat at night" in text
    assert "sales" not in text and "Sam" not in text


def test_coordinator_of_another_unit_sees_nothing_of_ours(everything, carol):
    text = titles(rows_of(carol))
    assert "Late work sales" in text and "Idea sales" in text and "Sam" in text
    for ours in ("service", "Dave", "Alice", "Chat", "Kundservice", "Introduktion"):
        assert ours not in text, ours


def test_management_sees_what_moved_and_nothing_to_act_on(everything, maria):
    rows = rows_of(maria)
    assert set(rows) == {"assessment_completed", "rollout_behind"}  # no metric figures here
    assert rows["assessment_completed"][0][0] == "Försäljning 2026"
    assert {title for title, _, _ in rows["rollout_behind"]} == {
        "Chat rollout",
        "Plan service",
        "Plan sales",
    }


def test_groups_come_most_urgent_first_with_counts_and_a_limit(everything, bob):
    inbox = inbox_for(bob, limit=2)
    assert [group.urgency for group in inbox.groups] == sorted(g.urgency for g in inbox.groups)
    waiting = next(group for group in inbox.groups if group.urgency == Urgency.WAITING)
    assert len(waiting.rows) == 2 and waiting.count > 2
    assert waiting.more  # "show all" in the areas' own lists
    assert inbox.count == sum(group.count for group in inbox.groups)


def test_every_row_links_to_a_page_the_person_may_open(everything, alice, bob, as_user):
    for person in (alice, bob):
        client = as_user(person)
        for row in inbox_for(person, 50).rows:
            path = row.url.split("#")[0]
            assert client.get(path).status_code == 200, (row.kind, row.url)


def test_the_start_page_shows_the_groups_and_rows(everything, alice, as_user):
    html = as_user(alice).get(HOME, language="en").content.decode()
    assert 'id="inbox-late"' in html and 'id="inbox-waiting"' in html
    assert "Map the chat journey" in html and "Onboarding" in html
    assert "1 of 3 answered" in html
    assert reverse("plans:list") in html  # the rollouts section stays


def test_the_inbox_takes_the_same_number_of_queries_at_two_sizes(
    everything, bob, service_unit, as_user, count_queries
):
    client = as_user(bob)
    client.get(HOME)  # the first visit is noted with one query more

    def fresh():  # roles and unit are cached on the user object: start without them
        return type(bob).objects.get(pk=bob.pk)

    small_page = count_queries(client, HOME)
    small = count_queries(inbox_for, fresh())
    dave = type(bob).objects.get(username="dave")
    for n in range(12):
        unit_work(service_unit, bob, dave, f"more {n}")
    assert count_queries(inbox_for, fresh()) == small
    assert count_queries(client, HOME) == small_page


@pytest.mark.parametrize("who", ["alice", "bob", "maria"])
def test_an_empty_inbox_says_what_is_next(who, request, as_user):
    person = request.getfixturevalue(who)
    html = as_user(person).get(HOME, language="en").content.decode()
    expected = {
        "alice": "Suggest an improvement",
        "bob": "Plan a Gemba walk",
        "maria": "Nothing has moved since your last visit.",
    }[who]
    assert expected in html


def test_management_news_is_since_the_last_visit(everything, maria, as_user):
    from django.utils import timezone

    from cxlean.inbox.models import Visit

    client = as_user(maria)
    client.get(HOME)
    Visit.objects.filter(user=maria).update(seen_at=timezone.now() - timezone.timedelta(hours=2))
    client.get(HOME)  # a new visit: news since the one two hours ago
    html = client.get(HOME, language="en").content.decode()
    assert "What moved since your last visit" in html
    assert "Försäljning 2026" not in html  # completed yesterday, before the last visit


def test_a_row_two_rules_bring_is_listed_once(everything, bob, service_unit):
    from tests.factories import ItemFactory

    ItemFactory(unit=service_unit, submitted_by=bob, title="Bob's own idea")
    rows = rows_of(bob)
    assert [title for title, _, _ in rows["triage"]].count("Bob's own idea") == 1
    assert "Bob's own idea" not in [title for title, _, _ in rows.get("idea", [])]


def test_a_renewed_green_card_is_not_expiring(everything, bob):
    from cxlean.competence.models import GreenCard
    from tests.factories import GreenCardFactory
    from tests.inbox.conftest import days

    dave = type(bob).objects.get(username="dave")
    assert "green_card" in rows_of(bob)
    GreenCardFactory(person=dave, issued_on=days(-1), expires_on=days(700))
    assert "green_card" not in rows_of(bob)
    assert GreenCard.objects.filter(person=dave).current().count() == 1
