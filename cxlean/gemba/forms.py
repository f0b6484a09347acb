"""Forms of the Gemba pages: the walk list's filters, planning a walk, a recurring
schedule, an answer, an observation and closing a walk.

Validation is the model layer's: the forms are ModelForms, so `Walk.clean` (a place, a
process or a touchpoint), `Observation.clean` (a kind only for Muda), the photo checks
and the constraints run in `full_clean` and land on their fields. The forms narrow the
choices to what the user may pick (units they coordinate, people of those units), so a
forged choice is refused as an invalid choice.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django import forms
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cxlean.backlog.models import MudaKind, Waste
from cxlean.core.forms import DateInput, PeopleChoiceField, PersonChoiceField, UnitChoiceField
from cxlean.core.typed import form_field
from cxlean.gemba.models import (
    Observation,
    QuestionSet,
    Schedule,
    Severity,
    Walk,
    WalkStatus,
)
from cxlean.gemba.photos import validate_photo
from cxlean.journeys.forms import TouchpointChoiceField, grouped_by_journey, touchpoints
from cxlean.org.models import Unit

NOT_SURE = ""


class TimeInput(forms.TimeInput):
    """The browser's time picker (24-hour values whatever the language)."""

    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%H:%M")


class MonthInput(forms.DateInput):
    input_type = "month"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m")


class QuestionSetChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, question_set: QuestionSet) -> str:
        return str(question_set.name)


def question_set_field() -> QuestionSetChoiceField:
    """The optional standard question set of a walk or a schedule; the form sets the
    choices (`question_sets`)."""
    return QuestionSetChoiceField(
        label=_("Questions"),
        queryset=QuestionSet.objects.none(),
        required=False,
        empty_label=_("No standard questions"),
    )


def people_of(units: QuerySet[Unit], *also: int | None) -> QuerySet[User]:
    """Active people working in `units`, and the people `also` (present choices)."""
    people = Q(is_active=True, profile__unit__in=units)
    present = [pk for pk in also if pk]
    if present:
        people |= Q(pk__in=present)
    return User.objects.filter(people).order_by("first_name", "last_name", "username")


def question_sets(current_id: int | None = None) -> QuerySet[QuestionSet]:
    chosen = Q(active=True)
    if current_id:
        chosen |= Q(pk=current_id)
    return QuestionSet.objects.filter(chosen).order_by("code")


def local_start(day: dt.date, time: dt.time) -> dt.datetime:
    """`day` at `time` on the local clock (09:00 stays 09:00 across summer time)."""
    return timezone.make_aware(dt.datetime.combine(day, time))


# --- the list's filters ------------------------------------------------------------------


class WalkFilterForm(forms.Form):
    """Filters of the walk list; a value that is not understood is reported and ignored."""

    unit = UnitChoiceField(
        label=_("Unit and its sub-units"),
        queryset=Unit.objects.order_by("path"),
        required=False,
        empty_label=_("All units"),
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Any status")), *WalkStatus.choices], required=False
    )
    month = forms.DateField(
        label=_("Month"),
        required=False,
        input_formats=["%Y-%m"],
        widget=MonthInput(),
        help_text=_("Year and month, e.g. 2026-03."),
    )

    def chosen(self) -> dict:
        self.is_valid()  # cleaned_data then holds the fields that are valid
        return {name: value for name, value in self.cleaned_data.items() if value}

    def query(self, **changes) -> str:
        params = {}
        for name, value in {**self.chosen(), **changes}.items():
            if value is None or value == "":
                continue
            if isinstance(value, dt.date):
                value = value.strftime("%Y-%m")
            params[name] = value.pk if hasattr(value, "pk") else value
        query = QueryDict(mutable=True)
        query.update(params)
        return query.urlencode()


# --- planning a walk ---------------------------------------------------------------------


class WalkForm(forms.ModelForm):
    """A walk planned (or edited) by a coordinator of its unit: where, when, who."""

    unit = UnitChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    day = forms.DateField(label=_("Date"), widget=DateInput())
    time = forms.TimeField(label=_("Time"), widget=TimeInput())
    leader = PersonChoiceField(label=_("Leader"), queryset=User.objects.none())
    participants = PeopleChoiceField(
        label=_("Participants"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("The people who walk with the leader and log observations."),
    )
    touchpoint = TouchpointChoiceField(
        label=_("Touchpoint"),
        queryset=touchpoints(),
        required=False,
        empty_label=_("None"),
        help_text=_("Where in the customer journey the walk looks, if it is a touchpoint."),
    )
    question_set = question_set_field()

    class Meta:
        model = Walk
        fields = [
            "unit",
            "duration_minutes",
            "leader",
            "participants",
            "place",
            "process",
            "touchpoint",
            "question_set",
        ]
        help_texts = {
            "place": _("Where you go and see, e.g. “the customer service floor”."),
            "process": _("Or the process you follow, e.g. “a house move from start to end”."),
        }

    field_order = ["unit", "day", "time", "duration_minutes", "leader", "participants"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from cxlean.gemba.queries import planning_units

        walk = self.instance
        units = planning_units(user)
        form_field(self, "unit", forms.ModelChoiceField).queryset = units
        present = [walk.leader_id] if walk.pk else []
        if walk.pk:
            present += list(walk.participants.values_list("pk", flat=True))
            start = timezone.localtime(walk.planned_start)
            self.initial.setdefault("day", start.date())
            self.initial.setdefault("time", start.time().replace(second=0, microsecond=0))
        people = people_of(units, *present)
        form_field(self, "leader", forms.ModelChoiceField).queryset = people
        form_field(self, "participants", forms.ModelChoiceField).queryset = people
        form_field(self, "question_set", forms.ModelChoiceField).queryset = question_sets(
            walk.question_set_id
        )
        self.fields["duration_minutes"].widget.attrs.update(min=1, step=5)
        grouped_by_journey(
            form_field(self, "touchpoint", forms.ModelChoiceField), lambda t: t.stage.journey
        )

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        day, time = cleaned.get("day"), cleaned.get("time")
        if day and time:
            # planned_start is not a field of the form, so its model validators (the
            # sane range of years) are run here, on the value the day and time make.
            try:
                planned_start = local_start(day, time)
                Walk._meta.get_field("planned_start").run_validators(planned_start)
            except ValidationError as error:
                self.add_error("day", error)
            else:
                self.instance.planned_start = planned_start
        return cleaned


# --- recurring schedules -----------------------------------------------------------------


class ScheduleForm(forms.ModelForm):
    """Every N weeks on a weekday, or every N months on a day, at a time."""

    unit = UnitChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    leader = PersonChoiceField(
        label=_("Leader"), queryset=User.objects.none(), required=False, empty_label=_("Nobody yet")
    )
    touchpoint = TouchpointChoiceField(
        label=_("Touchpoint"), queryset=touchpoints(), required=False, empty_label=_("None")
    )
    question_set = question_set_field()

    class Meta:
        model = Schedule
        fields = [
            "title",
            "unit",
            "place",
            "process",
            "touchpoint",
            "question_set",
            "leader",
            "frequency",
            "interval",
            "weekday",
            "day_of_month",
            "start_time",
            "duration_minutes",
            "starts_on",
            "ends_on",
            "active",
        ]
        widgets = {
            "frequency": forms.RadioSelect,
            "start_time": TimeInput(),
            "starts_on": DateInput(),
            "ends_on": DateInput(),
        }
        help_texts = {
            "title": _("What is walked, e.g. “Gemba on the customer service floor”."),
            "interval": _("1 = every week (or month), 2 = every second, and so on."),
            "day_of_month": _(
                "For monthly walks: 1–31. In shorter months the walk falls on the last day."
            ),
            "active": _("Only active schedules plan walks."),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from cxlean.gemba.queries import planning_units

        units = planning_units(user)
        form_field(self, "unit", forms.ModelChoiceField).queryset = units
        form_field(self, "leader", forms.ModelChoiceField).queryset = people_of(
            units, self.instance.leader_id
        )
        form_field(self, "question_set", forms.ModelChoiceField).queryset = question_sets(
            self.instance.question_set_id
        )
        self.fields["interval"].widget.attrs.update(min=1)
        self.fields["day_of_month"].widget.attrs.update(min=1, max=31)
        grouped_by_journey(
            form_field(self, "touchpoint", forms.ModelChoiceField), lambda t: t.stage.journey
        )


# --- on the floor ------------------------------------------------------------------------


class AnswerForm(forms.Form):
    text = forms.CharField(
        label=_("Answer"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def waste_groups() -> list[tuple[str, list[tuple[str, str]]]]:
    """The waste choices as groups: the eight kinds of Muda, then Mura and Muri."""
    return [
        (str(Waste.MUDA.label), [(kind.value, str(kind.label)) for kind in MudaKind]),
        (
            str(_("Unevenness and overburden")),
            [(Waste.MURA.value, str(Waste.MURA.label)), (Waste.MURI.value, str(Waste.MURI.label))],
        ),
    ]


def waste_choices() -> list:
    return [(NOT_SURE, _("Not sure")), *waste_groups()]


def waste_value(observation: Observation) -> str:
    """The one choice of the form for the observation's waste and kind of Muda."""
    if observation.waste == Waste.MUDA:
        return observation.muda_kind
    return observation.waste


class ObservationForm(forms.ModelForm):
    """What someone saw on the walk. The waste is one choice (a kind of Muda, Mura or
    Muri) so that it is one tap on a phone; `client_token` is issued with the form and
    makes a second submit of the same form find the first observation."""

    waste = forms.ChoiceField(
        label=_("Waste"),
        choices=waste_choices,
        required=False,
        help_text=_("Muda is waste (eight kinds), Mura unevenness, Muri overburden."),
    )
    severity = forms.TypedChoiceField(
        label=_("Severity"),
        choices=Severity.choices,
        coerce=int,
        initial=Severity.MEDIUM,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose low, medium or high.")},
    )
    photo = forms.FileField(
        label=_("Photo"),
        required=False,
        validators=[validate_photo],
        widget=forms.FileInput(attrs={"accept": "image/*", "capture": "environment"}),
        help_text=_("Optional. JPEG, PNG or WebP, at most 8 MB."),
    )
    touchpoint = TouchpointChoiceField(
        label=_("Touchpoint"), queryset=touchpoints(), required=False, empty_label=_("None")
    )
    client_token = forms.UUIDField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Observation
        fields = ["text", "severity", "touchpoint", "photo"]
        widgets = {"text": forms.Textarea(attrs={"rows": 4})}
        labels = {"text": _("What did you see?")}
        help_texts = {
            "text": _("The first line becomes the title if it turns into an improvement.")
        }

    field_order = ["text", "waste", "severity", "photo", "touchpoint"]

    def __init__(self, *args, walk: Walk, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("client_token", uuid.uuid4())
        kwargs["initial"].setdefault("touchpoint", walk.touchpoint_id)
        super().__init__(*args, **kwargs)
        grouped_by_journey(
            form_field(self, "touchpoint", forms.ModelChoiceField), lambda t: t.stage.journey
        )

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        if "waste" in cleaned:
            chosen = cleaned["waste"]
            if chosen in MudaKind.values:
                self.instance.waste, self.instance.muda_kind = Waste.MUDA, chosen
            else:
                self.instance.waste, self.instance.muda_kind = chosen, ""
        self.instance.client_token = cleaned.get("client_token")
        return cleaned

    def waste_options(self) -> list[tuple[str, list[tuple[str, str, bool]]]]:
        """The waste choices for the page's big radio buttons, with the chosen one."""
        value = self["waste"].value() or NOT_SURE
        return [
            (group, [(key, label, key == value) for key, label in options])
            for group, options in waste_groups()
        ]


class DoneForm(forms.Form):
    """Mark a walk as done: how long it took and what it found (`Walk.complete`)."""

    actual_minutes = forms.IntegerField(
        label=_("How long did it take (minutes)?"),
        min_value=1,
        max_value=720,
    )
    summary = forms.CharField(
        label=pgettext_lazy("walk report", "Summary"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What you saw, in a few sentences, for those who were not there."),
    )
