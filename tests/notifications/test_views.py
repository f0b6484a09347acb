"""The notification pages, the header link and the preferences form."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from cxlean.notifications.context_processors import notifications
from cxlean.notifications.models import Delivery, Notification, Preference
from tests.notifications.factories import NotificationFactory

LIST = reverse("notifications:list")
PREFERENCES = reverse("notifications:preferences")


def test_anonymous_people_are_sent_to_log_in(client):
    for url in (LIST, PREFERENCES, reverse("notifications:open", args=[1])):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response.url


def test_the_list_shows_my_notifications_newest_first_unread_in_words(as_user, alice, bob):
    old = NotificationFactory(user=alice, title="Äldre")
    new = NotificationFactory(user=alice, title="Nyare")
    NotificationFactory(user=bob, title="Bobs")
    Notification.objects.filter(pk=old.pk).update(read_at=old.created_at)
    response = as_user(alice).get(LIST, language="en")
    assert response.status_code == 200
    page = list(response.context["page"].object_list)
    assert page == [new, old]
    html = response.content.decode()
    assert "Bobs" not in html
    assert html.index("Nyare") < html.index("Äldre")
    assert "Unread" in html and "Read" in html
    only_unread = as_user(alice).get(LIST, {"show": "unread"})
    assert list(only_unread.context["page"].object_list) == [new]


def test_the_list_is_paginated(as_user, alice):
    NotificationFactory.create_batch(30, user=alice)
    response = as_user(alice).get(LIST)
    assert len(response.context["page"].object_list) == 25
    assert len(as_user(alice).get(LIST, {"page": 2}).context["page"].object_list) == 5


def test_opening_a_notification_marks_it_read_and_goes_to_its_page(as_user, alice):
    notification = NotificationFactory(user=alice, url="/improvements/7/")
    response = as_user(alice).post(reverse("notifications:open", args=[notification.pk]))
    assert response.status_code == 302 and response.url == "/improvements/7/"
    notification.refresh_from_db()
    assert notification.read_at is not None
    # A link from an e-mail opens it with GET.
    again = as_user(alice).get(reverse("notifications:open", args=[notification.pk]))
    assert again.url == "/improvements/7/"


def test_an_outside_link_is_not_followed(as_user, alice):
    notification = NotificationFactory(user=alice, url="https://evil.example.org/")
    response = as_user(alice).get(reverse("notifications:open", args=[notification.pk]))
    assert response.url == LIST


def test_someone_elses_notification_is_a_404(as_user, alice, bob, maria):
    notification = NotificationFactory(user=bob)
    for user in (alice, maria):
        response = as_user(user).post(reverse("notifications:open", args=[notification.pk]))
        assert response.status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_mark_all_read_marks_only_mine(as_user, alice, bob):
    NotificationFactory.create_batch(3, user=alice)
    theirs = NotificationFactory(user=bob)
    response = as_user(alice).post(reverse("notifications:mark_all_read"))
    assert response.status_code == 302
    assert not Notification.objects.filter(user=alice, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert as_user(alice).get(reverse("notifications:mark_all_read")).status_code == 405


# --- the header link ---------------------------------------------------------------------


def render_header(count_queries, user) -> tuple[str, int]:
    request = RequestFactory().get("/")
    request.user = user
    template = Template('{% include "notifications/includes/header_link.html" %}')

    def render() -> str:
        return template.render(Context({**notifications(request), "request": request}))

    queries = count_queries(render)
    return count_queries.result, queries


def test_the_header_link_counts_unread_in_words_with_one_query(alice, count_queries):
    html, queries = render_header(count_queries, alice)
    assert queries == 1
    assert "count" not in html  # no badge without unread notifications
    NotificationFactory.create_batch(3, user=alice)
    read = NotificationFactory(user=alice)
    Notification.objects.filter(pk=read.pk).update(read_at=read.created_at)
    html, queries = render_header(count_queries, alice)
    assert queries == 1
    assert "3 unread" in html or "3 olästa" in html
    NotificationFactory.create_batch(20, user=alice)
    assert render_header(count_queries, alice)[1] == 1


def test_the_context_processor_skips_anonymous_visitors():
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    assert notifications(request) == {}


@pytest.mark.parametrize("count", [1, 12])
def test_the_list_runs_the_same_queries_whatever_the_number(as_user, alice, count, count_queries):
    NotificationFactory.create_batch(count, user=alice)
    client = as_user(alice)
    client.get(LIST)
    # session, user, groups (roles), the count, the page: the same at 1 and 12.
    assert count_queries(client, LIST) <= 8


# --- preferences -------------------------------------------------------------------------


def test_preferences_start_with_the_defaults_and_save(as_user, alice):
    client = as_user(alice)
    response = client.get(PREFERENCES, language="en")
    assert response.status_code == 200
    assert response.context["form"].initial["digest_hour"] == 7
    response = client.post(
        PREFERENCES,
        {"email": "on", "delivery": Delivery.DIGEST, "digest_hour": "18", "language": "en"},
    )
    assert response.status_code == 302
    preference = Preference.objects.get(user=alice)
    assert (preference.email, preference.delivery, preference.digest_hour, preference.language) == (
        True,
        Delivery.DIGEST,
        18,
        "en",
    )
    assert preference.history.count() == 1


@pytest.mark.parametrize(
    "data",
    [
        {"delivery": "immediate", "digest_hour": "25", "language": "sv"},
        {"delivery": "immediate", "digest_hour": "-1", "language": "sv"},
        {"delivery": "weekly", "digest_hour": "7", "language": "sv"},
        {"delivery": "immediate", "digest_hour": "seven", "language": "sv"},
        {"delivery": "immediate", "digest_hour": "7", "language": "de"},
    ],
)
def test_bad_preferences_are_refused_and_nothing_changes(as_user, alice, data):
    response = as_user(alice).post(PREFERENCES, data, language="en")
    assert response.status_code == 200
    assert response.context["form"].errors
    assert "Please correct the marked fields." in response.content.decode()
    assert not Preference.objects.filter(user=alice).exists()


def test_management_manages_their_own_preferences(as_user, maria):
    response = as_user(maria).post(
        PREFERENCES, {"delivery": "immediate", "digest_hour": "7", "language": "en"}
    )
    assert response.status_code == 302
    assert Preference.objects.get(user=maria).email is False  # unticked box


def test_the_unread_count_is_counted_only_where_a_page_shows_it(
    rf, alice, django_assert_num_queries
):
    from cxlean.notifications.context_processors import notifications
    from tests.notifications.factories import NotificationFactory

    NotificationFactory(user=alice)
    request = rf.get("/")
    request.user = alice
    with django_assert_num_queries(0):
        unread = notifications(request)["unread_notifications"]
    with django_assert_num_queries(1):
        assert unread() == 1
        assert unread() == 1  # counted once per request
