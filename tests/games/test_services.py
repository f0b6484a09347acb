"""The game's workflows: joining, the round's clock, acting for a team, submitting,
presentations, the backlog, competence credit and the leaderboard."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cxlean.competence.models import Level, Record
from cxlean.games import rules, services
from cxlean.games.models import SessionStatus, Submission, TeamMember
from cxlean.org.roles import EMPLOYEE
from tests.factories import (
    CompetenceActivityFactory,
    DeckFactory,
    GoalFactory,
    TraineePlanFactory,
    UserFactory,
    deck_with_cards,
)
from tests.games.conftest import slots_and_cards

# --- facilitating ------------------------------------------------------------------------


def test_coordinator_of_the_unit_facilitates(bob, carol, service_unit):
    assert rules.may_facilitate(bob, service_unit)
    assert not rules.may_facilitate(carol, service_unit)


def test_employee_facilitates_only_with_a_trainee_goal_in_leading_games(alice, service_unit):
    assert not rules.may_facilitate(alice, service_unit)
    leading = CompetenceActivityFactory()
    DeckFactory(lead_activity=leading)
    GoalFactory(plan=TraineePlanFactory(person=alice), activity=leading)
    assert rules.may_facilitate(alice, service_unit)


def test_management_does_not_facilitate(maria, service_unit, deck):
    with pytest.raises(PermissionDenied):
        services.create_session(unit=service_unit, deck=deck, facilitator=maria)


def test_a_game_has_two_to_eight_teams(service_unit, bob, deck):
    for count in (1, 9):
        with pytest.raises(ValidationError) as refused:
            services.create_session(unit=service_unit, deck=deck, facilitator=bob, team_count=count)
        assert "team_count" in refused.value.message_dict


# --- joining -----------------------------------------------------------------------------


def test_joining_with_a_wrong_code_is_refused_with_a_message(lobby, alice):
    with pytest.raises(ValidationError) as refused:
        services.join(user=alice, code="ZZZZZZ")
    assert "No game has this code" in refused.value.message_dict["code"][0]


def test_joining_with_an_expired_code_is_refused_with_a_message(lobby, alice):
    later = lobby.code_expires_at + dt.timedelta(minutes=1)
    with pytest.raises(ValidationError) as refused:
        services.join(user=alice, code=lobby.join_code, now=later)
    assert "expired" in refused.value.message_dict["code"][0]


def test_code_is_read_without_spaces_and_case(lobby, alice):
    member = services.join(user=alice, code=" " + lobby.join_code.lower())
    assert member.team.session == lobby


def test_joining_again_keeps_the_membership(lobby, alice):
    first = services.join(user=alice, code=lobby.join_code)
    again = services.join(user=alice, code=lobby.join_code)
    assert first.pk == again.pk
    assert TeamMember.objects.filter(user=alice).count() == 1


def test_joining_without_a_team_fills_the_smallest(lobby, alice, dave, teams):
    services.join(user=alice, code=lobby.join_code, team=teams[0])
    assert services.join(user=dave, code=lobby.join_code).team == teams[1]


def test_late_join_while_the_round_runs(playing, teams, service_unit):
    late = UserFactory(unit=service_unit, role=EMPLOYEE)
    member = services.join(user=late, code=playing.join_code, team=teams[0])
    assert member.team == teams[0]


def test_team_change_after_the_start_is_refused(playing, teams, alice):
    with pytest.raises(ValidationError):
        services.join(user=alice, session=playing, team=teams[1])


# --- the round ---------------------------------------------------------------------------


def test_a_member_acting_for_another_team_is_refused(playing, teams, alice):
    slots, cards = slots_and_cards(playing.deck)
    with pytest.raises(PermissionDenied):
        services.place(team=teams[1], user=alice, card=cards[0], slot=slots[0])
    with pytest.raises(PermissionDenied):
        services.submit(team=teams[1], user=alice)


def test_submission_after_the_round_closes_is_refused_with_a_message(playing, teams, alice):
    after = playing.round_ends_at + dt.timedelta(seconds=1)
    with pytest.raises(ValidationError) as refused:
        services.submit(team=teams[0], user=alice, now=after)
    assert "The round closed at" in refused.value.messages[0]
    assert not Submission.objects.exists()


def test_placing_after_the_round_closes_is_refused(playing, teams, alice):
    slots, cards = slots_and_cards(playing.deck)
    after = playing.round_ends_at + dt.timedelta(seconds=1)
    with pytest.raises(ValidationError) as refused:
        services.place(team=teams[0], user=alice, card=cards[0], slot=slots[0], now=after)
    assert "The round closed at" in refused.value.messages[0]


def test_double_submit_makes_one_submission(playing, teams, alice, service_unit):
    teammate = UserFactory(unit=service_unit)
    services.join(user=teammate, session=playing, team=teams[0])
    first, created = services.submit(team=teams[0], user=alice)
    again, created_again = services.submit(team=teams[0], user=teammate)
    assert (created, created_again) == (True, False)
    assert first.pk == again.pk
    assert Submission.objects.count() == 1


def test_a_submitted_timeline_no_longer_changes(playing, teams, alice):
    slots, cards = slots_and_cards(playing.deck)
    services.submit(team=teams[0], user=alice)
    with pytest.raises(ValidationError):
        services.place(team=teams[0], user=alice, card=cards[0], slot=slots[0])


def test_only_the_facilitator_or_a_coordinator_runs_the_game(lobby, alice, carol):
    for person in (alice, carol):
        with pytest.raises(PermissionDenied):
            services.start_round(lobby, by=person)


def test_reveal_closes_the_round(playing, bob, teams, alice):
    services.reveal(playing, by=bob)
    assert playing.status == SessionStatus.REVEAL
    with pytest.raises(ValidationError):
        services.submit(team=teams[0], user=alice)


# --- presentations -----------------------------------------------------------------------


@pytest.fixture
def presenting(playing, bob):
    services.reveal(playing, by=bob)
    services.start_presentations(playing, by=bob)
    return playing


def test_each_team_gets_a_task_card(presenting, teams):
    for team in teams:
        team.refresh_from_db()
        assert team.presentation.task_card is not None


def test_teams_score_the_others_not_themselves(presenting, teams, alice, dave, bob):
    theirs = teams[1].presentation
    services.score_presentation(presentation=theirs, scorer=alice, value=4)
    services.score_presentation(presentation=theirs, scorer=bob, value=5)
    services.score_presentation(presentation=theirs, scorer=alice, value=3)  # changes it
    with pytest.raises(PermissionDenied):
        services.score_presentation(presentation=theirs, scorer=dave, value=5)
    with pytest.raises(ValidationError):
        services.score_presentation(presentation=teams[0].presentation, scorer=dave, value=6)
    rows = {row.team.pk: row for row in services.scoreboard(presenting)}
    assert rows[teams[1].pk].presentation_average == 4.0
    assert rows[teams[1].pk].presentation_points == 16


def test_idea_goes_to_the_backlog_once_linked_both_ways(presenting, teams, alice):
    presentation = teams[0].presentation
    services.write_idea(presentation=presentation, user=alice, idea="Call back instead of a queue")
    item, created = services.send_idea_to_backlog(presentation=presentation, by=alice)
    again, created_again = services.send_idea_to_backlog(presentation=presentation, by=alice)
    assert (created, created_again) == (True, False)
    assert item.pk == again.pk
    assert item.unit == presenting.unit
    assert item.game_presentation == presentation


def test_an_empty_idea_is_not_sent(presenting, teams, alice):
    with pytest.raises(ValidationError) as refused:
        services.send_idea_to_backlog(presentation=teams[0].presentation, by=alice)
    assert "idea" in refused.value.message_dict


def test_the_other_team_does_not_send_a_teams_idea(presenting, teams, dave):
    with pytest.raises(PermissionDenied):
        services.send_idea_to_backlog(presentation=teams[0].presentation, by=dave)


# --- finishing: competence and the leaderboard -------------------------------------------


def test_finish_records_evidence_for_players_and_credits_the_trainee_goal(
    service_unit, alice, dave, bob
):
    playing_activity = CompetenceActivityFactory()
    leading = CompetenceActivityFactory()
    deck = deck_with_cards(3, evidence_activity=playing_activity, lead_activity=leading)
    GoalFactory(plan=TraineePlanFactory(person=alice), activity=leading, target_level=Level.L)
    game = services.create_session(unit=service_unit, deck=deck, facilitator=alice, title="Kickoff")
    services.open_lobby(game, by=alice)
    team = game.teams.first()
    services.join(user=dave, session=game, team=team)
    services.start_round(game, by=alice)
    services.reveal(game, by=alice)
    services.finish(game, by=alice)
    services.finish(game, by=alice)  # once only
    played = Record.objects.get(person=dave, activity=playing_activity)
    assert played.evidence_text.count("Kickoff") == 1
    led = Record.objects.get(person=alice, activity=leading)
    assert led.evidence_text
    assert led.self_level == Level.L  # awaits the mentor's or coordinator's sign-off
    assert led.level == Level.NOT_STARTED
    assert led.awaits_sign_off


def test_leaderboard_over_sessions(service_unit, bob, alice, dave):
    for _ in range(2):
        game = services.create_session(
            unit=service_unit, deck=deck_with_cards(2), facilitator=bob, team_count=2
        )
        services.open_lobby(game, by=bob)
        first, second = game.teams.order_by("number")
        services.join(user=alice, session=game, team=first)
        services.join(user=dave, session=game, team=second)
        services.start_round(game, by=bob)
        slots, cards = slots_and_cards(game.deck)
        services.place(team=first, user=alice, card=cards[0], slot=slots[0])
        services.reveal(game, by=bob)
        services.finish(game, by=bob)
    board = services.leaderboard(service_unit)
    assert [row.person for row in board] == [alice, dave]
    assert (board[0].points, board[0].sessions, board[0].wins, board[0].challenges) == (20, 2, 2, 2)
    assert board[1].points == 0
    progress = services.team_progress(service_unit)
    assert [point.total for point in progress[str(first)]] == [10, 10]
    assert [result.rank for result in services.person_results(alice)] == [1, 1]


def test_team_progress_shares_the_card_points_only(playing, teams, bob, alice):
    """A timeline all right and submitted early: 40 of 40 card points and a speed bonus;
    the total counts the bonus, the share does not (it would pass 100 %)."""
    slots, cards = slots_and_cards(playing.deck)
    now = playing.round_started_at + dt.timedelta(seconds=150)
    for card, slot in zip(cards, slots, strict=True):
        services.place(team=teams[0], user=alice, card=card, slot=slot, now=now)
    services.submit(team=teams[0], user=alice, now=now)  # half the round left: bonus 5
    services.reveal(playing, by=bob)
    services.finish(playing, by=bob)
    progress = services.team_progress(playing.unit)
    [point] = progress[teams[0].name]
    assert (point.placement_points, point.max_points, point.total) == (40, 40, 45)
    assert point.share == 1.0
    [other] = progress[teams[1].name]
    assert (other.total, other.share) == (0, 0.0)


def test_deck_from_a_journey(journey, handover, bob, alice):
    deck = services.deck_from_journey(journey=journey, by=bob)
    assert deck.slots.count() == journey.stages.count()
    assert deck.cards.count() >= 2
    with pytest.raises(PermissionDenied):
        services.deck_from_journey(journey=journey, by=alice)


def test_deck_from_a_rollout_plan(service_unit, bob, carol):
    from tests.factories import ActivityFactory, PhaseFactory, PlanFactory

    plan = PlanFactory(unit=service_unit, coordinator=bob)
    first = PhaseFactory(plan=plan, order=1, title="Map")
    second = PhaseFactory(plan=plan, order=2, title="Analyse")
    ActivityFactory(phase=first, title="Workshop")
    ActivityFactory(phase=second, title="Root causes")
    deck = services.deck_from_plan(plan=plan, by=bob)
    assert [slot.label for slot in deck.slots.order_by("position")] == ["Map", "Analyse"]
    assert {(card.text, card.correct_slot.position) for card in deck.cards.all()} == {
        ("Workshop", 1),
        ("Root causes", 2),
    }
    assert deck.unit == service_unit and deck.ordered
    with pytest.raises(PermissionDenied):
        services.deck_from_plan(plan=plan, by=carol)
