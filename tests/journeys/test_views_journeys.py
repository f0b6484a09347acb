"""The journey pages: the list, the map (stages in order, the emotion curve, open
improvements on each touchpoint and transition, hot spots), editing a journey, its
stages, touchpoints and transitions, and constant query counts at two sizes.

Named people and the "Flytta hem" journey of Kundservice (stage Kontakt: phone queue
at −2, web form at +1, a hand-over between them) come from tests/conftest.py; who may
open each page is in test_views.py.
"""

import pytest
from django.urls import reverse

from cxlean.backlog.models import Status
from cxlean.journeys.journey_map import COLUMN, CURVE_STEP, CURVE_TOP
from cxlean.journeys.models import Channel, Emotion, Journey, Touchpoint, Transition
from tests.factories import (
    FeedbackFactory,
    ItemFactory,
    JourneyFactory,
    StageFactory,
    TouchpointFactory,
    TransitionFactory,
)

pytestmark = pytest.mark.django_db


def y_of(emotion: int) -> int:
    return CURVE_TOP + (2 - emotion) * CURVE_STEP


@pytest.fixture
def follow_up(journey):
    """A later stage with one touchpoint, and an empty stage in between."""
    StageFactory(journey=journey, order=2, name="Väntan")
    stage = StageFactory(journey=journey, order=3, name="Uppföljning")
    return TouchpointFactory(
        stage=stage, order=1, name="Bekräftelsemejl", channel=Channel.EMAIL, emotion=Emotion.NEUTRAL
    )


@pytest.fixture
def work(service_unit, phone_queue, web_form, handover):
    """Open and closed improvements on the touchpoints and the hand-over."""
    for status in (Status.IDEA, Status.TRIAGED, Status.ACT, Status.REJECTED):
        ItemFactory(unit=service_unit, touchpoint=phone_queue, status=status)
    for status in (Status.DO, Status.ACT):
        ItemFactory(unit=service_unit, transition=handover, status=status)
    ItemFactory(unit=service_unit, touchpoint=web_form, status=Status.REJECTED)


def map_of(client, journey, **extra):
    response = client.get(reverse("journeys:map", args=[journey.pk]), **extra)
    assert response.status_code == 200
    return response


# --- the map -----------------------------------------------------------------------------


def test_the_map_counts_open_improvements_per_touchpoint_and_transition(
    as_user, carol, journey, phone_queue, web_form, handover, work
):
    journey_map = map_of(as_user(carol), journey).context["map"]
    counts = {cell.touchpoint: cell.open_items for cell in journey_map.cells}
    assert counts == {phone_queue: 2, web_form: 0}  # act and rejected are not open
    assert [(row.transition, row.open_items) for row in journey_map.transitions] == [(handover, 1)]
    assert journey_map.open_items == 3


def test_each_count_links_to_the_backlog_filtered_by_its_place(
    as_user, bob, journey, phone_queue, handover, work
):
    html = map_of(as_user(bob), journey, language="en").content.decode()
    backlog = reverse("backlog:list")
    assert f'href="{backlog}?touchpoint={phone_queue.pk}"' in html
    assert f'href="{backlog}?transition={handover.pk}"' in html
    assert '<span class="open-items__count">2</span> open improvements' in html


def test_stages_and_touchpoints_come_in_order_with_their_details(
    as_user, bob, journey, phone_queue, web_form, follow_up, contact_stage
):
    web_form.partner_controlled = True
    web_form.save()
    early = StageFactory(journey=journey, order=0, name="Upptäcka")  # made last, shown first
    response = map_of(as_user(bob), journey, language="en")
    journey_map = response.context["map"]
    assert [column.stage.name for column in journey_map.stages] == [
        "Upptäcka",
        "Kontakt",
        "Väntan",
        "Uppföljning",
    ]
    assert [cell.touchpoint for cell in journey_map.stages[1].cells] == [phone_queue, web_form]
    assert journey_map.stages[0].stage == early and journey_map.stages[0].cells == []
    html = response.content.decode()
    assert "No touchpoints in this stage yet." in html
    assert "Very negative (−2)" in html and "⇊" in html
    assert "Positive (+1)" in html and "↑" in html
    assert "E-mail" in html
    assert "Partner" in html and "controlled by a partner" in html
    assert (
        html.index("Telefonkö")
        < html.index("Flyttanmälan på webben")
        < html.index("Bekräftelsemejl")
    )


def test_the_emotion_curve_has_a_point_per_touchpoint_in_order(
    as_user, bob, journey, phone_queue, web_form, follow_up
):
    curve = map_of(as_user(bob), journey).context["map"].curve
    # Columns: Kontakt has two touchpoints (0, 1), the empty stage one column (2),
    # Uppföljning its touchpoint (3). Each point sits in the middle of its column.
    points = [(point.cell.touchpoint, point.x, point.y) for point in curve.points]
    assert points == [
        (phone_queue, COLUMN // 2, y_of(-2)),
        (web_form, COLUMN + COLUMN // 2, y_of(1)),
        (follow_up, 3 * COLUMN + COLUMN // 2, y_of(0)),
    ]
    assert curve.width == 4 * COLUMN
    assert curve.zero_y == y_of(0)
    assert curve.polyline == f"100,{y_of(-2)} 300,{y_of(1)} 700,{y_of(0)}"


def test_the_curve_is_an_accessible_svg_with_a_zero_line_and_a_table(
    as_user, bob, journey, phone_queue, web_form
):
    html = map_of(as_user(bob), journey, language="en").content.decode()
    assert 'role="img" aria-labelledby="curve-title curve-desc"' in html
    assert '<title id="curve-title">The customer\'s emotion along “Flytta hem”' in html
    assert (
        "From left to right: Telefonkö: Very negative (−2); Flyttanmälan på webben: "
        "Positive (+1). Lowest: Telefonkö." in html
    )
    assert 'class="emotion-curve__zero"' in html
    assert f'points="100,{y_of(-2)} 300,{y_of(1)}"' in html
    assert "The map as a table" in html
    assert '<th scope="row">Telefonkö</th>' in html


def test_the_places_that_hurt_most_stand_out_with_a_text_label(
    as_user, bob, journey, phone_queue, web_form, handover, work
):
    response = map_of(as_user(bob), journey, language="en")
    journey_map = response.context["map"]
    heat = {cell.touchpoint: cell.heat for cell in journey_map.cells}
    assert heat == {phone_queue: "hot", web_form: ""}  # −2 and two open: 4 + 2
    assert journey_map.transitions[0].heat == "pain"  # one open and friction noted: 2
    assert [place.name for place in journey_map.hot_spots()] == [
        "Telefonkö",
        "Telefonkö → Flyttanmälan på webben",
    ]
    html = response.content.decode()
    assert "Where it hurts most" in html
    assert f'class="touchpoint touchpoint--hot" id="touchpoint-{phone_queue.pk}"' in html
    assert "Hot spot" in html and "Pain point" in html


def test_a_journey_without_stages_says_so(as_user, bob, alice, service_unit):
    empty = JourneyFactory(unit=service_unit)
    html = map_of(as_user(bob), empty, language="en").content.decode()
    assert "This journey has no stages yet." in html
    assert reverse("journeys:stages", args=[empty.pk]) in html
    html = map_of(as_user(alice), empty, language="en").content.decode()
    assert reverse("journeys:stages", args=[empty.pk]) not in html


def test_only_coordinators_of_the_unit_see_the_edit_buttons(as_user, bob, carol, maria, journey):
    edit = reverse("journeys:edit", args=[journey.pk])
    assert edit in map_of(as_user(bob), journey).content.decode()
    for person in (carol, maria):
        assert edit not in map_of(as_user(person), journey).content.decode()


def test_an_unknown_journey_is_not_found(as_user, bob):
    assert as_user(bob).get(reverse("journeys:map", args=[999999])).status_code == 404


# --- the list ----------------------------------------------------------------------------


def test_the_journey_list_shows_the_figures_of_each_journey(
    as_user, alice, journey, phone_queue, web_form, handover, work, sales_unit
):
    other = JourneyFactory(name="Köpa bredband", unit=sales_unit, persona="Småföretag")
    response = as_user(alice).get(reverse("journeys:list"), language="en")
    rows = {row.name: row for row in response.context["page"]}
    assert list(rows) == ["Flytta hem", "Köpa bredband"]  # everyone reads every journey
    flytta = rows["Flytta hem"]
    assert (flytta.stage_count, flytta.touchpoint_count, flytta.open_items) == (1, 2, 3)
    assert (rows["Köpa bredband"].stage_count, rows["Köpa bredband"].open_items) == (0, 0)
    html = response.content.decode()
    assert "Hushållskund som flyttar" in html and "Småföretag" in html
    assert reverse("journeys:map", args=[other.pk]) in html
    assert reverse("journeys:new") not in html  # Alice is no coordinator


def test_coordinators_get_the_new_journey_button(as_user, bob, maria):
    assert reverse("journeys:new") in as_user(bob).get(reverse("journeys:list")).content.decode()
    html = as_user(maria).get(reverse("journeys:list")).content.decode()
    assert reverse("journeys:new") not in html


# --- editing a journey -------------------------------------------------------------------


def test_bob_creates_a_journey_for_his_unit(as_user, bob, service_unit):
    data = {
        "name": "Byta elavtal",
        "unit": service_unit.pk,
        "persona": "Ny kund",
        "description": "",
    }
    response = as_user(bob).post(reverse("journeys:new"), data)
    journey = Journey.objects.get(name="Byta elavtal")
    assert response.status_code == 302
    assert response.url == reverse("journeys:stages", args=[journey.pk])
    assert journey.unit == service_unit


def test_bob_cannot_give_a_journey_to_sales(as_user, bob, sales_unit):
    data = {"name": "Byta elavtal", "unit": sales_unit.pk}
    response = as_user(bob).post(reverse("journeys:new"), data, language="en")
    assert response.status_code == 200
    assert "unit" in response.context["form"].errors
    assert not Journey.objects.exists()


def test_bob_edits_the_journey_carol_cannot(as_user, bob, carol, journey, service_unit):
    url = reverse("journeys:edit", args=[journey.pk])
    data = {"name": "Flytta", "unit": service_unit.pk, "persona": "Student", "description": ""}
    assert as_user(carol).post(url, data).status_code == 403
    assert as_user(bob).post(url, data).status_code == 302
    journey.refresh_from_db()
    assert (journey.name, journey.persona) == ("Flytta", "Student")


def formset_data(prefix: str, rows: list[dict], initial: int = 0) -> dict:
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        data |= {f"{prefix}-{index}-{name}": value for name, value in row.items()}
    return data


def test_bob_adds_renames_and_deletes_stages(as_user, bob, journey, contact_stage):
    gone = StageFactory(journey=journey, order=5, name="Gammal")
    rows = [
        {"id": contact_stage.pk, "order": 1, "name": "Första kontakt", "description": ""},
        {"id": gone.pk, "order": 5, "name": "Gammal", "description": "", "DELETE": "on"},
        {"order": 2, "name": "Flytten", "description": "Själva flyttdagen"},
    ]
    url = reverse("journeys:stages", args=[journey.pk])
    response = as_user(bob).post(url, formset_data("stages", rows, initial=2))
    assert response.status_code == 302
    assert list(journey.stages.values_list("name", flat=True)) == ["Första kontakt", "Flytten"]


def test_a_stage_without_a_name_is_refused(as_user, bob, journey, contact_stage):
    rows = [{"id": contact_stage.pk, "order": 1, "name": "", "description": ""}]
    url = reverse("journeys:stages", args=[journey.pk])
    response = as_user(bob).post(url, formset_data("stages", rows, initial=1), language="en")
    assert response.status_code == 200
    assert response.context["formset"].errors == [{"name": ["This field is required."]}]
    contact_stage.refresh_from_db()
    assert contact_stage.name == "Kontakt"


def test_carol_cannot_change_the_stages_of_a_kundservice_journey(
    as_user, carol, maria, journey, contact_stage
):
    rows = [{"id": contact_stage.pk, "order": 1, "name": "Hijacked", "description": ""}]
    url = reverse("journeys:stages", args=[journey.pk])
    for person in (carol, maria):
        assert as_user(person).post(url, formset_data("stages", rows, initial=1)).status_code == 403
    contact_stage.refresh_from_db()
    assert contact_stage.name == "Kontakt"


def touchpoint_row(touchpoint=None, **changes) -> dict:
    row = {
        "stage": touchpoint.stage_id if touchpoint else "",
        "order": touchpoint.order if touchpoint else 1,
        "name": touchpoint.name if touchpoint else "",
        "channel": touchpoint.channel if touchpoint else Channel.WEB,
        "owner_role": "",
        "emotion": touchpoint.emotion if touchpoint else 0,
        "description": "",
    }
    if touchpoint:
        row["id"] = touchpoint.pk
    return row | changes


def test_bob_adds_a_touchpoint_and_changes_an_emotion(
    as_user, bob, journey, contact_stage, phone_queue, web_form
):
    rows = [
        touchpoint_row(phone_queue, emotion=-1, partner_controlled="on"),
        touchpoint_row(web_form),
        touchpoint_row(stage=contact_stage.pk, order=3, name="Chatt", channel=Channel.CHAT),
    ]
    url = reverse("journeys:touchpoints", args=[journey.pk])
    response = as_user(bob).post(url, formset_data("touchpoints", rows, initial=2))
    assert response.status_code == 302
    phone_queue.refresh_from_db()
    assert (phone_queue.emotion, phone_queue.partner_controlled) == (-1, True)
    assert Touchpoint.objects.get(name="Chatt").stage == contact_stage


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"channel": "fax"}, "channel", "Select a valid choice. fax is not one of"),
        ({"emotion": "3"}, "emotion", "Select a valid choice. 3 is not one of"),
        ({"name": ""}, "name", "This field is required."),
    ],
)
def test_bad_touchpoints_are_refused(
    as_user, bob, journey, phone_queue, web_form, changes, field, message
):
    rows = [touchpoint_row(phone_queue, **changes), touchpoint_row(web_form)]
    url = reverse("journeys:touchpoints", args=[journey.pk])
    response = as_user(bob).post(url, formset_data("touchpoints", rows, initial=2), language="en")
    assert response.status_code == 200
    errors = response.context["formset"].errors[0]
    assert list(errors) == [field]
    assert errors[field][0].startswith(message)
    phone_queue.refresh_from_db()
    assert (phone_queue.channel, phone_queue.emotion) == (Channel.PHONE, -2)


def test_a_touchpoint_cannot_move_to_a_stage_of_another_journey(
    as_user, bob, journey, phone_queue, service_unit
):
    elsewhere = StageFactory(journey=JourneyFactory(unit=service_unit))
    rows = [touchpoint_row(phone_queue, stage=elsewhere.pk)]
    url = reverse("journeys:touchpoints", args=[journey.pk])
    response = as_user(bob).post(url, formset_data("touchpoints", rows, initial=1))
    assert list(response.context["formset"].errors[0]) == ["stage"]
    phone_queue.refresh_from_db()
    assert phone_queue.stage_id != elsewhere.pk


def test_bob_adds_a_transition(as_user, bob, journey, phone_queue, web_form, follow_up):
    rows = [{"source": web_form.pk, "target": follow_up.pk, "friction": "Mejlet dröjer."}]
    url = reverse("journeys:transitions", args=[journey.pk])
    response = as_user(bob).post(url, formset_data("transitions", rows))
    assert response.status_code == 302
    transition = Transition.objects.get()
    assert (transition.source, transition.target) == (web_form, follow_up)


@pytest.mark.parametrize("kind", ["other journey", "itself", "twice"])
def test_bad_transitions_are_refused_with_a_clear_error(
    as_user, bob, journey, phone_queue, web_form, handover, sales_unit, kind
):
    elsewhere = TouchpointFactory(stage=StageFactory(journey=JourneyFactory(unit=sales_unit)))
    target = {"other journey": elsewhere, "itself": phone_queue, "twice": web_form}[kind]
    rows = [
        {"id": handover.pk, "source": phone_queue.pk, "target": web_form.pk, "friction": "x"},
        {"source": phone_queue.pk, "target": target.pk, "friction": ""},
    ]
    url = reverse("journeys:transitions", args=[journey.pk])
    response = as_user(bob).post(url, formset_data("transitions", rows, initial=1), language="en")
    assert response.status_code == 200
    formset = response.context["formset"]
    expected = {
        "other journey": {
            "target": ["Select a valid choice. That choice is not one of the available choices."]
        },
        "itself": {"target": ["A transition joins two different touchpoints."]},
    }
    if kind == "twice":
        assert formset.errors[1] == {
            "__all__": ["Transition with this From touchpoint and To touchpoint already exists."]
        }
    else:
        assert formset.errors[1] == expected[kind]
    assert Transition.objects.count() == 1
    handover.refresh_from_db()
    assert handover.friction == "Kunden får börja om."


def test_the_model_rule_refuses_a_transition_across_journeys_too(journey, phone_queue, sales_unit):
    from cxlean.journeys.forms import TransitionForm

    elsewhere = TouchpointFactory(stage=StageFactory(journey=JourneyFactory(unit=sales_unit)))
    form = TransitionForm(
        {"source": phone_queue.pk, "target": elsewhere.pk},
        journey=journey,
        choices=[(phone_queue.pk, "x"), (elsewhere.pk, "y")],
    )
    form.fields["target"].queryset = Touchpoint.objects.all()  # as if the choice were offered
    assert form.errors == {"target": ["Båda kontaktpunkterna måste höra till samma kundresa."]}


# --- constant query counts ---------------------------------------------------------------


def test_the_feedback_list_runs_a_constant_number_of_queries(
    as_user, bob, service_unit, phone_queue, web_form, count_queries
):
    client = as_user(bob)
    url = reverse("journeys:feedback_list")

    def add(count):
        for index in range(count):
            feedback = FeedbackFactory(
                unit=service_unit, touchpoint=[phone_queue, web_form][index % 2]
            )
            if index % 3 == 0:
                ItemFactory(unit=service_unit, source_feedback=feedback)

    add(3)
    small = count_queries(client, url)
    add(21)
    assert count_queries(client, url) == small
    # session, user, groups, home unit, touchpoint choices (filter), unit choices (filter),
    # count, units open to the user, the page of feedback with unit, touchpoint, journey
    # and improvement joined; the header's unread notifications; and the request's
    # savepoint and its release.
    assert small <= 12


def test_the_journey_list_runs_a_constant_number_of_queries(
    as_user, alice, service_unit, count_queries
):
    client = as_user(alice)
    url = reverse("journeys:list")

    def add(count):
        for _index in range(count):
            touchpoint = TouchpointFactory(
                stage=StageFactory(journey=JourneyFactory(unit=service_unit))
            )
            ItemFactory(unit=service_unit, touchpoint=touchpoint)

    add(2)
    small = count_queries(client, url)
    add(10)
    assert count_queries(client, url) == small
    # session, user, groups, home unit, may create, count, the page of journeys with their
    # three counts as subqueries; and the request's savepoint and its release.
    assert small <= 9


def test_the_map_runs_a_constant_number_of_queries(
    as_user, carol, journey, contact_stage, count_queries
):
    client = as_user(carol)
    url = reverse("journeys:map", args=[journey.pk])

    def add(count):
        previous = None
        for _index in range(count):
            stage = StageFactory(journey=journey)
            touchpoint = TouchpointFactory(stage=stage, emotion=-1)
            ItemFactory(unit=journey.unit, touchpoint=touchpoint)
            if previous:
                transition = TransitionFactory(source=previous, target=touchpoint, friction="Slow")
                ItemFactory(unit=journey.unit, transition=transition)
            previous = touchpoint

    add(2)
    small = count_queries(client, url)
    add(10)
    assert count_queries(client, url) == small
    # session, user, groups, home unit, journey, stages, touchpoints and transitions (each
    # with its open improvements counted); the header's unread notifications; and the
    # request's savepoint and its release.
    assert small <= 11


def test_the_editing_pages_render_without_a_query_per_row(
    as_user, bob, journey, contact_stage, count_queries
):
    client = as_user(bob)
    for _index in range(3):
        TouchpointFactory(stage=contact_stage)
    small = {
        part: count_queries(client, reverse(f"journeys:{part}", args=[journey.pk]))
        for part in ("stages", "touchpoints", "transitions")
    }
    for _index in range(12):
        TouchpointFactory(stage=StageFactory(journey=journey))
    for part in ("stages", "touchpoints"):
        assert (
            count_queries(client, reverse(f"journeys:{part}", args=[journey.pk])) == small[part]
        ), part
