"""The daily digest carries the top of the person's inbox, in their language, with
absolute links; the inbox items never make a digest on their own."""

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from cxlean.core.todo import top_items
from cxlean.notifications.mail import DIGEST_TOP_ITEMS, send_digests
from cxlean.notifications.models import Delivery
from tests.notifications.factories import NotificationFactory
from tests.notifications.test_mail import at_hour, prefer

SITE = "https://cxlean.example.org"


@pytest.fixture(autouse=True)
def site_url():
    with override_settings(SITE_URL=SITE):
        yield


def digest_for(user, language: str):
    prefer(user, delivery=Delivery.DIGEST, digest_hour=0, language=language)
    NotificationFactory(user=user, title="Sen: Aktivitet")
    assert send_digests(at_hour(timezone.now(), 9)) == 1
    [message] = mail.outbox
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    return message.body, html


def test_the_digest_lists_the_top_of_the_inbox_in_swedish(everything, alice):
    text, html = digest_for(alice, "sv")
    for part in (text, html):
        assert "Att göra" in part
        assert "Map the chat journey" in part  # her late activity, first
        assert "Försenad" in part
        assert "Införandeplaner" in part
        assert f"{SITE}/plans/" in part
        assert f"{SITE}/" in part
    assert text.index("Map the chat journey") < text.index("Förbättringstavlan")


def test_the_digest_lists_the_top_of_the_inbox_in_english(everything, alice):
    text, html = digest_for(alice, "en")
    for part in (text, html):
        assert "To do" in part
        assert "Map the chat journey" in part
        assert "Late" in part
        assert "Rollout plans" in part
        assert "Att göra" not in part


def test_the_digest_lists_at_most_the_top_items(everything, bob):
    assert len(top_items(bob, DIGEST_TOP_ITEMS)) == DIGEST_TOP_ITEMS
    text, _html = digest_for(bob, "en")
    section = text.split("To do", 1)[1]
    assert section.count(f"  {SITE}/") == DIGEST_TOP_ITEMS


def test_an_empty_inbox_says_so(db, dave):
    text, html = digest_for(dave, "en")
    assert "Nothing waits for you on your start page." in text
    assert "Nothing waits for you on your start page." in html


def test_no_digest_for_inbox_items_alone(everything, alice):
    prefer(alice, delivery=Delivery.DIGEST, digest_hour=0)
    assert top_items(alice, DIGEST_TOP_ITEMS)
    assert send_digests(at_hour(timezone.now(), 9)) == 0
    assert mail.outbox == []
