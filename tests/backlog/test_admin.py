"""The improvement backlog in the admin: who reads and changes what, the workflow kept
out of the form, the scoring settings, and the backlog by unit.

Alice (employee, Team Chatt under Kundservice), Bob (coordinator of Kundservice), Carol
(coordinator of Sales), Maria (management) and Root (superuser) come from
tests/conftest.py, with the "Flytta hem" journey, `idea` and `scored_item`.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from cxlean.backlog.models import (
    Item,
    MudaKind,
    Quadrant,
    ScoringSettings,
    Status,
    StatusChange,
    Waste,
)
from tests.factories import AttachmentFactory, CommentFactory, ItemFactory, UnitFactory

pytestmark = pytest.mark.django_db

MODELS = ["item", "scoringsettings", "statuschange", "comment", "attachment"]


def changelist(model: str = "item") -> str:
    return reverse(f"admin:backlog_{model}_changelist")


def change(obj) -> str:
    return reverse(f"admin:backlog_{obj._meta.model_name}_change", args=[obj.pk])


def history(obj) -> str:
    return reverse(f"admin:backlog_{obj._meta.model_name}_history", args=[obj.pk])


def by_unit() -> str:
    return reverse("admin:backlog_by_unit")


def listed(response) -> set[int]:
    return {obj.pk for obj in response.context["cl"].result_list}


def today() -> dt.date:
    return timezone.localdate()


def form_data(item: Item, **changes) -> dict:
    """What the item's change form posts, with `changes`."""
    fields = {
        "title": item.title,
        "description": item.description,
        "unit": item.unit_id,
        "source": item.source,
        "touchpoint": item.touchpoint_id or "",
        "transition": item.transition_id or "",
        "owner": item.owner_id or "",
        "due_date": item.due_date or "",
        "rejection_reason": item.rejection_reason,
        "waste": item.waste,
        "muda_kind": item.muda_kind,
        "impact": item.impact or "",
        "feasibility": item.feasibility or "",
        "customer_value": item.customer_value or "",
        "expected_metric": item.expected_metric,
        "expected_change": item.expected_change or "",
        "expected_effect": item.expected_effect,
        "measured_change": item.measured_change or "",
        "measured_effect": item.measured_effect,
        "spread": {None: "unknown", True: "true", False: "false"}[item.spread],
        "spread_note": item.spread_note,
    }
    for prefix in ("status_changes", "comments", "attachments"):
        fields |= {
            f"{prefix}-TOTAL_FORMS": 0,
            f"{prefix}-INITIAL_FORMS": 0,
            f"{prefix}-MIN_NUM_FORMS": 0,
            f"{prefix}-MAX_NUM_FORMS": 1000,
        }
    return fields | changes


@pytest.fixture
def planned(scored_item, bob, alice):
    """Bob triages the quick win and plans it with Alice as owner."""
    scored_item.move(Status.TRIAGED, by=bob)
    scored_item.move(Status.PLAN, by=bob, owner=alice, due_date=today() + dt.timedelta(days=30))
    CommentFactory(item=scored_item, author=alice, text="Jag tar den.")
    AttachmentFactory(item=scored_item, uploaded_by=alice)
    return scored_item


@pytest.fixture
def sales_item(sales_unit, carol):
    return ItemFactory(title="Snabbare offert", unit=sales_unit, submitted_by=carol)


def parts(item) -> list:
    return [item.status_changes.first(), item.comments.first(), item.attachments.first()]


# --- who reads what ----------------------------------------------------------------------


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("who", ["root", "bob", "maria"])
def test_every_list_opens_for_superusers_coordinators_and_management(
    request, as_user, planned, model, who
):
    ScoringSettings().save()
    response = as_user(request.getfixturevalue(who)).get(changelist(model))
    assert response.status_code == 200


@pytest.mark.parametrize("who", ["root", "bob", "maria"])
def test_every_change_page_and_history_opens(request, as_user, planned, who):
    ScoringSettings().save()
    client = as_user(request.getfixturevalue(who))
    for obj in [planned, ScoringSettings.current(), *parts(planned)]:
        assert client.get(change(obj)).status_code == 200, obj
        assert client.get(history(obj)).status_code == 200, obj


def test_employees_are_kept_out(alice, as_user, planned):
    for url in (changelist(), change(planned), by_unit()):
        response = as_user(alice).get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_the_backlog_index_links_to_the_backlog_by_unit(maria, as_user):
    page = as_user(maria).get(reverse("admin:app_list", args=["backlog"]))
    assert by_unit() in page.text


def test_another_units_coordinator_neither_lists_nor_opens_an_item(carol, as_user, planned):
    client = as_user(carol)
    assert planned.pk not in listed(client.get(changelist()))
    assert client.get(change(planned)).status_code == 302  # "does not exist"
    assert client.get(history(planned)).status_code == 404
    for obj in parts(planned):
        model = obj._meta.model_name
        assert obj.pk not in listed(client.get(changelist(model))), model
        assert client.get(change(obj)).status_code == 302, model
    response = client.post(change(planned), form_data(planned, title="Kapad"))
    assert response.status_code == 302
    planned.refresh_from_db()
    assert planned.title == "Kortare telefonkö"


def test_coordinators_list_their_part_of_the_tree(bob, carol, as_user, planned, idea, sales_item):
    assert listed(as_user(bob).get(changelist())) == {planned.pk, idea.pk}
    assert listed(as_user(carol).get(changelist())) == {sales_item.pk}


def test_management_reads_everything_and_changes_nothing(maria, as_user, planned, sales_item):
    client = as_user(maria)
    assert listed(client.get(changelist())) == {planned.pk, sales_item.pk}
    page = client.get(change(planned))
    assert b'name="_save"' not in page.content
    assert client.post(change(planned), form_data(planned, title="Ändrad")).status_code == 403
    assert client.get(reverse("admin:backlog_item_add")).status_code == 403
    assert client.post(reverse("admin:backlog_item_delete", args=[planned.pk])).status_code == 403
    for obj in parts(planned):
        url = reverse(f"admin:backlog_{obj._meta.model_name}_delete", args=[obj.pk])
        assert client.post(url, {"post": "yes"}).status_code == 403
    planned.refresh_from_db()
    assert planned.title == "Kortare telefonkö"
    assert planned.comments.count() == planned.attachments.count() == 1


def test_a_coordinator_reads_but_does_not_change_items_above_their_unit(
    bob, as_user, company, maria
):
    above = ItemFactory(title="Hela bolaget", unit=company)
    client = as_user(bob)
    assert above.pk in listed(client.get(changelist()))
    assert b'name="_save"' not in client.get(change(above)).content
    assert client.post(change(above), form_data(above, title="Ändrad")).status_code == 403


# --- changing items ----------------------------------------------------------------------


def test_a_coordinator_edits_an_item_of_their_unit(bob, as_user, planned):
    response = as_user(bob).post(change(planned), form_data(planned, title="Återuppringning"))
    assert response.status_code == 302
    planned.refresh_from_db()
    assert planned.title == "Återuppringning"
    assert planned.history.first().history_user == bob


def test_the_status_is_not_a_form_field(bob, as_user, planned):
    page = as_user(bob).get(change(planned))
    assert 'name="status"' not in page.text
    as_user(bob).post(change(planned), form_data(planned, status=Status.ACT))
    planned.refresh_from_db()
    assert planned.status == Status.PLAN
    assert planned.status_changes.count() == 2


def test_editing_cannot_take_away_what_the_status_needs(bob, as_user, planned):
    response = as_user(bob).post(
        change(planned), form_data(planned, owner="", due_date="", waste=""), language="en"
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert {"owner", "due_date", "waste"} <= set(errors)
    planned.refresh_from_db()
    assert planned.owner is not None


def test_a_bad_score_or_waste_is_a_form_error(bob, as_user, planned):
    response = as_user(bob).post(
        change(planned), form_data(planned, impact=6, waste=Waste.MURA), language="en"
    )
    errors = response.context["adminform"].form.errors
    assert {"impact", "muda_kind"} <= set(errors)
    planned.refresh_from_db()
    assert planned.impact == 5


def test_a_coordinator_cannot_move_an_item_to_another_units(bob, as_user, planned, sales_unit):
    response = as_user(bob).post(change(planned), form_data(planned, unit=sales_unit.pk))
    assert "unit" in response.context["adminform"].form.errors
    planned.refresh_from_db()
    assert planned.unit.name == "Kundservice"


def test_changing_scores_recomputes_the_priority(bob, as_user, planned):
    as_user(bob).post(change(planned), form_data(planned, impact=1, feasibility=1))
    planned.refresh_from_db()
    # 100 × (0.4 + 0.3 + 1.5) / 5 = 44
    assert (planned.priority, planned.quadrant) == (44, Quadrant.THANKLESS)


def test_a_coordinator_adds_an_idea_in_their_unit(bob, as_user, service_team):
    data = form_data(ItemFactory.build(unit=service_team, title="Chattbot på kvällar"))
    response = as_user(bob).post(reverse("admin:backlog_item_add"), data)
    assert response.status_code == 302
    item = Item.objects.get(title="Chattbot på kvällar")
    assert (item.submitted_by, item.status, item.unit) == (bob, Status.IDEA, service_team)


def test_only_superusers_delete_items(bob, root, as_user, idea):
    url = reverse("admin:backlog_item_delete", args=[idea.pk])
    assert as_user(bob).post(url, {"post": "yes"}).status_code == 403
    assert as_user(root).post(url, {"post": "yes"}).status_code == 302
    assert not Item.objects.filter(pk=idea.pk).exists()


def test_status_changes_are_kept_comments_are_moderated(bob, as_user, planned):
    client = as_user(bob)
    move = planned.status_changes.first()
    url = reverse("admin:backlog_statuschange_delete", args=[move.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert StatusChange.objects.filter(pk=move.pk).exists()
    comment = planned.comments.first()
    assert client.post(change(comment), {"text": "Ändrad"}).status_code == 403
    url = reverse("admin:backlog_comment_delete", args=[comment.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not planned.comments.exists()


def test_the_item_page_shows_the_workflow_and_the_feedback_it_came_from(
    bob, as_user, planned, alice
):
    from cxlean.backlog.models import improvement_from_feedback
    from tests.factories import FeedbackFactory

    feedback = FeedbackFactory(unit=planned.unit, what_happened="Lång kö i telefon")
    item, _created = improvement_from_feedback(feedback, by=bob)
    page = as_user(bob).get(change(item), language="en")
    assert reverse("admin:journeys_feedback_change", args=[feedback.pk]) in page.text
    page = as_user(bob).get(change(planned), language="en")
    assert "Jag tar den." in page.text
    # Files are opened through the app's download, which checks who may see them.
    download = reverse("backlog:attachment_file", args=[planned.attachments.get().pk])
    assert download in page.text


# --- filters and speed -------------------------------------------------------------------


def test_the_list_filters_by_unit_tree_and_follow_up(bob, as_user, service_unit, service_team):
    late = ItemFactory(unit=service_team, owner=bob, due_date=today() - dt.timedelta(days=2))
    top = ItemFactory(unit=service_unit)
    client = as_user(bob)

    def shown(query: str) -> set[int]:
        return listed(client.get(changelist() + query))

    assert shown(f"?in_unit={service_unit.pk}") == {late.pk, top.pk}
    assert shown(f"?in_unit={service_team.pk}") == {late.pk}
    assert shown("?follow_up=overdue") == {late.pk}
    assert shown("?follow_up=open") == {late.pk, top.pk}
    assert shown("?follow_up=finished") == set()
    assert shown("?in_unit=abc") == set()


def test_the_item_list_runs_a_constant_number_of_queries(
    maria, as_user, service_team, bob, count_queries
):
    client = as_user(maria)

    def queries_for(count: int) -> int:
        while Item.objects.count() < count:
            ItemFactory(
                unit=service_team,
                owner=bob,
                due_date=today(),
                impact=3,
                feasibility=4,
                customer_value=2,
            )
        return count_queries(client, changelist())

    assert queries_for(3) == queries_for(30)


# --- scoring settings --------------------------------------------------------------------


def scoring_data(**changes) -> dict:
    return {
        "impact_weight": "0.40",
        "feasibility_weight": "0.30",
        "customer_value_weight": "0.30",
        "high_threshold": 3,
    } | changes


def test_a_superuser_changes_the_weights_and_every_item_follows(root, as_user, scored_item):
    ScoringSettings().save()
    response = as_user(root).post(
        change(ScoringSettings.current()),
        scoring_data(impact_weight="1", feasibility_weight="0", customer_value_weight="0"),
        language="en",
        follow=True,
    )
    assert any("recomputed" in str(m) for m in response.context["messages"])
    scored_item.refresh_from_db()
    assert scored_item.priority == 100  # only impact counts, and it is 5
    assert ScoringSettings.current().impact_weight == Decimal("1")


def test_weights_that_are_all_zero_are_refused(root, as_user):
    ScoringSettings().save()
    response = as_user(root).post(
        change(ScoringSettings.current()),
        scoring_data(impact_weight="0", feasibility_weight="0", customer_value_weight="0"),
    )
    assert response.status_code == 200 and response.context["adminform"].form.errors


@pytest.mark.parametrize("who", ["bob", "maria"])
def test_coordinators_and_management_read_the_weights(request, as_user, who):
    ScoringSettings().save()
    client = as_user(request.getfixturevalue(who))
    page = client.get(change(ScoringSettings.current()), language="en")
    assert page.status_code == 200 and b'name="_save"' not in page.content
    assert "Priority = 100" in page.text
    response = client.post(change(ScoringSettings.current()), scoring_data(high_threshold=5))
    assert response.status_code == 403
    assert ScoringSettings.current().high_threshold == 3


def test_the_settings_list_explains_the_formula_before_anyone_saves(maria, as_user):
    page = as_user(maria).get(changelist("scoringsettings"), language="en")
    assert "Priority = 100" in page.text and "impact weight 0.40" in page.text


def test_there_is_one_settings_row_and_it_is_never_deleted(root, as_user):
    client = as_user(root)
    add = reverse("admin:backlog_scoringsettings_add")
    assert client.get(add).status_code == 200
    assert client.post(add, scoring_data(high_threshold=4)).status_code == 302
    assert client.get(add).status_code == 403
    delete = reverse("admin:backlog_scoringsettings_delete", args=[1])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert ScoringSettings.objects.get().high_threshold == 4


# --- the backlog by unit -----------------------------------------------------------------


def finish(item: Item, by, days_ago: int, took_days: int) -> None:
    """Move a ready item to act and date it: submitted `took_days` before it finished."""
    for target in (Status.TRIAGED, Status.PLAN, Status.DO, Status.CHECK, Status.ACT):
        item.move(target, by=by)
    finished = timezone.now() - dt.timedelta(days=days_ago)
    Item.objects.filter(pk=item.pk).update(
        status_changed_at=finished, created_at=finished - dt.timedelta(days=took_days)
    )


READY = {
    "waste": Waste.MUDA,
    "muda_kind": MudaKind.DEFECTS,
    "due_date": dt.date(2030, 1, 1),
    "measured_effect": "Färre fel",
    "spread": True,
}


@pytest.fixture
def backlog_case(bob, carol, service_unit, service_team, sales_unit, company):
    """Kundservice: a quick-win idea (scored), a thankless item in plan that is overdue.
    Team Chatt: an unscored idea, two items finished 10 and 30 days ago after 4 and 10
    days, one finished 200 days ago (not recent), a rejected one.
    Sales: a major project in do."""
    ItemFactory(unit=service_unit, impact=4, feasibility=4, customer_value=4)
    late = ItemFactory(unit=service_unit, owner=bob, impact=1, feasibility=2, customer_value=1)
    late.move(Status.TRIAGED, by=bob, waste=Waste.MURI)
    late.move(Status.PLAN, by=bob, due_date=today() - dt.timedelta(days=1))
    ItemFactory(unit=service_team)
    for days_ago, took in ((10, 4), (30, 10), (200, 50)):
        item = ItemFactory(
            unit=service_team, owner=bob, impact=3, feasibility=3, customer_value=3, **READY
        )
        finish(item, bob, days_ago, took)
    rejected = ItemFactory(unit=service_team)
    rejected.move(Status.REJECTED, by=bob, rejection_reason="Dubblett")
    sales = ItemFactory(
        unit=sales_unit, owner=carol, impact=5, feasibility=1, customer_value=3, **READY
    )
    for target in (Status.TRIAGED, Status.PLAN, Status.DO):
        sales.move(target, by=carol)


def rows_by_unit(page) -> dict[str, object]:
    return {row.unit.name: row for row in page.context["rows"]}


def test_the_backlog_by_unit_counts_each_unit_with_its_sub_units(maria, as_user, backlog_case):
    page = as_user(maria).get(by_unit(), language="en")
    assert page.status_code == 200
    rows = rows_by_unit(page)
    assert list(rows) == ["Företaget", "Kundservice", "Team Chatt", "Försäljning"]

    team = rows["Team Chatt"]
    # idea, triaged, plan, do, check, act, rejected
    assert [team.by_status[status] for status in Status.values] == [1, 0, 0, 0, 0, 3, 1]
    assert sum(team.open_by_quadrant.values()) == 0  # the open idea is not scored
    assert (team.overdue, team.finished, team.median_lead_days) == (0, 2, 7)

    service = rows["Kundservice"]
    assert (service.by_status["idea"], service.by_status["plan"], service.total) == (2, 1, 7)
    assert service.open_by_quadrant[Quadrant.QUICK_WIN] == 1
    assert service.open_by_quadrant[Quadrant.THANKLESS] == 1
    assert (service.overdue, service.finished, service.median_lead_days) == (1, 2, 7)

    company = rows["Företaget"]
    assert company.total == 8 and company.by_status["do"] == 1
    assert company.open_by_quadrant[Quadrant.MAJOR_PROJECT] == 1
    assert rows["Försäljning"].median_lead_days is None


def test_every_figure_opens_the_items_it_counts(maria, as_user, backlog_case):
    client = as_user(maria)
    page = client.get(by_unit(), language="en")
    rows = rows_by_unit(page)
    for row in rows.values():
        figures = [*row.status_figures(), *row.quadrant_figures(), row.overdue_figure()]
        for figure in figures:
            assert escape(figure.url) in page.text
            assert len(listed(client.get(figure.url))) == figure.count, figure
        assert len(listed(client.get(row.finished_link()))) == row.finished


def test_a_coordinator_sees_the_backlog_of_their_units_only(bob, carol, as_user, backlog_case):
    assert list(rows_by_unit(as_user(bob).get(by_unit()))) == ["Kundservice", "Team Chatt"]
    assert list(rows_by_unit(as_user(carol).get(by_unit()))) == ["Försäljning"]


def test_the_backlog_by_unit_runs_a_constant_number_of_queries(
    maria, as_user, company, root, count_queries
):
    client = as_user(maria)

    def queries_for(teams: int) -> int:
        for n in range(teams - Item.objects.values("unit").distinct().count()):
            team = UnitFactory(parent=company)
            for status in (Status.IDEA, Status.REJECTED):
                item = ItemFactory(unit=team, impact=n % 5 + 1, feasibility=2, customer_value=3)
                if status == Status.REJECTED:
                    item.move(status, by=root, rejection_reason="Nej")
        return count_queries(client, by_unit())

    assert queries_for(2) == queries_for(20)


def test_owner_and_touchpoint_are_chosen_by_search(bob, as_user, phone_queue, alice):
    def search(field: str, term: str) -> list[str]:
        response = as_user(bob).get(
            reverse("admin:autocomplete"),
            {"app_label": "backlog", "model_name": "item", "field_name": field, "term": term},
        )
        assert response.status_code == 200
        return [result["text"] for result in response.json()["results"]]

    assert search("touchpoint", "Telefon") == [str(phone_queue)]
    assert search("owner", "alice") == ["alice"]
