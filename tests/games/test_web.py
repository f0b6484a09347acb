"""The game's web pages per role: Bob (coordinator of Kundservice) runs the game, Alice
plays in team 1 and Dave in team 2, Maria (management) reads, Carol (coordinator of
Sales) sees nothing of it, anonymous visitors are sent to sign in."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cxlean.backlog.models import Item
from cxlean.games import services
from cxlean.games.models import (
    GameSession,
    Placement,
    Presentation,
    PresentationScore,
    SessionStatus,
    Submission,
    TeamMember,
)
from tests.games.conftest import slots_and_cards

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def team_url(name: str, session, team) -> str:
    return reverse(f"games:{name}", args=[session.pk, team.pk])


def place(client, session, team, card, slot, **extra):
    return client.post(
        team_url("place", session, team), {"card": card.pk, "slot": slot.pk}, **extra
    )


# --- who gets in --------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client, playing, teams):
    for url in (
        reverse("games:home"),
        reverse("games:join"),
        reverse("games:screen", args=[playing.pk]),
        team_url("team", playing, teams[0]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_a_coordinator_of_another_unit_sees_nothing_of_the_game(as_user, carol, playing, teams):
    client = as_user(carol)
    for url in (
        reverse("games:detail", args=[playing.pk]),
        reverse("games:control", args=[playing.pk]),
        reverse("games:screen", args=[playing.pk]),
        reverse("games:results", args=[playing.pk]),
        team_url("team", playing, teams[0]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("games:act", args=[playing.pk, "reveal"])).status_code == 404
    assert GameSession.objects.get(pk=playing.pk).status == SessionStatus.PLAYING


def test_the_home_page_lists_the_units_games(as_user, bob, playing):
    response = as_user(bob).get(reverse("games:home"))
    assert response.status_code == 200
    assert "Kickoff" in response.text
    assert reverse("games:new") in response.text


def test_the_nav_links_to_the_games(as_user, alice):
    response = as_user(alice).get(reverse("home"))
    assert reverse("games:home") in response.text


# --- starting a session -----------------------------------------------------------------


def test_a_coordinator_starts_a_session(as_user, bob, service_unit, deck):
    response = as_user(bob).post(
        reverse("games:new"),
        {
            "unit": service_unit.pk,
            "deck": deck.pk,
            "title": "Fredagsspelet",
            "team_count": 3,
            "team_names": "",
            "round_minutes": 5,
            "speed_bonus": 10,
            "points_per_star": 4,
        },
    )
    session = GameSession.objects.get(title="Fredagsspelet")
    assert response.status_code == 302
    assert response["Location"] == reverse("games:control", args=[session.pk])
    assert session.teams.count() == 3
    assert session.round_seconds == 300
    assert session.facilitator == bob


def test_starting_with_bad_input_shows_the_errors(as_user, bob, service_unit, deck, sales_unit):
    response = as_user(bob).post(
        reverse("games:new"),
        {
            "unit": sales_unit.pk,  # not his unit
            "deck": deck.pk,
            "team_count": 9,
            "round_minutes": "x",
            "speed_bonus": -1,
            "points_per_star": 4,
        },
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert {"unit", "team_count", "round_minutes", "speed_bonus"} <= set(form.errors)
    assert not GameSession.objects.filter(unit=sales_unit).exists()


def test_an_employee_without_a_trainee_goal_does_not_start_games(as_user, alice):
    assert as_user(alice).get(reverse("games:new")).status_code == 403


def test_management_does_not_start_games(as_user, maria):
    assert as_user(maria).get(reverse("games:new")).status_code == 403


# --- joining ------------------------------------------------------------------------------


def test_a_wrong_code_is_a_form_error(as_user, alice, lobby):
    response = as_user(alice).post(reverse("games:join"), {"code": "ZZZZZZ"}, language="en")
    assert response.status_code == 400
    assert "No game has this code" in response.text
    assert not TeamMember.objects.filter(user=alice).exists()


def test_an_expired_code_is_a_form_error(as_user, alice, lobby):
    GameSession.objects.filter(pk=lobby.pk).update(
        code_expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    client = as_user(alice)
    response = client.post(reverse("games:join"), {"code": lobby.join_code}, language="en")
    assert response.status_code == 400
    assert "This code has expired" in response.text
    response = client.get(reverse("games:invite", args=[lobby.join_code]), language="en")
    assert response.status_code == 404
    assert "This code has expired" in response.text


def test_a_player_joins_with_the_code_and_picks_a_team(as_user, alice, lobby, teams):
    client = as_user(alice)
    response = client.post(reverse("games:join"), {"code": lobby.join_code.lower()})
    assert response["Location"] == reverse("games:invite", args=[lobby.join_code])
    response = client.post(reverse("games:invite", args=[lobby.join_code]), {"team": teams[1].pk})
    assert response["Location"] == team_url("team", lobby, teams[1])
    assert TeamMember.objects.get(user=alice).team == teams[1]


def test_choosing_a_team_of_another_game_is_refused(as_user, alice, lobby, bob, deck, service_unit):
    other = services.create_session(unit=service_unit, deck=deck, facilitator=bob, team_count=2)
    response = as_user(alice).post(
        reverse("games:invite", args=[lobby.join_code]), {"team": other.teams.first().pk}
    )
    assert response.status_code == 400
    assert not TeamMember.objects.filter(user=alice).exists()


def test_a_late_joiner_plays_in_the_running_round(as_user, playing, teams, service_unit):
    from tests.factories import UserFactory

    late = UserFactory(username="erik", unit=service_unit)
    client = as_user(late)
    response = client.post(reverse("games:invite", args=[playing.join_code]), {"team": teams[0].pk})
    assert response.status_code == 302
    slots, cards = slots_and_cards(playing.deck)
    assert place(client, playing, teams[0], cards[0], slots[0], **HTMX).status_code == 200


# --- the team's timeline ----------------------------------------------------------------


def test_a_player_places_and_removes_cards_on_the_team_timeline(as_user, alice, playing, teams):
    client = as_user(alice)
    slots, cards = slots_and_cards(playing.deck)
    page = client.get(team_url("team", playing, teams[0]))
    assert page.status_code == 200
    assert 'role="timer"' in page.text
    picked = client.get(team_url("board", playing, teams[0]), {"pick": cards[1].pk}, **HTMX)
    assert 'aria-pressed="true"' in picked.text
    assert "Place here" in picked.text or "Lägg här" in picked.text
    response = place(client, playing, teams[0], cards[1], slots[1], **HTMX)
    assert response.status_code == 200
    assert Placement.objects.get(team=teams[0], card=cards[1]).slot == slots[1]
    response = client.post(team_url("remove", playing, teams[0]), {"card": cards[1].pk}, **HTMX)
    assert response.status_code == 200
    assert not Placement.objects.filter(team=teams[0]).exists()


def test_without_javascript_a_move_comes_back_to_the_page(as_user, alice, playing, teams):
    slots, cards = slots_and_cards(playing.deck)
    response = place(as_user(alice), playing, teams[0], cards[0], slots[0])
    assert response.status_code == 302
    assert response["Location"] == team_url("team", playing, teams[0])


def test_a_player_cannot_act_for_another_team(as_user, alice, playing, teams):
    client = as_user(alice)
    slots, cards = slots_and_cards(playing.deck)
    assert client.get(team_url("team", playing, teams[1])).status_code == 403
    assert place(client, playing, teams[1], cards[0], slots[0], **HTMX).status_code == 403
    assert client.post(team_url("submit", playing, teams[1]), **HTMX).status_code == 403
    assert not Placement.objects.filter(team=teams[1]).exists()
    assert not Submission.objects.filter(team=teams[1]).exists()


def test_a_card_or_slot_that_is_not_in_the_game_is_a_clear_refusal(as_user, alice, playing, teams):
    client = as_user(alice)
    slots, _cards = slots_and_cards(playing.deck)
    response = client.post(
        team_url("place", playing, teams[0]), {"card": 999999, "slot": slots[0].pk}, **HTMX
    )
    assert response.status_code == 400
    assert 'role="alert"' in response.text
    response = client.post(team_url("place", playing, teams[0]), {"card": "x"}, **HTMX)
    assert response.status_code == 400
    assert not Placement.objects.exists()


def test_a_double_submit_makes_one_submission_and_says_so(as_user, alice, playing, teams):
    client = as_user(alice)
    first = client.post(team_url("submit", playing, teams[0]), **HTMX)
    second = client.post(team_url("submit", playing, teams[0]), language="en", **HTMX)
    assert first.status_code == second.status_code == 200
    assert Submission.objects.filter(team=teams[0]).count() == 1
    assert "already submitted" in second.text


def test_after_the_round_closes_a_submit_is_refused_with_a_message(as_user, alice, playing, teams):
    GameSession.objects.filter(pk=playing.pk).update(
        round_ends_at=timezone.now() - dt.timedelta(seconds=1)
    )
    response = as_user(alice).post(team_url("submit", playing, teams[0]), language="en", **HTMX)
    assert response.status_code == 422
    assert "The round closed at" in response.text
    assert not Submission.objects.exists()


def test_the_poll_answers_204_while_nothing_changed(as_user, alice, dave, playing, teams):
    alice_client = as_user(alice)
    board = alice_client.get(team_url("board", playing, teams[0]), **HTMX)
    state = board.context["board"].state
    url = team_url("board", playing, teams[0])
    assert alice_client.get(url, {"seen": state}, **HTMX).status_code == 204
    # a phone that reconnects sees what the team's other phone did
    slots, cards = slots_and_cards(playing.deck)
    services.place(team=teams[0], user=alice, card=cards[0], slot=slots[0])
    fresh = alice_client.get(url, {"seen": state}, **HTMX)
    assert fresh.status_code == 200
    assert cards[0].text_sv in fresh.text


def test_management_watches_a_team_but_changes_nothing(as_user, maria, playing, teams):
    client = as_user(maria)
    slots, cards = slots_and_cards(playing.deck)
    page = client.get(team_url("team", playing, teams[0]))
    assert page.status_code == 200
    assert "Place here" not in page.text and "Lägg här" not in page.text
    assert place(client, playing, teams[0], cards[0], slots[0], **HTMX).status_code == 403
    assert client.post(reverse("games:act", args=[playing.pk, "reveal"])).status_code == 403
    assert client.get(reverse("games:screen", args=[playing.pk])).status_code == 200
    assert client.get(reverse("games:results", args=[playing.pk])).status_code == 200


# --- running the game -------------------------------------------------------------------


def test_the_facilitator_runs_the_game_step_by_step(as_user, bob, game):
    client = as_user(bob)
    assert client.get(reverse("games:control", args=[game.pk])).status_code == 200
    for action, status in (
        ("lobby", SessionStatus.LOBBY),
        ("start", SessionStatus.PLAYING),
        ("reveal", SessionStatus.REVEAL),
        ("present", SessionStatus.PRESENTATION),
        ("finish", SessionStatus.FINISHED),
    ):
        response = client.post(reverse("games:act", args=[game.pk, action]))
        assert response.status_code == 302
        game.refresh_from_db()
        assert game.status == status, action


def test_a_step_out_of_turn_is_refused_with_a_message(as_user, bob, game):
    response = as_user(bob).post(reverse("games:act", args=[game.pk, "finish"]), follow=True)
    assert "Reveal the timeline before finishing" in response.text or response.status_code == 200
    game.refresh_from_db()
    assert game.status == SessionStatus.SCHEDULED
    assert as_user(bob).post(reverse("games:act", args=[game.pk, "nonsense"])).status_code == 404


def test_a_player_does_not_run_the_game(as_user, alice, playing):
    client = as_user(alice)
    assert client.get(reverse("games:control", args=[playing.pk])).status_code == 403
    assert client.get(reverse("games:screen", args=[playing.pk])).status_code == 403
    assert client.post(reverse("games:act", args=[playing.pk, "reveal"])).status_code == 403


def test_the_facilitator_adds_a_late_team(as_user, bob, lobby):
    as_user(bob).post(reverse("games:team_add", args=[lobby.pk]), {"name": "Sena laget"})
    assert lobby.teams.filter(name="Sena laget").exists()


# --- the big screen -----------------------------------------------------------------------


def test_the_big_screen_shows_the_reveal(as_user, bob, alice, playing, teams):
    slots, cards = slots_and_cards(playing.deck)
    services.place(team=teams[0], user=alice, card=cards[0], slot=slots[0])
    services.place(team=teams[0], user=alice, card=cards[1], slot=slots[2])
    services.submit(team=teams[0], user=alice)
    services.reveal(playing, by=bob)
    response = as_user(bob).get(reverse("games:screen_live", args=[playing.pk]), **HTMX)
    assert response.status_code == 200
    assert 'hx-trigger="every 3s"' in response.text
    board = response.context["board"]
    assert board[0].team == teams[0] and board[0].placement_points == 15
    assert slots[2].label_sv in response.text  # where the one-off card went


def screen_queries(count_queries, client, bob, service_unit, deck, teams: int) -> int:
    from tests.factories import UserFactory

    session = services.create_session(
        unit=service_unit, deck=deck, facilitator=bob, team_count=teams
    )
    services.open_lobby(session, by=bob)
    slots, cards = slots_and_cards(deck)
    for number, team in enumerate(session.teams.order_by("number")):
        for player in range(2):
            person = UserFactory(username=f"p{teams}-{number}-{player}", unit=service_unit)
            services.join(user=person, session=session, team=team)
    services.start_round(session, by=bob)
    for team in session.teams.all():
        person = team.members.first().user
        services.place(team=team, user=person, card=cards[0], slot=slots[1])
        services.submit(team=team, user=person)
    services.reveal(session, by=bob)
    services.start_presentations(session, by=bob)
    return count_queries(client, reverse("games:screen_live", args=[session.pk]), **HTMX)


def test_the_big_screen_runs_the_same_queries_for_3_and_8_teams(
    as_user, count_queries, bob, service_unit, deck
):
    client = as_user(bob)
    client.get(reverse("games:home"))  # the session's first request saves its state
    three = screen_queries(count_queries, client, bob, service_unit, deck, 3)
    eight = screen_queries(count_queries, client, bob, service_unit, deck, 8)
    assert three == eight


# --- presentations ------------------------------------------------------------------------


@pytest.fixture
def presenting(playing, bob):
    services.reveal(playing, by=bob)
    services.start_presentations(playing, by=bob)
    return playing


def test_other_teams_score_a_presentation_and_a_team_never_its_own(
    as_user, alice, dave, presenting, teams
):
    own = Presentation.objects.get(team=teams[0])
    page = as_user(alice).get(reverse("games:presentations", args=[presenting.pk]))
    assert page.status_code == 200
    assert reverse("games:score", args=[presenting.pk, own.pk]) not in page.text
    refused = as_user(alice).post(
        reverse("games:score", args=[presenting.pk, own.pk]), {f"p{own.pk}-value": 5}
    )
    assert refused.status_code == 403
    response = as_user(dave).post(
        reverse("games:score", args=[presenting.pk, own.pk]), {f"p{own.pk}-value": 4}
    )
    assert response.status_code == 302
    assert PresentationScore.objects.get(presentation=own).value == 4


def test_a_score_outside_1_to_5_is_refused(as_user, dave, presenting, teams):
    own = Presentation.objects.get(team=teams[0])
    as_user(dave).post(
        reverse("games:score", args=[presenting.pk, own.pk]), {f"p{own.pk}-value": 9}
    )
    assert not PresentationScore.objects.exists()


def test_an_idea_goes_to_the_backlog_once(as_user, alice, presenting, teams):
    client = as_user(alice)
    presentation = Presentation.objects.get(team=teams[0])
    client.post(
        reverse("games:idea", args=[presenting.pk, presentation.pk]),
        {f"p{presentation.pk}-idea": "Ring upp kunden direkt efter chatten"},
    )
    url = reverse("games:backlog", args=[presenting.pk, presentation.pk])
    client.post(url)
    client.post(url)
    item = Item.objects.get()
    assert item.title == "Ring upp kunden direkt efter chatten"
    page = client.get(reverse("games:presentations", args=[presenting.pk]))
    assert reverse("backlog:detail", args=[item.pk]) in page.text


def test_the_results_page_lists_teams_and_people(as_user, bob, alice, dave, presenting):
    services.finish(presenting, by=bob)
    response = as_user(alice).get(reverse("games:results", args=[presenting.pk]))
    assert response.status_code == 200
    assert {row.person for row in response.context["people"]} == {alice, dave}
    home = as_user(alice).get(reverse("games:home"), {"unit": presenting.unit_id})
    assert home.context["leaderboard"]
    assert "<svg" in home.text


def test_the_backlog_item_links_back_to_the_game(as_user, alice, presenting, teams):
    presentation = Presentation.objects.get(team=teams[0])
    services.write_idea(presentation=presentation, user=alice, idea="Samtal efter chatt")
    item, _created = services.send_idea_to_backlog(presentation=presentation, by=alice)
    page = as_user(alice).get(reverse("backlog:detail", args=[item.pk]))
    assert page.status_code == 200
    assert reverse("games:presentations", args=[presenting.pk]) in page.text


def test_the_results_page_exports_to_excel(as_user, bob, presenting):
    from cxlean.exports.models import ExportJob

    client = as_user(bob)
    page = client.get(reverse("games:results", args=[presenting.pk]))
    assert 'name="kind" value="game_results"' in page.text
    response = client.post(
        reverse("exports:new"), {"kind": "game_results", "session": presenting.pk}
    )
    assert response.status_code == 302
    assert ExportJob.objects.get().kind == "game_results"


def test_a_trainee_learning_to_lead_games_starts_one(as_user, alice, service_team, deck):
    from tests.factories import CompetenceActivityFactory, GoalFactory, TraineePlanFactory

    leading = CompetenceActivityFactory()
    deck.lead_activity = leading
    deck.save()
    GoalFactory(plan=TraineePlanFactory(person=alice), activity=leading)
    page = as_user(alice).get(reverse("games:new"))
    assert page.status_code == 200
    assert service_team in page.context["form"].fields["unit"].queryset


def test_the_session_page_leads_each_person_on(as_user, alice, bob, maria, playing, teams):
    page = as_user(alice).get(reverse("games:detail", args=[playing.pk]))
    assert page.status_code == 200
    assert team_url("team", playing, teams[0]) in page.text
    play = reverse("games:play", args=[playing.pk])
    assert as_user(alice).get(play)["Location"] == team_url("team", playing, teams[0])
    assert as_user(bob).get(play)["Location"] == reverse("games:control", args=[playing.pk])
    management = as_user(maria).get(reverse("games:detail", args=[playing.pk]))
    assert management.status_code == 200
    assert reverse("games:invite", args=[playing.join_code]) not in management.text


def test_a_member_may_change_team_in_the_lobby(as_user, alice, lobby, teams):
    services.join(user=alice, session=lobby, team=teams[0])
    client = as_user(alice)
    page = client.get(reverse("games:invite", args=[lobby.join_code]))
    assert page.status_code == 200
    client.post(reverse("games:invite", args=[lobby.join_code]), {"team": teams[1].pk})
    assert TeamMember.objects.get(user=alice).team == teams[1]


@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_progress_chart_writes_numbers_a_browser_can_read(
    as_user, bob, alice, playing, teams, language
):
    from tests.web.test_chart_numbers import wrong_numbers

    slots, cards = slots_and_cards(playing.deck)
    services.place(team=teams[0], user=alice, card=cards[0], slot=slots[1])
    services.reveal(playing, by=bob)
    services.finish(playing, by=bob)
    page = as_user(alice).get(reverse("games:home"), {"unit": playing.unit_id}, language=language)
    assert "<svg" in page.text and "<path" in page.text
    assert not wrong_numbers(page.text)


def test_a_unit_one_cannot_see_or_a_bad_one_is_not_found(as_user, alice, sales_unit):
    client = as_user(alice)
    assert client.get(reverse("games:home"), {"unit": "abc"}).status_code == 404
    assert client.get(reverse("games:home"), {"unit": sales_unit.pk}).status_code == 404


def test_steps_are_posted_never_fetched(as_user, bob, game):
    client = as_user(bob)
    assert client.get(reverse("games:act", args=[game.pk, "lobby"])).status_code == 405
    game.refresh_from_db()
    assert game.status == SessionStatus.SCHEDULED


def test_the_control_page_follows_joins_and_submissions(as_user, bob, alice, playing, teams):
    services.submit(team=teams[0], user=alice)
    client = as_user(bob)
    page = client.get(reverse("games:control", args=[playing.pk]))
    assert reverse("games:control_teams", args=[playing.pk]) in page.text
    part = client.get(reverse("games:control_teams", args=[playing.pk]), **HTMX)
    assert part.status_code == 200
    assert "Alice" in part.text
    assert as_user(alice).get(reverse("games:control_teams", args=[playing.pk])).status_code == 403


def finished_games(count: int, bob, service_unit, deck) -> None:
    from tests.factories import UserFactory

    for _number in range(count):
        session = services.create_session(
            unit=service_unit, deck=deck, facilitator=bob, team_names=["Blå", "Röd", "Gul"]
        )
        services.open_lobby(session, by=bob)
        for team in session.teams.all():
            services.join(user=UserFactory(unit=service_unit), session=session, team=team)
        services.start_round(session, by=bob)
        services.reveal(session, by=bob)
        services.finish(session, by=bob)


def test_the_games_page_runs_the_same_queries_for_1_and_4_games(
    as_user, count_queries, bob, service_unit, deck
):
    client = as_user(bob)
    url = f"{reverse('games:home')}?unit={service_unit.pk}"
    client.get(url)  # the session's first request saves its state
    finished_games(1, bob, service_unit, deck)
    one = count_queries(client, url)
    finished_games(3, bob, service_unit, deck)
    four = count_queries(client, url)
    assert len(count_queries.result.context["leaderboard"]) == 10
    assert one == four
