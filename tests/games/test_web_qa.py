"""What a walk through a whole game on phones showed: the pages a player and the
facilitator land on after the game."""

from django.urls import reverse

from cxlean.games import services


def test_the_games_page_opens_on_the_unit_of_the_players_last_game(
    as_user, alice, bob, playing, service_unit
):
    """Alice's own unit is a team of Kundservice; she played in Kundservice's game, so
    her games page shows that game, its leaderboard and progress, not an empty team."""
    services.reveal(playing, by=bob)
    services.finish(playing, by=bob)
    response = as_user(alice).get(reverse("games:home"))
    assert response.status_code == 200
    assert response.context["unit"] == service_unit
    assert "Kickoff" in response.text
    assert any(row.person == alice for row in response.context["leaderboard"])


def test_without_games_the_games_page_opens_on_the_own_unit(as_user, alice, service_team):
    response = as_user(alice).get(reverse("games:home"))
    assert response.context["unit"] == service_team


def test_a_unit_chosen_in_the_filter_wins(as_user, alice, playing, service_team):
    response = as_user(alice).get(reverse("games:home"), {"unit": service_team.pk})
    assert response.context["unit"] == service_team


def test_the_results_of_a_finished_game_link_to_the_leaderboard_and_competence(
    as_user, alice, bob, playing, service_unit
):
    services.reveal(playing, by=bob)
    services.finish(playing, by=bob)
    response = as_user(alice).get(reverse("games:results", args=[playing.pk]))
    assert f"{reverse('games:home')}?unit={service_unit.pk}#leaderboard-heading" in response.text
    assert f'href="{reverse("competence:mine")}">' in response.text


def test_the_results_before_the_end_do_not_claim_the_game_counts(as_user, bob, playing):
    services.reveal(playing, by=bob)
    response = as_user(bob).get(reverse("games:results", args=[playing.pk]))
    assert "game-results__kept" not in response.text
