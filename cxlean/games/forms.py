"""Forms of the game pages: starting a session, joining with a code, a move on the
team's timeline, a presentation's idea and score.

The rules are the services' and cxlean/games/rules.py's: the forms narrow the choices
to what the person may pick (the units they may lead games in, the decks they see, the
cards and slots of the session's deck, the session's teams), so a forged choice is an
invalid choice, and the service then checks again and says why it refuses.
"""

from __future__ import annotations

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from cxlean.core.forms import UnitChoiceField
from cxlean.games import rules
from cxlean.games.models import MAX_TEAMS, MIN_TEAMS, Card, Deck, GameSession, Slot, Team
from cxlean.org.models import Unit
from cxlean.org.roles import coordinated_units, unit_neighbourhood

ROUND_MINUTES = (1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 30, 45, 60)


class DateTimeInput(forms.DateTimeInput):
    """The browser's date-and-time picker (ISO values whatever the language)."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


class DeckChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, deck: Deck) -> str:
        where = f" · {deck.unit.name}" if deck.unit else ""
        return f"{deck.title} ({deck.get_kind_display()}){where}"


def facilitated_units(user):
    """The units `user` may start a game in (`rules.may_facilitate`), in tree order."""
    candidates = Unit.objects.filter(
        pk__in=coordinated_units(user).values("pk").union(unit_neighbourhood(user).values("pk"))
    )
    allowed = [unit.pk for unit in candidates if rules.may_facilitate(user, unit)]
    return Unit.objects.filter(pk__in=allowed).order_by("path")


class SessionForm(forms.Form):
    """Start a session: where, which deck, how many teams, the clock and the points."""

    unit = UnitChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    deck = DeckChoiceField(
        label=_("Challenge deck"),
        queryset=Deck.objects.none(),
        help_text=_("The cards the teams place, and the timeline they place them on."),
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=160,
        required=False,
        help_text=_("Optional, e.g. “Kick-off in Kundservice”."),
    )
    team_count = forms.TypedChoiceField(
        label=_("Number of teams"),
        coerce=int,
        choices=[(n, str(n)) for n in range(MIN_TEAMS, MAX_TEAMS + 1)],
        initial=3,
    )
    team_names = forms.CharField(
        label=_("Team names"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Optional: one name a line (their number sets the number of teams). Teams that "
            "keep their names from game to game show their progress over time."
        ),
    )
    round_minutes = forms.TypedChoiceField(
        label=_("Round time (minutes)"),
        coerce=int,
        choices=[(n, str(n)) for n in ROUND_MINUTES],
        initial=5,
    )
    speed_bonus = forms.IntegerField(
        label=_("Speed bonus (points)"),
        initial=10,
        validators=[MinValueValidator(0), MaxValueValidator(1000)],
        help_text=_(
            "The most a team earns for speed: submitting with half the round left earns "
            "half of it. 0: no bonus."
        ),
    )
    points_per_star = forms.IntegerField(
        label=_("Points per presentation star"),
        initial=4,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("The presentation's average score (1–5) times these points is added."),
    )
    scheduled_for = forms.DateTimeField(
        label=_("Planned for"),
        required=False,
        widget=DateTimeInput(),
        help_text=_("Optional: when the game is played."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        units = facilitated_units(user)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        decks = Deck.objects.visible_to(user).filter(active=True).select_related("unit")
        self.fields["deck"].queryset = decks  # type: ignore[attr-defined]

    def team_name_list(self) -> list[str]:
        return [
            line.strip() for line in self.cleaned_data["team_names"].splitlines() if line.strip()
        ]


class JoinForm(forms.Form):
    """The short code from the big screen (letters and digits; spaces and case do not
    matter)."""

    code = forms.CharField(
        label=_("Game code"),
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "inputmode": "text",
                "class": "game-code-input",
            }
        ),
        help_text=_("The six letters and digits on the big screen."),
    )


class TeamChoiceForm(forms.Form):
    """Which team to play in (the facilitator may have said)."""

    team = forms.ModelChoiceField(
        label=_("Your team"),
        queryset=Team.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
    )

    def __init__(self, *args, session: GameSession, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = session.teams.order_by("number")  # type: ignore[attr-defined]


class MoveForm(forms.Form):
    """A card and, to place it, a slot of the session's deck."""

    card = forms.ModelChoiceField(queryset=Card.objects.none())
    slot = forms.ModelChoiceField(queryset=Slot.objects.none(), required=False)

    def __init__(self, *args, session: GameSession, need_slot: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["card"].queryset = Card.objects.filter(deck=session.deck_id)  # type: ignore[attr-defined]
        self.fields["slot"].queryset = Slot.objects.filter(deck=session.deck_id)  # type: ignore[attr-defined]
        self.fields["slot"].required = need_slot
        self.fields["card"].error_messages["invalid_choice"] = _(
            "This card is not part of the game."
        )
        self.fields["slot"].error_messages["invalid_choice"] = _(
            "This place is not on the game's timeline."
        )


class IdeaForm(forms.Form):
    idea = forms.CharField(
        label=_("The team's improvement idea"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What would you change? It can go to the improvement backlog."),
    )


class ScoreForm(forms.Form):
    value = forms.TypedChoiceField(
        label=_("Your score"),
        coerce=int,
        choices=[(n, str(n)) for n in range(1, 6)],
        widget=forms.RadioSelect,
        help_text=_("1 = weak, 5 = excellent."),
    )


class UnitFilterForm(forms.Form):
    """Which unit's games the home page shows (its sub-units included)."""

    unit = UnitChoiceField(
        label=_("Unit"), queryset=Unit.objects.none(), empty_label=None, required=False
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
