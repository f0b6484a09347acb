"""The timeline game's workflows. Web views, API viewsets and the admin call these; each
checks who may (cxlean/games/rules.py) and validates before it saves.

Errors: `PermissionDenied` (django.core.exceptions) when the person may not; a
`ValidationError` with a message for the person (a dict keyed by field where one field
is at fault) when the game's state or the input forbids it. Neither is ever a 500.

Session lifecycle: scheduled → lobby → playing → reveal → presentation → finished.

    create_session(*, unit, deck, facilitator, title="", team_count=3, team_names=None,
                   round_seconds=300, speed_bonus=10, points_per_star=4, scheduled_for=None,
                   evidence_activity=None, lead_activity=None) -> GameSession
        PermissionDenied: facilitator may not lead games in the unit.
        ValidationError: team_count outside 2–8; deck not usable in the unit; deck without
        slots or cards.
    add_team(session, *, by, name="") -> Team
        PermissionDenied (not running it); ValidationError: already 8 teams, finished.
    open_lobby(session, *, by) -> GameSession      (gives a fresh join code)
        PermissionDenied; ValidationError: the session is past the lobby.
    join(*, user, code=None, session=None, team=None) -> TeamMember
        Idempotent: joining again returns the membership (a phone reconnecting). With
        `team` given in the lobby, moves the person there. Late joining while the round
        runs is allowed (into `team` or the smallest team).
        ValidationError {"code": ...}: unknown or expired code; {"team": ...}: a team of
        another session, or changing team after the round started; session finished.
        PermissionDenied: management (reads only) or not signed in.
    start_round(session, *, by, now=None) -> GameSession
        PermissionDenied; ValidationError: not in the lobby (or scheduled).
    place(*, team, user, card, slot, now=None) -> Placement   (placing again moves it)
        PermissionDenied: not a member of `team`.
        ValidationError: round not running / closed; team already submitted; card or
        slot of another deck; slot already holds a card on a one-card-per-slot deck.
    unplace(*, team, user, card, now=None) -> None
        As `place`.
    submit(*, team, user, now=None) -> tuple[Submission, bool]   (created?)
        Idempotent: a second submit returns the first submission, created False.
        PermissionDenied: not a member. ValidationError: the round has closed ("The round
        closed at 10:15; the timeline was not submitted…"), round not started.
    reveal(session, *, by, now=None) -> GameSession   (closes the round if still open)
        PermissionDenied; ValidationError: no round played yet.
    start_presentations(session, *, by) -> list[Presentation]  (deals task cards)
        PermissionDenied; ValidationError: not revealed yet.
    write_idea(*, presentation, user, idea) -> Presentation
        PermissionDenied: neither the team nor whoever runs the session.
        ValidationError {"idea": ...}: the idea is in the backlog already.
    score_presentation(*, presentation, scorer, value) -> PresentationScore
        (scoring again changes the score)
        PermissionDenied: own team, not in the session, management.
        ValidationError {"value": ...}: not 1–5; not in the presentation round.
    finish(session, *, by, now=None) -> GameSession
        Records taking part as evidence on the session's players' competence activity
        and leading it on the facilitator's activity (raising the self-assessed level to
        the trainee goal's level, for sign-off); once per session.
        PermissionDenied; ValidationError: not revealed yet.
    send_idea_to_backlog(*, presentation, by) -> tuple[Item, bool]   (created?)
        Idempotent; the item and the presentation point at each other.
        PermissionDenied; ValidationError {"idea": ...}: no idea written.
    deck_from_plan(*, plan, by) -> Deck; deck_from_journey(*, journey, by) -> Deck
        PermissionDenied: not a coordinator of the plan's / journey's unit.
        ValidationError: nothing to make cards from.

Reading (no permission check: pass what the person may see):

    scoreboard(session) -> list[TeamScore]      (constant number of queries, by rank)
    card_results(session) -> dict[team_id, list[CardResult]]   (the reveal)
    team_misses(team) -> list[CardResult]      (cards not on their exact slot)
    leaderboard(unit) -> list[LeaderRow]       (people, over the unit's finished sessions)
    team_progress(unit) -> dict[str, list[ProgressPoint]]   (per team name, over time)
    person_results(user) -> list[PersonResult] (one person's games, newest first)
    result_rows(sessions) -> list[dict]        (flat: one row per person and session)
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone, translation
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext as _

from cxlean.backlog.models import Item, Source
from cxlean.competence.models import Goal, Record
from cxlean.core.names import display_name
from cxlean.games import rules, scoring
from cxlean.games.models import (
    MAX_TEAMS,
    MIN_TEAMS,
    Card,
    Deck,
    DeckKind,
    GameSession,
    Placement,
    Presentation,
    PresentationScore,
    SessionStatus,
    Slot,
    Submission,
    TaskCard,
    Team,
    TeamMember,
)
from cxlean.org.roles import coordinates_unit, may_write

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from cxlean.competence.models import CompetenceActivity
    from cxlean.journeys.models import Journey
    from cxlean.org.models import Unit
    from cxlean.plans.models import Plan

# Letters and digits nobody mistakes for one another on a projector (no 0/O, 1/I/L).
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
CODE_VALID = dt.timedelta(hours=12)


# --- setting up --------------------------------------------------------------------------


def _refuse_unless_runs(user, session: GameSession) -> None:
    if not rules.may_run(user, session):
        raise PermissionDenied(_("Only the session's facilitator or a coordinator runs it."))


def _lock(session: GameSession) -> GameSession:
    """Locks the session's row until the transaction ends and reloads its state, so that
    two clicks at the same moment (two tabs, a double tap) run one after the other and
    the second sees what the first did. Call inside `transaction.atomic()`."""
    session.refresh_from_db(from_queryset=GameSession.objects.select_for_update())
    return session


def create_session(
    *,
    unit: Unit,
    deck: Deck,
    facilitator: User,
    title: str = "",
    team_count: int = 3,
    team_names: list[str] | None = None,
    round_seconds: int = 300,
    speed_bonus: int = 10,
    points_per_star: int = 4,
    scheduled_for: dt.datetime | None = None,
    evidence_activity: CompetenceActivity | None = None,
    lead_activity: CompetenceActivity | None = None,
) -> GameSession:
    if not rules.may_facilitate(facilitator, unit):
        raise PermissionDenied(
            _("Only a coordinator of the unit, or a trainee learning to lead games, leads one.")
        )
    names = [name.strip() for name in team_names or [] if name.strip()]
    count = len(names) or team_count
    if not MIN_TEAMS <= count <= MAX_TEAMS:
        raise ValidationError(
            {
                "team_count": _("A game has %(min)s to %(max)s teams.")
                % {"min": MIN_TEAMS, "max": MAX_TEAMS}
            }
        )
    if len(set(names)) != len(names):
        raise ValidationError({"team_names": _("Give each team its own name.")})
    session = GameSession(
        unit=unit,
        deck=deck,
        facilitator=facilitator,
        created_by=facilitator,
        title=title.strip(),
        round_seconds=round_seconds,
        speed_bonus=speed_bonus,
        points_per_star=points_per_star,
        scheduled_for=scheduled_for,
        evidence_activity=evidence_activity or deck.evidence_activity,
        lead_activity=lead_activity or deck.lead_activity,
    )
    session.full_clean()
    with transaction.atomic():
        session.save()
        for number in range(1, count + 1):
            name = names[number - 1] if names else _("Team %(number)s") % {"number": number}
            Team.objects.create(session=session, number=number, name=name)
    return session


def add_team(session: GameSession, *, by, name: str = "") -> Team:
    _refuse_unless_runs(by, session)
    if session.is_finished:
        raise ValidationError(_("The game has finished."))
    with transaction.atomic():
        numbers = list(
            Team.objects.select_for_update()
            .filter(session=session)
            .values_list("number", flat=True)
        )
        if len(numbers) >= MAX_TEAMS:
            raise ValidationError(_("A game has at most %(max)s teams.") % {"max": MAX_TEAMS})
        number = max(numbers, default=0) + 1
        team = Team(
            session=session,
            number=number,
            name=name.strip() or _("Team %(number)s") % {"number": number},
        )
        team.refuse_taken_name()
        team.save()
        return team


def _new_code() -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _position in range(CODE_LENGTH))
        if not GameSession.objects.filter(join_code=code).exists():
            return code


def open_lobby(session: GameSession, *, by, now: dt.datetime | None = None) -> GameSession:
    """Teams may join: a fresh code, valid for twelve hours or until the game ends."""
    _refuse_unless_runs(by, session)
    now = now or timezone.now()
    with transaction.atomic():
        if not _lock(session).is_before_round:
            raise ValidationError(_("The game has already started."))
        session.status = SessionStatus.LOBBY
        session.join_code = _new_code()
        session.code_expires_at = now + CODE_VALID
        session.save(update_fields=["status", "join_code", "code_expires_at"])
    return session


def normalise_code(code: str) -> str:
    return "".join(code.split()).upper()


def session_for_code(code: str, now: dt.datetime | None = None) -> GameSession:
    """The session the code opens. ValidationError {"code": ...} when none does."""
    code = normalise_code(code or "")
    session = GameSession.objects.filter(join_code=code).first() if code else None
    if session is None:
        raise ValidationError(
            {"code": _("No game has this code. Check the code on the big screen.")}
        )
    if not session.code_is_valid(now):
        raise ValidationError(
            {"code": _("This code has expired. Ask the facilitator for the game's new code.")}
        )
    return session


def join(
    *,
    user,
    code: str | None = None,
    session: GameSession | None = None,
    team: Team | None = None,
    now: dt.datetime | None = None,
) -> TeamMember:
    if not may_write(user):
        raise PermissionDenied(_("Management follows games but does not play."))
    if session is None:
        session = session_for_code(code or "", now)
    if session.is_finished:
        raise ValidationError(_("The game has finished."))
    if team is not None and team.session_id != session.pk:
        raise ValidationError({"team": _("Choose a team of this game.")})
    with transaction.atomic():
        member = (
            TeamMember.objects.select_for_update()
            .select_related("team")
            .filter(session=session, user=user)
            .first()
        )
        if member is not None:
            if team is None or member.team_id == team.pk:
                return member  # joining again: a phone reconnecting
            if session.status not in (SessionStatus.SCHEDULED, SessionStatus.LOBBY):
                raise ValidationError({"team": _("Teams are fixed once the round has started.")})
            member.team = team
            member.save(update_fields=["team"])
            return member
        if session.is_revealed:
            raise ValidationError(
                _("The round is over and the timeline revealed: the game takes no new players.")
            )
        team = team or _smallest_team(session)
        try:
            with transaction.atomic():
                return TeamMember.objects.create(session=session, team=team, user=user)
        except IntegrityError:  # joined at the same moment from a second tab
            return TeamMember.objects.select_related("team").get(session=session, user=user)


def _smallest_team(session: GameSession) -> Team:
    team = (
        Team.objects.filter(session=session)
        .annotate(size=Count("members"))
        .order_by("size", "number")
        .first()
    )
    if team is None:
        raise ValidationError({"team": _("The game has no teams yet.")})
    return team


def start_round(session: GameSession, *, by, now: dt.datetime | None = None) -> GameSession:
    _refuse_unless_runs(by, session)
    now = now or timezone.now()
    with transaction.atomic():
        if not _lock(session).is_before_round:
            raise ValidationError(_("The round has already been played."))
        session.status = SessionStatus.PLAYING
        session.round_started_at = now
        session.round_ends_at = now + dt.timedelta(seconds=session.round_seconds)
        session.save(update_fields=["status", "round_started_at", "round_ends_at"])
    return session


# --- playing -----------------------------------------------------------------------------


def _refuse_unless_member(user, team: Team) -> None:
    if not rules.may_act_for(user, team):
        raise PermissionDenied(_("You play in another team: you act only for your own."))


def _round_closed_message(session: GameSession) -> str:
    ends = session.round_ends_at
    if session.status in (SessionStatus.SCHEDULED, SessionStatus.LOBBY) or ends is None:
        return _("The round has not started yet.")
    return _("The round closed at %(time)s; the timeline can no longer be changed.") % {
        "time": time_format(timezone.localtime(ends), "H:i")
    }


def _refuse_unless_open(team: Team, now: dt.datetime | None) -> None:
    session = team.session
    if not session.round_is_open(now):
        raise ValidationError(_round_closed_message(session))
    if Submission.objects.filter(team=team).exists():
        raise ValidationError(_("Your team has submitted its timeline."))


def _lock_team(team: Team) -> None:
    """One change to a team's timeline at a time (placing, taking off, submitting): the
    team's row is locked until the transaction ends, and a submission that came first
    closes the timeline. Call inside `transaction.atomic()`."""
    Team.objects.select_for_update().filter(pk=team.pk).first()
    if Submission.objects.filter(team=team).exists():
        raise ValidationError(_("Your team has submitted its timeline."))


def place(*, team: Team, user, card: Card, slot: Slot, now: dt.datetime | None = None) -> Placement:
    _refuse_unless_member(user, team)
    _refuse_unless_open(team, now)
    deck_id = team.session.deck_id
    if card.deck_id != deck_id:
        raise ValidationError({"card": _("This card belongs to another challenge.")})
    if slot.deck_id != deck_id:
        raise ValidationError({"slot": _("This place belongs to another challenge.")})
    with transaction.atomic():
        _lock_team(team)
        if team.session.deck.one_card_per_slot:
            taken = Placement.objects.filter(team=team, slot=slot).exclude(card=card).first()
            if taken is not None:
                raise ValidationError(
                    {"slot": _("This place already holds a card: move that one first.")}
                )
        placement, _created = Placement.objects.update_or_create(
            team=team, card=card, defaults={"slot": slot, "placed_by": user}
        )
    return placement


def unplace(*, team: Team, user, card: Card, now: dt.datetime | None = None) -> None:
    _refuse_unless_member(user, team)
    _refuse_unless_open(team, now)
    with transaction.atomic():
        _lock_team(team)
        for placement in Placement.objects.filter(team=team, card=card):
            placement.delete()  # one by one, so that history records the removal


def submit(*, team: Team, user, now: dt.datetime | None = None) -> tuple[Submission, bool]:
    _refuse_unless_member(user, team)
    existing = Submission.objects.filter(team=team).first()
    if existing is not None:
        return existing, False  # a double tap, or a second phone of the team
    session = team.session
    now = now or timezone.now()
    if not session.round_is_open(now):
        message = _round_closed_message(session)
        if session.round_ends_at is not None and session.status != SessionStatus.SCHEDULED:
            message = _(
                "The round closed at %(time)s, so the timeline was not submitted; it counts as "
                "it stood when the round closed, without a speed bonus."
            ) % {"time": time_format(timezone.localtime(session.round_ends_at), "H:i")}
        raise ValidationError(message)
    left = session.seconds_left(now)
    try:
        with transaction.atomic():
            _lock_team(team)  # waits for a placement under way
            submission = Submission.objects.create(
                team=team,
                submitted_by=user,
                submitted_at=now,
                seconds_left=left,
                bonus=scoring.speed_bonus(session.speed_bonus, left, session.round_seconds),
            )
    except (IntegrityError, ValidationError):  # the team's other phone submitted just now
        return Submission.objects.get(team=team), False
    return submission, True


def reveal(session: GameSession, *, by, now: dt.datetime | None = None) -> GameSession:
    _refuse_unless_runs(by, session)
    now = now or timezone.now()
    with transaction.atomic():
        if _lock(session).is_revealed:
            return session  # revealed already (a second click on the big screen)
        if session.status != SessionStatus.PLAYING:
            raise ValidationError(_("Play the round before the reveal."))
        session.status = SessionStatus.REVEAL
        session.revealed_at = now
        if session.round_ends_at is None or session.round_ends_at > now:
            session.round_ends_at = now  # the facilitator ends the round early
        session.save(update_fields=["status", "revealed_at", "round_ends_at"])
    return session


# --- presentation round ------------------------------------------------------------------


def start_presentations(session: GameSession, *, by) -> list[Presentation]:
    """Deal each team a task card (shuffled, the same way each time for a session)."""
    _refuse_unless_runs(by, session)
    with transaction.atomic():
        if _lock(session).is_finished:
            raise ValidationError(_("The game has finished."))
        if session.status not in (SessionStatus.REVEAL, SessionStatus.PRESENTATION):
            raise ValidationError(_("Reveal the timeline before the presentation round."))
        teams = list(session.teams.all())
        tasks = list(TaskCard.objects.filter(deck=session.deck_id))
        random.Random(session.pk).shuffle(tasks)
        presentations = []
        for index, team in enumerate(teams):
            task = tasks[index % len(tasks)] if tasks else None
            presentation, _created = Presentation.objects.get_or_create(
                team=team, defaults={"task_card": task}
            )
            presentations.append(presentation)
        if session.status != SessionStatus.PRESENTATION:
            session.status = SessionStatus.PRESENTATION
            session.save(update_fields=["status"])
    return presentations


def write_idea(*, presentation: Presentation, user, idea: str) -> Presentation:
    if not rules.may_send_to_backlog(user, presentation):
        raise PermissionDenied(_("Only the team and the facilitator write the team's idea."))
    if not rules.may_write_idea(user, presentation):
        raise ValidationError({"idea": _("The game has finished: its ideas stay as they are.")})
    with transaction.atomic():
        sent = (
            Presentation.objects.select_for_update()
            .filter(pk=presentation.pk)
            .values_list("backlog_item", flat=True)
            .first()
        )
        if sent is not None:
            raise ValidationError(
                {"idea": _("The idea is in the backlog already: go on with it there.")}
            )
        presentation.idea = idea.strip()
        presentation.save(update_fields=["idea"])
    return presentation


def score_presentation(*, presentation: Presentation, scorer, value: int) -> PresentationScore:
    if not rules.may_score(scorer, presentation):
        raise PermissionDenied(
            _(
                "The other teams and the facilitator score a presentation; "
                "a team never scores its own."
            )
        )
    if presentation.team.session.status != SessionStatus.PRESENTATION:
        raise ValidationError(_("Presentations are scored during the presentation round."))
    if value not in range(1, 6):
        raise ValidationError({"value": _("Score from 1 to 5.")})
    score, _created = PresentationScore.objects.update_or_create(
        presentation=presentation, scorer=scorer, defaults={"value": value}
    )
    return score


def send_idea_to_backlog(*, presentation: Presentation, by) -> tuple[Item, bool]:
    """The team's idea as an improvement idea in the session's unit. Twice: the item
    made the first time."""
    if not rules.may_send_to_backlog(by, presentation):
        raise PermissionDenied(_("Only the team and the facilitator send the team's idea."))
    with transaction.atomic():
        presentation = (
            # Only the presentation's row: PostgreSQL locks no nullable side of a join.
            Presentation.objects.select_for_update(of=("self",))
            .select_related("team__session", "backlog_item", "task_card")
            .get(pk=presentation.pk)
        )
        if presentation.backlog_item is not None:
            return presentation.backlog_item, False
        idea = presentation.idea.strip()
        if not idea:
            raise ValidationError(
                {"idea": _("Write the team's idea before sending it to the backlog.")}
            )
        session = presentation.team.session
        lines = [idea]
        if presentation.task_card is not None:
            lines.append(_("Task card: %(task)s") % {"task": presentation.task_card.text})
        lines.append(
            _("From the timeline game “%(session)s”, team %(team)s.")
            % {"session": session, "team": presentation.team}
        )
        item = Item.objects.create(
            title=idea.splitlines()[0][:200],
            description="\n\n".join(lines),
            unit=session.unit,
            submitted_by=by,
            source=Source.EMPLOYEE,
        )
        presentation.backlog_item = item
        presentation.save(update_fields=["backlog_item"])
    return item, True


# --- finishing and competence credit -----------------------------------------------------


def finish(session: GameSession, *, by, now: dt.datetime | None = None) -> GameSession:
    _refuse_unless_runs(by, session)
    now = now or timezone.now()
    with transaction.atomic():
        if not _lock(session).is_revealed:
            raise ValidationError(_("Reveal the timeline before finishing the game."))
        if session.status != SessionStatus.FINISHED:
            session.status = SessionStatus.FINISHED
            session.finished_at = now
            session.save(update_fields=["status", "finished_at"])
        if session.credited_at is None:
            credit_competence(session)
            session.credited_at = now
            session.save(update_fields=["credited_at"])
    return session


def credit_competence(session: GameSession) -> None:
    """Taking part, as evidence on the players' activity (each player's own record);
    leading, on the facilitator's activity, where a trainee-plan goal in it raises the
    self-assessed level to the goal's level so that the mentor or coordinator signs it
    off. The evidence is written in the organisation's language."""
    with translation.override(settings.LANGUAGE_CODE):
        day = date_format(timezone.localdate(session.finished_at or timezone.now()))
        if session.evidence_activity_id is not None:
            rows = {row.team.pk: row for row in scoreboard(session)}
            members = TeamMember.objects.filter(session=session).select_related("team", "user")
            for member in members:
                row = rows.get(member.team_id)
                line = _(
                    "%(day)s: took part in the timeline game “%(session)s” in team %(team)s "
                    "(place %(rank)s of %(teams)s, %(points)s points)."
                ) % {
                    "day": day,
                    "session": session,
                    "team": member.team,
                    "rank": row.rank if row else "–",
                    "teams": len(rows),
                    "points": row.total if row else 0,
                }
                _add_evidence(member.user, session.evidence_activity_id, line)
        if session.lead_activity_id is not None:
            teams = session.teams.count()
            line = _("%(day)s: led the timeline game “%(session)s” with %(teams)s teams.") % {
                "day": day,
                "session": session,
                "teams": teams,
            }
            record = _add_evidence(session.facilitator, session.lead_activity_id, line)
            goal = Goal.objects.filter(
                plan__person=session.facilitator, activity_id=session.lead_activity_id
            ).first()
            if goal is not None and record.self_level < goal.target_level:
                record.assess(goal.target_level)
                record.save()


def _add_evidence(person, activity_id: int, line: str) -> Record:
    record, _created = Record.objects.get_or_create(person=person, activity_id=activity_id)
    if line not in record.evidence_text:
        record.evidence_text = f"{record.evidence_text.rstrip()}\n{line}".strip()
        record.save(update_fields=["evidence_text", "updated_at"])
    return record


# --- decks from a unit's own plan or journey ---------------------------------------------


GENERIC_TASK = (
    "Välj kortet som ert lag tyckte var svårast och föreslå en förbättring som gör det "
    "steget enklare för kunden.",
    "Pick the card your team found hardest and propose one improvement that makes that "
    "step easier for the customer.",
)


# A unit deck's title (before the plan's or journey's name) and description, in Swedish
# and English, by kind.
UNIT_DECK_TEXTS = {
    DeckKind.STEPS: (
        ("Tidslinjen", "Timeline"),
        ("Lägg planens aktiviteter i rätt fas.", "Put the plan's activities in the right phase."),
    ),
    DeckKind.JOURNEY: (
        ("Kundresan", "Customer journey"),
        (
            "Placera kontaktpunkter och smärtpunkter i rätt skede av kundresan.",
            "Place touchpoints and pain points in the right stage of the journey.",
        ),
    ),
}


def _unit_deck(
    kind: DeckKind, labels: list[str], **source: Plan | Journey
) -> tuple[Deck, list[Slot]]:
    """An ordered deck of a unit's own, made from its plan or journey (`plan=` or
    `journey=`), with one slot per label in order. The unit's own names read the same
    in Swedish and English."""
    (made_from,) = source.values()
    (title_sv, title_en), (description_sv, description_en) = UNIT_DECK_TEXTS[kind]
    deck = Deck.objects.create(
        title_sv=f"{title_sv}: {made_from.name}",
        title_en=f"{title_en}: {made_from.name}",
        description_sv=description_sv,
        description_en=description_en,
        kind=kind,
        ordered=True,
        unit=made_from.unit,
        **source,
    )
    slots = [
        Slot.objects.create(deck=deck, position=position, label_sv=label, label_en=label)
        for position, label in enumerate(labels, start=1)
    ]
    return deck, slots


def deck_from_plan(*, plan: Plan, by) -> Deck:
    """A "steps" deck from a rollout plan: its phases are the slots, its activities the
    cards."""
    if not coordinates_unit(by, plan.unit):
        raise PermissionDenied(_("Only a coordinator of the plan's unit makes a deck from it."))
    phases = list(plan.phases.prefetch_related("activities").order_by("order", "pk"))
    if not any(phase.activities.all() for phase in phases):
        raise ValidationError(_("The plan has no activities to make cards from."))
    with transaction.atomic():
        deck, slots = _unit_deck(DeckKind.STEPS, [phase.title for phase in phases], plan=plan)
        for phase, slot in zip(phases, slots, strict=True):
            for activity in phase.activities.all():
                Card.objects.create(
                    deck=deck,
                    order=activity.order,
                    text_sv=activity.title[:300],
                    text_en=activity.title[:300],
                    correct_slot=slot,
                    explanation_sv=activity.description,
                    explanation_en=activity.description,
                )
        TaskCard.objects.create(deck=deck, text_sv=GENERIC_TASK[0], text_en=GENERIC_TASK[1])
    return deck


def deck_from_journey(*, journey: Journey, by) -> Deck:
    """A "journey" deck: the stages are the slots; each touchpoint and each friction of a
    hand-over (a pain point, at the stage it starts in) is a card; each friction is also
    a task card."""
    if not coordinates_unit(by, journey.unit):
        raise PermissionDenied(_("Only a coordinator of the journey's unit makes a deck from it."))
    stages = list(
        journey.stages.prefetch_related("touchpoints__transitions_out__target").order_by(
            "order", "pk"
        )
    )
    if not any(stage.touchpoints.all() for stage in stages):
        raise ValidationError(_("The journey has no touchpoints to make cards from."))
    with transaction.atomic():
        labels = [stage.name for stage in stages]
        deck, slots = _unit_deck(DeckKind.JOURNEY, labels, journey=journey)
        order = 0
        for stage, slot in zip(stages, slots, strict=True):
            for touchpoint in stage.touchpoints.all():
                order += 1
                Card.objects.create(
                    deck=deck,
                    order=order,
                    text_sv=touchpoint.name,
                    text_en=touchpoint.name,
                    correct_slot=slot,
                    explanation_sv=touchpoint.description,
                    explanation_en=touchpoint.description,
                )
                for transition in touchpoint.transitions_out.all():
                    friction = transition.friction.strip()
                    if not friction:
                        continue
                    order += 1
                    pain = f"{touchpoint.name} → {transition.target.name}: {friction}"[:300]
                    Card.objects.create(
                        deck=deck, order=order, text_sv=pain, text_en=pain, correct_slot=slot
                    )
                    TaskCard.objects.create(
                        deck=deck,
                        order=order,
                        text_sv=f"Ta bort friktionen i överlämningen {pain}"[:300],
                        text_en=f"Remove the friction in the hand-over {pain}"[:300],
                    )
        if not deck.task_cards.exists():
            TaskCard.objects.create(deck=deck, text_sv=GENERIC_TASK[0], text_en=GENERIC_TASK[1])
    return deck


# --- reading: scores, the reveal, leaderboards -------------------------------------------


@dataclass
class CardResult:
    card_id: int
    correct_position: int
    placed_position: int | None
    points: int  # earned
    max_points: int
    ordered: bool = True

    @property
    def status(self) -> str:
        """exact, one_off, wrong or missing (one off even where half a one-point card
        rounds down to nothing)."""
        if self.placed_position is None:
            return "missing"
        if self.placed_position == self.correct_position:
            return "exact"
        one_off = scoring.is_one_off(self.correct_position, self.placed_position, self.ordered)
        return "one_off" if one_off else "wrong"


@dataclass
class TeamScore:
    team: Team
    placement_points: int = 0
    max_points: int = 0
    bonus: int = 0
    presentation_average: float | None = None
    presentation_points: int = 0
    total: int = 0
    rank: int = 0
    submitted_at: dt.datetime | None = None
    exact: int = 0
    one_off: int = 0
    missing: int = 0
    members: list = field(default_factory=list)

    @property
    def submitted(self) -> bool:
        return self.submitted_at is not None


def _score_sessions(
    sessions: list[GameSession],
) -> tuple[dict[int, list[TeamScore]], dict[int, list[CardResult]]]:
    """Scores and card results of several sessions in a fixed number of queries."""
    session_ids = [session.pk for session in sessions]
    deck_of = {session.pk: session.deck_id for session in sessions}
    ordered = dict(Deck.objects.filter(pk__in=deck_of.values()).values_list("pk", "ordered"))
    cards: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    for card_id, deck_id, points, position in Card.objects.filter(
        deck__in=deck_of.values()
    ).values_list("pk", "deck_id", "points", "correct_slot__position"):
        cards[deck_id].append((card_id, points, position))
    teams = list(
        Team.objects.filter(session__in=session_ids)
        .select_related("submission")
        .prefetch_related("members__user")
        .order_by("session", "number")
    )
    placed: dict[int, dict[int, int]] = defaultdict(dict)
    for team_id, card_id, position in Placement.objects.filter(
        team__session__in=session_ids
    ).values_list("team_id", "card_id", "slot__position"):
        placed[team_id][card_id] = position
    votes: dict[int, list[int]] = defaultdict(list)
    for team_id, value in PresentationScore.objects.filter(
        presentation__team__session__in=session_ids
    ).values_list("presentation__team_id", "value"):
        votes[team_id].append(value)
    per_star = {session.pk: session.points_per_star for session in sessions}

    boards: dict[int, list[TeamScore]] = {session_id: [] for session_id in session_ids}
    results: dict[int, list[CardResult]] = {}
    for team in teams:
        deck_id = deck_of[team.session_id]
        team_results = [
            CardResult(
                card_id=card_id,
                correct_position=position,
                placed_position=placed[team.pk].get(card_id),
                points=scoring.card_points(
                    points, position, placed[team.pk].get(card_id), ordered[deck_id]
                ),
                max_points=points,
                ordered=ordered[deck_id],
            )
            for card_id, points, position in cards[deck_id]
        ]
        results[team.pk] = team_results
        submission = getattr(team, "submission", None)
        row = TeamScore(
            team=team,
            placement_points=sum(result.points for result in team_results),
            max_points=sum(result.max_points for result in team_results),
            bonus=submission.bonus if submission else 0,
            presentation_average=scoring.average(votes[team.pk]),
            presentation_points=scoring.presentation_points(
                votes[team.pk], per_star[team.session_id]
            ),
            submitted_at=submission.submitted_at if submission else None,
            exact=sum(result.status == "exact" for result in team_results),
            one_off=sum(result.status == "one_off" for result in team_results),
            missing=sum(result.status == "missing" for result in team_results),
            members=[member.user for member in team.members.all()],
        )
        row.total = row.placement_points + row.bonus + row.presentation_points
        boards[team.session_id].append(row)
    for rows in boards.values():
        for row, rank in zip(rows, scoring.ranks(row.total for row in rows), strict=True):
            row.rank = rank
        rows.sort(key=lambda row: (row.rank, row.team.number))
    return boards, results


def scoreboard(session: GameSession) -> list[TeamScore]:
    """The teams by rank with their points (see cxlean/games/scoring.py)."""
    return _score_sessions([session])[0][session.pk]


def card_results(session: GameSession) -> dict[int, list[CardResult]]:
    """Each team's cards (by team pk): where they put them, where they belong, points."""
    return _score_sessions([session])[1]


def team_misses(team: Team) -> list[CardResult]:
    """The team's cards that are not on their exact slot (one off, wrong, missing)."""
    results = card_results(team.session).get(team.pk, [])
    return [result for result in results if result.status != "exact"]


@dataclass
class LeaderRow:
    person: User
    sessions: int = 0
    challenges: int = 0
    points: int = 0
    wins: int = 0
    best_rank: int | None = None
    rank: int = 0


@dataclass
class ProgressPoint:
    session: GameSession
    total: int
    placement_points: int
    max_points: int
    rank: int

    @property
    def share(self) -> float:
        """Placement points out of the possible (0–1): comparable across decks. The speed
        bonus and the presentation points count in `total` and `rank`, not here."""
        return self.placement_points / self.max_points if self.max_points else 0.0


@dataclass
class PersonResult:
    session: GameSession
    team: Team
    total: int
    rank: int
    teams: int


def _finished_sessions(unit: Unit) -> list[GameSession]:
    return list(
        GameSession.objects.finished()
        .filter(unit__path__startswith=unit.path)
        .select_related("deck")
        .order_by("finished_at", "pk")
    )


def leaderboard(unit: Unit) -> list[LeaderRow]:
    """People of the unit's finished sessions (its sub-units included): points are the
    totals of the teams they played in; by points, then wins."""
    sessions = _finished_sessions(unit)
    boards, _results = _score_sessions(sessions)
    deck_of = {session.pk: session.deck_id for session in sessions}
    rows: dict[int, LeaderRow] = {}
    decks: dict[int, set[int]] = defaultdict(set)
    for session_id, board in boards.items():
        for score in board:
            for person in score.members:
                row = rows.setdefault(person.pk, LeaderRow(person=person))
                row.sessions += 1
                row.points += score.total
                row.wins += score.rank == 1
                row.best_rank = min(score.rank, row.best_rank or score.rank)
                decks[person.pk].add(deck_of[session_id])
    ordered = sorted(rows.values(), key=lambda row: (-row.points, -row.wins, row.person.pk))
    for row in ordered:
        row.challenges = len(decks[row.person.pk])
    for row, rank in zip(ordered, scoring.ranks(row.points for row in ordered), strict=True):
        row.rank = rank
    return ordered


def team_progress(unit: Unit) -> dict[str, list[ProgressPoint]]:
    """Per team name (teams that keep their name from game to game), its games in order."""
    sessions = _finished_sessions(unit)
    boards, _results = _score_sessions(sessions)
    progress: dict[str, list[ProgressPoint]] = defaultdict(list)
    for session in sessions:
        for score in boards[session.pk]:
            progress[score.team.name].append(
                ProgressPoint(
                    session=session,
                    total=score.total,
                    placement_points=score.placement_points,
                    max_points=score.max_points,
                    rank=score.rank,
                )
            )
    return dict(progress)


def person_results(user) -> list[PersonResult]:
    """The finished games a person played, newest first."""
    sessions = list(
        GameSession.objects.finished()
        .filter(Q(teams__members__user=user))
        .select_related("deck", "unit")
        .order_by("-finished_at", "-pk")
        .distinct()
    )
    boards, _results = _score_sessions(sessions)
    results = []
    for session in sessions:
        board = boards[session.pk]
        for score in board:
            if any(person.pk == user.pk for person in score.members):
                results.append(
                    PersonResult(
                        session=session,
                        team=score.team,
                        total=score.total,
                        rank=score.rank,
                        teams=len(board),
                    )
                )
    return results


def result_rows(sessions: list[GameSession]) -> list[dict]:
    """One row per person and session (a team without members: one row without a
    person): the flat results of the API and the Excel export. The sessions come with
    their unit and deck (`select_related`); the rest takes a fixed number of queries."""
    boards, _results = _score_sessions(sessions)
    rows = []
    for session in sessions:
        board = boards[session.pk]
        for score in sorted(board, key=lambda row: row.team.number):
            common = {
                "session": session.pk,
                "session_title": str(session),
                "finished_at": session.finished_at,
                "unit": session.unit_id,
                "unit_name": session.unit.name,
                "deck": session.deck_id,
                "deck_kind": session.deck.kind,
                "team": score.team.pk,
                "team_name": score.team.name,
                "teams": len(board),
                "placement_points": score.placement_points,
                "max_points": score.max_points,
                "bonus": score.bonus,
                "presentation_average": score.presentation_average,
                "presentation_points": score.presentation_points,
                "total": score.total,
                "rank": score.rank,
            }
            people = score.members or [None]
            for person in people:
                rows.append(
                    {
                        **common,
                        "person": person.pk if person else None,
                        "person_name": display_name(person) if person else None,
                    }
                )
    return rows
