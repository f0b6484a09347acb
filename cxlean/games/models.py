"""The timeline game: challenge decks and the game sessions played with them.

A *deck* (a challenge) has *slots*, the places on the timeline (the guide's steps, a
journey's stages, the Muda/Mura/Muri bins), *cards* that each belong in one slot, and
*task cards* for the presentation round. A *session* is one game of one deck in one
unit, led by a facilitator, with 2–8 *teams*; each team places the deck's cards on its
own timeline (*placements*), submits once (*submission*), and presents a task card
(*presentation*) that the other teams and the facilitator score 1–5.

The workflows (join, place, submit, reveal, score, finish…) are in
cxlean/games/services.py, the points in cxlean/games/scoring.py, who may do what in
cxlean/games/rules.py.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cxlean.backlog.models import Item
from cxlean.competence.models import CompetenceActivity
from cxlean.core.dates import validate_sane_date
from cxlean.core.models import Created, Described, optional_link, part_of
from cxlean.core.translation import Translated
from cxlean.journeys.models import Journey
from cxlean.org.models import Unit
from cxlean.org.roles import sees_everything, unit_neighbourhood
from cxlean.plans.models import Plan

MIN_TEAMS = 2
MAX_TEAMS = 8
SCORE_VALIDATORS = [MinValueValidator(1), MaxValueValidator(5)]
SCORE_RANGE = Q(value__gte=1, value__lte=5)  # the validators, held by the database


def players_activity(help_text) -> models.ForeignKey:
    """The competence activity where taking part in a game is recorded as evidence (a
    deck's default, a session's own)."""
    return optional_link(
        CompetenceActivity,
        _("players' competence activity"),
        related_name="+",
        help_text=help_text,
    )


def facilitators_activity(help_text) -> models.ForeignKey:
    """The competence activity where leading a game is recorded (a deck's default, a
    session's own)."""
    return optional_link(
        CompetenceActivity,
        _("facilitator's competence activity"),
        related_name="+",
        help_text=help_text,
    )


# --- challenges ----------------------------------------------------------------------------


class DeckKind(models.TextChoices):
    STEPS = "steps", _("Order the steps and their activities")
    JOURNEY = "journey", _("Place touchpoints and pain points on a journey")
    WASTE = "waste", _("Sort wastes into Muda, Mura and Muri")


class DeckQuerySet(models.QuerySet):
    def visible_to(self, user) -> DeckQuerySet:
        """Organisation-wide decks for everyone signed in; a unit's own decks (made from
        its plan or journey) for its part of the tree; management everything."""
        if not user.is_authenticated:
            return self.none()
        if sees_everything(user):
            return self
        return self.filter(Q(unit__isnull=True) | Q(unit__in=unit_neighbourhood(user)))


class Deck(Described):
    """A challenge: the timeline's slots, the cards to place on it, the task cards."""

    title_sv = models.CharField(_("title (Swedish)"), max_length=160)
    title_en = models.CharField(_("title (English)"), max_length=160)
    kind = models.CharField(_("kind"), max_length=10, choices=DeckKind.choices)
    ordered = models.BooleanField(
        _("ordered timeline"),
        default=True,
        help_text=_(
            "The slots follow one another, so a card one slot off earns half its points. "
            "Off for bins without an order (Muda, Mura, Muri)."
        ),
    )
    one_card_per_slot = models.BooleanField(
        _("one card per slot"),
        default=False,
        help_text=_("Each slot takes a single card (a pure ordering challenge)."),
    )
    unit = optional_link(
        Unit,
        _("unit"),
        on_delete=models.CASCADE,
        related_name="game_decks",
        help_text=_("Empty: a deck for the whole organisation."),
    )
    plan = optional_link(Plan, _("made from rollout plan"), related_name="game_decks")
    journey = optional_link(Journey, _("made from journey"), related_name="game_decks")
    evidence_activity = players_activity(
        _("Taking part in a game of this deck is recorded as evidence here.")
    )
    lead_activity = facilitators_activity(
        _(
            "Leading a game of this deck counts toward a trainee-plan goal in this activity; "
            "a trainee with such a goal may lead games."
        )
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    history = HistoricalRecords()

    objects = DeckQuerySet.as_manager()

    title = Translated()

    class Meta:
        verbose_name = _("challenge deck")
        verbose_name_plural = _("challenge decks")
        ordering = ["kind", "title_sv", "pk"]

    def __str__(self) -> str:
        return self.title

    def max_points(self) -> int:
        return sum(card.points for card in self.cards.all())


class Slot(models.Model):
    """A place on a deck's timeline: a step, a journey stage, a waste bin."""

    deck = part_of(Deck, _("challenge deck"), related_name="slots")
    position = models.PositiveSmallIntegerField(_("position"))
    label_sv = models.CharField(_("label (Swedish)"), max_length=160)
    label_en = models.CharField(_("label (English)"), max_length=160)
    history = HistoricalRecords()

    label = Translated()

    class Meta:
        verbose_name = _("timeline slot")
        verbose_name_plural = _("timeline slots")
        ordering = ["deck", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["deck", "position"], name="games_slot_position"),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.label}"


class DeckText(models.Model):
    """A card or a task card of a deck: its text (`text_sv`, `text_en`, declared by each
    with its own label), in its `order` on the deck."""

    order = models.PositiveSmallIntegerField(_("order"), default=0)

    text = Translated()

    class Meta:
        abstract = True
        ordering = ["deck", "order", "pk"]

    def __str__(self) -> str:
        return self.text


class Card(DeckText):
    """Something to place: its text, a hint, where it belongs, why, and its points."""

    deck = part_of(Deck, _("challenge deck"), related_name="cards")
    text_sv = models.CharField(_("text (Swedish)"), max_length=300)
    text_en = models.CharField(_("text (English)"), max_length=300)
    hint_sv = models.CharField(_("hint (Swedish)"), max_length=300, blank=True)
    hint_en = models.CharField(_("hint (English)"), max_length=300, blank=True)
    correct_slot = models.ForeignKey(
        Slot, verbose_name=_("correct slot"), on_delete=models.RESTRICT, related_name="cards"
    )
    explanation_sv = models.TextField(_("explanation (Swedish)"), blank=True)
    explanation_en = models.TextField(_("explanation (English)"), blank=True)
    points = models.PositiveSmallIntegerField(
        _("points"), default=10, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    history = HistoricalRecords()

    hint = Translated()
    explanation = Translated()

    class Meta(DeckText.Meta):
        verbose_name = _("card")
        verbose_name_plural = _("cards")

    def clean(self) -> None:
        if self.correct_slot_id and self.deck_id and self.correct_slot.deck_id != self.deck_id:
            raise ValidationError({"correct_slot": _("Choose a slot of the card's own deck.")})


class TaskCard(DeckText):
    """A task for the presentation round, e.g. "remove this friction in the hand-over
    from chat to phone"."""

    deck = part_of(Deck, _("challenge deck"), related_name="task_cards")
    text_sv = models.CharField(_("task (Swedish)"), max_length=300)
    text_en = models.CharField(_("task (English)"), max_length=300)
    history = HistoricalRecords()

    class Meta(DeckText.Meta):
        verbose_name = _("task card")
        verbose_name_plural = _("task cards")


# --- sessions ------------------------------------------------------------------------------


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    LOBBY = "lobby", _("Teams joining")
    PLAYING = "playing", _("Round running")
    REVEAL = "reveal", _("Reveal")
    PRESENTATION = "presentation", _("Presentation round")
    FINISHED = "finished", _("Finished")


# Before the round: the session's settings and the teams may still change. From the
# reveal on: the correct timeline is shown.
BEFORE_ROUND = (SessionStatus.SCHEDULED, SessionStatus.LOBBY)
REVEALED = (SessionStatus.REVEAL, SessionStatus.PRESENTATION, SessionStatus.FINISHED)


class GameSessionQuerySet(models.QuerySet):
    def visible_to(self, user) -> GameSessionQuerySet:
        """Management everything; others the sessions of their part of the tree, the
        ones they lead and the ones they play in (joined with a code)."""
        if not user.is_authenticated:
            return self.none()
        if sees_everything(user):
            return self
        return self.filter(
            Q(unit__in=unit_neighbourhood(user))
            | Q(facilitator=user)
            | Q(pk__in=TeamMember.objects.filter(user=user).values("team__session"))
        )

    def finished(self) -> GameSessionQuerySet:
        return self.filter(status=SessionStatus.FINISHED)


class GameSession(Created):
    """One game of one deck in one unit."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="game_sessions"
    )
    deck = models.ForeignKey(
        Deck, verbose_name=_("challenge deck"), on_delete=models.PROTECT, related_name="sessions"
    )
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("facilitator"),
        on_delete=models.PROTECT,
        related_name="facilitated_games",
    )
    title = models.CharField(_("title"), max_length=160, blank=True)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=SessionStatus.choices,
        default=SessionStatus.SCHEDULED,
        editable=False,
    )
    scheduled_for = models.DateTimeField(
        _("scheduled for"), null=True, blank=True, validators=[validate_sane_date]
    )
    join_code = models.CharField(
        _("join code"), max_length=8, null=True, blank=True, unique=True, editable=False
    )
    code_expires_at = models.DateTimeField(_("code valid until"), null=True, editable=False)
    round_seconds = models.PositiveIntegerField(
        _("round time (seconds)"),
        default=300,
        validators=[MinValueValidator(30), MaxValueValidator(3600)],
    )
    round_started_at = models.DateTimeField(_("round started"), null=True, editable=False)
    round_ends_at = models.DateTimeField(_("round ends"), null=True, editable=False)
    speed_bonus = models.PositiveSmallIntegerField(
        _("speed bonus (points)"),
        default=10,
        validators=[MaxValueValidator(1000)],
        help_text=_(
            "The most a team earns for speed: a team that submits with a share of the round "
            "left gets that share of these points (rounded down). 0: no bonus."
        ),
    )
    points_per_star = models.PositiveSmallIntegerField(
        _("points per presentation star"),
        default=4,
        validators=[MaxValueValidator(100)],
        help_text=_("The presentation's average score (1–5) times these points is added."),
    )
    evidence_activity = players_activity(
        _("Each player's taking part is recorded as evidence here.")
    )
    lead_activity = facilitators_activity(
        _("Leading this session is recorded for the facilitator here.")
    )
    revealed_at = models.DateTimeField(_("revealed"), null=True, editable=False)
    finished_at = models.DateTimeField(_("finished"), null=True, editable=False)
    credited_at = models.DateTimeField(_("credited in competence"), null=True, editable=False)
    history = HistoricalRecords()

    objects = GameSessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("game session")
        verbose_name_plural = _("game sessions")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["unit", "status"], name="games_session_unit_status")]

    def __str__(self) -> str:
        return self.title or str(self.deck)

    @property
    def is_finished(self) -> bool:
        return self.status == SessionStatus.FINISHED

    @property
    def is_before_round(self) -> bool:
        return self.status in BEFORE_ROUND

    @property
    def is_revealed(self) -> bool:
        return self.status in REVEALED

    def clean(self) -> None:
        """The deck must be playable in the session's unit: active (for a new session or
        a new deck), organisation-wide or the unit's own (or a unit's above it), with
        slots and cards."""
        if not self.deck_id or not self.unit_id:
            return
        deck = self.deck
        saved_deck = GameSession.objects.filter(pk=self.pk).values_list("deck", flat=True)
        changed = self._state.adding or self.deck_id not in saved_deck
        if changed and not deck.active:
            raise ValidationError({"deck": _("This deck is no longer in use.")})
        if deck.unit_id is not None and not self.unit.is_within(deck.unit):
            raise ValidationError({"deck": _("This deck belongs to another unit.")})
        if changed and (not deck.slots.exists() or not deck.cards.exists()):
            raise ValidationError(
                {"deck": _("The deck needs slots and cards before it is played.")}
            )

    def round_is_open(self, now: dt.datetime | None = None) -> bool:
        now = now or timezone.now()
        return (
            self.status == SessionStatus.PLAYING
            and self.round_ends_at is not None
            and now < self.round_ends_at
        )

    def seconds_left(self, now: dt.datetime | None = None) -> int:
        """Seconds until the round closes (0 when it is not running)."""
        if not self.round_is_open(now) or self.round_ends_at is None:
            return 0
        return int((self.round_ends_at - (now or timezone.now())).total_seconds())

    def code_is_valid(self, now: dt.datetime | None = None) -> bool:
        return (
            bool(self.join_code)
            and self.code_expires_at is not None
            and (now or timezone.now()) < self.code_expires_at
            and self.status != SessionStatus.FINISHED
        )


class Team(models.Model):
    session = part_of(GameSession, _("game session"), related_name="teams")
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=80)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["session", "number"]
        constraints = [
            models.UniqueConstraint(fields=["session", "number"], name="games_team_number"),
            models.UniqueConstraint(fields=["session", "name"], name="games_team_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def refuse_taken_name(self) -> None:
        """Each team of a session has its own name (a clear message where the database
        would only refuse the duplicate)."""
        others = Team.objects.filter(session=self.session_id, name=self.name).exclude(pk=self.pk)
        if others.exists():
            raise ValidationError({"name": _("Another team already has this name.")})


class TeamMember(models.Model):
    """A person in a team; one team per person per session (`session` is the team's,
    kept here so the database can hold the rule)."""

    session = part_of(GameSession, _("game session"))
    team = part_of(Team, _("team"), related_name="members")
    user = part_of(settings.AUTH_USER_MODEL, _("person"), related_name="game_teams")
    joined_at = models.DateTimeField(_("joined"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        ordering = ["team", "joined_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="games_one_team_per_person"),
        ]

    def __str__(self) -> str:
        return f"{self.team} · {self.user}"

    def save(self, *args, **kwargs) -> None:
        self.session_id = self.team.session_id
        super().save(*args, **kwargs)


class Placement(models.Model):
    """A card on a team's timeline. Each card is placed once per team (placing it again
    moves it)."""

    team = part_of(Team, _("team"), related_name="placements")
    card = part_of(Card, _("card"), related_name="placements")
    slot = part_of(Slot, _("slot"), related_name="placements")
    placed_by = optional_link(settings.AUTH_USER_MODEL, _("placed by"), related_name="+")
    placed_at = models.DateTimeField(_("placed"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        ordering = ["team", "slot__position", "card__order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["team", "card"], name="games_card_placed_once"),
        ]

    def __str__(self) -> str:
        return f"{self.team}: {self.card} → {self.slot}"


class Submission(models.Model):
    """A team's submitted timeline: one per team; the second submit changes nothing."""

    team = models.OneToOneField(
        Team, verbose_name=_("team"), on_delete=models.CASCADE, related_name="submission"
    )
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now, editable=False)
    submitted_by = optional_link(settings.AUTH_USER_MODEL, _("submitted by"), related_name="+")
    seconds_left = models.PositiveIntegerField(_("seconds left"), default=0)
    bonus = models.PositiveSmallIntegerField(_("speed bonus"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        ordering = ["submitted_at", "pk"]

    def __str__(self) -> str:
        return str(self.team)


class Presentation(models.Model):
    """A team's task card in the presentation round and the idea it presents."""

    team = models.OneToOneField(
        Team, verbose_name=_("team"), on_delete=models.CASCADE, related_name="presentation"
    )
    task_card = optional_link(TaskCard, _("task card"), related_name="presentations")
    idea = models.TextField(_("improvement idea"), blank=True)
    backlog_item = models.OneToOneField(
        Item,
        verbose_name=_("in the backlog as"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="game_presentation",
        editable=False,
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("presentation")
        verbose_name_plural = _("presentations")
        ordering = ["team"]

    def __str__(self) -> str:
        return str(self.team)


class PresentationScore(models.Model):
    """One person's 1–5 for another team's presentation."""

    presentation = part_of(Presentation, _("presentation"), related_name="scores")
    scorer = part_of(settings.AUTH_USER_MODEL, _("scored by"))
    value = models.PositiveSmallIntegerField(_("score"), validators=SCORE_VALIDATORS)
    scored_at = models.DateTimeField(_("scored"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("presentation score")
        verbose_name_plural = _("presentation scores")
        ordering = ["presentation", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["presentation", "scorer"], name="games_one_score_per_scorer"
            ),
            models.CheckConstraint(condition=SCORE_RANGE, name="games_score_1_to_5"),
        ]

    def __str__(self) -> str:
        return f"{self.presentation}: {self.value}"
