"""Who may do what in the timeline game. The web views, the API, the admin and the
services all ask these functions (built on the one role policy, cxlean/org/roles.py).

* **Facilitator** — leads a session of a unit: a coordinator of the unit, or someone of
  the unit's part of the tree whose trainee plan has a goal in a deck's
  "facilitator's competence activity" (a trainee learning to lead games). The person
  who leads a session, and the unit's coordinators, run it.
* **Players** join with the session's code (the code is the invitation) and act only
  for their own team: place cards, submit, write the team's idea; they score the other
  teams' presentations, never their own.
* **Management** reads everything and changes nothing; superusers do everything.
* **Others** see the sessions of their part of the tree and the ones they play in;
  nothing of other units.
* **Decks**: organisation-wide decks are catalogue data (the CX owner edits them);
  a unit's own decks (made from its plan or journey) are edited by its coordinators.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cxlean.competence.models import Goal
from cxlean.games.models import Deck, GameSession, Presentation, SessionStatus, Team, TeamMember
from cxlean.org.roles import (
    coordinates_unit,
    is_coordinator,
    may_edit_catalogue,
    may_write,
    sees_everything,
    unit_neighbourhood,
)

if TYPE_CHECKING:
    from cxlean.org.models import Unit


def leads_games_as_trainee(user) -> bool:
    """Their trainee plan has a goal in an activity that leading a game counts toward."""
    if not user.is_authenticated:
        return False
    lead_activities = Deck.objects.exclude(lead_activity=None).values("lead_activity")
    return Goal.objects.filter(plan__person=user, activity__in=lead_activities).exists()


def may_facilitate(user, unit: Unit | None = None) -> bool:
    """May start a session for `unit` (without a unit: for some unit at all)."""
    if not may_write(user):
        return False
    if unit is None:
        return is_coordinator(user) or leads_games_as_trainee(user)
    if coordinates_unit(user, unit):
        return True
    in_reach = unit_neighbourhood(user).filter(pk=unit.pk).exists()
    return in_reach and leads_games_as_trainee(user)


def may_run(user, session: GameSession) -> bool:
    """Open the lobby, start the round, reveal, deal task cards, finish, edit teams."""
    if not may_write(user):
        return False
    return session.facilitator_id == user.pk or coordinates_unit(user, session.unit)


def may_view(user, session: GameSession) -> bool:
    return GameSession.objects.visible_to(user).filter(pk=session.pk).exists()


def may_read_all(user) -> bool:
    return sees_everything(user)


def team_of(user, session: GameSession) -> Team | None:
    """The team `user` plays in in `session`, or None."""
    if not user.is_authenticated:
        return None
    member = TeamMember.objects.select_related("team").filter(session=session, user=user).first()
    return member.team if member else None


def may_act_for(user, team: Team) -> bool:
    """Place, unplace, submit, write the idea: only a member of the team."""
    if not may_write(user):
        return False
    return TeamMember.objects.filter(team=team, user=user).exists()


def may_score(user, presentation: Presentation) -> bool:
    """The facilitator (or a coordinator running the session) and the people of the
    other teams; never a member of the presenting team."""
    if not may_write(user):
        return False
    team = presentation.team
    if TeamMember.objects.filter(team=team, user=user).exists():
        return False
    session = team.session
    if may_run(user, session):
        return True
    return TeamMember.objects.filter(session=session, user=user).exists()


def may_send_to_backlog(user, presentation: Presentation) -> bool:
    """Whoever runs the session, or a member of the presenting team."""
    session = presentation.team.session
    return may_run(user, session) or may_act_for(user, presentation.team)


def may_write_idea(user, presentation: Presentation) -> bool:
    """Those who may send the idea, until the game has finished."""
    finished = presentation.team.session.status == SessionStatus.FINISHED
    return not finished and may_send_to_backlog(user, presentation)


def may_edit_deck(user, deck: Deck) -> bool:
    if deck.unit_id is None:
        return may_edit_catalogue(user)
    return coordinates_unit(user, deck.unit)
