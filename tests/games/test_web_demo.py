"""The game pages on the demo's games, for the demo's coordinator, employee and manager,
in Swedish and English: every page answers (a page one may not open is a 403 or a
redirect, never an error), and each role reaches what it should."""

from collections.abc import Iterator

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from cxlean.games.models import GameSession, SessionStatus
from tests.demo_once import demo_for_module

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker) -> Iterator[str]:
    with demo_for_module(django_db_blocker) as output:
        yield output


def game_pages(session: GameSession) -> list[str]:
    pages = [
        reverse(name, args=[session.pk])
        for name in (
            "games:detail",
            "games:play",
            "games:control",
            "games:screen",
            "games:presentations",
            "games:results",
        )
    ]
    pages += [reverse("games:team", args=[session.pk, team.pk]) for team in session.teams.all()]
    return pages


@pytest.mark.parametrize("language", ["sv", "en"])
@pytest.mark.parametrize("username", ["coordinator", "employee", "manager"])
def test_every_game_page_answers_each_role(built, client, username, language):
    client.force_login(User.objects.get(username=username))
    home = client.get(reverse("games:home"), language=language)
    assert home.status_code == 200
    sessions = list(GameSession.objects.order_by("pk"))
    assert any(s.status == SessionStatus.FINISHED for s in sessions)
    for session in sessions:
        for url in game_pages(session):
            response = client.get(url, language=language)
            assert response.status_code in (200, 302, 403, 404), (url, response.status_code)


def test_the_coordinator_runs_and_management_reads_the_demo_games(built, client):
    finished = GameSession.objects.filter(status=SessionStatus.FINISHED).first()
    client.force_login(User.objects.get(username="coordinator"))
    for name in ("games:control", "games:screen", "games:results", "games:presentations"):
        assert client.get(reverse(name, args=[finished.pk])).status_code == 200, name
    client.force_login(User.objects.get(username="manager"))
    for name in ("games:detail", "games:screen", "games:results", "games:presentations"):
        assert client.get(reverse(name, args=[finished.pk])).status_code == 200, name
    assert client.get(reverse("games:control", args=[finished.pk])).status_code == 403
    home = client.get(reverse("games:home"), {"unit": finished.unit_id})
    assert home.context["leaderboard"] and "<svg" in home.text
