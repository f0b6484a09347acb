"""Forms of the metric pages: the filters, one survey answer, several answers at once, an
entered figure, a target, a survey source and a sample payload to map.

Validation is the model layer's (`SurveyAnswer.clean`: the answer within the metric's
scale, not from the future; `Measurement.clean`: the period's first day, churn and CLV
computed, percentages; the unique constraints). The forms narrow the choices to what the
user may pick (the units they coordinate, the active metrics), so a forged choice is an
invalid choice.
"""

from __future__ import annotations

import json
import re

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from cxlean.core.forms import DateInput, UnitChoiceField
from cxlean.core.typed import form_field
from cxlean.journeys.forms import TouchpointChoiceField, grouped_by_journey, touchpoints
from cxlean.metrics.models import (
    MAPPING_FIELDS,
    SURVEY_KINDS,
    Measurement,
    Metric,
    PeriodKind,
    SurveyAnswer,
    SurveySource,
    Target,
)
from cxlean.org.models import Unit


class MetricChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, metric: Metric) -> str:
        return str(metric.name)


def survey_metrics() -> QuerySet[Metric]:
    return Metric.objects.active().filter(kind__in=SURVEY_KINDS)


def touchpoint_field() -> TouchpointChoiceField:
    return TouchpointChoiceField(
        label=_("Touchpoint"),
        queryset=touchpoints(),
        required=False,
        empty_label=_("The unit as a whole"),
        help_text=_("Where in the customer journey the answer was given, if known."),
    )


class ScopedForm(forms.ModelForm):
    """A form for a unit the user records metrics for (`units`)."""

    def __init__(self, *args, units: QuerySet[Unit], **kwargs):
        super().__init__(*args, **kwargs)
        form_field(self, "unit", forms.ModelChoiceField).queryset = units
        if "touchpoint" in self.fields:
            grouped_by_journey(
                form_field(self, "touchpoint", forms.ModelChoiceField),
                lambda point: point.stage.journey,
            )


# --- the pages' filters ------------------------------------------------------------------


class FilterForm(forms.Form):
    """The unit (with its sub-units) and the period kind; a value that is not understood
    is reported and ignored."""

    unit = UnitChoiceField(label=_("Unit"), queryset=Unit.objects.none(), required=False)
    period = forms.ChoiceField(
        label=_("Period"), choices=PeriodKind.choices, required=False, initial=PeriodKind.MONTH
    )

    def __init__(self, *args, units: QuerySet[Unit], empty_label=None, **kwargs):
        super().__init__(*args, **kwargs)
        form_field(self, "unit", forms.ModelChoiceField).queryset = units
        form_field(self, "unit", forms.ModelChoiceField).empty_label = empty_label

    def chosen(self) -> dict:
        self.is_valid()  # cleaned_data then holds the fields that are valid
        return {name: value for name, value in self.cleaned_data.items() if value}

    def show_unit(self, unit: Unit) -> None:
        """Select the unit the page shows when it fell back to one (none or a unit the
        viewer may not read was asked for), so that changing only the period keeps it.
        Errors already found stay."""
        self.chosen()
        self.data = {**dict(self.data.items()), "unit": str(unit.pk)}


# --- survey answers ----------------------------------------------------------------------


class AnswerForm(ScopedForm):
    metric = MetricChoiceField(label=_("Metric"), queryset=survey_metrics(), empty_label=None)
    unit = UnitChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    touchpoint = touchpoint_field()

    class Meta:
        model = SurveyAnswer
        fields = ["metric", "unit", "touchpoint", "answered_on", "score", "comment", "respondent"]
        widgets = {
            "answered_on": DateInput(),
            "score": forms.NumberInput(attrs={"inputmode": "numeric"}),
            "comment": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "score": _("NPS 0–10, CSAT 1–5, CES 1–7 (7: it was very easy)."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        form_field(self, "metric", forms.ModelChoiceField).queryset = survey_metrics()


SCORES = re.compile(r"^-?\d+$")


class BulkAnswersForm(forms.Form):
    """Several answers of one metric, unit, touchpoint and day at once: the scores
    separated by spaces, commas or new lines. One score out of range refuses them all."""

    metric = MetricChoiceField(label=_("Metric"), queryset=survey_metrics(), empty_label=None)
    unit = UnitChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    touchpoint = touchpoint_field()
    answered_on = forms.DateField(label=_("Answered on"), widget=DateInput())
    scores = forms.CharField(
        label=_("Answers"),
        widget=forms.Textarea(attrs={"rows": 3, "inputmode": "numeric"}),
        help_text=_("The answers as numbers separated by spaces or commas, e.g. 9 10 7 3 8."),
    )

    MAX_ANSWERS = 500

    def __init__(self, *args, units: QuerySet[Unit], **kwargs):
        super().__init__(*args, **kwargs)
        form_field(self, "metric", forms.ModelChoiceField).queryset = survey_metrics()
        form_field(self, "unit", forms.ModelChoiceField).queryset = units
        grouped_by_journey(
            form_field(self, "touchpoint", forms.ModelChoiceField),
            lambda point: point.stage.journey,
        )

    def clean_scores(self) -> list[int]:
        parts = [part for part in re.split(r"[\s,;]+", self.cleaned_data["scores"]) if part]
        wrong = [part for part in parts if not SCORES.match(part)]
        if wrong:
            raise ValidationError(
                _("Only whole numbers, please: %(wrong)s.") % {"wrong": ", ".join(wrong[:5])}
            )
        if not parts:
            raise ValidationError(_("Give at least one answer."))
        if len(parts) > self.MAX_ANSWERS:
            raise ValidationError(
                _("At most %(max)d answers at a time.") % {"max": self.MAX_ANSWERS}
            )
        return [int(part) for part in parts]

    def answers(self, by) -> list[SurveyAnswer]:
        """The answers, each validated by `SurveyAnswer.full_clean`; the first error
        lands on the form and nothing is returned."""
        data = self.cleaned_data
        answers = []
        for score in data["scores"]:
            answer = SurveyAnswer(
                metric=data["metric"],
                unit=data["unit"],
                touchpoint=data["touchpoint"],
                answered_on=data["answered_on"],
                score=score,
                created_by=by,
            )
            try:
                answer.full_clean(exclude=["created_by"])
            except ValidationError as error:
                for field, messages in error.message_dict.items():
                    self.add_error("scores" if field == "score" else field, messages)
                return []
            answers.append(answer)
        return answers


# --- entered figures ---------------------------------------------------------------------


class MeasurementForm(ScopedForm):
    metric = MetricChoiceField(
        label=_("Metric"), queryset=Metric.objects.active(), empty_label=None
    )
    unit = UnitChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    touchpoint = touchpoint_field()

    class Meta:
        model = Measurement
        fields = [
            "metric",
            "unit",
            "touchpoint",
            "period_kind",
            "period_start",
            "value",
            "sample_size",
            "customers_at_start",
            "customers_lost",
            "average_revenue",
            "margin_percent",
            "note",
        ]
        widgets = {
            "period_start": DateInput(),
            "note": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "period_start": _("Any day of the month or quarter: it is saved as its first day."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = self.instance.metric_id if self.instance.pk else None
        metrics = Metric.objects.active()
        if current:
            metrics = Metric.objects.filter(active=True) | Metric.objects.filter(pk=current)
        form_field(self, "metric", forms.ModelChoiceField).queryset = metrics
        self.fields["touchpoint"].help_text = _("Leave empty for a figure of the unit as a whole.")


# --- targets -----------------------------------------------------------------------------


class TargetForm(ScopedForm):
    """A target from a date on; setting one again for the same day changes it."""

    metric = MetricChoiceField(
        label=_("Metric"), queryset=Metric.objects.active(), empty_label=None
    )
    unit = UnitChoiceField(label=_("Unit"), queryset=Unit.objects.none())

    class Meta:
        model = Target
        fields = ["unit", "metric", "value", "valid_from"]
        widgets = {"valid_from": DateInput()}
        help_texts = {
            "value": _("NPS −100 to +100, CSAT and churn in %, CES on its scale, CLV in money."),
            "valid_from": _("The target applies to the periods ending on or after this day."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        form_field(self, "metric", forms.ModelChoiceField).queryset = Metric.objects.active()

    def validate_constraints(self) -> None:
        """The same unit, metric and day again is a change of that target, not an error."""

    def save(self, commit: bool = True) -> Target:
        data = self.cleaned_data
        existing = Target.objects.filter(
            metric=data["metric"], unit=data["unit"], valid_from=data["valid_from"]
        ).first()
        if existing is not None:
            existing.value = data["value"]
            self.instance = existing
        if commit:
            self.instance.save()
        return self.instance


# --- survey sources ----------------------------------------------------------------------


class SourceFilterForm(FilterForm):
    """The survey sources of a unit (with its sub-units), active or not."""

    period = None  # type: ignore[assignment]  # sources have no period
    active = forms.NullBooleanField(
        label=_("Active"),
        required=False,
        widget=forms.Select(
            choices=[("", _("Active or not")), ("true", _("Active")), ("false", _("Inactive"))]
        ),
    )

    def chosen(self) -> dict:
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value is not None}


class SurveySourceForm(ScopedForm):
    """A survey source's settings, checked by `SurveySource.clean` (a metric path or a
    fixed metric, the default unit within the unit, the value maps) and its unique slug,
    as the admin and the API check them. The units are those the user coordinates (the
    API's `unit_check`); the slug is fixed once the source exists (the tool's answer ids
    are remembered under it)."""

    unit = UnitChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    default_unit = UnitChoiceField(
        label=_("Default unit"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("The source's unit"),
    )
    metric = MetricChoiceField(
        label=_("Fixed metric"), queryset=survey_metrics(), required=False, empty_label="–"
    )

    class Meta:
        model = SurveySource
        fields = [
            "name",
            "slug",
            "unit",
            "default_unit",
            "active",
            *MAPPING_FIELDS,
            "comments_to_feedback",
            "feedback_channel",
        ]
        widgets = {
            "value_maps": forms.Textarea(attrs={"rows": 4, "spellcheck": "false"}),
            **{
                name: forms.TextInput(attrs={"spellcheck": "false", "autocapitalize": "off"})
                for name in MAPPING_FIELDS
                if name.endswith("_path")
            },
        }

    def __init__(self, *args, units: QuerySet[Unit], **kwargs):
        super().__init__(*args, units=units, **kwargs)
        form_field(self, "default_unit", forms.ModelChoiceField).queryset = units
        form_field(self, "metric", forms.ModelChoiceField).queryset = survey_metrics()
        if self.instance.pk:
            self.fields["slug"].disabled = True


class PreviewForm(forms.Form):
    """A sample payload for `cxlean.metrics.webhooks.mapped_answers` (the web page and the
    admin): it must be JSON; nothing is recorded."""

    payload = forms.CharField(
        label=_("Sample payload"),
        widget=forms.Textarea(attrs={"rows": 14, "cols": 80, "spellcheck": "false"}),
        help_text=_("The tool's JSON as it would send it. Nothing is recorded."),
    )

    def clean_payload(self):
        try:
            return json.loads(self.cleaned_data["payload"])
        except (ValueError, RecursionError):
            raise forms.ValidationError(_("This is not JSON.")) from None
