"""The backlog pages: list, PDCA board, chart, submitting, the item page, editing,
moving, comments and attachments, for each role.

Alice (employee in Team Chatt) suggested `idea`; `scored_item` is a quick win in
Kundservice. Bob coordinates Kundservice and Team Chatt; Carol coordinates Sales (a
sibling unit: Kundservice's items do not exist for her); Maria is management (reads
everything, changes nothing); Root is superuser.
"""

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from cxlean.backlog.models import (
    Attachment,
    Comment,
    Item,
    MudaKind,
    Quadrant,
    ScoringSettings,
    Source,
    Status,
    StatusChange,
    Waste,
)
from tests.factories import ItemFactory, UnitFactory, UserFactory

EN = {"language": "en"}
HTMX = {"HTTP_HX_REQUEST": "true"}
LIST = reverse("backlog:list")
BOARD = reverse("backlog:board")
CHART = reverse("backlog:chart")
NEW = reverse("backlog:new")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Attachments go to a throwaway folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


def today() -> dt.date:
    return timezone.localdate()


def days(n: int) -> dt.date:
    return today() + dt.timedelta(days=n)


def url(name: str, item) -> str:
    return reverse(f"backlog:{name}", args=[item.pk])


def html_of(client, address: str, **extra) -> str:
    response = client.get(address, **EN, **extra)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def scored(unit, impact=4, feasibility=4, value=4, **fields) -> Item:
    return ItemFactory(
        unit=unit,
        waste=Waste.MURA,
        impact=impact,
        feasibility=feasibility,
        customer_value=value,
        **fields,
    )


def triaged(unit, **fields) -> Item:
    item = scored(unit, **fields)
    Item.objects.filter(pk=item.pk).update(status=Status.TRIAGED)
    item.refresh_from_db()
    return item


def at(status: str, unit, **fields) -> Item:
    item = scored(unit, **fields)
    Item.objects.filter(pk=item.pk).update(status=status)
    item.refresh_from_db()
    return item


# --- who may open what -------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["list", "board", "chart", "new", "detail", "edit", "move", "attachment_file"]
)
def test_anonymous_visitors_are_sent_to_log_in(client, idea, name):
    address = {"list": LIST, "board": BOARD, "chart": CHART, "new": NEW}.get(name) or url(
        name, idea
    )
    response = client.get(address)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_anonymous_posts_change_nothing(client, idea):
    response = client.post(url("move", idea), {"to": Status.REJECTED, "rejection_reason": "x"})
    assert response.status_code == 302
    idea.refresh_from_db()
    assert idea.status == Status.IDEA


def test_the_list_shows_the_items_of_the_persons_part_of_the_tree(
    alice, idea, scored_item, sales_unit, as_user
):
    ItemFactory(title="Sälj bättre", unit=sales_unit)
    html = html_of(as_user(alice), LIST)
    assert idea.title in html and scored_item.title in html
    assert "Sälj bättre" not in html
    assert "Submit an idea" in html


def test_carol_gets_404_for_items_outside_her_part_of_the_tree(carol, scored_item, as_user):
    client = as_user(carol)
    for name in ("detail", "edit", "move"):
        assert client.get(url(name, scored_item)).status_code == 404
    response = client.post(url("move", scored_item), {"to": Status.TRIAGED})
    assert response.status_code == 404
    assert client.post(url("comment", scored_item), {"text": "Hej"}).status_code == 404
    assert scored_item.title not in html_of(client, LIST)


def test_carol_gets_403_on_an_item_she_sees_but_does_not_coordinate(carol, company, as_user):
    item = scored(company, title="Hela företaget")
    client = as_user(carol)
    html = html_of(client, url("detail", item))
    assert "Move it" not in html and url("edit", item) not in html
    assert client.get(url("edit", item)).status_code == 403
    response = client.post(url("move", item), {"to": Status.TRIAGED})
    assert response.status_code == 403
    item.refresh_from_db()
    assert item.status == Status.IDEA


def test_management_reads_everything_and_gets_no_write_buttons(maria, scored_item, as_user):
    client = as_user(maria)
    html = html_of(client, LIST)
    assert scored_item.title in html
    assert NEW not in html
    detail = html_of(client, url("detail", scored_item))
    assert "Move it" not in detail
    assert url("comment", scored_item) not in detail
    assert url("edit", scored_item) not in detail
    board = html_of(client, BOARD)
    assert url("move", scored_item) not in board


def test_management_gets_403_on_every_write(maria, scored_item, as_user):
    client = as_user(maria)
    assert client.get(NEW).status_code == 403
    assert client.post(NEW, {"title": "x"}).status_code == 403
    assert client.get(url("edit", scored_item)).status_code == 403
    assert client.post(url("move", scored_item), {"to": Status.TRIAGED}).status_code == 403
    assert client.post(url("comment", scored_item), {"text": "Hej"}).status_code == 403
    upload = SimpleUploadedFile("a.txt", b"text")
    assert client.post(url("attachment", scored_item), {"file": upload}).status_code == 403
    scored_item.refresh_from_db()
    assert scored_item.status == Status.IDEA
    assert not Comment.objects.exists() and not Attachment.objects.exists()


def test_root_triages_and_moves_anything(root, scored_item, as_user):
    client = as_user(root)
    response = client.post(url("move", scored_item), {"to": Status.TRIAGED})
    assert response.status_code == 302
    scored_item.refresh_from_db()
    assert scored_item.status == Status.TRIAGED
    # a move made with one button keeps what the item has
    assert (scored_item.waste, scored_item.impact, scored_item.priority) == (Waste.MUDA, 5, 94)


# --- submit an idea ----------------------------------------------------------------------


def test_an_employee_submits_an_idea_for_her_own_unit_by_default(
    alice, service_team, phone_queue, as_user
):
    client = as_user(alice)
    form = html_of(client, NEW)
    assert 'name="impact"' not in form and 'name="owner"' not in form  # for coordinators
    assert f'<option value="{service_team.pk}" selected' in form
    assert "Flytta hem" in form  # touchpoints are grouped by journey
    assert "- Select an option -" in form
    swedish = client.get(NEW).content.decode()
    assert "– Välj ett alternativ –" in swedish  # Django's own empty choice, in Swedish too
    response = client.post(
        NEW,
        {
            "title": "Ring tillbaka",
            "description": "Kunden väntar länge.",
            "unit": service_team.pk,
            "source": Source.EMPLOYEE,
            "touchpoint": phone_queue.pk,
            "waste": Waste.MUDA,
            "muda_kind": MudaKind.WAITING,
        },
    )
    item = Item.objects.get(title="Ring tillbaka")
    assert response.status_code == 302 and response.url == url("detail", item)
    assert item.submitted_by == alice and item.unit == service_team
    assert item.status == Status.IDEA and item.priority is None
    assert item.touchpoint == phone_queue


def test_an_employee_cannot_submit_for_another_part_of_the_tree(alice, sales_unit, as_user):
    response = as_user(alice).post(
        NEW, {"title": "Sälj", "unit": sales_unit.pk, "source": Source.EMPLOYEE}, **EN
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Item.objects.exists()


def test_a_coordinator_may_score_and_assign_at_once(bob, alice, service_unit, as_user):
    client = as_user(bob)
    form = html_of(client, NEW)
    assert 'name="impact"' in form and 'name="owner"' in form
    client.post(
        NEW,
        {
            "title": "Snabbare svar",
            "unit": service_unit.pk,
            "source": Source.GEMBA,
            "waste": Waste.MURA,
            "impact": 5,
            "feasibility": 5,
            "customer_value": 5,
            "owner": alice.pk,
            "due_date": days(30).isoformat(),
        },
    )
    item = Item.objects.get(title="Snabbare svar")
    assert item.priority == 100 and item.quadrant == Quadrant.QUICK_WIN
    assert item.owner == alice and item.submitted_by == bob


def test_submitting_with_errors_shows_them_and_saves_nothing(bob, service_unit, as_user):
    response = as_user(bob).post(
        NEW,
        {
            "title": "",
            "unit": service_unit.pk,
            "source": Source.EMPLOYEE,
            "waste": Waste.MURA,
            "muda_kind": MudaKind.MOTION,
            "impact": 6,
        },
        **EN,
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "This field is required." in html
    assert "Score it from 1 to 5." in html
    assert not Item.objects.exists()


# --- the item page -----------------------------------------------------------------------


def test_the_item_page_shows_fields_progress_journey_and_status_changes(
    bob, alice, scored_item, as_user
):
    scored_item.move(Status.TRIAGED, bob, note="Ser bra ut")
    scored_item.move(Status.PLAN, bob, owner=alice, due_date=days(10))
    html = html_of(as_user(alice), url("detail", scored_item))
    assert "Kortare telefonkö" in html and "Muda – waste · Waiting" in html
    assert 'aria-current="step"' in html
    assert html.index("pdca-step--done") < html.index('aria-current="step"')
    assert "Flytta hem · Telefonkö" in html
    journey_map = reverse("journeys:map", args=[scored_item.touchpoint.stage.journey_id])
    assert f'href="{journey_map}#touchpoint-{scored_item.touchpoint_id}"' in html
    assert "Ser bra ut" in html
    assert html.count("pdca-plan") >= 2  # the badge and the status change
    assert "How priority is computed" in html


def test_the_item_page_shows_the_source_feedback(alice, service_team, as_user):
    from cxlean.backlog.models import improvement_from_feedback
    from tests.factories import FeedbackFactory

    feedback = FeedbackFactory(unit=service_team, what_happened="Kunden väntade i 40 minuter.")
    item, _created = improvement_from_feedback(feedback, alice)
    html = html_of(as_user(alice), url("detail", item))
    assert "From customer feedback" in html and "Kunden väntade i 40 minuter." in html
    assert reverse("journeys:feedback_detail", args=[feedback.pk]) in html


def test_the_history_shows_who_changed_which_fields(bob, scored_item, as_user):
    client = as_user(bob)
    data = edit_data(scored_item, impact=2, title="Kortare kö")
    assert client.post(url("edit", scored_item), data).status_code == 302
    html = html_of(client, url("detail", scored_item))
    history = html[html.index('id="history-heading"') :]
    assert "Bob" in history
    assert "<dt>Impact</dt>" in history and "<dt>Title</dt>" in history
    assert "Kortare telefonkö" in history and "Kortare kö" in history


def test_the_detail_page_keeps_its_query_count(
    bob, scored_item, as_user, django_assert_max_num_queries
):
    client = as_user(bob)
    client.get(url("detail", scored_item))
    with django_assert_max_num_queries(25):
        client.get(url("detail", scored_item))


# --- editing -----------------------------------------------------------------------------


def edit_data(item: Item, **changes) -> dict:
    data = {
        "title": item.title,
        "description": item.description,
        "unit": item.unit_id,
        "source": item.source,
        "touchpoint": item.touchpoint_id or "",
        "transition": item.transition_id or "",
        "waste": item.waste,
        "muda_kind": item.muda_kind,
        "impact": item.impact or "",
        "feasibility": item.feasibility or "",
        "customer_value": item.customer_value or "",
        "owner": item.owner_id or "",
        "due_date": item.due_date.isoformat() if item.due_date else "",
        "expected_metric": "",
        "expected_change": "",
        "expected_effect": "",
        "measured_change": "",
        "measured_effect": "",
        "spread": "unknown",
        "spread_note": "",
    }
    return data | changes


def test_a_coordinator_edits_scores_and_the_priority_follows(bob, scored_item, as_user):
    response = as_user(bob).post(
        url("edit", scored_item), edit_data(scored_item, impact=1, feasibility=1)
    )
    assert response.status_code == 302
    scored_item.refresh_from_db()
    assert scored_item.impact == 1
    assert scored_item.quadrant == Quadrant.THANKLESS
    assert scored_item.priority == ScoringSettings.current().priority(1, 1, 5)


@pytest.mark.parametrize("score", [0, 6, "x"])
def test_a_score_outside_1_to_5_is_a_field_error(bob, scored_item, as_user, score):
    data = edit_data(scored_item, impact=score)
    response = as_user(bob).post(url("edit", scored_item), data, **EN)
    assert response.status_code == 200
    assert "Score it from 1 to 5." in response.content.decode()
    scored_item.refresh_from_db()
    assert scored_item.impact == 5


def test_a_muda_kind_without_muda_is_a_field_error(bob, scored_item, as_user):
    response = as_user(bob).post(
        url("edit", scored_item), edit_data(scored_item, waste=Waste.MURI), **EN
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Only Muda has kinds; leave this empty for Mura and Muri." in html
    scored_item.refresh_from_db()
    assert scored_item.waste == Waste.MUDA


def test_touchpoint_and_transition_together_are_refused(bob, scored_item, handover, as_user):
    response = as_user(bob).post(
        url("edit", scored_item), edit_data(scored_item, transition=handover.pk), **EN
    )
    assert "Choose a touchpoint or a transition, not both." in response.content.decode()


def test_the_owner_edits_only_the_plan_and_effect(alice, service_unit, as_user):
    item = at(Status.DO, service_unit, owner=alice, due_date=days(5))
    client = as_user(alice)
    form = html_of(client, url("edit", item))
    assert 'name="measured_effect"' in form
    assert 'name="impact"' not in form and 'name="title"' not in form
    response = client.post(
        url("edit", item),
        {
            "due_date": days(20).isoformat(),
            "description": "Ny plan",
            "measured_effect": "Kön halverades",
            "impact": 1,
            "title": "Kapad",
            "spread": "unknown",
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.due_date == days(20) and item.measured_effect == "Kön halverades"
    assert item.impact == 4 and item.title != "Kapad"


def test_an_employee_who_does_not_own_the_item_cannot_edit_it(alice, scored_item, as_user):
    assert as_user(alice).get(url("edit", scored_item)).status_code == 403


# --- moves -------------------------------------------------------------------------------


def test_a_coordinator_triages_an_idea_with_waste_and_scores(bob, idea, as_user):
    client = as_user(bob)
    form = html_of(client, url("move", idea) + "?to=triaged")
    assert 'name="waste"' in form and 'name="impact"' in form
    response = client.post(
        url("move", idea),
        {
            "to": Status.TRIAGED,
            "waste": Waste.MUDA,
            "muda_kind": MudaKind.WAITING,
            "impact": 4,
            "feasibility": 5,
            "customer_value": 3,
            "note": "Tydlig väntan",
        },
    )
    assert response.status_code == 302 and response.url == url("detail", idea)
    idea.refresh_from_db()
    assert idea.status == Status.TRIAGED and idea.quadrant == Quadrant.QUICK_WIN
    change = StatusChange.objects.get(item=idea)
    assert (change.from_status, change.to_status, change.by, change.note) == (
        Status.IDEA,
        Status.TRIAGED,
        bob,
        "Tydlig väntan",
    )


def test_triage_without_scores_is_refused_with_the_models_reasons(bob, idea, as_user):
    response = as_user(bob).post(url("move", idea), {"to": Status.TRIAGED}, **EN)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Classify the waste (Muda, Mura or Muri) before triage." in html
    assert "Score it from 1 to 5 before triage." in html
    idea.refresh_from_db()
    assert idea.status == Status.IDEA and not StatusChange.objects.exists()


def test_skipping_a_step_is_refused(bob, scored_item, as_user):
    response = as_user(bob).post(url("move", scored_item), {"to": Status.DO}, **EN)
    assert response.status_code == 200
    assert "Idea cannot go to Do. From here: Triaged, Rejected." in response.content.decode()
    scored_item.refresh_from_db()
    assert scored_item.status == Status.IDEA


def test_an_unknown_status_is_refused(bob, scored_item, as_user):
    response = as_user(bob).post(url("move", scored_item), {"to": "done"}, **EN)
    assert response.status_code == 200
    assert "“done” is not a status." in response.content.decode()


def test_plan_needs_an_owner_and_a_due_date(bob, service_unit, as_user):
    item = triaged(service_unit)
    response = as_user(bob).post(url("move", item), {"to": Status.PLAN}, **EN)
    html = response.content.decode()
    assert "A plan needs an owner." in html and "A plan needs a due date." in html
    item.refresh_from_db()
    assert item.status == Status.TRIAGED


def test_plan_with_owner_and_due_date_goes_back_to_the_board(bob, alice, service_unit, as_user):
    item = triaged(service_unit)
    response = as_user(bob).post(
        url("move", item),
        {
            "to": Status.PLAN,
            "owner": alice.pk,
            "due_date": days(14).isoformat(),
            "next": BOARD + "?waste=mura",
        },
    )
    assert response.status_code == 302 and response.url == BOARD + "?waste=mura"
    item.refresh_from_db()
    assert (item.status, item.owner, item.due_date) == (Status.PLAN, alice, days(14))


def test_a_foreign_next_address_is_not_followed(bob, service_unit, as_user):
    item = at(Status.PLAN, service_unit, owner=bob, due_date=days(3))
    response = as_user(bob).post(
        url("move", item), {"to": Status.DO, "next": "https://evil.example/"}
    )
    assert response.url == url("detail", item)


def test_check_needs_the_measured_effect_and_act_the_spread_answer(bob, service_unit, as_user):
    client = as_user(bob)
    item = at(Status.DO, service_unit, owner=bob, due_date=days(3))
    response = client.post(url("move", item), {"to": Status.CHECK}, **EN)
    assert "Check needs the measured effect" in response.content.decode()
    client.post(url("move", item), {"to": Status.CHECK, "measured_change": "-12.5"})
    item.refresh_from_db()
    assert item.status == Status.CHECK
    response = client.post(url("move", item), {"to": Status.ACT}, **EN)
    assert "Say whether the new standard should be spread to other units." in (
        response.content.decode()
    )
    client.post(url("move", item), {"to": Status.ACT, "spread": "False"})
    item.refresh_from_db()
    assert item.status == Status.ACT and item.spread is False


def test_rejecting_needs_a_reason(bob, scored_item, as_user):
    client = as_user(bob)
    response = client.post(url("move", scored_item), {"to": Status.REJECTED}, **EN)
    assert "Give the reason for rejecting it." in response.content.decode()
    client.post(url("move", scored_item), {"to": Status.REJECTED, "rejection_reason": "Görs redan"})
    scored_item.refresh_from_db()
    assert scored_item.status == Status.REJECTED
    assert scored_item.rejection_reason == "Görs redan"


def test_the_owner_moves_forward_but_cannot_reject(alice, service_unit, as_user):
    item = at(Status.PLAN, service_unit, owner=alice, due_date=days(3))
    client = as_user(alice)
    detail = html_of(client, url("detail", item))
    assert "Reject" not in detail  # not one of her moves
    response = client.post(
        url("move", item), {"to": Status.REJECTED, "rejection_reason": "Nej"}, **EN
    )
    assert "Only a Lean coordinator of the item&#x27;s unit can move it to Rejected." in (
        response.content.decode()
    )
    assert client.post(url("move", item), {"to": Status.DO}).status_code == 302
    item.refresh_from_db()
    assert item.status == Status.DO


def test_an_employee_who_neither_owns_nor_coordinates_gets_403(alice, scored_item, as_user):
    response = as_user(alice).post(url("move", scored_item), {"to": Status.TRIAGED})
    assert response.status_code == 403


def test_the_move_form_for_a_move_not_offered_goes_back_to_the_item(bob, scored_item, as_user):
    response = as_user(bob).get(url("move", scored_item) + "?to=act", **EN)
    assert response.status_code == 302 and response.url == url("detail", scored_item)
    assert messages_of(response) == ["Choose one of the moves offered for this item."]


def test_an_htmx_move_on_the_board_answers_with_the_new_board(bob, service_unit, as_user):
    item = at(Status.PLAN, service_unit, owner=bob, due_date=days(3), title="Flyttbar")
    response = as_user(bob).post(url("move", item) + "?waste=mura", {"to": Status.DO}, **HTMX, **EN)
    html = response.content.decode()
    assert response.status_code == 200
    do_column = html[html.index('id="column-do"') : html.index('id="column-check"')]
    assert "Flyttbar" in do_column
    assert "is now at Do" in html  # announced
    assert "backlogMoved" in response["HX-Trigger-After-Settle"]


def test_a_refused_htmx_move_answers_422_with_the_reasons(bob, service_unit, as_user):
    item = triaged(service_unit, title="Utan ägare")
    response = as_user(bob).post(url("move", item), {"to": Status.PLAN}, **HTMX, **EN)
    html = response.content.decode()
    assert response.status_code == 422
    assert response["HX-Retarget"] == "#board-alert"
    assert "A plan needs an owner." in html and "“Utan ägare” was not moved." in html
    assert f"{url('move', item)}?to=plan" in html  # the form that asks for the owner
    item.refresh_from_db()
    assert item.status == Status.TRIAGED


def test_an_htmx_move_skipping_a_step_answers_422(bob, scored_item, as_user):
    response = as_user(bob).post(url("move", scored_item), {"to": Status.ACT}, **HTMX, **EN)
    assert response.status_code == 422
    assert "Idea cannot go to Act – standardised." in response.content.decode()


def test_an_htmx_move_by_someone_without_rights_answers_403_with_a_message(
    alice, scored_item, as_user
):
    response = as_user(alice).post(url("move", scored_item), {"to": Status.TRIAGED}, **HTMX, **EN)
    assert response.status_code == 403
    assert "can move it" in response.content.decode()


# --- the board ---------------------------------------------------------------------------


def test_the_board_has_a_column_per_pdca_step_and_offers_the_moves(
    bob, service_unit, idea, as_user
):
    ready = at(Status.PLAN, service_unit, owner=bob, due_date=days(-1), title="Sen plan")
    needs_owner = triaged(service_unit, title="Behöver ägare")
    ItemFactory(unit=service_unit, status=Status.REJECTED)
    html = html_of(as_user(bob), BOARD)
    for status in ("idea", "triaged", "plan", "do", "check", "act"):
        assert f'id="column-{status}"' in html
    plan_column = html[html.index('id="column-plan"') : html.index('id="column-do"')]
    assert "Sen plan" in plan_column and "Late" in plan_column
    assert f'hx-post="{url("move", ready)}' in plan_column  # do needs nothing more
    triaged_column = html[html.index('id="column-triaged"') : html.index('id="column-plan"')]
    assert f"{url('move', needs_owner)}?to=plan" in triaged_column  # asks for the owner
    assert "1 rejected improvement" in html


def test_the_board_caps_each_column_and_links_to_the_rest(bob, service_unit, as_user, monkeypatch):
    monkeypatch.setattr("cxlean.backlog.views.CARDS_PER_COLUMN", 2)
    low = scored(service_unit, impact=1, feasibility=1, value=1, title="Lägst")
    for _n in range(2):
        scored(service_unit, impact=5, feasibility=5, value=5)
    html = html_of(as_user(bob), BOARD)
    assert low.title not in html
    assert "1 more in the list" in html
    assert f"{LIST}?status=idea" in html


def test_the_board_fits_a_phone_by_scrolling_inside_itself(bob, as_user):
    html = html_of(as_user(bob), BOARD)
    assert 'class="board" role="region"' in html and 'tabindex="0"' in html


# --- comments and attachments ------------------------------------------------------------


def test_anyone_who_sees_the_item_comments(alice, scored_item, as_user):
    response = as_user(alice).post(url("comment", scored_item), {"text": "Bra idé!"})
    found = Comment.objects.get()
    assert response.status_code == 302 and response.url.endswith(f"#comment-{found.pk}")
    assert (found.item, found.author, found.text) == (scored_item, alice, "Bra idé!")


def test_an_empty_comment_shows_the_error(alice, scored_item, as_user):
    response = as_user(alice).post(url("comment", scored_item), {"text": ""}, **EN)
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not Comment.objects.exists()


def test_an_attachment_is_uploaded_and_read_by_those_who_see_the_item(
    alice, bob, carol, scored_item, as_user
):
    upload = SimpleUploadedFile("mätning.csv", "dag;kö\n1;40\n".encode(), content_type="text/csv")
    response = as_user(alice).post(
        url("attachment", scored_item), {"file": upload, "description": "Kötider"}
    )
    assert response.status_code == 302
    found = Attachment.objects.get()
    assert found.uploaded_by == alice
    download = as_user(bob).get(reverse("backlog:attachment_file", args=[found.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == "dag;kö\n1;40\n".encode()
    address = reverse("backlog:attachment_file", args=[found.pk])
    assert as_user(carol).get(address).status_code == 404
    assert "mätning" in html_of(as_user(bob), url("detail", scored_item))


def test_an_attachment_of_the_wrong_type_is_refused(alice, scored_item, as_user):
    upload = SimpleUploadedFile("virus.exe", b"MZ")
    response = as_user(alice).post(url("attachment", scored_item), {"file": upload}, **EN)
    assert response.status_code == 200
    assert "File extension “exe” is not allowed." in response.content.decode()
    assert not Attachment.objects.exists()


def test_a_too_big_attachment_is_refused(alice, scored_item, as_user, monkeypatch):
    monkeypatch.setattr("cxlean.backlog.models.ATTACHMENT_MAX_BYTES", 1024 * 1024)
    upload = SimpleUploadedFile("stor.pdf", b"x" * (3 * 1024 * 1024 // 2))
    response = as_user(alice).post(url("attachment", scored_item), {"file": upload}, **EN)
    assert response.status_code == 200
    assert "The file is 1.5 MB; attachments may be at most 1 MB." in response.content.decode()
    assert not Attachment.objects.exists()


# --- filters and sorting -----------------------------------------------------------------


def titles_in(html: str, titles: list[str]) -> list[str]:
    """The given titles in the order they appear in the page."""
    found = [title for title in titles if title in html]
    return sorted(found, key=html.index)


@pytest.fixture
def backlog(service_unit, service_team, alice, bob, phone_queue):
    """Four items in Kundservice and its team with different waste, status, scores."""
    return {
        "muda": ItemFactory(
            title="AAA Muda",
            unit=service_unit,
            waste=Waste.MUDA,
            muda_kind=MudaKind.DEFECTS,
            impact=5,
            feasibility=5,
            customer_value=5,
            touchpoint=phone_queue,
            source=Source.VOC,
        ),
        "mura": at(
            Status.PLAN,
            service_team,
            impact=4,
            feasibility=1,
            value=2,
            title="CCC Mura",
            owner=alice,
            due_date=days(-2),
        ),
        "muri": ItemFactory(
            title="BBB Muri",
            unit=service_team,
            waste=Waste.MURI,
            impact=1,
            feasibility=2,
            customer_value=1,
            owner=bob,
            due_date=days(9),
        ),
        "unscored": ItemFactory(title="DDD Oklassad", unit=service_unit),
    }


TITLES = ["AAA Muda", "BBB Muri", "CCC Mura", "DDD Oklassad"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("waste=muda", ["AAA Muda"]),
        ("muda_kind=defects", ["AAA Muda"]),
        ("status=plan", ["CCC Mura"]),
        ("status=open", TITLES),
        ("status=closed", []),
        ("quadrant=quick_win", ["AAA Muda"]),
        ("quadrant=major_project", ["CCC Mura"]),
        ("quadrant=none", ["DDD Oklassad"]),
        ("source=voc", ["AAA Muda"]),
        ("overdue=on", ["CCC Mura"]),
        ("impact=1&feasibility=2", ["BBB Muri"]),
    ],
)
def test_the_list_filters(bob, backlog, as_user, query, expected):
    html = html_of(as_user(bob), f"{LIST}?{query}&sort=title")
    assert titles_in(html, TITLES) == expected


def test_the_list_filters_by_unit_with_its_sub_units(bob, backlog, service_team, as_user):
    html = html_of(as_user(bob), f"{LIST}?unit={service_team.pk}&sort=title")
    assert titles_in(html, TITLES) == ["BBB Muri", "CCC Mura"]
    html = html_of(as_user(bob), f"{LIST}?unit={service_team.parent_id}&sort=title")
    assert titles_in(html, TITLES) == TITLES


def test_the_list_filters_by_touchpoint_and_owner(bob, alice, backlog, phone_queue, as_user):
    client = as_user(bob)
    assert titles_in(html_of(client, f"{LIST}?touchpoint={phone_queue.pk}"), TITLES) == ["AAA Muda"]
    assert titles_in(html_of(client, f"{LIST}?owner={alice.pk}"), TITLES) == ["CCC Mura"]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("", ["AAA Muda", "CCC Mura", "BBB Muri", "DDD Oklassad"]),  # priority, unscored last
        ("priority", ["AAA Muda", "CCC Mura", "BBB Muri", "DDD Oklassad"]),
        ("title", TITLES),
        ("due", ["CCC Mura", "BBB Muri", "AAA Muda", "DDD Oklassad"]),
        ("created", ["DDD Oklassad", "BBB Muri", "CCC Mura", "AAA Muda"]),
    ],
)
def test_the_list_sorts(bob, backlog, as_user, sort, expected):
    html = html_of(as_user(bob), f"{LIST}?sort={sort}")
    assert titles_in(html, TITLES) == expected


@pytest.mark.parametrize(
    "query",
    ["waste=junk", "unit=999999", "unit=abc", "owner=x", "touchpoint=0", "sort=evil", "impact=9"],
)
def test_a_bad_filter_is_reported_and_ignored(bob, backlog, as_user, query):
    for address in (LIST, BOARD, CHART):
        html = html_of(as_user(bob), f"{address}?{query}")
        assert "A filter was not understood and is ignored." in html


def test_the_list_is_paginated(bob, service_unit, as_user, monkeypatch):
    monkeypatch.setattr("cxlean.backlog.views.ITEMS_PER_PAGE", 2)
    for n in range(3):
        ItemFactory(unit=service_unit, title=f"Sida {n}")
    html = html_of(as_user(bob), f"{LIST}?sort=title&page=2")
    assert "Sida 2" in html and "Sida 0" not in html
    assert "Page 2 of 2" in html


# --- the chart ---------------------------------------------------------------------------


def bubbles(client, query: str = ""):
    response = client.get(f"{CHART}?{query}", **EN)
    assert response.status_code == 200
    return {(b.impact, b.feasibility): b for b in response.context["chart"].bubbles}, response


def test_the_chart_places_items_in_their_quadrant(bob, service_unit, as_user):
    quick = scored(service_unit, 5, 5, title="Snabb")
    scored(service_unit, 5, 5)
    scored(service_unit, 5, 1, title="Stort")
    scored(service_unit, 1, 5, title="Utfyllnad")
    scored(service_unit, 1, 1, title="Otack")
    ItemFactory(unit=service_unit)  # not scored: not in the chart
    found, response = bubbles(as_user(bob))
    assert set(found) == {(5, 5), (5, 1), (1, 5), (1, 1)}
    top_right, top_left = found[(5, 5)], found[(5, 1)]
    bottom_right, bottom_left = found[(1, 5)], found[(1, 1)]
    assert top_right.quadrant == Quadrant.QUICK_WIN and top_right.count == 2
    assert top_left.quadrant == Quadrant.MAJOR_PROJECT
    assert bottom_right.quadrant == Quadrant.FILL_IN
    assert bottom_left.quadrant == Quadrant.THANKLESS
    # x grows with feasibility, y (SVG, downwards) shrinks with impact
    assert top_left.x < top_right.x and bottom_left.y > top_left.y
    assert top_right.r > top_left.r  # two items make a bigger bubble
    assert top_right.url == f"{LIST}?impact=5&feasibility=5"  # the list of that cell
    assert top_left.url == url("detail", Item.objects.get(title="Stort"))  # the one item
    html = response.content.decode()
    for name in ("Quick win", "Major project", "Fill-in", "Thankless task"):
        assert name in html
    assert "1 not scored yet" in html
    assert f'href="{url("detail", quick)}"' in html  # among the top items in the table


def test_the_chart_uses_the_organisations_threshold(bob, service_unit, as_user):
    ScoringSettings(high_threshold=4).save()
    scored(service_unit, 3, 3)
    found, response = bubbles(as_user(bob))
    assert found[(3, 3)].quadrant == Quadrant.THANKLESS
    chart = response.context["chart"]
    assert chart.threshold_x == chart.left + 3 * 80  # between feasibility 3 and 4
    assert "Scores of 4 or more count as high." in response.content.decode()


def test_the_chart_svg_uses_dots_whatever_the_language(bob, service_unit, as_user):
    scored(service_unit, 3, 3)
    html = as_user(bob).get(CHART).content.decode()  # Swedish writes decimals with commas
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert "," not in svg.split("<title>")[0]


def test_the_chart_table_counts_the_quadrants_with_the_filters(bob, backlog, as_user):
    _found, response = bubbles(as_user(bob), "waste=muda")
    rows = {row.quadrant: row.count for row in response.context["rows"]}
    assert rows == {
        Quadrant.QUICK_WIN: 1,
        Quadrant.MAJOR_PROJECT: 0,
        Quadrant.FILL_IN: 0,
        Quadrant.THANKLESS: 0,
    }


# --- query counts at two sizes -----------------------------------------------------------


def fill_backlog(size: int, units, people) -> None:
    for n in range(size):
        ItemFactory(
            unit=units[n % len(units)],
            owner=people[n % len(people)],
            waste=Waste.MUDA,
            muda_kind=MudaKind.WAITING,
            impact=n % 5 + 1,
            feasibility=(n * 3) % 5 + 1,
            customer_value=(n * 2) % 5 + 1,
            status=[Status.IDEA, Status.TRIAGED, Status.PLAN, Status.DO, Status.CHECK][n % 5],
            due_date=days(n - size // 2),
        )


@pytest.mark.parametrize("address", [LIST, BOARD, CHART, f"{LIST}?waste=muda&overdue=on&sort=due"])
def test_list_board_and_chart_keep_their_query_count(
    bob, alice, service_unit, service_team, as_user, address, count_queries
):
    client = as_user(bob)
    units = [service_unit, service_team, UnitFactory(parent=service_team)]
    people = [alice, bob, UserFactory(unit=service_team)]
    fill_backlog(3, units, people)
    client.get(address)  # warm up (session, content types)
    small = count_queries(client, address)
    fill_backlog(30, units, people)
    large = count_queries(client, address)
    assert small == large


# --- dragging a card to another column ----------------------------------------------------
# A drop posts the move like the card's buttons, with `dropped` set; the server decides.

DROPPED = {"dropped": "1", "next": BOARD + "?waste=mura"}


def drop(client, item, status: str):
    return client.post(url("move", item) + "?waste=mura", {"to": status, **DROPPED}, **HTMX, **EN)


def test_the_board_marks_movable_cards_and_the_columns_they_drop_on(bob, service_unit, as_user):
    movable = at(Status.PLAN, service_unit, owner=bob, due_date=days(3), title="Flyttbar")
    html = html_of(as_user(bob), BOARD)
    assert f'data-move-url="{url("move", movable)}?' in html
    assert 'data-status="do"' in html and "js/board.js" in html
    assert 'class="bcard__grip"' in html


@pytest.mark.parametrize("name", ["alice", "maria"])
def test_people_who_move_nothing_get_no_draggable_cards(request, scored_item, as_user, name):
    html = html_of(as_user(request.getfixturevalue(name)), BOARD)
    assert scored_item.title in html
    assert "data-move-url" not in html and "bcard__grip" not in html


def test_a_drop_that_needs_nothing_more_moves_the_card(bob, service_unit, as_user):
    item = at(Status.PLAN, service_unit, owner=bob, due_date=days(3), title="Flyttbar")
    response = drop(as_user(bob), item, Status.DO)
    html = response.content.decode()
    assert response.status_code == 200
    do_column = html[html.index('id="column-do"') : html.index('id="column-check"')]
    assert "Flyttbar" in do_column
    item.refresh_from_db()
    assert item.status == Status.DO
    assert StatusChange.objects.filter(item=item, to_status=Status.DO, by=bob).exists()


def test_a_drop_on_a_gate_opens_its_form_and_moves_nothing(bob, service_unit, as_user):
    item = triaged(service_unit, title="Utan ägare")
    client = as_user(bob)
    response = drop(client, item, Status.PLAN)
    assert response.status_code == 200
    gate = response["HX-Redirect"]
    assert gate.startswith(f"{url('move', item)}?to=plan&next=")
    item.refresh_from_db()
    assert item.status == Status.TRIAGED
    form = html_of(client, gate)  # the move's own form: owner and due date
    assert 'name="owner"' in form and 'name="due_date"' in form
    assert 'name="next" value="/improvements/board/?waste=mura"' in form.replace(
        reverse("backlog:board"), "/improvements/board/"
    )


@pytest.mark.parametrize(
    "status, fields",
    [
        (Status.CHECK, {"owner": "bob", "due_date": 3}),  # do → check: the measured effect
        (Status.ACT, {"owner": "bob", "due_date": 3, "measured_effect": "Kortare kö"}),
    ],
)
def test_every_gate_opens_its_form_on_a_drop(request, bob, service_unit, as_user, status, fields):
    previous = {Status.CHECK: Status.DO, Status.ACT: Status.CHECK}[status]
    values = {
        name: request.getfixturevalue(value) if name == "owner" else value
        for name, value in fields.items()
    }
    if "due_date" in values:
        values["due_date"] = days(values["due_date"])
    item = at(previous, service_unit, **values)
    response = drop(as_user(bob), item, status)
    assert response["HX-Redirect"].startswith(f"{url('move', item)}?to={status}&")
    item.refresh_from_db()
    assert item.status == previous


def test_a_drop_on_a_column_the_workflow_skips_is_refused_with_the_reason(
    bob, scored_item, as_user
):
    response = drop(as_user(bob), scored_item, Status.DO)
    assert response.status_code == 422
    assert response["HX-Retarget"] == "#board-alert"
    assert "Idea cannot go to Do." in response.content.decode()
    scored_item.refresh_from_db()
    assert scored_item.status == Status.IDEA


def test_an_owner_dropping_on_a_move_only_coordinators_make_is_refused(
    alice, service_unit, as_user
):
    item = at(Status.PLAN, service_unit, owner=alice, due_date=days(3))
    response = drop(as_user(alice), item, Status.REJECTED)
    assert response.status_code == 422
    assert "Only a Lean coordinator" in response.content.decode()
    assert "HX-Redirect" not in response  # not her gate to open
    item.refresh_from_db()
    assert item.status == Status.PLAN


def test_an_owner_drops_her_own_item_forward(alice, service_unit, as_user):
    item = at(Status.PLAN, service_unit, owner=alice, due_date=days(3))
    assert drop(as_user(alice), item, Status.DO).status_code == 200
    item.refresh_from_db()
    assert item.status == Status.DO


@pytest.mark.parametrize("name, status", [("alice", 403), ("maria", 403), ("carol", 404)])
def test_a_drop_by_someone_who_may_not_move_the_item_changes_nothing(
    request, scored_item, as_user, name, status
):
    response = drop(as_user(request.getfixturevalue(name)), scored_item, Status.TRIAGED)
    assert response.status_code == status
    scored_item.refresh_from_db()
    assert scored_item.status == Status.IDEA
