"""Each role's inbox ("To do" on the start page): rows from every area they may see,
grouped by urgency, nothing from units outside their reach, constant queries."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from cxlean.inbox.rows import Urgency, inbox_for
from cxlean.org.models import Catalogue, CatalogueProposal, ProposalStatus
from tests.inbox.conftest import days, unit_work


def mentions(text: str, word: str) -> bool:
    """Whether `word` stands in `text` as a word: a factory's random surname ("Sampson",
    "Davenport") does not mention Sam or Dave."""
    return re.search(rf"\b{re.escape(word)}\b", text) is not None


pytestmark = pytest.mark.django_db

HOME = "/"


def rows_of(user, limit: int = 50, since=None) -> dict[str, list]:
    """kind → [(title, state, urgency)] of the user's inbox, in English."""
    rows: dict[str, list] = {}
    with translation.override("en"):
        inbox = inbox_for(user, limit, since=since)
    for row in inbox.rows:
        rows.setdefault(row.kind, []).append((row.title, row.state, row.urgency))
    return rows


def rows_of_since(user, since) -> dict[str, list]:
    return rows_of(user, since=since)


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
        assert not mentions(text, others), others  # nobody else's work


def test_coordinator_sees_their_units_work_and_not_a_sister_units(everything, bob):
    rows = rows_of(bob)
    for kind in (
        "activity",
        "checklist_overdue",
        "walk_to_report",
        "walk_to_plan",
        "sign_off",
        "triage",
        "green_card",
        "export",
    ):
        assert kind in rows, kind
    text = titles(rows)
    assert "Late work service" in text and "Blocked work service" in text
    assert "Walk service" in text and "Idea service" in text and "Chat at night" in text
    assert "Round service" in text and "without a leader" in text
    assert not mentions(text, "sales") and not mentions(text, "Sam")


def test_coordinator_of_another_unit_sees_nothing_of_ours(everything, carol):
    text = titles(rows_of(carol))
    assert "Late work sales" in text and "Idea sales" in text and "Sam" in text
    for ours in ("service", "Dave", "Alice", "Chat", "Kundservice", "Introduktion"):
        assert not mentions(text, ours), ours


def test_management_sees_what_moved_and_nothing_to_act_on(everything, maria):
    rows = rows_of(maria)
    assert set(rows) == {"maturity_moved", "rollout_behind"}  # no metric figures here
    assert rows["maturity_moved"][0][0] == "Maturity · Försäljning"
    assert {title for title, _, _ in rows["rollout_behind"]} == {
        "Chat rollout",
        "Plan service",
        "Plan sales",
    }
    assert all("0 → 1" in state for _, state, _ in rows["rollout_behind"])


def test_the_to_do_count_leaves_out_what_is_for_information_only(everything, maria, bob, as_user):
    inbox = inbox_for(maria, 50)
    assert inbox.count > 0 and inbox.to_do == 0  # what moved asks nothing of management
    heading = '<h2 id="inbox">Att göra <span class="count">0</span></h2>'
    assert heading in as_user(maria).get("/").content.decode()
    assert inbox_for(bob, 50).to_do > 0


def test_management_rows_lead_into_the_admin_dashboard(everything, maria, as_user):
    client = as_user(maria)
    for row in inbox_for(maria, 50).rows:
        assert row.url.startswith("/admin/insights/unit/"), row.url
        assert client.get(row.url.split("#")[0]).status_code == 200, row.url


def test_management_sees_metrics_that_moved_since_the_last_visit(db, maria, service_unit):
    from cxlean.metrics.models import Kind
    from tests.metrics.factories import MeasurementFactory, MetricFactory, TargetFactory

    nps = MetricFactory(kind=Kind.NPS, name_sv="NPS", name_en="NPS")
    TargetFactory(metric=nps, unit=service_unit, value=40, valid_from=days(-400))
    this_month = timezone.localdate().replace(day=1)
    two_months_ago = (this_month - dt.timedelta(days=40)).replace(day=1)
    for start, value in ((two_months_ago, 32), (this_month, 41)):
        MeasurementFactory(metric=nps, unit=service_unit, period_start=start, value=value)
    last_visit = timezone.now() - dt.timedelta(days=20)
    if timezone.localdate(last_visit) >= this_month:
        last_visit = timezone.make_aware(dt.datetime.combine(this_month, dt.time()))
        last_visit -= dt.timedelta(hours=1)
    rows = rows_of_since(maria, last_visit)
    assert rows["metric_moved"] == [("NPS · Kundservice", "32 → 41 (target 40)", Urgency.INFO)]
    # seen after the new figure: nothing moved since
    assert "metric_moved" not in rows_of_since(maria, timezone.now())


def test_management_sees_rollouts_whose_late_work_changed(db, maria, service_unit, bob):
    from cxlean.plans.models import Activity
    from tests.factories import ActivityFactory, PhaseFactory

    phase = PhaseFactory(plan__unit=service_unit, plan__coordinator=bob, plan__name="Chat")
    late = [
        ActivityFactory(phase=phase, owner=bob, start_date=days(-30), due_date=days(-10))
        for _ in range(3)
    ]
    Activity.history.update(history_date=timezone.now() - dt.timedelta(days=5))
    visit = timezone.now() - dt.timedelta(days=2)
    assert "rollout_behind" not in rows_of_since(maria, visit)  # still 3 late
    late[0].status = Activity.Status.DONE
    late[0].save()
    ActivityFactory(phase=phase, owner=bob, start_date=days(-9), due_date=days(-1))
    ActivityFactory(phase=phase, owner=bob, start_date=days(-9), due_date=days(-1))
    [(title, state, _)] = rows_of_since(maria, visit)["rollout_behind"]
    assert title == "Chat" and state == "Late activities 3 → 4 · Kundservice"


def test_managements_inbox_takes_the_same_number_of_queries_at_two_sizes(
    everything, maria, bob, service_unit, count_queries
):
    from tests.factories import UnitFactory
    from tests.maturity.factories import AssessmentFactory
    from tests.metrics.factories import MeasurementFactory, MetricFactory

    since = timezone.now() - dt.timedelta(days=30)

    def fresh():
        return type(maria).objects.get(pk=maria.pk)

    nps = MetricFactory()
    MeasurementFactory(metric=nps, unit=service_unit, period_start=days(0).replace(day=1))
    small = count_queries(inbox_for, fresh(), since=since)
    dave = type(bob).objects.get(username="dave")
    for n in range(6):
        unit = UnitFactory(parent=service_unit.parent, name=f"Unit {n}")
        AssessmentFactory(unit=unit, status="completed", completed_at=timezone.now())
        MeasurementFactory(metric=nps, unit=unit, period_start=days(0).replace(day=1))
        unit_work(unit, bob, dave, f"more {n}")
    assert count_queries(inbox_for, fresh(), since=since) == small
    assert len(rows_of_since(maria, since)["metric_moved"]) == 7


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


def test_each_new_visit_is_kept_in_the_visits_history(maria, as_user):
    from cxlean.inbox.models import Visit

    client = as_user(maria)
    client.get(HOME)
    client.get(HOME)  # the same visit
    Visit.objects.filter(user=maria).update(seen_at=timezone.now() - dt.timedelta(hours=2))
    client.get(HOME)
    assert Visit.history.filter(user=maria).count() == 2
    assert Visit.objects.get(user=maria).since is not None


def test_management_reads_the_visits_in_the_admin_and_may_not_change_them(maria, alice, as_user):
    from cxlean.inbox.models import Visit

    as_user(alice).get(HOME)
    client = as_user(maria)
    listing = client.get(reverse("admin:inbox_visit_changelist"))
    assert listing.status_code == 200 and "alice" in listing.content.decode()
    visit = Visit.objects.get(user=alice)
    page = client.get(reverse("admin:inbox_visit_change", args=[visit.pk]))
    assert page.status_code == 200
    assert client.post(reverse("admin:inbox_visit_change", args=[visit.pk]), {}).status_code == 403


def test_unread_notifications_are_in_the_inbox_in_the_readers_language(alice, bob, as_user):
    from cxlean.core.todo import top_items
    from cxlean.notifications.models import Kind, Notification
    from tests.factories import RecordFactory

    record = RecordFactory(person=alice, activity__title_sv="Lyssna", activity__title_en="Listen")
    notification = Notification.objects.create(
        user=alice,
        kind=Kind.LEVEL_SIGNED_OFF,
        params={"activity": {"$sv": "Lyssna", "$en": "Listen"}, "level": "I", "actor": "Bob"},
        url=f"/competence/records/{record.pk}/",
    )
    with translation.override("sv"):
        sv = [row for row in inbox_for(alice).rows if row.kind == "notification"]
    with translation.override("en"):
        en = [row for row in inbox_for(alice).rows if row.kind == "notification"]
    assert len(sv) == len(en) == 1
    assert sv[0].title != en[0].title and "Listen" in en[0].title
    assert en[0].url == reverse("notifications:open", args=[notification.pk])
    assert "notification" not in rows_of(bob)  # only one's own
    assert not [item for item in top_items(alice, 5) if item.url == en[0].url]  # not in digests
    notification.read_at = timezone.now()
    notification.save()
    assert "notification" not in rows_of(alice)


def test_a_coordinator_signs_off_on_the_inbox_row(everything, bob, as_user):
    from cxlean.competence.models import Record

    client = as_user(bob)
    html = client.get(HOME, language="en").content.decode()
    record = Record.objects.for_queue(bob).first()
    action = reverse("competence:sign_off", args=[record.pk])
    assert f'action="{action}"' in html
    response = client.post(action, {"level": record.self_level, "next": HOME})
    assert response.status_code == 302 and response["Location"] == HOME
    record.refresh_from_db()
    assert record.level == record.self_level


def test_the_cx_owner_sees_open_catalogue_proposals_to_decide_on(
    as_user, olivia, bob, alice, service_unit
):
    def propose(title: str, status: str = ProposalStatus.OPEN) -> CatalogueProposal:
        return CatalogueProposal.objects.create(
            proposed_by=bob,
            unit=service_unit,
            catalogue=Catalogue.CHECKLISTS,
            title=title,
            change="En punkt till",
            reason="Behövs",
            status=status,
            decided_at=None if status == ProposalStatus.OPEN else timezone.now(),
        )

    waiting = propose("En punkt om chattmallar")
    propose("Redan beslutad", ProposalStatus.DECLINED)
    rows = rows_of(olivia)
    assert rows["proposal"] == [
        (
            "En punkt om chattmallar",
            "Checklist templates · from Kundservice, waiting for your decision",
            Urgency.WAITING,
        )
    ]
    html = as_user(olivia).get(HOME).content.decode()
    assert reverse("org:proposal", args=[waiting.pk]) in html
    assert "proposal" not in rows_of(bob) and "proposal" not in rows_of(alice)
