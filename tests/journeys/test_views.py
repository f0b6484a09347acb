"""The Voice of the Customer and customer journey pages: who may open and use each one,
logging and editing feedback, turning it into an improvement, and the list's filters.

Alice (employee, Team Chatt under Kundservice), Bob (coordinator of Kundservice), Carol
(coordinator of Sales), Maria (management) and Root (superuser) come from
tests/conftest.py, with the "Flytta hem" journey of Kundservice, its phone queue and
web form touchpoints and the hand-over between them. The map, journey editing and the
query counts are in test_views_journeys.py.
"""

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from cxlean.backlog.models import Item, Source, Status, may_submit
from cxlean.journeys.forms import units_for_feedback
from cxlean.journeys.models import Channel, Feedback, FeedbackSource, Sentiment, may_log_feedback
from cxlean.org.models import Unit
from tests.factories import FeedbackFactory, ItemFactory

pytestmark = pytest.mark.django_db

PEOPLE = ["alice", "bob", "carol", "maria", "root"]
EVERYONE = dict.fromkeys(PEOPLE, 200)


@pytest.fixture
def people(alice, bob, carol, maria, root):
    return {"alice": alice, "bob": bob, "carol": carol, "maria": maria, "root": root}


@pytest.fixture
def heard(service_team, phone_queue):
    """Feedback from a customer in the phone queue, logged in Alice's team."""
    return FeedbackFactory(
        unit=service_team,
        touchpoint=phone_queue,
        what_happened="Waited forty minutes in the phone queue.",
        how_it_felt="Angry and ignored.",
        what_to_improve="Offer a call back.",
        sentiment=Sentiment.NEGATIVE,
    )


@pytest.fixture
def sales_feedback(sales_unit):
    return FeedbackFactory(unit=sales_unit, what_happened="The offer came a week late.")


def feedback_data(unit, **changes) -> dict:
    data = {
        "unit": unit.pk,
        "source": FeedbackSource.SURVEY,
        "channel": Channel.PHONE,
        "touchpoint": "",
        "received_on": "2026-11-20",
        "what_happened": "The customer was put on hold three times.",
        "how_it_felt": "Tired of repeating themselves.",
        "what_to_improve": "Let one person own the case.",
        "sentiment": Sentiment.NEGATIVE,
        "customer_reference": "CASE-1234",
    }
    return data | changes


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


# --- who may open what -------------------------------------------------------------------

GET_PAGES = {
    "feedback_list": EVERYONE,
    "feedback_new": EVERYONE | {"maria": 403},
    "feedback_detail": EVERYONE | {"carol": 404},
    "feedback_edit": EVERYONE | {"alice": 403, "carol": 404, "maria": 403},  # not hers
    "list": EVERYONE,
    "map": EVERYONE,
    "new": EVERYONE | {"alice": 403, "maria": 403},
    "edit": EVERYONE | {"alice": 403, "carol": 403, "maria": 403},
    "stages": EVERYONE | {"alice": 403, "carol": 403, "maria": 403},
    "touchpoints": EVERYONE | {"alice": 403, "carol": 403, "maria": 403},
    "transitions": EVERYONE | {"alice": 403, "carol": 403, "maria": 403},
}


@pytest.fixture
def urls(heard, journey):
    return {
        "feedback_list": reverse("journeys:feedback_list"),
        "feedback_new": reverse("journeys:feedback_new"),
        "feedback_detail": reverse("journeys:feedback_detail", args=[heard.pk]),
        "feedback_edit": reverse("journeys:feedback_edit", args=[heard.pk]),
        "feedback_improve": reverse("backlog:feedback_improve", args=[heard.pk]),
        "list": reverse("journeys:list"),
        "map": reverse("journeys:map", args=[journey.pk]),
        "new": reverse("journeys:new"),
        "edit": reverse("journeys:edit", args=[journey.pk]),
        "stages": reverse("journeys:stages", args=[journey.pk]),
        "touchpoints": reverse("journeys:touchpoints", args=[journey.pk]),
        "transitions": reverse("journeys:transitions", args=[journey.pk]),
    }


def test_the_paths_are_the_agreed_ones(heard, journey):
    assert reverse("journeys:list") == "/journeys/"
    assert reverse("journeys:map", args=[journey.pk]) == f"/journeys/{journey.pk}/"
    assert reverse("journeys:feedback_list") == "/voice/"
    assert reverse("journeys:feedback_new") == "/voice/new/"
    assert reverse("journeys:feedback_detail", args=[heard.pk]) == f"/voice/{heard.pk}/"
    assert reverse("journeys:feedback_edit", args=[heard.pk]) == f"/voice/{heard.pk}/edit/"
    assert reverse("backlog:feedback_improve", args=[heard.pk]) == f"/voice/{heard.pk}/improve/"
    assert reverse("journeys:edit", args=[journey.pk]) == f"/journeys/{journey.pk}/edit/"


@pytest.mark.parametrize("name", [*GET_PAGES, "feedback_improve"])
def test_anonymous_visitors_are_sent_to_the_login_page(client, urls, name):
    for method in (client.get, client.post):
        response = method(urls[name])
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize(("name", "expected"), GET_PAGES.items())
def test_each_role_opens_each_page(as_user, people, urls, name, expected):
    for person, status in expected.items():
        response = as_user(people[person]).get(urls[name])
        assert response.status_code == status, (person, name)


@pytest.mark.parametrize("name", [name for name in GET_PAGES if name not in ("list", "map")])
def test_management_is_refused_every_change(as_user, maria, urls, name, heard):
    response = as_user(maria).post(urls[name], feedback_data(heard.unit))
    assert response.status_code in (403, 405)
    response = as_user(maria).post(urls["feedback_improve"])
    assert response.status_code == 403
    assert not Item.objects.exists()


def test_list_and_map_pages_only_read(as_user, bob, urls):
    for name in ("feedback_list", "list", "map", "feedback_detail"):
        assert as_user(bob).post(urls[name]).status_code == 405


def test_every_page_shows_the_improvement_tabs(as_user, bob, urls):
    for name in ("feedback_list", "feedback_new", "feedback_detail", "list", "map", "edit"):
        html = as_user(bob).get(urls[name], language="en").content.decode()
        assert 'aria-label="Improvement work"' in html, name


def test_the_units_offered_are_the_ones_may_submit_allows(
    people, company, sales_unit, service_team
):
    units = Unit.objects.all()
    for person in people.values():
        offered = set(units_for_feedback(person))
        assert offered == {unit for unit in units if may_submit(person, unit)}, person
        assert offered == {unit for unit in units if may_log_feedback(person, unit)}, person


# --- logging feedback --------------------------------------------------------------------


def test_alice_logs_feedback_for_her_team(as_user, alice, service_team, phone_queue):
    data = feedback_data(service_team, touchpoint=phone_queue.pk)
    response = as_user(alice).post(reverse("journeys:feedback_new"), data, language="en")
    feedback = Feedback.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("journeys:feedback_detail", args=[feedback.pk])
    assert messages_of(response) == ["The feedback is logged."]
    assert feedback.unit == service_team
    assert feedback.touchpoint == phone_queue
    assert feedback.created_by == alice
    assert feedback.what_to_improve == "Let one person own the case."
    assert feedback.customer_reference == "CASE-1234"


def test_alice_cannot_log_feedback_for_sales(as_user, alice, sales_unit):
    response = as_user(alice).post(
        reverse("journeys:feedback_new"), feedback_data(sales_unit), language="en"
    )
    assert response.status_code == 200
    assert "unit" in response.context["form"].errors
    assert not Feedback.objects.exists()


def test_the_form_offers_only_units_the_person_may_log_for(as_user, alice, bob, sales_unit):
    form = as_user(alice).get(reverse("journeys:feedback_new")).context["form"]
    names = [unit.name for unit in form.fields["unit"].queryset]
    assert names == ["Företaget", "Kundservice", "Team Chatt"]
    assert form.initial["unit"] == alice.profile.unit_id  # her own team first
    form = as_user(bob).get(reverse("journeys:feedback_new")).context["form"]
    assert sales_unit not in form.fields["unit"].queryset


def test_the_form_labels_the_three_questions_and_groups_touchpoints(
    as_user, alice, phone_queue, sales_unit
):
    html = as_user(alice).get(reverse("journeys:feedback_new"), language="en").content.decode()
    assert '<label for="id_what_happened">What happened?</label>' in html
    assert '<label for="id_how_it_felt">How did it feel?</label>' in html
    assert '<label for="id_what_to_improve">What can be improved?</label>' in html
    assert '<optgroup label="Flytta hem">' in html
    assert "Kontakt · Telefonkö" in html
    assert 'type="radio" name="sentiment"' in html


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"channel": "fax"}, "channel", "Select a valid choice. fax is not one of"),
        ({"what_happened": "  "}, "what_happened", "This field is required."),
        ({"source": ""}, "source", "This field is required."),
        ({"touchpoint": "999999"}, "touchpoint", "Select a valid choice."),
        ({"sentiment": "5"}, "sentiment", "Select a valid choice."),
        ({"received_on": "tomorrow"}, "received_on", "Enter a valid date."),
    ],
)
def test_bad_feedback_is_refused_with_a_clear_error(
    as_user, alice, service_team, changes, field, message
):
    data = feedback_data(service_team, **changes)
    response = as_user(alice).post(reverse("journeys:feedback_new"), data, language="en")
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == [field]
    assert errors[field][0].startswith(message)
    assert "Nothing was saved. Please correct the marked fields." in response.content.decode()
    assert not Feedback.objects.exists()


def test_feedback_cannot_be_dated_in_the_future(as_user, alice, service_team):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    data = feedback_data(service_team, received_on=tomorrow.isoformat())
    response = as_user(alice).post(reverse("journeys:feedback_new"), data, language="en")
    assert response.context["form"].errors == {"received_on": ["The date cannot be in the future."]}
    assert not Feedback.objects.exists()


def test_an_empty_post_shows_the_errors(as_user, alice):
    response = as_user(alice).post(reverse("journeys:feedback_new"), {}, language="en")
    assert response.status_code == 200
    assert {"unit", "source", "channel", "what_happened"} <= set(response.context["form"].errors)


def test_bob_edits_feedback_and_the_history_shows_who_changed_what(as_user, bob, heard):
    url = reverse("journeys:feedback_edit", args=[heard.pk])
    data = feedback_data(heard.unit, what_to_improve="A call-back button.", channel=Channel.CHAT)
    response = as_user(bob).post(url, data, language="en")
    assert response.status_code == 302
    heard.refresh_from_db()
    assert heard.what_to_improve == "A call-back button."
    page = as_user(bob).get(reverse("journeys:feedback_detail", args=[heard.pk]), language="en")
    changes = page.context["changes"]
    assert [change.kind for change in changes] == ["~", "+"]
    assert changes[0].who == bob
    fields = {field.field: (field.old, field.new) for field in changes[0].fields}
    assert fields["Channel"] == ("Phone", "Chat")
    assert fields["What can be improved?"] == ("Offer a call back.", "A call-back button.")
    assert "Bob" in page.content.decode()


def test_carol_cannot_edit_feedback_she_cannot_see(as_user, carol, heard):
    url = reverse("journeys:feedback_edit", args=[heard.pk])
    assert as_user(carol).post(url, feedback_data(heard.unit)).status_code == 404


def test_the_detail_page_shows_the_three_answers_in_full(as_user, alice, heard):
    html = (
        as_user(alice)
        .get(reverse("journeys:feedback_detail", args=[heard.pk]), language="en")
        .content.decode()
    )
    for text in (
        "Waited forty minutes in the phone queue.",
        "Angry and ignored.",
        "Offer a call back.",
    ):
        assert text in html
    assert "Negative" in html
    assert "Make it an improvement" in html


# --- feedback → improvement --------------------------------------------------------------


def test_feedback_becomes_an_improvement_with_the_link_kept(as_user, alice, heard, phone_queue):
    url = reverse("backlog:feedback_improve", args=[heard.pk])
    response = as_user(alice).post(url, language="en")
    item = Item.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("backlog:detail", args=[item.pk])
    assert messages_of(response) == [
        f"The feedback is now an improvement idea in the backlog: “{item.title}”."
    ]
    assert item.source_feedback == heard
    assert item.source == Source.VOC
    assert item.touchpoint == phone_queue
    assert item.unit == heard.unit
    assert item.submitted_by == alice
    assert item.status == Status.IDEA


def test_doing_it_twice_lands_on_the_same_item(as_user, alice, bob, heard):
    url = reverse("backlog:feedback_improve", args=[heard.pk])
    first = as_user(alice).post(url)
    second = as_user(bob).post(url, language="en")
    item = Item.objects.get()
    assert first.url == second.url == reverse("backlog:detail", args=[item.pk])
    assert messages_of(second) == [f"This feedback is already an improvement: “{item.title}”."]
    assert item.submitted_by == alice


def test_improving_feedback_needs_the_right_to_submit_for_its_unit(as_user, alice, sales_unit):
    # Alice logged feedback for Sales once, so she sees it, but she submits for her part
    # of the tree only.
    logged = FeedbackFactory(unit=sales_unit, created_by=alice)
    url = reverse("backlog:feedback_improve", args=[logged.pk])
    assert as_user(alice).post(url).status_code == 403
    assert not Item.objects.exists()


def test_feedback_of_another_unit_cannot_be_improved(as_user, carol, heard):
    url = reverse("backlog:feedback_improve", args=[heard.pk])
    assert as_user(carol).post(url).status_code == 404
    assert as_user(carol).get(url).status_code == 405
    assert not Item.objects.exists()


def test_root_turns_any_feedback_into_an_improvement(as_user, root, sales_feedback):
    url = reverse("backlog:feedback_improve", args=[sales_feedback.pk])
    assert as_user(root).post(url).status_code == 302
    assert Item.objects.get().source_feedback == sales_feedback


# --- the list ----------------------------------------------------------------------------


def test_the_list_shows_what_each_person_may_see_newest_first(
    as_user, alice, carol, maria, heard, sales_feedback
):
    older = FeedbackFactory(unit=heard.unit, received_on=dt.date(2026, 1, 5))
    newer = FeedbackFactory(unit=heard.unit, received_on=dt.date(2026, 11, 20))
    url = reverse("journeys:feedback_list")
    seen = list(as_user(alice).get(url).context["page"])
    assert seen == [newer, heard, older]
    assert list(as_user(carol).get(url).context["page"]) == [sales_feedback]
    assert set(as_user(maria).get(url).context["page"]) == {newer, heard, older, sales_feedback}


def test_each_entry_shows_the_loop_channel_touchpoint_and_sentiment(as_user, alice, heard):
    heard.what_happened = "Waited. " * 60
    heard.save()
    html = as_user(alice).get(reverse("journeys:feedback_list"), language="en").content.decode()
    for text in (
        "What happened?",
        "How did it feel?",
        "What can be improved?",
        "Angry and ignored.",
    ):
        assert text in html
    assert "Waited. " * 60 not in html  # truncated
    assert "…" in html
    assert "Telefonkö" in html and "Phone" in html
    assert '<span class="sentiment__symbol" aria-hidden="true">↓</span> Negative' in html


def test_the_list_offers_the_conversion_or_links_the_improvement(as_user, alice, maria, heard):
    url = reverse("journeys:feedback_list")
    improve = reverse("backlog:feedback_improve", args=[heard.pk])
    assert improve in as_user(alice).get(url).content.decode()
    management = as_user(maria).get(url, language="en").content.decode()
    assert improve not in management
    assert reverse("journeys:feedback_new") not in management  # no "Log feedback" either
    item = ItemFactory(unit=heard.unit, source_feedback=heard, title="Call back")
    html = as_user(alice).get(url).content.decode()
    assert improve not in html
    assert reverse("backlog:detail", args=[item.pk]) in html


@pytest.fixture
def assorted(heard, service_unit, service_team, web_form, company):
    """Feedback that differs in every filtered field."""
    return {
        "heard": heard,
        "chat": FeedbackFactory(
            unit=service_unit,
            source=FeedbackSource.SOCIAL,
            channel=Channel.CHAT,
            touchpoint=web_form,
            sentiment=Sentiment.POSITIVE,
            received_on=dt.date(2026, 3, 1),
        ),
        "company": FeedbackFactory(
            unit=company, source=FeedbackSource.INTERVIEW, received_on=dt.date(2026, 6, 1)
        ),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("unit={service_unit}", {"heard", "chat"}),  # with its sub-units
        ("unit={service_team}", {"heard"}),
        ("source=social", {"chat"}),
        ("channel=chat", {"chat"}),
        ("touchpoint={web_form}", {"chat"}),
        ("sentiment=-1", {"heard"}),
        ("sentiment=1", {"chat"}),
        ("received_from=2026-05-01&received_to=2026-07-01", {"company"}),
        ("received_to=2026-03-01", {"chat"}),
        ("improvement=yes", {"heard"}),
        ("improvement=no", {"chat", "company"}),
    ],
)
def test_the_list_filters(
    as_user, bob, assorted, service_unit, service_team, web_form, query, expected
):
    ItemFactory(unit=service_team, source_feedback=assorted["heard"])
    query = query.format(
        service_unit=service_unit.pk, service_team=service_team.pk, web_form=web_form.pk
    )
    response = as_user(bob).get(f"{reverse('journeys:feedback_list')}?{query}")
    assert response.status_code == 200
    names = {name for name, feedback in assorted.items() if feedback in response.context["page"]}
    assert names == expected


@pytest.mark.parametrize(
    "query", ["unit=abc", "source=fax", "sentiment=7", "received_from=soon", "touchpoint=999999"]
)
def test_a_filter_that_is_not_understood_is_reported_and_ignored(as_user, bob, assorted, query):
    response = as_user(bob).get(f"{reverse('journeys:feedback_list')}?{query}", language="en")
    assert response.status_code == 200
    assert "A filter was not understood and is ignored." in response.content.decode()
    assert len(response.context["page"]) == 3


def test_a_date_range_the_wrong_way_round_is_explained(as_user, bob, assorted):
    query = "received_from=2026-07-01&received_to=2026-05-01"
    response = as_user(bob).get(f"{reverse('journeys:feedback_list')}?{query}", language="en")
    assert response.context["filters"].errors == {
        "received_to": ["The end date is before the start date."]
    }


def test_the_list_is_paginated(as_user, bob, service_unit):
    FeedbackFactory.create_batch(27, unit=service_unit)
    url = reverse("journeys:feedback_list")
    assert len(as_user(bob).get(url).context["page"]) == 25
    assert len(as_user(bob).get(f"{url}?page=2").context["page"]) == 2
    assert len(as_user(bob).get(f"{url}?page=x").context["page"]) == 25
