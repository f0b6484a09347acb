"""The improvement backlog over the API: items, their moves through PDCA, history,
comments, attachments, filters and the flat rows for Power BI.

The people and the backlog fixtures are those of tests/conftest.py: Alice (employee,
Team Chatt under Kundservice) submitted `idea`; `scored_item` is an unmoved quick win in
Kundservice on the phone queue; Bob coordinates Kundservice, Carol Sales; Maria is
management; Root is superuser.
"""

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from cxlean.backlog.models import (
    ATTACHMENT_MAX_BYTES,
    Attachment,
    Comment,
    Item,
    MudaKind,
    Source,
    Status,
    StatusChange,
    Waste,
)
from cxlean.core.names import display_name
from cxlean.org.roles import COORDINATOR, EMPLOYEE
from tests.api.conftest import api_client
from tests.factories import (
    CommentFactory,
    ItemFactory,
    TouchpointFactory,
    TransitionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
DAY = dt.timedelta(days=1)
SCORES = {"impact": 4, "feasibility": 4, "customer_value": 4}
MUDA = {"waste": Waste.MUDA, "muda_kind": MudaKind.WAITING}


@pytest.fixture
def api():
    """`api(bob)` gives an APIClient signed in as Bob; `api()` an anonymous one."""
    return api_client


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def sales_item(sales_unit):
    return ItemFactory(title="Snabbare offert", unit=sales_unit, **MUDA, **SCORES)


def today() -> dt.date:
    return timezone.localdate()


def url(item, action=None) -> str:
    if action:
        return reverse(f"improvement-{action}", args=[item.pk])
    return reverse("improvement-detail", args=[item.pk])


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def walk(item: Item, to: str, by, **fields) -> Item:
    """Move `item` along the workflow up to `to`, as `by` (a coordinator)."""
    steps = {
        Status.TRIAGED: {},
        Status.PLAN: {"owner": fields.pop("owner", by), "due_date": today() + 10 * DAY},
        Status.DO: {},
        Status.CHECK: {"measured_effect": "Queue down from 9 to 4 minutes"},
        Status.ACT: {"spread": False},
    }
    for target, needs in steps.items():
        item.move(target, by, **needs)
        if target == to:
            break
    return item


def moved(item: Item) -> tuple[str, int]:
    """The item's status in the database and how many moves it has made."""
    item.refresh_from_db()
    return item.status, StatusChange.objects.filter(item=item).count()


# --- reading -----------------------------------------------------------------------------

LISTS = ["improvement-list", "improvement-row-list", "improvement-comment-list"]


@pytest.mark.parametrize("route", [*LISTS, "improvement-attachment-list"])
def test_anonymous_gets_nothing(api, route):
    assert api().get(reverse(route)).status_code == 403
    assert api().post(reverse(route), {}).status_code in (403, 405)


def test_anonymous_cannot_read_or_move_an_item(api, idea):
    assert api().get(url(idea)).status_code == 403
    assert api().post(url(idea, "move"), {"to": "triaged"}).status_code == 403
    assert api().get(url(idea, "history")).status_code == 403


def test_everyone_sees_their_part_of_the_tree(
    api, alice, bob, carol, maria, root, idea, scored_item, sales_item
):
    route = reverse("improvement-list")
    service = {idea.pk, scored_item.pk}
    assert ids(api(alice).get(route)) == service  # her team and the department above
    assert ids(api(bob).get(route)) == service
    assert ids(api(carol).get(route)) == {sales_item.pk}
    everything = service | {sales_item.pk}
    assert ids(api(maria).get(route)) == everything
    assert ids(api(root).get(route)) == everything
    rows = reverse("improvement-row-list")
    assert ids(api(alice).get(rows)) == service
    assert ids(api(maria).get(rows)) == everything


@pytest.mark.parametrize(
    "name, code", [("alice", 200), ("bob", 200), ("carol", 404), ("maria", 200), ("root", 200)]
)
def test_an_item_you_cannot_see_is_a_404(api, request, name, code, idea):
    client = api(request.getfixturevalue(name))
    assert client.get(url(idea)).status_code == code
    assert client.get(url(idea, "history")).status_code == code


def test_item_shows_labels_scores_and_where_it_hurts(api, bob, scored_item, journey):
    body = api(bob).get(url(scored_item), HTTP_ACCEPT_LANGUAGE="en").json()
    assert (body["waste"], body["waste_label"]) == ("muda", "Muda – waste")
    assert (body["muda_kind"], body["muda_kind_label"]) == ("waiting", "Waiting")
    # 100 × (0.4·5 + 0.3·4 + 0.3·5) / 5 = 94, high impact and feasibility: a quick win.
    assert (body["priority"], body["quadrant"], body["quadrant_label"]) == (
        94,
        "quick_win",
        "Quick win",
    )
    assert (body["status"], body["status_label"]) == ("idea", "Idea")
    assert (body["touchpoint_name"], body["journey"], body["journey_name"]) == (
        "Telefonkö",
        journey.pk,
        "Flytta hem",
    )
    assert body["unit_name"] == "Kundservice" and body["overdue"] is False


@pytest.mark.parametrize(
    "name, moves",
    [
        ("bob", ["triaged", "rejected"]),
        ("root", ["triaged", "rejected"]),
        ("alice", []),
        ("maria", []),
    ],
)
def test_allowed_moves_are_those_of_the_requesting_user(api, request, name, moves, scored_item):
    body = api(request.getfixturevalue(name)).get(url(scored_item)).json()
    assert body["allowed_moves"] == moves


def test_owner_sees_her_forward_moves(api, alice, bob, scored_item):
    walk(scored_item, Status.CHECK, bob, owner=alice)
    assert api(alice).get(url(scored_item)).json()["allowed_moves"] == ["act", "plan"]


# --- creating ----------------------------------------------------------------------------


def test_employee_submits_an_idea_which_starts_as_an_idea(api, alice, service_team, phone_queue):
    response = api(alice).post(
        reverse("improvement-list"),
        {
            "title": "Call back instead of queueing",
            "unit": service_team.pk,
            "touchpoint": phone_queue.pk,
            "status": "act",  # read-only: ignored
            "priority": 99,  # computed: ignored
            **MUDA,
            **SCORES,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    item = Item.objects.get(title="Call back instead of queueing")
    assert (item.status, item.submitted_by, item.source) == (Status.IDEA, alice, Source.EMPLOYEE)
    assert (item.priority, item.quadrant) == (80, "quick_win")
    assert response.json()["submitted_by"] == alice.pk
    assert response.json()["priority"] == 80


def test_a_bare_idea_needs_only_a_title_and_a_unit(api, bob, service_unit):
    response = api(bob).post(
        reverse("improvement-list"),
        {"title": "Fewer hand-overs", "unit": service_unit.pk, "source": "gemba"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    # Unscored: no priority and no quadrant (null, not "": "" is not a quadrant).
    assert (body["priority"], body["quadrant"], body["source"]) == (None, None, "gemba")


@pytest.mark.parametrize(
    "name, unit, code",
    [
        ("alice", "sales_unit", 400),  # not her part of the tree
        ("carol", "service_unit", 400),  # another department
        ("maria", "service_unit", 403),  # management changes nothing
    ],
)
def test_submitting_outside_your_part_of_the_tree_is_refused(api, request, name, unit, code):
    response = api(request.getfixturevalue(name)).post(
        reverse("improvement-list"),
        {"title": "Elsewhere", "unit": request.getfixturevalue(unit).pk},
        format="json",
    )
    assert response.status_code == code
    if code == 400:
        assert "unit" in response.json()
    assert not Item.objects.exists()


def test_root_submits_anywhere(api, root, sales_unit):
    response = api(root).post(
        reverse("improvement-list"), {"title": "Root's", "unit": sales_unit.pk}, format="json"
    )
    assert response.status_code == 201


BAD_INPUT = [
    ({"impact": 0}, "impact"),
    ({"impact": 6}, "impact"),
    ({"feasibility": 6}, "feasibility"),
    ({"customer_value": 0}, "customer_value"),
    ({"waste": "mudda"}, "waste"),
    ({"waste": "muda", "muda_kind": "laziness"}, "muda_kind"),
    ({"waste": "mura", "muda_kind": "waiting"}, "muda_kind"),
    ({"waste": "muda", "muda_kind": ""}, "muda_kind"),
    ({"source": "rumour"}, "source"),
    ({"expected_metric": "happiness"}, "expected_metric"),
    ({"touchpoint": 99999}, "touchpoint"),
]


@pytest.mark.parametrize("change, field", BAD_INPUT)
def test_bad_input_on_create_is_a_400_and_creates_nothing(api, alice, service_team, change, field):
    response = api(alice).post(
        reverse("improvement-list"),
        {"title": "Bad", "unit": service_team.pk, **change},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert field in response.json(), response.json()
    assert not Item.objects.exists()


@pytest.mark.parametrize("change, field", BAD_INPUT)
def test_bad_input_on_update_is_a_400_and_changes_nothing(api, bob, scored_item, change, field):
    response = api(bob).patch(url(scored_item), change, format="json")
    assert response.status_code == 400
    assert field in response.json(), response.json()
    before = Item.objects.get(pk=scored_item.pk)
    assert (before.impact, before.feasibility, before.customer_value) == (5, 4, 5)
    assert (before.waste, before.muda_kind, before.source) == ("muda", "waiting", "employee")


def test_mura_has_no_kind_and_says_so(api, bob, scored_item):
    response = api(bob).patch(
        url(scored_item), {"waste": "mura"}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.json()["muda_kind"] == [
        "Only Muda has kinds; leave this empty for Mura and Muri."
    ]


def test_touchpoint_and_transition_together_are_a_400(api, bob, scored_item, handover):
    response = api(bob).patch(url(scored_item), {"transition": handover.pk}, format="json")
    assert response.status_code == 400 and "transition" in response.json()


# --- updating and deleting ---------------------------------------------------------------


def test_coordinator_rescores_and_the_priority_follows(api, bob, scored_item):
    response = api(bob).patch(
        url(scored_item),
        {"impact": 1, "feasibility": 1, "customer_value": 1, "title": "Shorter queue"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert (response.json()["priority"], response.json()["quadrant"]) == (20, "thankless")
    scored_item.refresh_from_db()
    assert (scored_item.title, scored_item.priority) == ("Shorter queue", 20)
    assert scored_item.history.first().history_user == bob


def test_coordinator_cannot_move_an_item_to_a_unit_she_does_not_coordinate(
    api, bob, scored_item, sales_unit
):
    response = api(bob).patch(url(scored_item), {"unit": sales_unit.pk}, format="json")
    assert response.status_code == 400 and "unit" in response.json()
    assert Item.objects.get(pk=scored_item.pk).unit_id == scored_item.unit_id


@pytest.mark.parametrize("name, code", [("alice", 403), ("maria", 403), ("carol", 404)])
def test_only_coordinators_of_the_unit_edit_an_item(api, request, name, code, idea):
    client = api(request.getfixturevalue(name))
    assert client.patch(url(idea), {"title": "Mine now"}, format="json").status_code == code
    replaced = client.put(url(idea), {"title": "Mine", "unit": idea.unit_id}, format="json")
    assert replaced.status_code == code
    assert Item.objects.get(pk=idea.pk).title == "Ring upp i stället för kö"


def test_owner_edits_the_plan_and_effect_fields(api, alice, bob, scored_item):
    walk(scored_item, Status.PLAN, bob, owner=alice)
    response = api(alice).patch(
        url(scored_item),
        {
            "due_date": str(today() + 30 * DAY),
            "expected_metric": "nps",
            "expected_change": "5.00",
            "description": "Call-back slots",
            "status": "plan",  # a read-only field sent back unchanged is fine
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    scored_item.refresh_from_db()
    assert (scored_item.expected_metric, str(scored_item.expected_change)) == ("nps", "5.00")
    assert scored_item.due_date == today() + 30 * DAY


@pytest.mark.parametrize(
    "change",
    [{"title": "Renamed"}, {"impact": 1}, {"owner": None}, {"due_date": None, "unit": 1}],
)
def test_owner_changes_nothing_else(api, alice, bob, scored_item, change):
    walk(scored_item, Status.PLAN, bob, owner=alice)
    response = api(alice).patch(url(scored_item), change, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403
    assert "plan and effect fields only" in response.json()["detail"]
    scored_item.refresh_from_db()
    assert (scored_item.title, scored_item.impact, scored_item.owner) == (
        "Kortare telefonkö",
        5,
        alice,
    )


def test_owner_of_a_finished_item_edits_nothing(api, alice, bob, scored_item):
    walk(scored_item, Status.ACT, bob, owner=alice)
    response = api(alice).patch(url(scored_item), {"spread_note": "All teams"}, format="json")
    assert response.status_code == 403


@pytest.mark.parametrize("name, code", [("alice", 403), ("maria", 403), ("carol", 404)])
def test_only_coordinators_of_the_unit_delete(api, request, name, code, idea):
    assert api(request.getfixturevalue(name)).delete(url(idea)).status_code == code
    assert Item.objects.filter(pk=idea.pk).exists()


def test_coordinator_deletes(api, bob, idea):
    assert api(bob).delete(url(idea)).status_code == 204
    assert not Item.objects.filter(pk=idea.pk).exists()


# --- moves -------------------------------------------------------------------------------


def move(client, item, to, **fields):
    return client.post(
        url(item, "move"), {"to": to, **fields}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )


def test_an_item_walks_through_pdca_and_each_move_is_recorded(api, alice, bob, scored_item):
    coordinator, owner = api(bob), api(alice)
    triaged = move(coordinator, scored_item, "triaged", note="Worth it")
    assert triaged.status_code == 200, triaged.json()
    assert triaged.json()["allowed_moves"] == ["plan", "rejected"]
    due = str(today() + 14 * DAY)
    planned = move(coordinator, scored_item, "plan", owner=alice.pk, due_date=due)
    assert planned.status_code == 200, planned.json()
    assert (planned.json()["owner"], planned.json()["due_date"]) == (alice.pk, due)
    assert move(owner, scored_item, "do").status_code == 200
    checked = move(owner, scored_item, "check", measured_change="-4.5", measured_effect="")
    assert checked.status_code == 200, checked.json()
    done = move(owner, scored_item, "act", spread=True, spread_note="Team Telefon")
    assert done.status_code == 200, done.json()
    assert (done.json()["status"], done.json()["allowed_moves"]) == ("act", [])
    scored_item.refresh_from_db()
    assert (scored_item.spread, scored_item.spread_note) == (True, "Team Telefon")
    assert str(scored_item.measured_change) == "-4.50"

    history = owner.get(url(scored_item, "history"), HTTP_ACCEPT_LANGUAGE="en").json()
    assert [(row["from_status"], row["to_status"]) for row in history] == [
        ("idea", "triaged"),
        ("triaged", "plan"),
        ("plan", "do"),
        ("do", "check"),
        ("check", "act"),
    ]
    assert [row["by"] for row in history] == [bob.pk, bob.pk, alice.pk, alice.pk, alice.pk]
    assert history[0]["note"] == "Worth it" and history[0]["by_name"] == display_name(bob)
    assert history[-1]["to_status_label"] == "Act – standardised"
    assert all(row["at"] for row in history)


def test_check_can_go_back_to_plan_and_rejected_can_be_reopened(api, alice, bob, scored_item):
    walk(scored_item, Status.CHECK, bob, owner=alice)
    assert move(api(alice), scored_item, "plan", note="Not enough").status_code == 200
    rejected = move(api(bob), scored_item, "rejected", rejection_reason="Too expensive")
    assert rejected.status_code == 200
    assert rejected.json()["rejection_reason"] == "Too expensive"
    assert move(api(bob), scored_item, "idea").json()["status"] == "idea"


@pytest.mark.parametrize(
    "start, to, fields, errors",
    [
        ("idea", "plan", {}, {"status"}),  # skips triage
        ("idea", "act", {}, {"status"}),
        ("triaged", "do", {}, {"status"}),
        ("plan", "check", {}, {"status"}),
        ("act", "idea", {}, {"status"}),  # finished
        ("idea", "idea", {}, {"status"}),  # already there
        ("triaged", "plan", {}, {"owner", "due_date"}),
        ("triaged", "plan", {"owner": "ALICE"}, {"due_date"}),
        ("triaged", "plan", {"due_date": "2030-01-01"}, {"owner"}),
        ("do", "check", {}, {"measured_effect"}),
        ("do", "check", {"measured_effect": "  "}, {"measured_effect"}),
        ("check", "act", {}, {"spread"}),
        ("idea", "rejected", {}, {"rejection_reason"}),
        ("plan", "rejected", {"rejection_reason": " "}, {"rejection_reason"}),
        ("idea", "done", {}, {"to"}),  # not a status
        ("triaged", "plan", {"due_date": "soon", "owner": "ALICE"}, {"due_date"}),
        ("triaged", "plan", {"owner": 99999, "due_date": "2030-01-01"}, {"owner"}),
        ("check", "act", {"spread": "perhaps"}, {"spread"}),
    ],
)
def test_refused_moves_are_a_400_that_says_why_and_change_nothing(
    api, alice, bob, scored_item, start, to, fields, errors
):
    if start != "idea":
        walk(scored_item, start, bob, owner=alice)
    before = moved(scored_item)
    fields = {name: alice.pk if value == "ALICE" else value for name, value in fields.items()}
    response = move(api(bob), scored_item, to, **fields)
    assert response.status_code == 400
    assert set(response.json()) == errors, response.json()
    assert all(message for messages in response.json().values() for message in messages)
    assert moved(scored_item) == before
    if start == "triaged" and "owner" in errors:
        assert Item.objects.get(pk=scored_item.pk).owner is None


def test_refusals_explain_the_workflow(api, bob, scored_item):
    skipped = move(api(bob), scored_item, "plan").json()
    assert skipped["status"] == ["Idea cannot go to Plan. From here: Triaged, Rejected."]
    walk(scored_item, Status.TRIAGED, bob)
    no_owner = move(api(bob), scored_item, "plan").json()
    assert no_owner == {
        "owner": ["A plan needs an owner."],
        "due_date": ["A plan needs a due date."],
    }


def test_an_unscored_idea_cannot_be_triaged(api, bob, idea):
    response = move(api(bob), idea, "triaged")
    assert response.status_code == 400
    assert {"waste", "impact", "feasibility", "customer_value"} <= set(response.json())
    assert moved(idea) == ("idea", 0)


@pytest.mark.parametrize("name, code", [("alice", 403), ("maria", 403), ("carol", 404)])
def test_only_coordinators_triage(api, request, name, code, scored_item):
    assert move(api(request.getfixturevalue(name)), scored_item, "triaged").status_code == code
    assert moved(scored_item) == ("idea", 0)


def test_root_moves_anything(api, root, scored_item):
    assert move(api(root), scored_item, "triaged").status_code == 200


def test_owner_moves_forward_but_does_not_reject_or_reassign(api, alice, bob, scored_item):
    walk(scored_item, Status.PLAN, bob, owner=alice)
    rejecting = move(api(alice), scored_item, "rejected")
    assert rejecting.status_code == 400 and "status" in rejecting.json()
    with_reason = move(api(alice), scored_item, "rejected", rejection_reason="Bored")
    assert with_reason.status_code == 403
    reassigning = move(api(alice), scored_item, "do", owner=bob.pk)
    assert reassigning.status_code == 403
    assert moved(scored_item) == ("plan", 2)
    assert move(api(alice), scored_item, "do").status_code == 200


def test_owner_cannot_plan_a_triaged_item_herself(api, alice, bob, scored_item):
    walk(scored_item, Status.TRIAGED, bob)
    Item.objects.filter(pk=scored_item.pk).update(owner=alice)
    response = move(api(alice), scored_item, "plan", due_date="2030-01-01")
    assert response.status_code == 403
    assert moved(scored_item) == ("triaged", 1)


def test_another_employee_cannot_move_someone_elses_item(
    api, alice, bob, scored_item, service_team
):
    walk(scored_item, Status.PLAN, bob, owner=alice)
    colleague = UserFactory(role=EMPLOYEE, unit=service_team)
    assert move(api(colleague), scored_item, "do").status_code == 403


# --- filters and ordering ----------------------------------------------------------------


@pytest.fixture
def backlog(alice, bob, idea, scored_item, sales_item, handover, service_unit, company):
    """A small backlog across statuses, wastes, owners and journeys."""
    planned = ItemFactory(
        title="B planned",
        unit=service_unit,
        waste=Waste.MURI,
        impact=2,
        feasibility=2,
        customer_value=2,
        source=Source.VOC,
        transition=handover,
    )
    walk(planned, Status.PLAN, bob, owner=alice)
    Item.objects.filter(pk=planned.pk).update(due_date=today() - DAY)  # overdue
    done = ItemFactory(title="A done", unit=service_unit, waste=Waste.MURA, **SCORES)
    walk(done, Status.ACT, bob, owner=bob)
    Item.objects.filter(pk=done.pk).update(due_date=today() - DAY)  # late but finished
    other_journey = TouchpointFactory(name="Elsewhere")
    elsewhere = ItemFactory(title="C elsewhere", unit=service_unit, touchpoint=other_journey)
    return {
        "idea": idea,
        "scored": scored_item,
        "sales": sales_item,
        "planned": planned,
        "done": done,
        "elsewhere": elsewhere,
    }


@pytest.mark.parametrize(
    "query, expected",
    [
        ("waste=muda", {"scored", "sales"}),
        ("waste=muri", {"planned"}),
        ("muda_kind=waiting", {"scored", "sales"}),
        ("status=plan", {"planned"}),
        ("status=idea&status=act", {"idea", "scored", "sales", "elsewhere", "done"}),
        ("open=false", {"done"}),
        ("quadrant=quick_win", {"scored", "sales", "done"}),
        ("quadrant=thankless", {"planned"}),
        ("unit=SERVICE_TEAM", {"idea"}),
        ("unit=SERVICE_UNIT", {"idea", "scored", "planned", "done", "elsewhere"}),
        ("unit=SALES_UNIT", {"sales"}),
        ("touchpoint=PHONE_QUEUE", {"scored"}),
        ("transition=HANDOVER", {"planned"}),
        ("journey=JOURNEY", {"scored", "planned"}),
        ("owner=ALICE", {"planned"}),
        ("source=voc", {"planned"}),
        ("overdue=true", {"planned"}),
        ("min_priority=80", {"scored", "sales", "done"}),
        ("min_priority=90", {"scored"}),
        ("search=telefonk", {"scored"}),
    ],
)
def test_the_list_filters_by_every_field(api, request, root, backlog, query, expected):
    # Upper-case words in the query are fixtures, replaced by their ids.
    for name in set(re.findall(r"[A-Z_]{4,}", query)):
        query = query.replace(name, str(request.getfixturevalue(name.lower()).pk))
    wanted = {backlog[name].pk for name in expected}
    assert ids(api(root).get(f"{reverse('improvement-list')}?{query}")) == wanted
    assert ids(api(root).get(f"{reverse('improvement-row-list')}?{query}")) == wanted


def test_overdue_false_leaves_out_only_the_late_open_items(api, root, backlog):
    found = ids(api(root).get(reverse("improvement-list") + "?overdue=false"))
    assert found == {item.pk for item in backlog.values()} - {backlog["planned"].pk}


def test_the_list_is_by_priority_unless_asked_otherwise(api, root, backlog):
    def titles(query=""):
        response = api(root).get(reverse("improvement-list") + query)
        return [row["title"] for row in response.json()["results"]]

    by_priority = titles()
    assert by_priority[0] == "Kortare telefonkö"  # 94
    assert by_priority[-2:] in (
        ["Ring upp i stället för kö", "C elsewhere"],
        ["C elsewhere", "Ring upp i stället för kö"],
    )  # unscored last
    assert titles("?ordering=title")[:3] == ["A done", "B planned", "C elsewhere"]
    assert titles("?ordering=-due_date")[0] in ("A done", "B planned")
    assert titles("?ordering=-created_at")[0] == "C elsewhere"


@pytest.mark.parametrize(
    "query, field",
    [
        ("waste=plenty", "waste"),
        ("muda_kind=laziness", "muda_kind"),
        ("status=done", "status"),
        ("status=idea&status=nope", "status"),
        ("quadrant=north", "quadrant"),
        ("unit=abc", "unit"),
        ("unit=99999", "unit"),
        ("touchpoint=99999", "touchpoint"),
        ("transition=x", "transition"),
        ("journey=99999", "journey"),
        ("owner=99999", "owner"),
        ("source=rumour", "source"),
        ("overdue=maybe", "overdue"),
        ("open=yes", "open"),
        ("min_priority=high", "min_priority"),
        ("min_priority=1.5", "min_priority"),
        ("ordering=colour", "ordering"),
        ("ordering=-priority,shoe_size", "ordering"),
    ],
)
def test_unknown_filter_values_are_a_400(api, bob, query, field):
    for route in ("improvement-list", "improvement-row-list"):
        response = api(bob).get(f"{reverse(route)}?{query}")
        assert response.status_code == 400, (route, query)
        assert field in response.json()


# --- the flat rows for Power BI ----------------------------------------------------------


def test_a_row_holds_plain_columns(api, maria, alice, bob, scored_item, service_unit, journey):
    walk(scored_item, Status.ACT, bob, owner=alice)
    created = timezone.now() - 10 * DAY
    Item.objects.filter(pk=scored_item.pk).update(created_at=created)
    scored_item.refresh_from_db()
    response = api(maria).get(reverse("improvement-row-list"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    [row] = response.json()["results"]
    assert row == {
        "id": scored_item.pk,
        "title": "Kortare telefonkö",
        "unit_id": service_unit.pk,
        "unit_name": "Kundservice",
        "unit_code": "service",
        "status": "act",
        "status_label": "Act – standardised",
        "waste": "muda",
        "waste_label": "Muda – waste",
        "muda_kind": "waiting",
        "muda_kind_label": "Waiting",
        "source": "employee",
        "source_label": "Employee idea",
        "impact": 5,
        "feasibility": 4,
        "customer_value": 5,
        "priority": 94,
        "quadrant": "quick_win",
        "quadrant_label": "Quick win",
        "owner_username": "alice",
        "owner_name": display_name(alice),
        "due_date": str(today() + 10 * DAY),
        "overdue": False,
        "touchpoint_id": scored_item.touchpoint_id,
        "touchpoint_name": "Telefonkö",
        "transition_id": None,
        "journey_id": journey.pk,
        "journey_name": "Flytta hem",
        "expected_metric": "",
        "expected_change": None,
        "measured_change": None,
        "spread": False,
        "created_at": row["created_at"],
        "status_changed_at": row["status_changed_at"],
        "lead_time_days": 10.0,
    }


def test_rows_of_open_items_have_no_lead_time_and_page_in_id_order(api, root, backlog):
    response = api(root).get(reverse("improvement-row-list") + "?page_size=2")
    body = response.json()
    assert body["count"] == len(backlog) and len(body["results"]) == 2
    first_two = sorted(item.pk for item in backlog.values())[:2]
    assert [row["id"] for row in body["results"]] == first_two
    assert body["results"][0]["lead_time_days"] is None


# --- comments ----------------------------------------------------------------------------


def test_people_who_see_the_item_comment_on_it(api, alice, bob, idea, scored_item):
    response = api(alice).post(
        reverse("improvement-comment-list"), {"item": idea.pk, "text": "Let's try it"}, "json"
    )
    assert response.status_code == 201, response.json()
    comment = Comment.objects.get()
    assert (comment.author, comment.item) == (alice, idea)
    assert response.json()["author_name"] == display_name(alice)
    CommentFactory(item=scored_item, author=bob)
    listed = api(bob).get(reverse("improvement-comment-list") + f"?item={idea.pk}")
    assert ids(listed) == {comment.pk}


def test_comments_on_items_you_cannot_see_are_refused_and_hidden(api, carol, maria, idea):
    CommentFactory(item=idea)
    route = reverse("improvement-comment-list")
    refused = api(carol).post(route, {"item": idea.pk, "text": "Hi"}, format="json")
    assert refused.status_code == 400 and "item" in refused.json()
    assert ids(api(carol).get(route)) == set()
    assert api(maria).post(route, {"item": idea.pk, "text": "Hi"}, format="json").status_code == 403
    assert Comment.objects.count() == 1
    assert api().get(route).status_code == 403


def test_an_empty_comment_or_a_bad_item_filter_is_a_400(api, alice, idea):
    route = reverse("improvement-comment-list")
    assert api(alice).post(route, {"item": idea.pk, "text": ""}, format="json").status_code == 400
    assert api(alice).get(route + "?item=abc").status_code == 400


def test_the_author_or_a_coordinator_deletes_a_comment(api, alice, bob, maria, idea, service_team):
    first, second = CommentFactory(item=idea, author=alice), CommentFactory(item=idea, author=alice)
    colleague = UserFactory(role=EMPLOYEE, unit=service_team)

    def delete(user, comment):
        return api(user).delete(reverse("improvement-comment-detail", args=[comment.pk]))

    assert delete(colleague, first).status_code == 403
    assert delete(maria, first).status_code == 403
    assert delete(alice, first).status_code == 204
    assert delete(bob, second).status_code == 204
    assert not Comment.objects.exists()


def test_comments_are_not_edited(api, alice, idea):
    comment = CommentFactory(item=idea, author=alice)
    detail = reverse("improvement-comment-detail", args=[comment.pk])
    assert api(alice).patch(detail, {"text": "Edited"}, format="json").status_code == 405


# --- attachments -------------------------------------------------------------------------


def upload(client, item, name, content=b"notes", **extra):
    return client.post(
        reverse("improvement-attachment-list"),
        {"item": item.pk, "file": SimpleUploadedFile(name, content), **extra},
        format="multipart",
        HTTP_ACCEPT_LANGUAGE="en",
    )


def test_an_attachment_is_uploaded_and_listed(api, alice, idea):
    response = upload(api(alice), idea, "queue-times.csv", b"minutes\n9\n4\n", description="Data")
    assert response.status_code == 201, response.json()
    attachment = Attachment.objects.get()
    assert attachment.uploaded_by == alice
    assert attachment.file.name.endswith("queue-times.csv")
    assert response.json()["name"] == "queue-times.csv"
    link = response.json()["file"]
    assert link.endswith(f"/improvements/attachments/{attachment.pk}/")
    assert api(alice).get(link).status_code == 200  # the permission-checked download
    assert ids(api(alice).get(reverse("improvement-attachment-list") + f"?item={idea.pk}")) == {
        attachment.pk
    }


@pytest.mark.parametrize(
    "name, size, message",
    [
        ("setup.exe", 100, "File extension “exe” is not allowed."),
        ("no-extension", 100, "File extension “” is not allowed."),
        ("big.pdf", ATTACHMENT_MAX_BYTES + 1, "attachments may be at most 10 MB"),
        ("empty.pdf", 0, "The submitted file is empty."),
    ],
)
def test_a_wrong_type_or_too_large_file_is_a_400_that_says_why(
    api, alice, idea, name, size, message
):
    response = upload(api(alice), idea, name, b"x" * size)
    assert response.status_code == 400
    assert message in response.json()["file"][0]
    assert not Attachment.objects.exists()


def test_attachments_follow_the_comment_rules(api, alice, bob, carol, maria, idea):
    assert upload(api(carol), idea, "a.txt").status_code == 400  # cannot see the item
    assert upload(api(maria), idea, "a.txt").status_code == 403
    uploaded = upload(api(alice), idea, "a.txt").json()
    detail = reverse("improvement-attachment-detail", args=[uploaded["id"]])
    assert api(maria).delete(detail).status_code == 403
    assert api(carol).delete(detail).status_code == 404
    assert api(bob).delete(detail).status_code == 204


# --- a constant number of queries --------------------------------------------------------


def fill_backlog(unit, count: int) -> None:
    """`count` items with every relation the list shows: owner, submitter, touchpoint or
    transition, moves."""
    coordinator = UserFactory(role=COORDINATOR, unit=unit)
    for number in range(count):
        transition = TransitionFactory() if number % 2 else None
        item = ItemFactory(
            unit=unit,
            submitted_by=UserFactory(role=EMPLOYEE, unit=unit),
            touchpoint=None if transition else TouchpointFactory(),
            transition=transition,
            **MUDA,
            **SCORES,
        )
        walk(item, Status.PLAN, coordinator)
    Item.objects.filter(unit=unit).update(due_date=today() - DAY)  # all overdue


@pytest.mark.parametrize("route", ["improvement-list", "improvement-row-list"])
def test_lists_run_a_constant_number_of_queries(api, bob, service_unit, route, count_queries):
    client = api(bob)
    list_url = reverse(route) + "?overdue=true"
    fill_backlog(service_unit, 3)
    small = count_queries(client, list_url)
    fill_backlog(service_unit, 27)
    assert client.get(list_url).json()["count"] == 30
    assert count_queries(client, list_url) == small
