"""The timeline game over the API, under /api/v1/games/.

Who sees what is the models' `visible_to` (anything else is a 404); who may do what is
cxlean/games/rules.py, asked by the services (403 with the rule's message). A
refusal by the game's state (the round has closed, a wrong code) is a 400 with the
message. Management reads everything and gets 403 on every write.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from cxlean.competence.models import CompetenceActivity
from cxlean.core.api import RowsPagination, api_errors, documented, query_id
from cxlean.games import models as games
from cxlean.games import rules, services
from cxlean.games.api import serializers as s
from cxlean.journeys.models import Journey
from cxlean.org.api_permissions import is_read, is_signed_in, refuses_read_only
from cxlean.org.models import Unit
from cxlean.org.roles import coordinated_units, sees_everything, unit_neighbourhood
from cxlean.plans.models import Plan

TAGS = ["games"]


@contextmanager
def game_errors() -> Iterator[None]:
    """A service's refusals as the API answers them: who may not, 403 with the rule's
    message; what the game's state forbids, 400 with field messages."""
    try:
        yield
    except DjangoPermissionDenied as error:
        raise PermissionDenied(str(error) or None) from error
    except DjangoValidationError as error:
        raise api_errors(error) from error


class GamePermission(BasePermission):
    """Everyone signed in reads what the queryset shows; management writes nothing;
    changes to an object are the viewset's `may_change(user, obj)`; the game's own
    actions are checked by the services."""

    message = _("Only whoever runs the game (or edits the deck) changes this.")

    def has_permission(self, request, view) -> bool:
        return is_signed_in(request) and not refuses_read_only(self, request)

    def has_object_permission(self, request, view, obj) -> bool:
        if is_read(request) or view.action not in ("update", "partial_update", "destroy"):
            return True
        return view.may_change(request.user, obj)


class GameViewSet(viewsets.GenericViewSet):
    permission_classes = [GamePermission]

    def may_change(self, user, obj) -> bool:
        return False


# Rows that belong to a game session (teams and what they do): those of the sessions
# the person sees. `session_path` leads from the row to its session; `queryset` says
# what each row is read with. (No docstring: the schema would show it.)
class SessionPartViewSet(GameViewSet):
    session_path = "team__session"

    def get_queryset(self) -> QuerySet:
        visible = games.GameSession.objects.visible_to(self.request.user)
        return super().get_queryset().filter(**{f"{self.session_path}__in": visible})


# --- decks -------------------------------------------------------------------------------


class DeckPartViewSet(GameViewSet, viewsets.ModelViewSet):
    """Slots, cards and task cards: read with the deck, changed by who edits the deck."""

    filterset_fields = ["deck"]
    ordering = ["deck", "id"]

    def get_queryset(self) -> QuerySet:
        visible = games.Deck.objects.visible_to(self.request.user)
        return super().get_queryset().filter(deck__in=visible)

    def may_change(self, user, obj) -> bool:
        return rules.may_edit_deck(user, obj.deck)

    def perform_create(self, serializer) -> None:
        self.save_in_editable_deck(serializer)

    def perform_update(self, serializer) -> None:
        self.save_in_editable_deck(serializer)

    def save_in_editable_deck(self, serializer) -> None:
        """The deck the row ends up in must be one the person edits too: moving a card
        into a deck someone else edits is refused like adding one there."""
        deck = serializer.validated_data.get("deck") or serializer.instance.deck
        if not rules.may_edit_deck(self.request.user, deck):
            raise PermissionDenied(s.DECK_EDIT_MESSAGE)
        serializer.save()


@documented(
    TAGS,
    list=(
        "List the challenge decks you can see",
        "Organisation-wide decks for everyone signed in; a unit's own decks (made from its "
        "plan or journey) for its part of the tree. Each deck with its slots (the timeline).",
    ),
    retrieve="A challenge deck with its slots",
    create=(
        "Create a challenge deck",
        "Without `unit`: an organisation-wide deck (the CX owner). With a unit: that unit's "
        "deck (its coordinators).",
    ),
    changes=("a challenge deck", "the CX owner; coordinators for their units' decks"),
)
class DeckViewSet(GameViewSet, viewsets.ModelViewSet):
    serializer_class = s.GameDeckSerializer
    filterset_fields = ["kind", "unit", "active"]
    search_fields = ["title_sv", "title_en"]
    ordering_fields = ["title_sv", "title_en", "kind", "id"]
    ordering = ["kind", "title_sv", "id"]

    def get_queryset(self) -> games.DeckQuerySet:
        return (
            games.Deck.objects.visible_to(self.request.user)
            .annotate(card_count=Count("cards"))
            .prefetch_related("slots")
        )

    def may_change(self, user, obj) -> bool:
        return rules.may_edit_deck(user, obj)

    def output(self, deck: games.Deck, code: int = status.HTTP_201_CREATED) -> Response:
        deck = self.get_queryset().get(pk=deck.pk)
        return Response(self.get_serializer(deck).data, status=code)

    @extend_schema(
        summary="Make a deck from a rollout plan (coordinators of its unit)",
        description="The plan's phases become the slots, its activities the cards.",
        request=s.GameDeckFromPlanSerializer,
        responses={201: s.GameDeckSerializer},
    )
    @action(detail=False, methods=["post"], url_path="from-plan")
    def from_plan(self, request) -> Response:
        params = s.GameDeckFromPlanSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        plan = get_object_or_404(Plan.objects.visible_to(request.user), pk=params.data["plan"])
        return self.made(lambda: services.deck_from_plan(plan=plan, by=request.user))

    @extend_schema(
        summary="Make a deck from a customer journey (coordinators of its unit)",
        description="The stages become the slots; touchpoints and the frictions of their "
        "hand-overs (pain points) the cards; each friction a task card.",
        request=s.GameDeckFromJourneySerializer,
        responses={201: s.GameDeckSerializer},
    )
    @action(detail=False, methods=["post"], url_path="from-journey")
    def from_journey(self, request) -> Response:
        params = s.GameDeckFromJourneySerializer(data=request.data)
        params.is_valid(raise_exception=True)
        journeys = Journey.objects.visible_to(request.user)
        journey = get_object_or_404(journeys, pk=params.data["journey"])
        return self.made(lambda: services.deck_from_journey(journey=journey, by=request.user))

    def made(self, make) -> Response:
        """A deck made by a service (from a plan or a journey): 201 with the deck."""
        with game_errors():
            deck = make()
        return self.output(deck)

    def perform_create(self, serializer) -> None:
        serializer.save()


def deck_part(thing: str, listing: str | tuple[str, str]):
    """The schema's words for the endpoints of one kind of deck part (`thing`)."""
    return documented(
        TAGS,
        list=listing,
        retrieve=f"A {thing}",
        create=f"Add a {thing} to a deck (who edits the deck)",
        changes=(f"a {thing}", "who edits the deck"),
    )


@deck_part("slot", "List the slots (the places on a deck's timeline; `?deck=`)")
class SlotViewSet(DeckPartViewSet):
    serializer_class = s.GameSlotSerializer
    queryset = games.Slot.objects.all()
    ordering = ["deck", "position", "id"]


@deck_part(
    "card",
    (
        "List the cards (`?deck=`)",
        "A card's answer (`correct_slot`, `explanation`) is shown to who edits the deck and "
        "to management; players see it at the session's reveal.",
    ),
)
class CardViewSet(DeckPartViewSet):
    serializer_class = s.GameCardSerializer
    queryset = games.Card.objects.select_related("deck__unit")
    ordering = ["deck", "order", "id"]


@deck_part("task card", "List the task cards of the presentation round (`?deck=`)")
class TaskCardViewSet(DeckPartViewSet):
    serializer_class = s.GameTaskCardSerializer
    queryset = games.TaskCard.objects.all()
    ordering = ["deck", "order", "id"]


# --- sessions ----------------------------------------------------------------------------


def sessions_for(user) -> QuerySet[games.GameSession]:
    return (
        games.GameSession.objects.visible_to(user)
        .select_related("facilitator", "deck", "unit")
        .prefetch_related(
            Prefetch(
                "teams",
                games.Team.objects.select_related("submission").prefetch_related("members__user"),
            )
        )
    )


def run_action(method_name: str, summary: str, description: str):
    """A POST on a session that calls `services.<method_name>(session, by=user)`."""

    def run(self, request, pk=None):
        session = self.get_object()
        with game_errors():
            getattr(services, method_name)(session, by=request.user)
        return self.output(session)

    run.__name__ = method_name
    return extend_schema(
        summary=summary, description=description, request=None, responses=s.GameSessionSerializer
    )(action(detail=True, methods=["post"], url_path=method_name.replace("_", "-"))(run))


@documented(
    TAGS,
    list=(
        "List the game sessions you can see",
        "Management sees every session; others those of their part of the organisation "
        "tree, the ones they lead and the ones they play in. Newest first.",
    ),
    retrieve="A game session with its teams and the round's clock",
    update=(
        "Change a session before its round starts (its facilitator or a coordinator)",
        "Title, deck, time, bonus and competence activities; 400 once the round started.",
    ),
    partial_update="Change some fields of a session before its round starts",
    destroy="Delete a session (its facilitator or a coordinator of the unit)",
)
class GameSessionViewSet(GameViewSet, viewsets.ModelViewSet):
    serializer_class = s.GameSessionSerializer
    filterset_fields = ["unit", "status", "deck", "facilitator"]
    search_fields = ["title"]
    ordering_fields = ["created_at", "scheduled_for", "id"]
    ordering = ["-created_at", "-id"]

    def get_queryset(self) -> QuerySet[games.GameSession]:
        return sessions_for(self.request.user)

    def may_change(self, user, obj) -> bool:
        return rules.may_run(user, obj)

    def output(self, session: games.GameSession, code: int = status.HTTP_200_OK) -> Response:
        session = sessions_for(self.request.user).get(pk=session.pk)
        return Response(
            s.GameSessionSerializer(session, context=self.get_serializer_context()).data,
            status=code,
        )

    @extend_schema(
        summary="Start a game session (a coordinator of the unit, or a trainee learning to lead)",
        description="The requesting person leads it. 2–8 teams (`team_count`, or the names "
        "in `team_names`). The session starts as scheduled: open the lobby to give it a "
        "join code. Competence activities default to the deck's.",
        request=s.GameSessionCreateSerializer,
        responses={201: s.GameSessionSerializer},
    )
    def create(self, request, *args, **kwargs) -> Response:
        params = s.GameSessionCreateSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        user = request.user
        units = Unit.objects.all() if sees_everything(user) else unit_neighbourhood(user)
        unit = units.filter(pk=data["unit"]).first()
        deck = games.Deck.objects.visible_to(user).filter(pk=data["deck"], active=True).first()
        errors = {}
        if unit is None:
            errors["unit"] = [s.UNKNOWN_MESSAGE]
        if deck is None:
            errors["deck"] = [s.UNKNOWN_MESSAGE]
        activities = {}
        for name in ("evidence_activity", "lead_activity"):
            if data[name] is not None:
                activities[name] = CompetenceActivity.objects.filter(pk=data[name]).first()
                if activities[name] is None:
                    errors[name] = [s.UNKNOWN_MESSAGE]
        if errors or unit is None or deck is None:
            raise serializers.ValidationError(errors)
        with game_errors():
            session = services.create_session(
                unit=unit,
                deck=deck,
                facilitator=user,
                title=data["title"],
                team_count=data["team_count"],
                team_names=data.get("team_names"),
                round_seconds=data["round_seconds"],
                speed_bonus=data["speed_bonus"],
                points_per_star=data["points_per_star"],
                scheduled_for=data["scheduled_for"],
                **activities,
            )
        return self.output(session, status.HTTP_201_CREATED)

    def perform_destroy(self, instance: games.GameSession) -> None:
        if instance.status not in (games.SessionStatus.SCHEDULED, games.SessionStatus.LOBBY):
            raise serializers.ValidationError({"non_field_errors": [s.DELETE_PLAYED_MESSAGE]})
        instance.delete()

    open_lobby = run_action(
        "open_lobby",
        "Open the lobby: teams may join (gives a fresh join code)",
        "The facilitator or a coordinator of the unit. The code is valid for twelve hours "
        "or until the game finishes.",
    )
    start_round = run_action(
        "start_round",
        "Start the round",
        "The round's clock starts: `round_ends_at` is `round_seconds` from now.",
    )
    reveal = run_action(
        "reveal",
        "Reveal the correct timeline",
        "Closes the round if it still runs; the scoreboard and each team's misses open.",
    )
    finish = run_action(
        "finish",
        "Finish the game",
        "Records taking part as evidence on the players' competence activity and leading "
        "it on the facilitator's (a trainee-plan goal in it gets the goal's level to sign "
        "off); once per session.",
    )

    @extend_schema(
        summary="Deal the task cards: the presentation round starts",
        request=None,
        responses=s.GameSessionSerializer,
    )
    @action(detail=True, methods=["post"], url_path="start-presentations")
    def start_presentations(self, request, pk=None) -> Response:
        session = self.get_object()
        with game_errors():
            services.start_presentations(session, by=request.user)
        return self.output(session)

    @extend_schema(
        summary="Add a team (up to eight)",
        request=s.GameAddTeamSerializer,
        responses=s.GameSessionSerializer,
    )
    @action(detail=True, methods=["post"], url_path="add-team")
    def add_team(self, request, pk=None) -> Response:
        session = self.get_object()
        params = s.GameAddTeamSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        with game_errors():
            services.add_team(session, by=request.user, name=params.validated_data["name"])
        return self.output(session)

    @extend_schema(
        summary="Join a game with its code",
        description="Send the `code` from the big screen (or the `session` id of a session "
        "you see, as from an invitation), and optionally a `team`. Joining again answers "
        "the same membership (a phone reconnecting); a late join while the round runs is "
        "allowed. A wrong or expired code is a 400 on `code`.",
        request=s.GameJoinSerializer,
        responses=s.GameMembershipSerializer,
    )
    @action(detail=False, methods=["post"])
    def join(self, request) -> Response:
        params = s.GameJoinSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        session = None
        if data["session"] is not None:
            session = get_object_or_404(
                games.GameSession.objects.visible_to(request.user), pk=data["session"]
            )
        elif not data["code"]:
            raise serializers.ValidationError({"code": [s.CODE_MISSING_MESSAGE]})
        team = None
        if data["team"] is not None:
            team = games.Team.objects.filter(pk=data["team"]).first()
            if team is None:
                raise serializers.ValidationError({"team": [s.UNKNOWN_MESSAGE]})
        with game_errors():
            member = services.join(user=request.user, code=data["code"], session=session, team=team)
        return Response(s.GameMembershipSerializer(member).data)

    @extend_schema(
        summary="The scoreboard",
        description="The teams by rank. " + s.SCORING_RULES,
        responses=s.GameTeamScoreSerializer(many=True),
    )
    @action(detail=True, methods=["get"])
    def scoreboard(self, request, pk=None) -> Response:
        session = self.get_object()
        rows = services.scoreboard(session)
        return Response(s.GameTeamScoreSerializer(rows, many=True).data)

    @extend_schema(
        summary="The reveal: each team's cards, where they put them and where they belong",
        description="After the reveal for everyone who sees the session; before it, only "
        "for whoever runs the session (400 otherwise).",
        responses=s.GameTeamRevealSerializer(many=True),
    )
    @action(detail=True, methods=["get"], url_path="card-results")
    def card_results(self, request, pk=None) -> Response:
        session = self.get_object()
        if session.status not in games.REVEALED and not rules.may_run(request.user, session):
            raise serializers.ValidationError({"non_field_errors": [s.NOT_REVEALED_MESSAGE]})
        results = services.card_results(session)
        data = [{"team": team_id, "cards": cards} for team_id, cards in results.items()]
        return Response(s.GameTeamRevealSerializer(data, many=True).data)

    @extend_schema(
        summary="A unit's leaderboard over its finished games",
        description="People by points (the totals of the teams they played in), with the "
        "sessions, challenges and wins.",
        parameters=[OpenApiParameter("unit", OpenApiTypes.INT, required=True)],
        responses=s.GameLeaderRowSerializer(many=True),
    )
    @action(detail=False, methods=["get"])
    def leaderboard(self, request) -> Response:
        unit = visible_unit(request)
        return Response(s.GameLeaderRowSerializer(services.leaderboard(unit), many=True).data)

    @extend_schema(
        summary="A unit's team progress over its finished games",
        description="Per team name (teams that keep their name from game to game), its "
        "games in order with the total, the placement points possible and the rank.",
        parameters=[OpenApiParameter("unit", OpenApiTypes.INT, required=True)],
        responses=s.GameTeamProgressSerializer(many=True),
    )
    @action(detail=False, methods=["get"], url_path="team-progress")
    def team_progress(self, request) -> Response:
        unit = visible_unit(request)
        progress = services.team_progress(unit)
        data = [{"team_name": name, "games": games} for name, games in progress.items()]
        return Response(s.GameTeamProgressSerializer(data, many=True).data)


def visible_unit(request) -> Unit:
    unit_id = query_id(request, "unit", s.UNIT_NEEDED_MESSAGE)
    user = request.user
    units = Unit.objects.all() if sees_everything(user) else unit_neighbourhood(user)
    return get_object_or_404(units, pk=unit_id)


# --- teams and what they do ----------------------------------------------------------------


@documented(
    TAGS,
    list="List the teams of the sessions you can see (`?session=`)",
    retrieve="A team with its members",
    update="Rename a team (who runs the session)",
    partial_update="Rename a team (who runs the session)",
)
class TeamViewSet(
    SessionPartViewSet,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
):
    serializer_class = s.GameTeamSerializer
    queryset = games.Team.objects.select_related("submission", "session").prefetch_related(
        "members__user"
    )
    session_path = "session"
    filterset_fields = ["session"]
    ordering = ["session", "number"]

    def may_change(self, user, obj) -> bool:
        return rules.may_run(user, obj.session)

    @extend_schema(
        summary="Place a card on the team's timeline (members of the team)",
        description="Placing a card again moves it. 400 when the round is not running or "
        "has closed, the team has submitted, the card or slot is of another deck, or the "
        "slot already holds a card on a one-card-per-slot deck.",
        request=s.GamePlaceSerializer,
        responses=s.GamePlacementSerializer,
    )
    @action(detail=True, methods=["post"])
    def place(self, request, pk=None) -> Response:
        team = self.get_object()
        params = s.GamePlaceSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        card = games.Card.objects.filter(pk=params.validated_data["card"]).first()
        slot = games.Slot.objects.filter(pk=params.validated_data["slot"]).first()
        if card is None or slot is None:
            raise serializers.ValidationError(
                {
                    name: [s.UNKNOWN_MESSAGE]
                    for name, obj in (("card", card), ("slot", slot))
                    if obj is None
                }
            )
        with game_errors():
            placement = services.place(team=team, user=request.user, card=card, slot=slot)
        return Response(s.GamePlacementSerializer(placement).data)

    @extend_schema(
        summary="Take a card off the team's timeline (members of the team)",
        request=s.GameUnplaceSerializer,
        responses={204: None},
    )
    @action(detail=True, methods=["post"])
    def unplace(self, request, pk=None) -> Response:
        team = self.get_object()
        params = s.GameUnplaceSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        card = games.Card.objects.filter(pk=params.validated_data["card"]).first()
        if card is None:
            raise serializers.ValidationError({"card": [s.UNKNOWN_MESSAGE]})
        with game_errors():
            services.unplace(team=team, user=request.user, card=card)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Submit the team's timeline (members of the team)",
        description="Once per team: a second submit answers the first submission with "
        "`created` false. After the round has closed: 400 with the time it closed.",
        request=None,
        responses=s.GameSubmitResultSerializer,
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None) -> Response:
        team = self.get_object()
        with game_errors():
            submission, created = services.submit(team=team, user=request.user)
        return Response(
            s.GameSubmitResultSerializer({"created": created, "submission": submission}).data
        )


@documented(
    TAGS,
    list=(
        "List placements (`?team=`, `?session=`)",
        "While the round runs, players see only their own team's; after the reveal, all.",
    ),
    retrieve="A placement",
)
class PlacementViewSet(SessionPartViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    serializer_class = s.GamePlacementSerializer
    queryset = games.Placement.objects.select_related("placed_by")
    filterset_fields = {"team": ["exact"], "team__session": ["exact"]}
    ordering = ["team", "slot__position", "id"]

    def get_queryset(self) -> QuerySet[games.Placement]:
        user = self.request.user
        placements = super().get_queryset()
        if not user.is_authenticated:
            return placements.none()
        if sees_everything(user):
            return placements
        return placements.filter(
            Q(team__session__status__in=games.REVEALED)
            | Q(team__in=games.TeamMember.objects.filter(user=user).values("team"))
            | Q(team__session__facilitator=user)
            | Q(team__session__unit__in=coordinated_units(user))
        )

    def filter_queryset(self, queryset):
        if self.request.query_params.get("session") is not None:
            session = query_id(self.request, "session", s.UNKNOWN_MESSAGE)
            queryset = queryset.filter(team__session=session)
        return super().filter_queryset(queryset)


@documented(
    TAGS,
    list="List submissions (`?team=`)",
    retrieve="A submission",
)
class SubmissionViewSet(SessionPartViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    serializer_class = s.GameSubmissionSerializer
    queryset = games.Submission.objects.select_related("submitted_by")
    filterset_fields = ["team"]
    ordering = ["submitted_at", "id"]


@documented(
    TAGS,
    list="List the presentations (`?team=`)",
    retrieve="A presentation with its task and average score",
    update="Write the team's idea (the team and who runs the session)",
    partial_update="Write the team's idea (the team and who runs the session)",
)
class PresentationViewSet(
    SessionPartViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin
):
    serializer_class = s.GamePresentationSerializer
    queryset = games.Presentation.objects.select_related(
        "task_card", "team__session"
    ).prefetch_related("scores")
    filterset_fields = ["team"]
    ordering = ["team", "id"]

    def may_change(self, user, obj) -> bool:
        return rules.may_send_to_backlog(user, obj)

    def perform_update(self, serializer) -> None:
        with game_errors():
            services.write_idea(
                presentation=serializer.instance,
                user=self.request.user,
                idea=serializer.validated_data.get("idea", serializer.instance.idea),
            )

    @extend_schema(
        summary="Score a presentation 1–5",
        description="The other teams' people and the facilitator, during the presentation "
        "round; scoring again changes one's score. A team never scores itself (403).",
        request=s.GameScoreInputSerializer,
        responses=s.GamePresentationScoreSerializer,
    )
    @action(detail=True, methods=["post"])
    def score(self, request, pk=None) -> Response:
        presentation = self.get_object()
        params = s.GameScoreInputSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        with game_errors():
            score = services.score_presentation(
                presentation=presentation, scorer=request.user, value=params.validated_data["value"]
            )
        return Response(s.GamePresentationScoreSerializer(score).data)

    @extend_schema(
        summary="Send the team's idea to the backlog",
        description="The idea becomes an improvement idea in the session's unit, linked both "
        "ways; sending again answers the same item with `created` false.",
        request=None,
        responses=s.GameBacklogResultSerializer,
    )
    @action(detail=True, methods=["post"], url_path="send-to-backlog")
    def send_to_backlog(self, request, pk=None) -> Response:
        presentation = self.get_object()
        with game_errors():
            item, created = services.send_idea_to_backlog(
                presentation=presentation, by=request.user
            )
        return Response(s.GameBacklogResultSerializer({"item": item.pk, "created": created}).data)


@documented(
    TAGS,
    list="List presentation scores (`?presentation=`)",
    retrieve="A presentation score",
)
class PresentationScoreViewSet(
    SessionPartViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin
):
    serializer_class = s.GamePresentationScoreSerializer
    queryset = games.PresentationScore.objects.select_related("scorer")
    session_path = "presentation__team__session"
    filterset_fields = ["presentation"]
    ordering = ["presentation", "id"]


# --- flat results --------------------------------------------------------------------------


@documented(
    TAGS,
    list=(
        "Flat game results for reporting tools (Power BI)",
        "One row per person and finished session you can see, with the team's points, "
        "speed bonus, presentation score, total and rank. `?unit=` (with its sub-units). "
        + s.SCORING_RULES,
    ),
)
class GameResultViewSet(GameViewSet, mixins.ListModelMixin):
    serializer_class = s.GameResultRowSerializer
    pagination_class = RowsPagination
    filter_backends: list = []

    def get_queryset(self) -> QuerySet[games.GameSession]:
        """The finished sessions whose rows are listed."""
        return (
            games.GameSession.objects.visible_to(self.request.user)
            .finished()
            .select_related("unit", "deck")
            .order_by("finished_at", "pk")
        )

    @extend_schema(parameters=[OpenApiParameter("unit", OpenApiTypes.INT)])
    def list(self, request, *args, **kwargs) -> Response:
        sessions = self.get_queryset()
        if request.query_params.get("unit") is not None:
            unit = visible_unit(request)
            sessions = sessions.filter(unit__path__startswith=unit.path)
        page = self.paginate_queryset(services.result_rows(list(sessions)))
        return self.get_paginated_response(s.GameResultRowSerializer(page, many=True).data)
