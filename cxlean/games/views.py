"""The game pages: a unit's games (sessions, leaderboard, team progress), starting a
session, joining with a code, a team's timeline on the phone, the facilitator's
control page and big screen, the presentation round and the results.

Every change goes through cxlean/games/services.py, which asks cxlean/games/rules.py
who may (the API does the same): a refusal is a `PermissionDenied` (403) or a
`ValidationError` whose message the page shows. What a person sees is
`GameSession.objects.visible_to` (anything else is a 404). A team's timeline is shown
to its members, to whoever runs the session and to management (read only); another
team's players get a 403, so nobody peeks during the round.

The team's timeline and the big screen poll with htmx. A poll says what it shows
(`?seen=`); nothing changed is a 204, which htmx leaves alone, so a phone's focus stays
where it is. The state comes from the server, so a phone that reconnects, a second
phone of the team and a late joiner all see the same timeline.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Avg, Count, Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cxlean.core.forms import add_model_errors, error_messages
from cxlean.core.typed import AuthenticatedRequest
from cxlean.games import rules, services
from cxlean.games.forms import (
    IdeaForm,
    JoinForm,
    MoveForm,
    ScoreForm,
    SessionForm,
    TeamChoiceForm,
    UnitFilterForm,
)
from cxlean.games.models import (
    Card,
    GameSession,
    Placement,
    Presentation,
    PresentationScore,
    SessionStatus,
    Slot,
    Submission,
    Team,
    TeamMember,
)
from cxlean.org.models import Unit
from cxlean.org.roles import home_unit_id, may_write, sees_everything, unit_neighbourhood

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

GET_POST = ["GET", "POST"]
BOARD_POLL_SECONDS = 4
SCREEN_POLL_SECONDS = 3
CONTROL_POLL_SECONDS = 5
LEADERBOARD_SHOWN = 10
SESSIONS_SHOWN = 200
FINISHED_SHOWN = 20
RUNNING = (SessionStatus.PLAYING, SessionStatus.REVEAL, SessionStatus.PRESENTATION)
UPCOMING = (SessionStatus.SCHEDULED, SessionStatus.LOBBY)


# --- finding things -------------------------------------------------------------------------


def visible_session(request: AuthenticatedRequest, pk: int) -> GameSession:
    return get_object_or_404(
        GameSession.objects.visible_to(request.user).select_related("unit", "deck", "facilitator"),
        pk=pk,
    )


def session_team(request: AuthenticatedRequest, pk: int, team_pk: int) -> tuple[GameSession, Team]:
    session = visible_session(request, pk)
    team = get_object_or_404(Team, session=session, pk=team_pk)
    team.session = session
    return session, team


def require_runner(request: AuthenticatedRequest, session: GameSession) -> None:
    if not rules.may_run(request.user, session):
        raise PermissionDenied(_("Only the session's facilitator or a coordinator runs it."))


def may_watch_team(user, session: GameSession, team: Team) -> bool:
    """The team's own timeline: its members, whoever runs the session, management."""
    return (
        rules.may_read_all(user)
        or rules.may_run(user, session)
        or TeamMember.objects.filter(team=team, user=user).exists()
    )


def play_url(session: GameSession, team: Team) -> str:
    return reverse("games:team", args=[session.pk, team.pk])


def refuse(request: AuthenticatedRequest, reasons: list[str]) -> None:
    """Why nothing changed, as messages on the next page."""
    for reason in reasons:
        messages.error(request, reason)


def digest(*parts: Any) -> str:
    return hashlib.sha1(repr(parts).encode(), usedforsecurity=False).hexdigest()[:16]


# --- a unit's games ------------------------------------------------------------------------


def visible_units(user):
    return Unit.objects.all() if sees_everything(user) else unit_neighbourhood(user)


def opening_units(user) -> list[int | None]:
    """The units the games page opens on, first choice first: the unit of the last game
    the viewer played in or led (a player of a team plays in its department's games, and
    must find them, the leaderboard and the progress there), else their own unit."""
    last = (
        GameSession.objects.filter(Q(teams__members__user=user) | Q(facilitator=user))
        .order_by("-created_at", "-pk")
        .values_list("unit_id", flat=True)
        .first()
    )
    return [last, home_unit_id(user)]


@dataclass
class SessionSection:
    key: str
    title: str
    sessions: list[GameSession]
    empty: str


@require_GET
def home(request: AuthenticatedRequest) -> HttpResponse:
    """The games of a unit (and its sub-units): running, coming and finished sessions,
    the leaderboard over its finished games, each team's progress; and the games the
    viewer plays in elsewhere."""
    user = request.user
    units = visible_units(user).order_by("path")
    unit = None
    if "unit" in request.GET:
        try:
            unit = units.filter(pk=int(request.GET["unit"])).first()
        except (TypeError, ValueError):
            unit = None
        if unit is None:
            raise Http404(_("No such unit."))
    else:
        choices = opening_units(user)
        shown = units.filter(pk__in=[pk for pk in choices if pk])
        unit = min(shown, key=lambda shown_unit: choices.index(shown_unit.pk), default=None)
    unit = unit or units.order_by("path").first()
    listed: list[GameSession] = []
    if unit is not None:
        listed = list(
            GameSession.objects.visible_to(user)
            .filter(unit__path__startswith=unit.path)
            .select_related("unit", "deck", "facilitator")
            .annotate(team_count=Count("teams", distinct=True))
            .order_by("-created_at", "-pk")[:SESSIONS_SHOWN]
        )
    mine = list(
        GameSession.objects.filter(teams__members__user=user)
        .exclude(status=SessionStatus.FINISHED)
        .select_related("unit", "deck")
        .distinct()
    )
    context = {
        "unit": unit,
        "units": units,
        "unit_form": UnitFilterForm(initial={"unit": unit}, units=units),
        "sections": [
            SessionSection(
                "running",
                _("Running now"),
                [s for s in listed if s.status in RUNNING],
                _("No game is running."),
            ),
            SessionSection(
                "upcoming",
                _("Scheduled games"),
                [s for s in listed if s.status in UPCOMING],
                _("No game is scheduled."),
            ),
            SessionSection(
                "finished",
                _("Finished games"),
                [s for s in listed if s.status == SessionStatus.FINISHED][:FINISHED_SHOWN],
                _("No game has been played yet."),
            ),
        ],
        "mine": mine,
        "leaderboard": services.leaderboard(unit)[:LEADERBOARD_SHOWN] if unit else [],
        "progress": services.team_progress(unit) if unit else {},
        "my_results": services.person_results(user)[:10],
        "may_start": rules.may_facilitate(user, unit) if unit else False,
        "may_play": may_write(user),
    }
    return render(request, "games/home.html", context)


@require_http_methods(GET_POST)
def session_new(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    if not rules.may_facilitate(user):
        raise PermissionDenied(
            _("Only a coordinator of the unit, or a trainee learning to lead games, leads one.")
        )
    initial = {"unit": request.GET.get("unit") or home_unit_id(user)}
    form = SessionForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            session = services.create_session(
                unit=data["unit"],
                deck=data["deck"],
                facilitator=user,
                title=data["title"],
                team_count=data["team_count"],
                team_names=form.team_name_list(),
                round_seconds=data["round_minutes"] * 60,
                speed_bonus=data["speed_bonus"],
                points_per_star=data["points_per_star"],
                scheduled_for=data["scheduled_for"],
            )
        except ValidationError as error:
            add_model_errors(form, error)
        else:
            messages.success(request, _("The game is ready. Open the lobby when the teams are."))
            return redirect("games:control", session.pk)
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "games/session_form.html", {"form": form}, status=status)


# --- joining -------------------------------------------------------------------------------


@require_http_methods(GET_POST)
def join(request: AuthenticatedRequest) -> HttpResponse:
    """Type the code from the big screen; a right one leads on to choosing a team."""
    form = JoinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = services.normalise_code(form.cleaned_data["code"])
        try:
            services.session_for_code(code)
        except ValidationError as error:
            add_model_errors(form, error)
        else:
            return redirect("games:invite", code)
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "games/join.html", {"form": form}, status=status)


@require_http_methods(GET_POST)
def invite(request: AuthenticatedRequest, code: str) -> HttpResponse:
    """The invitation: the game the code opens and its teams to choose from. Choosing
    again in the lobby moves the person; after that they stay in their team."""
    try:
        session = services.session_for_code(code)
    except ValidationError as error:
        code_form = JoinForm({"code": code})
        code_form.is_valid()
        add_model_errors(code_form, error)
        return render(request, "games/join.html", {"form": code_form}, status=404)
    member = (
        TeamMember.objects.select_related("team").filter(session=session, user=request.user).first()
    )
    form = TeamChoiceForm(
        request.POST or None,
        session=session,
        initial={"team": member.team_id if member else None},
    )
    if request.method == "POST" and form.is_valid():
        try:
            joined = services.join(user=request.user, code=code, team=form.cleaned_data["team"])
        except ValidationError as error:
            add_model_errors(form, error)
        else:
            messages.success(
                request, _("You play in %(team)s. Good luck!") % {"team": joined.team.name}
            )
            return redirect("games:team", session.pk, joined.team_id)
    teams = session.teams.annotate(size=Count("members")).order_by("number")
    context = {"session": session, "form": form, "member": member, "teams": teams, "code": code}
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "games/invite.html", context, status=status)


# --- the session page and the team's timeline -----------------------------------------------


@require_GET
def session_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Where a session's people go: their team's timeline, the control page, the big
    screen, the presentations, the results; and who plays in which team."""
    session = visible_session(request, pk)
    user = request.user
    teams = list(
        session.teams.prefetch_related(
            Prefetch("members", queryset=TeamMember.objects.select_related("user"))
        ).order_by("number")
    )
    my_team = next(
        (team for team in teams if any(m.user_id == user.pk for m in team.members.all())), None
    )
    context = {
        "session": session,
        "teams": teams,
        "my_team": my_team,
        "may_run": rules.may_run(user, session),
        "may_join": may_write(user) and session.code_is_valid() and my_team is None,
    }
    return render(request, "games/session_detail.html", context)


@require_GET
def my_team(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The viewer's own team's timeline, or the way to join."""
    session = visible_session(request, pk)
    team = rules.team_of(request.user, session)
    if team is not None:
        return redirect("games:team", session.pk, team.pk)
    if rules.may_run(request.user, session):
        return redirect("games:control", session.pk)
    if session.code_is_valid() and session.join_code:
        return redirect("games:invite", session.join_code)
    return redirect("games:detail", session.pk)


@dataclass
class BoardCard:
    """A card as the team's timeline shows it: where the team put it (None: in the
    hand) and, after the reveal, how it scored."""

    card: Card
    slot_id: int | None = None
    result: services.CardResult | None = None


@dataclass
class SlotRow:
    slot: Slot
    cards: list[BoardCard] = field(default_factory=list)


@dataclass
class Board:
    """What a team's timeline shows: the slots with the cards on them, the cards still
    in the hand, the picked card, and what the viewer may do."""

    rows: list[SlotRow]
    hand: list[BoardCard]
    picked: BoardCard | None
    submission: Submission | None
    may_act: bool
    is_open: bool
    seconds_left: int
    state: str
    members: list[TeamMember]

    @property
    def editable(self) -> bool:
        return self.may_act and self.is_open and self.submission is None

    @property
    def placed_count(self) -> int:
        return sum(len(row.cards) for row in self.rows)

    @property
    def card_count(self) -> int:
        return self.placed_count + len(self.hand)


def build_board(request: AuthenticatedRequest, session: GameSession, team: Team) -> Board:
    """The team's timeline from the database (so every phone of the team, and one that
    reconnects, sees the same), in a fixed number of queries."""
    slots = list(Slot.objects.filter(deck=session.deck_id).order_by("position", "pk"))
    placed = dict(Placement.objects.filter(team=team).values_list("card_id", "slot_id"))
    results: dict[int, services.CardResult] = {}
    if session.status in (SessionStatus.REVEAL, SessionStatus.PRESENTATION, SessionStatus.FINISHED):
        results = {r.card_id: r for r in services.card_results(session).get(team.pk, [])}
    cards = [
        BoardCard(card, placed.get(card.pk), results.get(card.pk))
        for card in Card.objects.filter(deck=session.deck_id)
        .select_related("correct_slot")
        .order_by("order", "pk")
    ]
    rows = {slot.pk: SlotRow(slot) for slot in slots}
    hand = []
    for shown in cards:
        if shown.slot_id in rows:
            rows[shown.slot_id].cards.append(shown)
        else:
            hand.append(shown)
    pick = request.GET.get("pick") or request.POST.get("pick") or ""
    picked = next((shown for shown in cards if str(shown.card.pk) == pick), None)
    submission = Submission.objects.filter(team=team).first()
    members = list(team.members.select_related("user"))
    is_open = session.round_is_open()
    state = digest(
        session.status,
        is_open,
        submission.pk if submission else 0,
        sorted(placed.items()),
        sorted(member.user_id for member in members),
        pick,
    )
    return Board(
        rows=list(rows.values()),
        hand=hand,
        picked=picked,
        submission=submission,
        may_act=rules.may_act_for(request.user, team),
        is_open=is_open,
        seconds_left=session.seconds_left(),
        state=state,
        members=members,
    )


def team_context(request: AuthenticatedRequest, session: GameSession, team: Team) -> dict[str, Any]:
    return {
        "session": session,
        "team": team,
        "board": build_board(request, session, team),
        "poll": BOARD_POLL_SECONDS,
    }


@require_GET
def team_page(request: AuthenticatedRequest, pk: int, team_pk: int) -> HttpResponse:
    """A team's timeline, on the phone: pick a card, place it, submit."""
    session, team = session_team(request, pk, team_pk)
    if not may_watch_team(request.user, session, team):
        raise PermissionDenied(_("You play in another team: you see only your own timeline."))
    return render(request, "games/team.html", team_context(request, session, team))


@require_GET
def team_board(request: AuthenticatedRequest, pk: int, team_pk: int) -> HttpResponse:
    """The timeline as a fragment, for a tap that picks a card and for the poll (204
    when nothing changed since `?seen=`)."""
    session, team = session_team(request, pk, team_pk)
    if not may_watch_team(request.user, session, team):
        raise PermissionDenied(_("You play in another team: you see only your own timeline."))
    context = team_context(request, session, team)
    if not request.headers.get("HX-Request"):
        return render(request, "games/team.html", context)
    if request.GET.get("seen") == context["board"].state:
        return HttpResponse(status=204)
    return render(request, "games/includes/board.html", context)


def board_answer(
    request: AuthenticatedRequest,
    session: GameSession,
    team: Team,
    message: str,
    *,
    refused: bool = False,
    status: int = 200,
) -> HttpResponse:
    """After a move: the fresh board with what happened (htmx), or back to the page."""
    if not request.headers.get("HX-Request"):
        (messages.error if refused else messages.success)(request, message)
        return redirect(play_url(session, team))
    context = team_context(request, session, team) | {"message": message, "refused": refused}
    return render(request, "games/includes/board.html", context, status=status)


def move(request: AuthenticatedRequest, pk: int, team_pk: int, *, need_slot: bool) -> HttpResponse:
    session, team = session_team(request, pk, team_pk)
    form = MoveForm(request.POST, session=session, need_slot=need_slot)
    if not form.is_valid():
        return board_answer(
            request, session, team, " ".join(error_messages(form)), refused=True, status=400
        )
    card, slot = form.cleaned_data["card"], form.cleaned_data.get("slot")
    try:
        if slot is not None:
            services.place(team=team, user=request.user, card=card, slot=slot)
            message = _("“%(card)s” is on %(slot)s.") % {"card": card.text, "slot": slot.label}
        else:
            services.unplace(team=team, user=request.user, card=card)
            message = _("“%(card)s” is back in your hand.") % {"card": card.text}
    except ValidationError as error:
        return board_answer(
            request, session, team, " ".join(error.messages), refused=True, status=422
        )
    return board_answer(request, session, team, message)


@require_POST
def place_card(request: AuthenticatedRequest, pk: int, team_pk: int) -> HttpResponse:
    return move(request, pk, team_pk, need_slot=True)


@require_POST
def remove_card(request: AuthenticatedRequest, pk: int, team_pk: int) -> HttpResponse:
    return move(request, pk, team_pk, need_slot=False)


@require_POST
def submit_timeline(request: AuthenticatedRequest, pk: int, team_pk: int) -> HttpResponse:
    """Submit the team's timeline; a second submit (a double tap, the team's other
    phone) changes nothing and says so."""
    session, team = session_team(request, pk, team_pk)
    try:
        submission, created = services.submit(team=team, user=request.user)
    except ValidationError as error:
        return board_answer(
            request, session, team, " ".join(error.messages), refused=True, status=422
        )
    when = time_format(timezone.localtime(submission.submitted_at), "H:i:s")
    if created:
        message = _("Your team's timeline is submitted (speed bonus: %(bonus)s points).") % {
            "bonus": submission.bonus
        }
    else:
        message = _("Your team already submitted at %(time)s; that submission counts.") % {
            "time": when
        }
    return board_answer(request, session, team, message)


# --- running the game ----------------------------------------------------------------------

ACTIONS: dict[str, tuple[Callable[..., object], StrOrPromise]] = {
    "lobby": (
        services.open_lobby,
        gettext_lazy("Teams can join now: show the code on the big screen."),
    ),
    "start": (services.start_round, gettext_lazy("The round has started.")),
    "reveal": (services.reveal, gettext_lazy("The correct timeline is revealed.")),
    "present": (services.start_presentations, gettext_lazy("Each team has its task card.")),
    "finish": (services.finish, gettext_lazy("The game is finished; the results are kept.")),
}


def teams_with_members(session: GameSession) -> list[Team]:
    return list(
        session.teams.prefetch_related(
            Prefetch("members", queryset=TeamMember.objects.select_related("user"))
        )
        .select_related("submission")
        .order_by("number")
    )


@require_GET
def control(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The facilitator's page: one button for the next step, the code, the teams."""
    session = visible_session(request, pk)
    require_runner(request, session)
    context = {
        "session": session,
        "teams": teams_with_members(session),
        "invite_url": request.build_absolute_uri(reverse("games:invite", args=[session.join_code]))
        if session.join_code
        else "",
        "may_add_team": session.status != SessionStatus.FINISHED,
        "poll": CONTROL_POLL_SECONDS,
    }
    return render(request, "games/control.html", context)


@require_GET
def control_teams(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The control page's teams, for its poll: who joined, who submitted."""
    session = visible_session(request, pk)
    require_runner(request, session)
    context = {
        "session": session,
        "teams": teams_with_members(session),
        "poll": CONTROL_POLL_SECONDS,
    }
    return render(request, "games/includes/control_teams.html", context)


@require_POST
def control_action(request: AuthenticatedRequest, pk: int, action: str) -> HttpResponse:
    session = visible_session(request, pk)
    require_runner(request, session)
    if action not in ACTIONS:
        raise Http404(_("No such step."))
    step, done = ACTIONS[action]
    try:
        step(session, by=request.user)
    except ValidationError as error:
        refuse(request, error.messages)
    else:
        messages.success(request, done)
    if action == "present":
        return redirect("games:presentations", session.pk)
    return redirect("games:control", session.pk)


@require_POST
def team_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    session = visible_session(request, pk)
    require_runner(request, session)
    try:
        team = services.add_team(session, by=request.user, name=request.POST.get("name", ""))
    except ValidationError as error:
        refuse(request, error.messages)
    else:
        messages.success(request, _("%(team)s is added.") % {"team": team.name})
    return redirect("games:control", session.pk)


# --- the big screen ------------------------------------------------------------------------


@dataclass
class Miss:
    card: Card
    placed: Slot | None
    status: str
    points: int


@dataclass
class TeamReveal:
    score: services.TeamScore
    misses: list[Miss]


def screen_context(session: GameSession) -> dict[str, Any]:
    """The big screen's content in a fixed number of queries, whatever the teams."""
    board = services.scoreboard(session)
    revealed = session.status in (
        SessionStatus.REVEAL,
        SessionStatus.PRESENTATION,
        SessionStatus.FINISHED,
    )
    slots = list(Slot.objects.filter(deck=session.deck_id).order_by("position", "pk"))
    slot_at = {slot.position: slot for slot in slots}
    cards: list[Card] = []
    reveals: list[TeamReveal] = []
    if revealed:
        cards = list(
            Card.objects.filter(deck=session.deck_id)
            .select_related("correct_slot")
            .order_by("correct_slot__position", "order", "pk")
        )
        card_of = {card.pk: card for card in cards}
        results = services.card_results(session)
        for score in board:
            misses = [
                Miss(
                    card=card_of[result.card_id],
                    placed=slot_at.get(result.placed_position)
                    if result.placed_position is not None
                    else None,
                    status=result.status,
                    points=result.points,
                )
                for result in results.get(score.team.pk, [])
                if result.status != "exact"
            ]
            reveals.append(TeamReveal(score=score, misses=misses))
    presentations: list[Presentation] = []
    if session.status in (SessionStatus.PRESENTATION, SessionStatus.FINISHED):
        presentations = list(
            Presentation.objects.filter(team__session=session)
            .select_related("team", "task_card")
            .annotate(average=Avg("scores__value"), votes=Count("scores"))
            .order_by("team__number")
        )
    return {
        "session": session,
        "board": board,
        "revealed": revealed,
        "slots": slots,
        "cards": cards,
        "reveals": reveals,
        "presentations": presentations,
        "submitted": sum(1 for score in board if score.submitted),
        "poll": SCREEN_POLL_SECONDS,
    }


def may_see_screen(user, session: GameSession) -> bool:
    return rules.may_run(user, session) or rules.may_read_all(user)


@require_GET
def screen(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The projector: code, timer, scoreboard, reveal; it refreshes itself."""
    session = visible_session(request, pk)
    if not may_see_screen(request.user, session):
        raise PermissionDenied(_("The big screen is the facilitator's."))
    context = screen_context(session) | {"may_run": rules.may_run(request.user, session)}
    return render(request, "games/screen.html", context)


@require_GET
def screen_live(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    session = visible_session(request, pk)
    if not may_see_screen(request.user, session):
        raise PermissionDenied(_("The big screen is the facilitator's."))
    return render(request, "games/includes/screen_live.html", screen_context(session))


# --- the presentation round ---------------------------------------------------------------


@dataclass
class PresentationRow:
    """A team's presentation with its scores so far and what the viewer may do."""

    presentation: Presentation
    average: float | None
    votes: int
    my_score: int | None
    may_score: bool
    may_write: bool
    may_send: bool
    score_form: ScoreForm
    idea_form: IdeaForm


@require_GET
def presentations(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Each team's task card and idea; the others and the facilitator score 1–5."""
    session = visible_session(request, pk)
    user = request.user
    presentations = (
        Presentation.objects.filter(team__session=session)
        .select_related("team", "task_card", "backlog_item")
        .annotate(average=Avg("scores__value"), votes=Count("scores"))
        .order_by("team__number")
    )
    mine = dict(
        PresentationScore.objects.filter(
            presentation__team__session=session, scorer=user
        ).values_list("presentation_id", "value")
    )
    rows = []
    for presentation in presentations:
        presentation.team.session = session
        may_send = rules.may_send_to_backlog(user, presentation)
        rows.append(
            PresentationRow(
                presentation=presentation,
                average=presentation.average,
                votes=presentation.votes,
                my_score=mine.get(presentation.pk),
                may_score=session.status == SessionStatus.PRESENTATION
                and rules.may_score(user, presentation),
                may_write=rules.may_write_idea(user, presentation),
                may_send=may_send,
                score_form=ScoreForm(
                    initial={"value": mine.get(presentation.pk)}, prefix=f"p{presentation.pk}"
                ),
                idea_form=IdeaForm(
                    initial={"idea": presentation.idea}, prefix=f"p{presentation.pk}"
                ),
            )
        )
    context = {
        "session": session,
        "rows": rows,
        "may_run": rules.may_run(user, session),
        "my_team": rules.team_of(user, session),
    }
    return render(request, "games/presentations.html", context)


def visible_presentation(
    request: AuthenticatedRequest, pk: int, presentation_pk: int
) -> Presentation:
    session = visible_session(request, pk)
    presentation = get_object_or_404(
        Presentation.objects.select_related("team", "task_card", "backlog_item"),
        pk=presentation_pk,
        team__session=session,
    )
    presentation.team.session = session
    return presentation


def presentations_url(presentation: Presentation) -> str:
    url = reverse("games:presentations", args=[presentation.team.session_id])
    return f"{url}#team-{presentation.team.number}"


@require_POST
def presentation_score(
    request: AuthenticatedRequest, pk: int, presentation_pk: int
) -> HttpResponse:
    presentation = visible_presentation(request, pk, presentation_pk)
    form = ScoreForm(request.POST, prefix=f"p{presentation.pk}")
    if not form.is_valid():
        messages.error(request, _("Choose a score from 1 to 5."))
        return redirect(presentations_url(presentation))
    try:
        services.score_presentation(
            presentation=presentation, scorer=request.user, value=form.cleaned_data["value"]
        )
    except ValidationError as error:
        refuse(request, error.messages)
    else:
        messages.success(
            request,
            _("You gave %(team)s %(value)s of 5.")
            % {"team": presentation.team.name, "value": form.cleaned_data["value"]},
        )
    return redirect(presentations_url(presentation))


@require_POST
def presentation_idea(request: AuthenticatedRequest, pk: int, presentation_pk: int) -> HttpResponse:
    presentation = visible_presentation(request, pk, presentation_pk)
    form = IdeaForm(request.POST, prefix=f"p{presentation.pk}")
    if not form.is_valid():
        refuse(request, error_messages(form))
        return redirect(presentations_url(presentation))
    services.write_idea(
        presentation=presentation, user=request.user, idea=form.cleaned_data["idea"]
    )
    messages.success(request, _("The idea is saved."))
    return redirect(presentations_url(presentation))


@require_POST
def presentation_backlog(
    request: AuthenticatedRequest, pk: int, presentation_pk: int
) -> HttpResponse:
    """Send the team's idea to the improvement backlog; again: the same item."""
    presentation = visible_presentation(request, pk, presentation_pk)
    try:
        item, created = services.send_idea_to_backlog(presentation=presentation, by=request.user)
    except ValidationError as error:
        refuse(request, error.messages)
        return redirect(presentations_url(presentation))
    if created:
        messages.success(request, _("The idea is in the improvement backlog."))
    else:
        messages.info(request, _("The idea was already in the improvement backlog."))
    return redirect(presentations_url(presentation))


# --- results -------------------------------------------------------------------------------


@dataclass
class PersonRow:
    person: Any
    team: Team
    total: int
    rank: int


@require_GET
def results(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The session's results per team and per person, and each team's cards."""
    session = visible_session(request, pk)
    board = services.scoreboard(session)
    people = sorted(
        (
            PersonRow(person=person, team=score.team, total=score.total, rank=score.rank)
            for score in board
            for person in score.members
        ),
        key=lambda row: (row.rank, row.team.number, row.person.get_full_name()),
    )
    context = screen_context(session) | {
        "board": board,
        "people": people,
        "may_run": rules.may_run(request.user, session),
    }
    return render(request, "games/results.html", context)
