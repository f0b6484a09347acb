"""The timeline game in the admin: challenge decks with their slots, cards and task cards;
game sessions with their teams, members, placements, submissions, presentations and
scores.

Access follows `cxlean.org.admin_rules.RoleAdmin` and cxlean/games/rules.py: decks as
`Deck.objects.visible_to` shows them, changed by whoever `may_edit_deck` (the CX owner
for the organisation's decks, coordinators for their units' own); sessions as
`GameSession.objects.visible_to` shows them, changed by whoever `may_run` them;
management reads. The game itself is played in the web app and through the API.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from cxlean.core.names import display_name
from cxlean.games import rules, services
from cxlean.games.models import (
    Card,
    Deck,
    GameSession,
    Placement,
    Presentation,
    PresentationScore,
    Slot,
    Submission,
    TaskCard,
    Team,
    TeamMember,
)
from cxlean.org.admin_rules import RoleAdmin, RoleTabularInline, UnitTreeFilter
from cxlean.org.roles import coordinated_units, is_coordinator, may_edit_catalogue

# --- decks ---------------------------------------------------------------------------------


class SlotInline(RoleTabularInline):
    model = Slot
    fields = ["position", "label_sv", "label_en"]


class CardInline(RoleTabularInline):
    model = Card
    fields = ["order", "text_sv", "text_en", "correct_slot", "points"]
    show_change_link = True

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "correct_slot":
            deck_id = (
                request.resolver_match.kwargs.get("object_id") if request.resolver_match else None
            )
            kwargs["queryset"] = (
                Slot.objects.filter(deck_id=deck_id) if deck_id else Slot.objects.none()
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class TaskCardInline(RoleTabularInline):
    model = TaskCard
    fields = ["order", "text_sv", "text_en"]


class DeckPartAdmin(RoleAdmin):
    """What belongs to a deck: seen with the deck, changed by who edits the deck."""

    def scope_queryset(self, request, queryset):
        return queryset.filter(deck__in=Deck.objects.visible_to(request.user))

    def has_add_permission(self, request) -> bool:
        return may_edit_catalogue(request.user) or is_coordinator(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        if obj is None:
            return self.has_add_permission(request)
        return rules.may_edit_deck(request.user, obj.deck)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self.has_change_permission(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "deck":
            kwargs["queryset"] = Deck.objects.visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change: bool) -> None:
        if not rules.may_edit_deck(request.user, obj.deck):
            raise PermissionDenied
        super().save_model(request, obj, form, change)


@admin.register(Deck)
class DeckAdmin(RoleAdmin):
    list_display = ["title_sv", "title_en", "kind", "unit", "card_count", "active"]
    list_filter = ["kind", "active", UnitTreeFilter]
    list_select_related = ["unit"]
    search_fields = ["title_sv", "title_en", "cards__text_sv", "cards__text_en"]
    fields = [
        ("title_sv", "title_en"),
        ("description_sv", "description_en"),
        "kind",
        ("ordered", "one_card_per_slot"),
        "unit",
        ("plan", "journey"),
        ("evidence_activity", "lead_activity"),
        "active",
    ]
    raw_id_fields = ["plan", "journey"]
    inlines = [SlotInline, CardInline, TaskCardInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(card_count=Count("cards"))

    def scope_queryset(self, request, queryset):
        return queryset.visible_to(request.user)

    def has_add_permission(self, request) -> bool:
        return may_edit_catalogue(request.user) or is_coordinator(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        if obj is None:
            return self.has_add_permission(request)
        return rules.may_edit_deck(request.user, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self.has_change_permission(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "unit" and not request.user.is_superuser:
            kwargs["queryset"] = coordinated_units(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj: Deck, form, change: bool) -> None:
        if not rules.may_edit_deck(request.user, obj):
            raise PermissionDenied
        super().save_model(request, obj, form, change)

    @admin.display(description=_("cards"), ordering="card_count")
    def card_count(self, obj: Deck) -> int:
        return obj.card_count  # type: ignore[attr-defined]


@admin.register(Slot)
class SlotAdmin(DeckPartAdmin):
    list_display = ["label_sv", "label_en", "position", "deck"]
    list_select_related = ["deck"]
    list_filter = ["deck"]
    search_fields = ["label_sv", "label_en"]


@admin.register(Card)
class CardAdmin(DeckPartAdmin):
    list_display = ["text_sv", "text_en", "deck", "correct_slot", "points"]
    list_select_related = ["deck", "correct_slot"]
    list_filter = ["deck"]
    search_fields = ["text_sv", "text_en"]
    fields = [
        "deck",
        "order",
        ("text_sv", "text_en"),
        ("hint_sv", "hint_en"),
        "correct_slot",
        ("explanation_sv", "explanation_en"),
        "points",
    ]


@admin.register(TaskCard)
class TaskCardAdmin(DeckPartAdmin):
    list_display = ["text_sv", "text_en", "deck"]
    list_select_related = ["deck"]
    list_filter = ["deck"]
    search_fields = ["text_sv", "text_en"]


# --- sessions ------------------------------------------------------------------------------


class TeamInline(RoleTabularInline):
    model = Team
    fields = ["number", "name"]


class SessionPartAdmin(RoleAdmin):
    """A row of a session (a team, a placement, a score…): seen with the session, changed
    by whoever runs it. `session_path` leads from the row to its session."""

    session_path = "team__session"

    def scope_queryset(self, request, queryset):
        visible = GameSession.objects.visible_to(request.user)
        return queryset.filter(**{f"{self.session_path}__in": visible})

    def session_of(self, obj) -> GameSession:
        for name in self.session_path.split("__"):
            obj = getattr(obj, name)
        return obj

    def has_add_permission(self, request) -> bool:
        return False  # made by the game (join, place, submit, score)

    def has_change_permission(self, request, obj=None) -> bool:
        if obj is None:
            return is_coordinator(request.user)
        return rules.may_run(request.user, self.session_of(obj))

    def has_delete_permission(self, request, obj=None) -> bool:
        return self.has_change_permission(request, obj)


# What the game's own steps set: read, never edited, in the admin.
SESSION_PROGRESS = (
    "join_code",
    "code_expires_at",
    "round_started_at",
    "round_ends_at",
    "revealed_at",
    "finished_at",
    "credited_at",
)


@admin.register(GameSession)
class GameSessionAdmin(RoleAdmin):
    list_display = ["__str__", "unit", "deck", "facilitator_name", "status", "scheduled_for"]
    list_filter = ["status", UnitTreeFilter, "deck"]
    list_select_related = ["unit", "deck", "facilitator"]
    search_fields = ["title", "unit__name", "deck__title_sv", "deck__title_en"]
    autocomplete_fields = ["facilitator"]
    readonly_fields = ["status", *SESSION_PROGRESS]
    fieldsets = [
        (None, {"fields": ["title", "unit", "deck", "facilitator", "scheduled_for", "status"]}),
        (
            _("Rules"),
            {"fields": ["round_seconds", "speed_bonus", "points_per_star"]},
        ),
        (_("Competence"), {"fields": ["evidence_activity", "lead_activity"]}),
        (
            _("Progress"),
            {"fields": SESSION_PROGRESS},
        ),
    ]
    inlines = [TeamInline]
    actions = ["finish_sessions"]

    def scope_queryset(self, request, queryset):
        return queryset.visible_to(request.user)

    def coordinator_may_change(self, request, obj: GameSession) -> bool:
        return rules.may_run(request.user, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "unit" and not request.user.is_superuser:
            kwargs["queryset"] = coordinated_units(request.user)
        if db_field.name == "deck":
            kwargs["queryset"] = Deck.objects.visible_to(request.user).filter(active=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj: GameSession, form, change: bool) -> None:
        if not change:
            obj.created_by = request.user
        if not rules.may_facilitate(obj.facilitator, obj.unit):
            raise PermissionDenied
        super().save_model(request, obj, form, change)

    @admin.display(description=_("facilitator"), ordering="facilitator__first_name")
    def facilitator_name(self, obj: GameSession) -> str:
        return display_name(obj.facilitator)

    @admin.action(description=_("Finish the chosen games and credit competence"))
    def finish_sessions(self, request, queryset) -> None:
        finished = 0
        for session in queryset:
            try:
                services.finish(session, by=request.user)
            except (PermissionDenied, ValidationError) as error:
                message = "; ".join(getattr(error, "messages", [])) or str(error)
                self.message_user(request, f"{session}: {message}", messages.WARNING)
            else:
                finished += 1
        if finished:
            self.message_user(
                request,
                ngettext("%(count)d game finished.", "%(count)d games finished.", finished)
                % {"count": finished},
                messages.SUCCESS,
            )


@admin.register(Team)
class TeamAdmin(SessionPartAdmin):
    session_path = "session"
    list_display = ["name", "number", "session"]
    list_select_related = ["session__deck"]
    search_fields = ["name", "session__title"]
    fields = ["session", "number", "name"]
    readonly_fields = ["session"]


@admin.register(TeamMember)
class TeamMemberAdmin(SessionPartAdmin):
    list_display = ["person", "team", "session", "joined_at"]
    list_select_related = ["team__session__deck", "user"]
    search_fields = ["user__first_name", "user__last_name", "team__name"]
    fields = ["team", "user", "joined_at"]
    readonly_fields = ["team", "user", "joined_at"]

    @admin.display(description=_("person"), ordering="user__first_name")
    def person(self, obj: TeamMember) -> str:
        return display_name(obj.user)


@admin.register(Placement)
class PlacementAdmin(SessionPartAdmin):
    list_display = ["card", "slot", "team", "placed_at"]
    list_select_related = ["card", "slot", "team"]
    search_fields = ["team__name", "card__text_sv", "card__text_en"]
    fields = ["team", "card", "slot", "placed_by", "placed_at"]
    readonly_fields = ["team", "card", "slot", "placed_by", "placed_at"]


@admin.register(Submission)
class SubmissionAdmin(SessionPartAdmin):
    list_display = ["team", "submitted_at", "seconds_left", "bonus"]
    list_select_related = ["team"]
    search_fields = ["team__name"]
    fields = ["team", "submitted_at", "submitted_by", "seconds_left", "bonus"]
    readonly_fields = ["team", "submitted_at", "submitted_by", "seconds_left", "bonus"]


@admin.register(Presentation)
class PresentationAdmin(SessionPartAdmin):
    list_display = ["team", "task_card", "backlog_item"]
    list_select_related = ["team", "task_card", "backlog_item"]
    search_fields = ["team__name", "idea"]
    fields = ["team", "task_card", "idea", "backlog_item"]
    readonly_fields = ["team", "task_card", "backlog_item"]
    actions = ["send_to_backlog"]

    @admin.action(description=_("Send the ideas to the backlog"))
    def send_to_backlog(self, request, queryset) -> None:
        sent = 0
        for presentation in queryset.select_related("team__session"):
            try:
                _item, created = services.send_idea_to_backlog(
                    presentation=presentation, by=request.user
                )
            except (PermissionDenied, ValidationError) as error:
                message = "; ".join(getattr(error, "messages", [])) or str(error)
                self.message_user(request, f"{presentation}: {message}", messages.WARNING)
            else:
                sent += created
        self.message_user(
            request,
            ngettext(
                "%(count)d idea sent to the backlog.", "%(count)d ideas sent to the backlog.", sent
            )
            % {"count": sent},
            messages.SUCCESS,
        )


@admin.register(PresentationScore)
class PresentationScoreAdmin(SessionPartAdmin):
    session_path = "presentation__team__session"
    list_display = ["presentation", "scorer_name", "value", "scored_at"]
    list_select_related = ["presentation__team", "scorer"]
    search_fields = ["presentation__team__name"]
    fields = ["presentation", "scorer", "value", "scored_at"]
    readonly_fields = ["presentation", "scorer", "value", "scored_at"]

    @admin.display(description=_("scored by"))
    def scorer_name(self, obj: PresentationScore) -> str:
        return display_name(obj.scorer)
