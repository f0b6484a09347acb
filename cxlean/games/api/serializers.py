"""The timeline game over the API: decks, slots, cards, task cards, sessions, teams,
placements, submissions, presentations, scores, the scoreboard and flat results.

Texts of a deck are read in the request language (Accept-Language) next to their `_sv`
and `_en` columns. A card's answer (`correct_slot`, `explanation`) is shown to whoever
may edit the deck and to management; players see it on the session's reveal.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cxlean.core.api import (
    ModelValidatedSerializer,
    ScopedPrimaryKeyField,
    enum_field,
    label,
    name_field,
    name_of,
    translated,
    translated_fields,
)
from cxlean.games import models as games
from cxlean.games import rules
from cxlean.games.scoring import SCORING_RULES, average
from cxlean.org.roles import sees_everything

UNKNOWN_MESSAGE = _("Unknown, or not yours to see.")
DECK_EDIT_MESSAGE = _(
    "Only the CX owner changes organisation-wide decks; coordinators their units' decks."
)
DELETE_PLAYED_MESSAGE = _("A game that has been played is kept; it cannot be deleted.")
CODE_MISSING_MESSAGE = _("Enter the game's code from the big screen.")
NOT_REVEALED_MESSAGE = _("The correct timeline is shown after the reveal.")
UNIT_NEEDED_MESSAGE = _("Give a unit id.")


def visible_decks(decks, user):
    return decks.visible_to(user)


def visible_slots(slots, user):
    return slots.filter(deck__in=games.Deck.objects.visible_to(user))


def user_of(serializer: serializers.Serializer):
    return serializer.context["request"].user


# --- decks -------------------------------------------------------------------------------


class GameSlotSerializer(ModelValidatedSerializer):
    label = translated()  # type: ignore[assignment]  # the slot's label, not DRF's Field.label
    deck = ScopedPrimaryKeyField(queryset=games.Deck.objects.all(), scope=visible_decks)

    class Meta:
        model = games.Slot
        fields = ["id", "deck", "position", *translated_fields("label")]


class GameNestedSlotSerializer(serializers.ModelSerializer):
    label = translated()  # type: ignore[assignment]  # the slot's label, not DRF's Field.label

    class Meta:
        model = games.Slot
        fields = ["id", "position", *translated_fields("label")]
        read_only_fields = fields


class GameDeckSerializer(ModelValidatedSerializer):
    title = translated()
    description = translated()
    kind = enum_field(games.DeckKind.choices, "game-deck-kind")
    kind_label = label("kind")
    slots = GameNestedSlotSerializer(many=True, read_only=True)
    card_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = games.Deck
        fields = [
            "id",
            *translated_fields("title", "description"),
            "kind",
            "kind_label",
            "ordered",
            "one_card_per_slot",
            "unit",
            "plan",
            "journey",
            "evidence_activity",
            "lead_activity",
            "active",
            "slots",
            "card_count",
            "created_at",
        ]
        read_only_fields = ["plan", "journey", "created_at"]
        extra_kwargs = {
            "unit": {
                "help_text": _(
                    "Empty: an organisation-wide deck (the CX owner). A unit: its own deck "
                    "(its coordinators)."
                )
            }
        }

    def validate(self, attrs):
        attrs = super().validate(attrs)
        deck = self.would_be_instance(attrs)
        if not rules.may_edit_deck(user_of(self), deck):
            raise serializers.ValidationError(
                {
                    "unit": [
                        _(
                            "Only the CX owner makes organisation-wide decks; coordinators "
                            "make decks for the units they coordinate."
                        )
                    ]
                }
            )
        return attrs


class GameCardSerializer(ModelValidatedSerializer):
    """A card. `correct_slot` and `explanation` are null and empty for players (the
    answer): they see them at the session's reveal."""

    text = translated()
    hint = translated()
    explanation = translated()
    deck = ScopedPrimaryKeyField(queryset=games.Deck.objects.all(), scope=visible_decks)
    correct_slot = ScopedPrimaryKeyField(
        queryset=games.Slot.objects.all(), scope=visible_slots, allow_null=True
    )

    class Meta:
        model = games.Card
        fields = [
            "id",
            "deck",
            "order",
            *translated_fields("text", "hint"),
            "correct_slot",
            *translated_fields("explanation"),
            "points",
        ]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not shows_answers(user_of(self), instance.deck):
            data["correct_slot"] = None
            for name in translated_fields("explanation"):
                data[name] = ""
        return data

    def validate_correct_slot(self, value):
        if value is None:
            raise serializers.ValidationError(_("Choose the card's slot."))
        return value


def shows_answers(user, deck: games.Deck) -> bool:
    return sees_everything(user) or rules.may_edit_deck(user, deck)


class GameTaskCardSerializer(ModelValidatedSerializer):
    text = translated()
    deck = ScopedPrimaryKeyField(queryset=games.Deck.objects.all(), scope=visible_decks)

    class Meta:
        model = games.TaskCard
        fields = ["id", "deck", "order", *translated_fields("text")]


class GameDeckFromPlanSerializer(serializers.Serializer):
    plan = serializers.IntegerField(help_text=_("A rollout plan of a unit you coordinate."))


class GameDeckFromJourneySerializer(serializers.Serializer):
    journey = serializers.IntegerField(help_text=_("A customer journey of a unit you coordinate."))


# --- sessions ----------------------------------------------------------------------------


class GameMemberSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="user_id", read_only=True)
    name = serializers.SerializerMethodField()

    def get_name(self, member) -> str | None:
        return name_of(member.user)


class GameTeamSerializer(serializers.ModelSerializer):
    members = GameMemberSerializer(many=True, read_only=True)
    submitted = serializers.SerializerMethodField()

    class Meta:
        model = games.Team
        fields = ["id", "session", "number", "name", "members", "submitted"]
        read_only_fields = ["session", "number"]

    def get_submitted(self, team) -> bool:
        return hasattr(team, "submission")

    def validate_name(self, value: str) -> str:
        if self.instance is not None:
            renamed = games.Team(pk=self.instance.pk, session_id=self.instance.session_id)
            renamed.name = value
            try:
                renamed.refuse_taken_name()
            except DjangoValidationError as error:
                raise serializers.ValidationError(error.message_dict["name"]) from error
        return value


class GameSessionSerializer(ModelValidatedSerializer):
    status = enum_field(games.SessionStatus.choices, "game-session-status", read_only=True)
    status_label = label("status")
    facilitator_name = name_field("facilitator")
    seconds_left = serializers.SerializerMethodField()
    teams = GameTeamSerializer(many=True, read_only=True)
    deck = ScopedPrimaryKeyField(queryset=games.Deck.objects.all(), scope=visible_decks)

    class Meta:
        model = games.GameSession
        fields = [
            "id",
            "title",
            "unit",
            "deck",
            "facilitator",
            "facilitator_name",
            "status",
            "status_label",
            "scheduled_for",
            "join_code",
            "code_expires_at",
            "round_seconds",
            "round_started_at",
            "round_ends_at",
            "seconds_left",
            "speed_bonus",
            "points_per_star",
            "evidence_activity",
            "lead_activity",
            "revealed_at",
            "finished_at",
            "created_at",
            "teams",
        ]
        read_only_fields = ["unit", "facilitator", "join_code", "code_expires_at", "created_at"]

    def get_seconds_left(self, session) -> int:
        return session.seconds_left()

    def validate(self, attrs):
        if self.instance is not None and not self.instance.is_before_round:
            raise serializers.ValidationError(
                _("A session is changed before its round starts; this one has started.")
            )
        return super().validate(attrs)


class GameSessionCreateSerializer(serializers.Serializer):
    """A new session (status scheduled): the facilitator is the requesting person."""

    unit = serializers.IntegerField()
    deck = serializers.IntegerField()
    title = serializers.CharField(max_length=160, required=False, allow_blank=True, default="")
    team_count = serializers.IntegerField(
        min_value=games.MIN_TEAMS, max_value=games.MAX_TEAMS, default=3
    )
    team_names = serializers.ListField(
        child=serializers.CharField(max_length=80),
        required=False,
        max_length=games.MAX_TEAMS,
        help_text=_("Names of the teams; when given, their number is the team count."),
    )
    round_seconds = serializers.IntegerField(min_value=30, max_value=3600, default=300)
    speed_bonus = serializers.IntegerField(min_value=0, max_value=1000, default=10)
    points_per_star = serializers.IntegerField(min_value=0, max_value=100, default=4)
    scheduled_for = serializers.DateTimeField(required=False, allow_null=True, default=None)
    evidence_activity = serializers.IntegerField(required=False, allow_null=True, default=None)
    lead_activity = serializers.IntegerField(required=False, allow_null=True, default=None)


class GameJoinSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    session = serializers.IntegerField(required=False, allow_null=True, default=None)
    team = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("Without a team: the smallest team."),
    )


class GameMembershipSerializer(serializers.Serializer):
    session = serializers.IntegerField(source="team.session_id")
    team = serializers.IntegerField(source="team_id")
    team_name = serializers.CharField(source="team.name")


class GameAddTeamSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=80, required=False, allow_blank=True, default="")


class GamePlaceSerializer(serializers.Serializer):
    card = serializers.IntegerField()
    slot = serializers.IntegerField()


class GameUnplaceSerializer(serializers.Serializer):
    card = serializers.IntegerField()


class GamePlacementSerializer(serializers.ModelSerializer):
    placed_by_name = name_field("placed_by")

    class Meta:
        model = games.Placement
        fields = ["id", "team", "card", "slot", "placed_by", "placed_by_name", "placed_at"]
        read_only_fields = fields


class GameSubmissionSerializer(serializers.ModelSerializer):
    submitted_by_name = name_field("submitted_by")

    class Meta:
        model = games.Submission
        fields = [
            "id",
            "team",
            "submitted_at",
            "submitted_by",
            "submitted_by_name",
            "seconds_left",
            "bonus",
        ]
        read_only_fields = fields


class GameSubmitResultSerializer(serializers.Serializer):
    created = serializers.BooleanField(help_text=_("False when the team had already submitted."))
    submission = GameSubmissionSerializer()


class GamePresentationSerializer(serializers.ModelSerializer):
    task = serializers.CharField(source="task_card.text", read_only=True, default="")
    average = serializers.SerializerMethodField()

    class Meta:
        model = games.Presentation
        fields = ["id", "team", "task_card", "task", "idea", "backlog_item", "average"]
        read_only_fields = ["team", "task_card", "backlog_item"]

    @extend_schema_field(serializers.FloatField(allow_null=True))
    def get_average(self, presentation):
        return average([score.value for score in presentation.scores.all()])


class GameScoreInputSerializer(serializers.Serializer):
    value = serializers.IntegerField(min_value=1, max_value=5)


class GamePresentationScoreSerializer(serializers.ModelSerializer):
    scorer_name = name_field("scorer")

    class Meta:
        model = games.PresentationScore
        fields = ["id", "presentation", "scorer", "scorer_name", "value", "scored_at"]
        read_only_fields = fields


class GameBacklogResultSerializer(serializers.Serializer):
    item = serializers.IntegerField(help_text=_("The improvement in the backlog."))
    created = serializers.BooleanField(help_text=_("False when the idea had been sent before."))


# --- scores ------------------------------------------------------------------------------


SCORE_HELP = _("See the scoring rules: %(rules)s") % {"rules": SCORING_RULES}


class GameTeamScoreSerializer(serializers.Serializer):
    team = serializers.IntegerField(source="team.pk")
    team_name = serializers.CharField(source="team.name")
    placement_points = serializers.IntegerField(
        help_text=_(
            "Exact slot: the card's points; one slot off on an ordered deck: half, rounded "
            "down; elsewhere or missing: 0."
        )
    )
    max_points = serializers.IntegerField()
    bonus = serializers.IntegerField(
        help_text=_(
            "Speed bonus: the session's bonus times the share of the round left at "
            "submission, rounded down."
        )
    )
    presentation_average = serializers.FloatField(allow_null=True)
    presentation_points = serializers.IntegerField(
        help_text=_("The presentation's average score times the session's points per star.")
    )
    total = serializers.IntegerField(help_text=SCORE_HELP)
    rank = serializers.IntegerField(help_text=_("Equal totals share a rank."))
    submitted_at = serializers.DateTimeField(allow_null=True)
    exact = serializers.IntegerField()
    one_off = serializers.IntegerField()
    missing = serializers.IntegerField()


class GameCardResultSerializer(serializers.Serializer):
    card = serializers.IntegerField(source="card_id")
    correct_position = serializers.IntegerField()
    placed_position = serializers.IntegerField(allow_null=True)
    points = serializers.IntegerField()
    max_points = serializers.IntegerField()
    status = serializers.ChoiceField(choices=["exact", "one_off", "wrong", "missing"])


class GameTeamRevealSerializer(serializers.Serializer):
    team = serializers.IntegerField()
    cards = GameCardResultSerializer(many=True)


class GameLeaderRowSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    person = serializers.IntegerField(source="person.pk")
    person_name = serializers.SerializerMethodField()
    sessions = serializers.IntegerField()
    challenges = serializers.IntegerField()
    points = serializers.IntegerField()
    wins = serializers.IntegerField()
    best_rank = serializers.IntegerField(allow_null=True)

    def get_person_name(self, row) -> str | None:
        return name_of(row.person)


class GameProgressPointSerializer(serializers.Serializer):
    session = serializers.IntegerField(source="session.pk")
    session_title = serializers.CharField(source="session.__str__")
    finished_at = serializers.DateTimeField(source="session.finished_at", allow_null=True)
    total = serializers.IntegerField()
    max_points = serializers.IntegerField(help_text=_("The placement points possible."))
    share = serializers.FloatField(
        help_text=_("Placement points out of the placement points possible (0–1).")
    )
    rank = serializers.IntegerField()


class GameTeamProgressSerializer(serializers.Serializer):
    team_name = serializers.CharField()
    games = GameProgressPointSerializer(many=True)


class GameResultRowSerializer(serializers.Serializer):
    """One person in one finished session: a flat row for reporting tools."""

    session = serializers.IntegerField()
    session_title = serializers.CharField()
    finished_at = serializers.DateTimeField(allow_null=True)
    unit = serializers.IntegerField()
    unit_name = serializers.CharField()
    deck = serializers.IntegerField()
    deck_kind = serializers.CharField()
    team = serializers.IntegerField()
    team_name = serializers.CharField()
    teams = serializers.IntegerField()
    person = serializers.IntegerField(allow_null=True)
    person_name = serializers.CharField(allow_null=True)
    placement_points = serializers.IntegerField()
    max_points = serializers.IntegerField()
    bonus = serializers.IntegerField()
    presentation_average = serializers.FloatField(allow_null=True)
    presentation_points = serializers.IntegerField()
    total = serializers.IntegerField()
    rank = serializers.IntegerField()
