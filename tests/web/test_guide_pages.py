"""The seven-step guide, read by everyone who is logged in, in Swedish or English."""

import pytest
from django.urls import reverse

from tests.factories import GuideActivityFactory, GuideStepFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def strategy_step():
    step = GuideStepFactory(
        number=1,
        title_sv="Definiera CX-strategin",
        title_en="Define the CX strategy",
        description_sv="Syfte och förankring.",
        description_en="Purpose and anchoring.",
    )
    GuideActivityFactory(
        step=step, order=1, title_sv="Utse en CX-ägare", title_en="Appoint a CX owner"
    )
    return step


def test_guide_is_in_swedish_by_default(alice, as_user, strategy_step):
    html = as_user(alice).get(reverse("guide:index")).content.decode()
    assert '<html lang="sv">' in html
    assert "Definiera CX-strategin" in html and "Utse en CX-ägare" in html
    assert "Define the CX strategy" not in html


def test_guide_is_in_english_when_chosen(alice, as_user, strategy_step, english):
    html = as_user(alice).get(reverse("guide:index"), **english).content.decode()
    assert '<html lang="en">' in html
    assert "Define the CX strategy" in html and "Appoint a CX owner" in html
    assert "The rollout method in 1 step." in html
    assert "Definiera CX-strategin" not in html


def test_language_chosen_with_the_switch_sticks(alice, as_user, strategy_step):
    client = as_user(alice)
    step_url = reverse("guide:step", args=[1])
    response = client.post(reverse("core:set-language"), {"language": "en", "next": step_url})
    assert response["Location"] == step_url
    html = client.get(step_url).content.decode()
    assert "Define the CX strategy" in html and "Purpose and anchoring." in html


def test_step_page_shows_description_activities_and_neighbours(
    alice, as_user, strategy_step, english
):
    GuideStepFactory(number=2, title_en="Map the customer journey")
    html = as_user(alice).get(reverse("guide:step", args=[1]), **english).content.decode()
    assert "Purpose and anchoring." in html and "Appoint a CX owner" in html
    assert f'href="{reverse("guide:step", args=[2])}" rel="next"' in html
    assert 'rel="prev"' not in html


def test_the_cx_owner_sees_the_admin_edit_link_a_coordinator_a_proposal_link(
    bob, alice, olivia, as_user, strategy_step
):
    edit_url = reverse("admin:guide_guidestep_change", args=[strategy_step.pk])
    propose_url = reverse("org:proposal_new") + "?catalogue=guide"
    step_url = reverse("guide:step", args=[1])
    owners = as_user(olivia).get(step_url).content.decode()
    assert edit_url in owners and propose_url not in owners
    coordinators = as_user(bob).get(step_url).content.decode()
    assert edit_url not in coordinators and propose_url in coordinators
    employees = as_user(alice).get(step_url).content.decode()
    assert edit_url not in employees and propose_url not in employees


def test_unknown_step_is_404_not_500(alice, as_user, strategy_step):
    assert as_user(alice).get(reverse("guide:step", args=[99])).status_code == 404
    assert as_user(alice).get("/guide/abc/").status_code == 404


def test_guide_pages_only_answer_get(alice, as_user, strategy_step):
    assert as_user(alice).post(reverse("guide:index")).status_code == 405


def test_empty_guide_says_so(alice, as_user, english):
    html = as_user(alice).get(reverse("guide:index"), **english).content.decode()
    assert "The guide has no steps yet." in html


def test_guide_query_count_does_not_grow_with_steps(alice, as_user, count_queries):
    client = as_user(alice)

    def add_steps(count: int) -> None:
        for step in GuideStepFactory.create_batch(count):
            GuideActivityFactory.create_batch(2, step=step)

    add_steps(5)
    five = count_queries(client, reverse("guide:index"))
    add_steps(45)
    assert count_queries(client, reverse("guide:index")) == five
