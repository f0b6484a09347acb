"""The guide over the API: steps with their recommended activities, in both languages."""

import pytest
from django.urls import reverse

from cxlean.guide.models import GuideActivity, GuideStep
from tests.factories import GuideActivityFactory, GuideStepFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def journey_step():
    step = GuideStepFactory(
        number=2, title_sv="Kartlägg kundresan", title_en="Map the customer journey", weight=3
    )
    GuideActivityFactory(step=step, order=2, title_sv="Personas", title_en="Personas")
    GuideActivityFactory(step=step, order=1, title_sv="Kontaktpunkter", title_en="Touchpoints")
    return step


def test_steps_nest_their_recommended_activities_in_order(api, alice, journey_step):
    step = api(alice).get(reverse("guide-step-detail", args=[journey_step.pk])).json()
    assert (step["number"], step["weight"]) == (2, 3)
    assert [a["title_en"] for a in step["activities"]] == ["Touchpoints", "Personas"]


def test_titles_follow_the_request_language(api, alice, journey_step):
    client = api(alice)
    swedish = client.get(reverse("guide-step-list")).json()["results"][0]
    english = client.get(reverse("guide-step-list"), HTTP_ACCEPT_LANGUAGE="en").json()
    assert swedish["title"] == "Kartlägg kundresan"
    assert english["results"][0]["title"] == "Map the customer journey"
    assert english["results"][0]["activities"][0]["title"] == "Touchpoints"


def test_nested_activities_are_read_only(api, olivia, journey_step):
    response = api(olivia).patch(
        reverse("guide-step-detail", args=[journey_step.pk]),
        {"activities": [], "weight": 5},
        format="json",
    )
    assert response.status_code == 200
    assert journey_step.activities.count() == 2
    journey_step.refresh_from_db()
    assert journey_step.weight == 5


def test_guide_activities_filter_by_step(api, alice, journey_step):
    GuideActivityFactory()  # another step
    client = api(alice)
    by_id = client.get(reverse("guide-activity-list"), {"step": journey_step.pk}).json()
    by_number = client.get(reverse("guide-activity-list"), {"step_number": 2}).json()
    assert by_id["count"] == by_number["count"] == 2
    assert client.get(reverse("guide-activity-list"), {"step": "two"}).status_code == 400


@pytest.mark.parametrize(
    "data,field",
    [
        ({"number": 0, "title_sv": "S", "title_en": "S"}, "number"),
        ({"number": 1, "title_sv": "S", "title_en": "S", "weight": 0}, "weight"),
        ({"number": 2, "title_sv": "S", "title_en": "S"}, "number"),  # taken
        ({"number": 3, "title_en": "S"}, "title_sv"),
    ],
)
def test_invalid_steps_are_a_400_with_the_field(api, olivia, journey_step, data, field):
    response = api(olivia).post(reverse("guide-step-list"), data, format="json")
    assert response.status_code == 400 and field in response.json()
    assert GuideStep.objects.count() == 1


def test_the_cx_owner_curates_the_guide(api, olivia, journey_step):
    client = api(olivia)
    created = client.post(
        reverse("guide-activity-list"),
        {
            "step": journey_step.pk,
            "order": 3,
            "title_sv": "Känslokurva",
            "title_en": "Emotion curve",
        },
        format="json",
    )
    assert created.status_code == 201
    assert client.delete(reverse("guide-step-detail", args=[journey_step.pk])).status_code == 204
    assert not GuideActivity.objects.exists()


def test_step_list_queries_do_not_grow(api, alice, count_queries):
    client = api(alice)

    def add_steps(how_many):
        for _ in range(how_many):
            GuideActivityFactory.create_batch(3, step=GuideStepFactory())

    add_steps(5)
    few = count_queries(client, reverse("guide-step-list"))
    add_steps(45)
    assert count_queries(client, reverse("guide-step-list")) == few
