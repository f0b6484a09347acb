"""Forms for rollout plans, phases and activities.

Validation is the model layer's: ModelForm runs `full_clean()` (field validators and
`Plan.clean` / `Activity.clean`), and the activity form adds `validate_dependencies`,
so every error lands on its field and nothing is saved. The forms only narrow the
choices to what the user may pick: units they coordinate, phases and activities of
this plan, active people.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from cxlean.core.forms import DateInput, PersonChoiceField, UnitChoiceField
from cxlean.core.typed import default_ordering, form_field
from cxlean.org.models import Unit
from cxlean.org.roles import coordinated_units
from cxlean.plans.models import Activity, Phase, Plan, PlanQuerySet, validate_dependencies
from cxlean.plans.timeline import shifted

# A new activity is proposed for two weeks from today (or the plan's start).
DEFAULT_ACTIVITY_DAYS = 14
# How far one reschedule may move an activity (the plan's dates limit it much sooner).
MAX_SHIFT_DAYS = 36_600


class MoneyInput(forms.NumberInput):
    def __init__(self, attrs=None):
        super().__init__(attrs={"step": "1", "min": "0", "inputmode": "decimal", **(attrs or {})})


class PredecessorField(forms.ModelMultipleChoiceField):
    """Activities of the plan as checkboxes grouped by phase; choosing is validated
    against the queryset as usual."""

    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, activity: Activity) -> str:
        return _("%(title)s (due %(due)s)") % {
            "title": activity.title,
            "due": date_format(activity.due_date, "SHORT_DATE_FORMAT"),
        }

    def group_by_phase(self) -> None:
        groups: dict[Phase, list] = {}
        assert self.queryset is not None  # the form narrows it before grouping
        for activity in self.queryset:
            groups.setdefault(activity.phase, []).append(
                (activity.pk, self.label_from_instance(activity))
            )
        self.choices = [(phase.title, options) for phase, options in groups.items()]


def people() -> QuerySet[User]:
    """Who can be responsible for a plan or own an activity: active people in the
    organisation (users with a profile)."""
    return User.objects.filter(is_active=True, profile__isnull=False).order_by(
        "first_name", "last_name", "username"
    )


class PlanForm(forms.ModelForm):
    unit = UnitChoiceField(
        label=_("Unit"),
        queryset=Unit.objects.none(),
        help_text=_("The plan covers this unit and its sub-units."),
    )
    coordinator = PersonChoiceField(label=_("Responsible"), queryset=User.objects.none())

    class Meta:
        model = Plan
        fields = ["name", "unit", "coordinator", "start_date", "end_date", "budget", "description"]
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            "budget": MoneyInput(),
            "description": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {"budget": _("In kronor, for the whole rollout.")}

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        form_field(self, "unit", UnitChoiceField).queryset = coordinated_units(user).order_by(
            "path"
        )
        form_field(self, "coordinator", PersonChoiceField).queryset = people()


class PlanCreateForm(PlanForm):
    prefill_from_guide = forms.BooleanField(
        label=_("Pre-fill from the guide"),
        required=False,
        initial=True,
        help_text=_(
            "A phase for each of the guide's steps with its recommended activities, "
            "spread over the plan's dates and budget. Uncheck to start empty."
        ),
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.initial.setdefault("coordinator", user.pk)
        if not user.is_superuser:  # a coordinator's own unit heads their list
            units = form_field(self, "unit", UnitChoiceField).queryset
            assert units is not None  # narrowed by PlanForm
            self.initial.setdefault("unit", units.values_list("pk", flat=True).first())

    def plan_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            name: data[name]
            for name in ("name", "unit", "start_date", "end_date", "budget", "description")
        } | {"coordinator": data["coordinator"]}


class PhaseForm(forms.ModelForm):
    class Meta:
        model = Phase
        fields = ["title", "order"]
        help_texts = {"order": _("Phases are shown from the lowest number to the highest.")}

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.plan = plan
        if self.instance.pk is None:
            last = plan.phases.aggregate(last=Max("order"))["last"]
            self.initial.setdefault("order", 0 if last is None else last + 1)


class ActivityForm(forms.ModelForm):
    phase = forms.ModelChoiceField(label=_("Phase"), queryset=Phase.objects.none())
    owner = PersonChoiceField(
        label=_("Owner"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Nobody yet"),
        help_text=_("Who does it. The owner can update its status."),
    )
    depends_on = PredecessorField(
        label=_("Depends on"),
        queryset=Activity.objects.none(),
        required=False,
        help_text=_("Finish-to-start: this activity starts when these have ended."),
    )

    class Meta:
        model = Activity
        fields = [
            "phase",
            "title",
            "description",
            "owner",
            "start_date",
            "due_date",
            "status",
            "planned_cost",
            "actual_cost",
            "depends_on",
        ]
        widgets = {
            "start_date": DateInput(),
            "due_date": DateInput(),
            "planned_cost": MoneyInput(),
            "actual_cost": MoneyInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        form_field(self, "phase", forms.ModelChoiceField).queryset = plan.phases.all()
        form_field(self, "owner", PersonChoiceField).queryset = people()
        others = plan.activities().select_related("phase").order_by(*default_ordering(Activity))
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        predecessors = form_field(self, "depends_on", PredecessorField)
        predecessors.queryset = others
        predecessors.group_by_phase()
        if self.instance.pk is None:
            self.initial.update(proposed_dates(plan, timezone.localdate()))

    def clean(self) -> dict:
        cleaned = super().clean()
        assert cleaned is not None  # ModelForm.clean returns cleaned_data
        phase, start = cleaned.get("phase"), cleaned.get("start_date")
        predecessors = cleaned.get("depends_on")
        if phase is not None and start is not None and predecessors is not None:
            # A stand-in with the new values: the instance itself is only updated after
            # clean(), and must stay untouched if the form is invalid.
            candidate = Activity(pk=self.instance.pk, phase=phase, start_date=start)
            try:
                validate_dependencies(candidate, predecessors)
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned

    def save(self, commit: bool = True) -> Activity:
        if self.instance.pk is None:
            self.instance.order = next_order(self.instance.phase)
        return super().save(commit)


def proposed_dates(plan: Plan, today: dt.date) -> dict[str, dt.date]:
    start = min(max(today, plan.start_date), plan.end_date)
    due = min(start + dt.timedelta(days=DEFAULT_ACTIVITY_DAYS - 1), plan.end_date)
    return {"start_date": start, "due_date": due}


def next_order(phase: Phase) -> int:
    """New activities go to the end of their phase."""
    last = phase.activities.aggregate(last=Max("order"))["last"]
    return 0 if last is None else last + 1


class RescheduleForm(forms.Form):
    """Move an activity earlier or later by whole days, keeping its length: what a drag
    on the timeline, its arrow keys and the small form beside it send. The new dates
    must pass the same rules as the activity form (`Activity.full_clean`: inside the
    plan, not past a successor's start; `validate_dependencies`: not before a
    predecessor ends); otherwise nothing changes and the reasons are the form's errors."""

    activity = forms.ModelChoiceField(label=_("Activity"), queryset=Activity.objects.none())
    days = forms.IntegerField(
        label=_("Days"),
        min_value=-MAX_SHIFT_DAYS,
        max_value=MAX_SHIFT_DAYS,
        help_text=_("Negative to move it earlier."),
    )

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        activities = form_field(self, "activity", forms.ModelChoiceField)
        activities.queryset = plan.activities().select_related("phase__plan")

    def clean(self) -> dict:
        cleaned = super().clean()
        assert cleaned is not None
        activity, days = cleaned.get("activity"), cleaned.get("days")
        if activity is None or days is None:
            return cleaned
        if days == 0:
            raise ValidationError(_("Move it by at least one day."), code="no_shift")
        start, due = shifted(activity.start_date, days), shifted(activity.due_date, days)
        if start is None or due is None:
            raise ValidationError(_("Enter a valid date."), code="invalid")
        self.check_dates(activity, start, due)
        return cleaned

    @staticmethod
    def check_dates(activity: Activity, start: dt.date, due: dt.date) -> None:
        """The activity's own rules on the new dates; the instance keeps its old dates
        when they fail."""
        before = activity.start_date, activity.due_date
        activity.start_date, activity.due_date = start, due
        reasons: list = []
        for check in (
            activity.full_clean,
            lambda: validate_dependencies(activity, activity.depends_on.select_related("phase")),
        ):
            try:
                check()
            except ValidationError as error:
                reasons += [message for message in error.messages if message not in reasons]
        if reasons:
            activity.start_date, activity.due_date = before
            raise ValidationError(reasons)

    def save(self) -> Activity:
        activity = self.cleaned_data["activity"]
        activity.save(update_fields=["start_date", "due_date"])
        return activity


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Activity.Status.choices)


class PlanFilterForm(forms.Form):
    """The plan list's filters. Invalid values are reported and ignored, never a 500."""

    PERIODS = [
        ("", _("Any time")),
        ("current", _("Running now")),
        ("upcoming", _("Not started")),
        ("finished", _("Finished")),
    ]

    unit = UnitChoiceField(
        label=_("Unit and its sub-units"),
        queryset=Unit.objects.order_by("path"),
        required=False,
        empty_label=_("All units"),
    )
    period = forms.ChoiceField(label=_("Period"), choices=PERIODS, required=False)

    def filter(self, plans: PlanQuerySet, today: dt.date) -> PlanQuerySet:
        self.is_valid()  # cleaned_data then holds the fields that are valid
        unit, period = self.cleaned_data.get("unit"), self.cleaned_data.get("period")
        if unit is not None:
            plans = plans.filter(unit__in=unit.subtree())
        if period == "current":
            plans = plans.filter(start_date__lte=today, end_date__gte=today)
        elif period == "upcoming":
            plans = plans.filter(start_date__gt=today)
        elif period == "finished":
            plans = plans.filter(end_date__lt=today)
        return plans
