"""Forms for customer journeys and the Voice of the Customer.

Validation is the model layer's: the ModelForms run `full_clean()` (choices, required
answers, `Transition.clean`, the unique and check constraints), so each error lands on
its field and nothing is saved. The forms narrow the choices to what the user may pick
(units they may log feedback for or coordinate, touchpoints of this journey) and ask
the permission functions again when cleaning, so a forged choice is refused too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Max, QuerySet
from django.forms import (
    BaseInlineFormSet,
    BaseModelFormSet,
    inlineformset_factory,
    modelformset_factory,
)
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from cxlean.core.forms import DateInput, UnitChoiceField
from cxlean.core.typed import form_field
from cxlean.journeys.models import (
    Channel,
    Feedback,
    FeedbackSource,
    Journey,
    Sentiment,
    Stage,
    Touchpoint,
    Transition,
)
from cxlean.org.models import Unit
from cxlean.org.roles import (
    contributing_units,
    coordinated_units,
    coordinates_unit,
    home_unit_id,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

EXTRA_ROWS = 2  # empty rows offered for new stages, touchpoints and transitions


# --- choices -----------------------------------------------------------------------------


def units_for_feedback(user) -> QuerySet[Unit]:
    """The units offered when logging feedback (and where "Make it an improvement" is
    offered): the user's part of the tree and the units they coordinate, in one query.
    Whether a chosen unit is allowed stays `may_log_feedback`'s decision."""
    return contributing_units(user).order_by("path")


def touchpoint_label(touchpoint: Touchpoint) -> str:
    return f"{touchpoint.stage.name} · {touchpoint.name}"


def grouped_touchpoints(empty_label: StrOrPromise, journey: Journey | None = None) -> list:
    """Touchpoints as <optgroup>s by journey (one query)."""
    touchpoints = Touchpoint.objects.select_related("stage__journey").order_by(
        "stage__journey__name", "stage__journey", "stage__order", "stage", "order", "pk"
    )
    if journey is not None:
        touchpoints = touchpoints.filter(stage__journey=journey)
    groups: dict[Journey, list] = {}
    for touchpoint in touchpoints:
        groups.setdefault(touchpoint.stage.journey, []).append(
            (touchpoint.pk, touchpoint_label(touchpoint))
        )
    return [("", empty_label), *((journey.name, options) for journey, options in groups.items())]


class TouchpointChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, touchpoint: Touchpoint) -> str:
        return touchpoint_label(touchpoint)


class TransitionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, transition: Transition) -> str:
        return f"{transition.source.name} → {transition.target.name}"


def grouped_by_journey(field: forms.ModelChoiceField, journey_of) -> None:
    """Show a touchpoint or transition select as option groups, one per journey (the
    queryset still validates the choice). The backlog, Gemba and CX metrics forms
    choose touchpoints with it."""
    groups: dict[str, list] = {}
    for obj in field.queryset if field.queryset is not None else ():
        groups.setdefault(journey_of(obj).name, []).append((obj.pk, field.label_from_instance(obj)))
    field.choices = [("", field.empty_label or "---------"), *groups.items()]


def touchpoints() -> QuerySet[Touchpoint]:
    return Touchpoint.objects.select_related("stage__journey")


def transitions() -> QuerySet[Transition]:
    return Transition.objects.select_related("source__stage__journey", "target")


# --- Voice of the Customer ---------------------------------------------------------------


FEEDBACK_FIELDS = [
    "unit",
    "source",
    "channel",
    "touchpoint",
    "received_on",
    "what_happened",
    "how_it_felt",
    "what_to_improve",
    "sentiment",
    "customer_reference",
]


class FeedbackForm(forms.ModelForm):
    unit = UnitChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    touchpoint = TouchpointChoiceField(
        label=_("Touchpoint"),
        queryset=Touchpoint.objects.all(),
        required=False,
        help_text=_("Where in the customer journey it happened, if you know."),
    )

    class Meta:
        model = Feedback
        fields = FEEDBACK_FIELDS
        widgets = {
            "received_on": DateInput(),
            "what_happened": forms.Textarea(attrs={"rows": 4}),
            "how_it_felt": forms.Textarea(attrs={"rows": 3}),
            "what_to_improve": forms.Textarea(attrs={"rows": 3}),
            "sentiment": forms.RadioSelect(),
        }
        help_texts = {
            "what_happened": _("The customer's story, in their words as far as you can."),
            "how_it_felt": _("The customer's feelings: frustrated, relieved, confused…"),
            "what_to_improve": _("The customer's suggestion, or yours."),
            "received_on": _("When the customer gave the feedback."),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        form_field(self, "unit", forms.ModelChoiceField).queryset = self.instance.unit_choices(user)
        form_field(self, "touchpoint", forms.ChoiceField).choices = grouped_touchpoints(
            _("No particular touchpoint")
        )
        self.fields["received_on"].widget.attrs["max"] = timezone.localdate().isoformat()
        if self.instance.pk is None and not self.initial.get("unit"):
            self.initial["unit"] = home_unit_id(user)

    def clean_unit(self) -> Unit:
        unit = self.cleaned_data["unit"]
        if not self.instance.may_place(self.user, unit):
            raise ValidationError(_("You cannot log feedback for this unit."), code="unit")
        return unit


class FeedbackFilterForm(forms.Form):
    """The Voice of the Customer list's filters. Invalid values are reported and
    ignored, never a 500."""

    IMPROVEMENT = [
        ("", _("With or without")),
        ("yes", _("Made into an improvement")),
        ("no", _("Not yet an improvement")),
    ]

    unit = UnitChoiceField(
        label=_("Unit and its sub-units"),
        queryset=Unit.objects.order_by("path"),
        required=False,
        empty_label=_("All units"),
    )
    source = forms.ChoiceField(
        label=_("Source"), choices=[("", _("All sources")), *FeedbackSource.choices], required=False
    )
    channel = forms.ChoiceField(
        label=_("Channel"), choices=[("", _("All channels")), *Channel.choices], required=False
    )
    touchpoint = TouchpointChoiceField(
        label=_("Touchpoint"), queryset=Touchpoint.objects.all(), required=False
    )
    sentiment = forms.TypedChoiceField(
        label=_("Sentiment"),
        choices=[("", _("Any sentiment")), *Sentiment.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    received_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    received_to = forms.DateField(label=_("To"), required=False, widget=DateInput())
    improvement = forms.ChoiceField(label=_("Improvement"), choices=IMPROVEMENT, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        form_field(self, "touchpoint", forms.ChoiceField).choices = grouped_touchpoints(
            _("All touchpoints")
        )

    def clean(self) -> dict:
        super().clean()
        cleaned = self.cleaned_data
        start, end = cleaned.get("received_from"), cleaned.get("received_to")
        if start and end and start > end:
            self.add_error("received_to", _("The end date is before the start date."))
        return cleaned

    def filter(self, feedback: QuerySet[Feedback]) -> QuerySet[Feedback]:
        self.is_valid()  # cleaned_data then holds the fields that are valid
        data = self.cleaned_data
        if data.get("unit") is not None:
            feedback = feedback.filter(unit__in=data["unit"].subtree())
        for name in ("source", "channel", "touchpoint"):
            if data.get(name):
                feedback = feedback.filter(**{name: data[name]})
        if data.get("sentiment") is not None:
            feedback = feedback.filter(sentiment=data["sentiment"])
        if data.get("received_from"):
            feedback = feedback.filter(received_on__gte=data["received_from"])
        if data.get("received_to"):
            feedback = feedback.filter(received_on__lte=data["received_to"])
        if data.get("improvement"):
            feedback = feedback.filter(improvement__isnull=data["improvement"] == "no")
        return feedback


# --- journeys ----------------------------------------------------------------------------


class JourneyForm(forms.ModelForm):
    unit = UnitChoiceField(
        label=_("Unit"),
        queryset=Unit.objects.none(),
        help_text=_("The unit that owns and maintains the journey map."),
    )

    class Meta:
        model = Journey
        fields = ["name", "unit", "persona", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        form_field(self, "unit", forms.ModelChoiceField).queryset = coordinated_units(
            user
        ).order_by("path")
        if self.instance.pk is None and not self.initial.get("unit"):
            self.initial["unit"] = home_unit_id(user)

    def clean_unit(self) -> Unit:
        unit = self.cleaned_data["unit"]
        if not coordinates_unit(self.user, unit):
            raise ValidationError(_("You can only give a journey to a unit you coordinate."))
        return unit


def next_order(values: QuerySet) -> list[dict]:
    """Initial order numbers for the empty rows, after the highest one in use."""
    last = values.aggregate(last=Max("order"))["last"]
    first = 1 if last is None else last + 1
    return [{"order": first + offset} for offset in range(EXTRA_ROWS)]


class StageForm(forms.ModelForm):
    class Meta:
        model = Stage
        fields = ["order", "name", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}
        help_texts = {"order": _("Stages run from the lowest number to the highest.")}


class BaseStageFormSet(BaseInlineFormSet):
    def __init__(self, *args, **kwargs):
        journey = kwargs["instance"]
        kwargs.setdefault("initial", next_order(journey.stages.all()))
        super().__init__(*args, **kwargs)


StageFormSet = inlineformset_factory(
    Journey,
    Stage,
    form=StageForm,
    formset=BaseStageFormSet,
    extra=EXTRA_ROWS,
    can_delete=True,
)


class TouchpointForm(forms.ModelForm):
    class Meta:
        model = Touchpoint
        fields = [
            "stage",
            "order",
            "name",
            "channel",
            "owner_role",
            "partner_controlled",
            "emotion",
            "description",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}
        help_texts = {"order": _("Within a stage, from the lowest number to the highest.")}

    def __init__(self, *args, journey: Journey, choices: dict, **kwargs):
        super().__init__(*args, **kwargs)
        form_field(self, "stage", forms.ModelChoiceField).queryset = journey.stages.all()
        for name, options in choices.items():  # fetched once for the whole formset
            form_field(self, name, forms.ChoiceField).choices = options


class BaseTouchpointFormSet(BaseModelFormSet):
    """All touchpoints of one journey, with empty rows for new ones."""

    def __init__(self, *args, journey: Journey, **kwargs):
        self.journey = journey
        touchpoints = Touchpoint.objects.filter(stage__journey=journey).order_by(
            "stage__order", "stage", "order", "pk"
        )
        kwargs.setdefault("queryset", touchpoints)
        kwargs.setdefault("initial", next_order(touchpoints))
        super().__init__(*args, **kwargs)

    @cached_property
    def choices(self) -> dict:
        stage = forms.ModelChoiceField(queryset=self.journey.stages.all())
        owner = cast(forms.ModelChoiceField, Touchpoint._meta.get_field("owner_role").formfield())
        # The choices read back are an iterable; the stubs give the type one may assign.
        return {
            "stage": list(stage.choices),  # type: ignore[arg-type]
            "owner_role": list(owner.choices),  # type: ignore[arg-type]
        }

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "journey": self.journey, "choices": self.choices}


TouchpointFormSet = modelformset_factory(
    Touchpoint,
    form=TouchpointForm,
    formset=BaseTouchpointFormSet,
    extra=EXTRA_ROWS,
    can_delete=True,
)


class TransitionForm(forms.ModelForm):
    source = TouchpointChoiceField(label=_("From touchpoint"), queryset=Touchpoint.objects.none())
    target = TouchpointChoiceField(label=_("To touchpoint"), queryset=Touchpoint.objects.none())

    class Meta:
        model = Transition
        fields = ["source", "target", "friction"]
        widgets = {"friction": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, journey: Journey, choices: list, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("source", "target"):
            field = form_field(self, name, forms.ModelChoiceField)
            field.queryset = Touchpoint.objects.filter(stage__journey=journey)
            field.choices = choices  # fetched once for the whole formset


class BaseTransitionFormSet(BaseModelFormSet):
    """All transitions of one journey, with empty rows for new ones."""

    def __init__(self, *args, journey: Journey, **kwargs):
        self.journey = journey
        kwargs.setdefault(
            "queryset",
            Transition.objects.filter(source__stage__journey=journey)
            .select_related("source", "target")
            .order_by("source__stage__order", "source__order", "pk"),
        )
        super().__init__(*args, **kwargs)

    @cached_property
    def choices(self) -> list:
        grouped = grouped_touchpoints("---------", journey=self.journey)
        return [grouped[0], *(option for _group, options in grouped[1:] for option in options)]

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "journey": self.journey, "choices": self.choices}


TransitionFormSet = modelformset_factory(
    Transition,
    form=TransitionForm,
    formset=BaseTransitionFormSet,
    extra=EXTRA_ROWS,
    can_delete=True,
)
