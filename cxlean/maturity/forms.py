"""Forms of the maturity pages: the list's filter, an assessment (unit, date, title,
note, assessors) and the questionnaire (a radio group of five levels per question,
labelled by the level descriptors, and a comment).

Validation is the model layer's where it can be (`Assessment.clean`: not in the future;
the score validators: 1 to 5); the forms narrow the choices to what the user may pick
(units they coordinate, people of the unit's part of the tree), so a forged choice is
refused as an invalid choice.
"""

from __future__ import annotations

from collections.abc import Sequence

from django import forms
from django.contrib.auth.models import User
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from cxlean.core.forms import DateInput, PeopleChoiceField, UnitChoiceField
from cxlean.core.names import display_name
from cxlean.core.typed import form_field
from cxlean.maturity.models import SCORE_MESSAGE, SCORES, Assessment, AssessmentAnswer, Question
from cxlean.org.models import Unit
from cxlean.org.roles import MANAGEMENT

NOT_ANSWERED = ""


def managing_units(user) -> QuerySet[Unit]:
    """The units someone creates assessments for: the units they coordinate."""
    from cxlean.org.roles import coordinated_units

    units = Unit.objects.all() if user.is_superuser else coordinated_units(user)
    return units.order_by("path")


def tops(units: Sequence[Unit]) -> list[Unit]:
    """The units not below another one of them (a coordinator's units: their own)."""
    paths = sorted({unit.path for unit in units})
    top_paths = [p for i, p in enumerate(paths) if not any(p.startswith(q) for q in paths[:i])]
    return [unit for unit in units if unit.path in top_paths]


def neighbourhood_of(units: Sequence[Unit]) -> Q:
    """People of these units, the units above them and the units below them."""
    people = Q(pk__in=[])
    for unit in tops(units):
        above = unit.line
        people |= Q(profile__unit__in=above) | Q(profile__unit__path__startswith=unit.path)
    return people


def possible_assessors(units: Sequence[Unit] | None, *also: int) -> QuerySet[User]:
    """Active people of the units' part of the tree (every unit: None) who are not
    management (management reads and changes nothing), and the people `also` (already
    chosen ones, the coordinator themself)."""
    people = Q(is_active=True) & ~Q(groups__name=MANAGEMENT)
    if units is not None:
        people &= neighbourhood_of(units)
    present = [pk for pk in also if pk]
    if present:
        people |= Q(pk__in=present)
    return User.objects.filter(people).distinct().order_by("first_name", "last_name", "username")


class FilterForm(forms.Form):
    """The list's filter; a value that is not understood is reported and ignored."""

    unit = UnitChoiceField(
        label=_("Unit and its sub-units"),
        queryset=Unit.objects.order_by("path"),
        required=False,
        empty_label=_("All units"),
    )

    def chosen_unit(self) -> Unit | None:
        self.is_valid()
        return self.cleaned_data.get("unit") if hasattr(self, "cleaned_data") else None


class AssessmentForm(forms.ModelForm):
    """An assessment created or edited by a coordinator of its unit."""

    unit = UnitChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    assessors = PeopleChoiceField(
        label=_("Assessors"),
        queryset=User.objects.none(),
        help_text=_(
            "The people who answer the questions, each on their own: people of the unit, "
            "the units above it and below it. Add yourself if you assess too."
        ),
    )

    class Meta:
        model = Assessment
        fields = ["unit", "assessed_on", "title", "note", "assessors"]
        widgets = {"assessed_on": DateInput(), "note": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "title": _("E.g. “Self-assessment spring 2026”."),
            "note": _("What the assessment is for, who was asked to take part, anything else."),
        }

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        units = managing_units(user)
        form_field(self, "unit", forms.ModelChoiceField).queryset = units
        present = [user.pk]
        if self.instance.pk:
            present += list(self.instance.assessors.values_list("pk", flat=True))
        scope = None if user.is_superuser else list(units)
        form_field(self, "assessors", forms.ModelChoiceField).queryset = possible_assessors(
            scope, *present
        )

    def clean(self):
        cleaned = super().clean()
        assert cleaned is not None  # ModelForm.clean returns cleaned_data
        unit, assessors = cleaned.get("unit"), cleaned.get("assessors")
        if unit is not None and assessors is not None:
            self.check_assessors(unit, list(assessors))
        return cleaned

    def check_assessors(self, unit: Unit, assessors: list[User]) -> None:
        for message in assessor_errors(self.instance, unit, assessors, self.user):
            self.add_error("assessors", message)


def assessor_errors(
    assessment: Assessment, unit: Unit, assessors: list[User], user: User
) -> list[str]:
    """What is wrong with the chosen assessors (the same in the web form, the admin and
    the API): they work in the unit's part of the tree (or are the coordinator who
    chooses), are not management, and whoever has answered stays an assessor."""
    errors = []
    allowed = set(
        possible_assessors([unit], user.pk)
        .filter(pk__in=[person.pk for person in assessors])
        .values_list("pk", flat=True)
    )
    outside = [person for person in assessors if person.pk not in allowed]
    if outside:
        errors.append(
            _("%(names)s cannot assess this unit: assessors work in the unit, above or below it.")
            % {"names": ", ".join(display_name(person) for person in outside)}
        )
    if assessment.pk:
        answered = set(
            AssessmentAnswer.objects.filter(assessment=assessment).values_list(
                "assessor_id", flat=True
            )
        )
        dropped = User.objects.filter(pk__in=answered - {person.pk for person in assessors})
        if dropped:
            errors.append(
                _("%(names)s have answered already and stay assessors.")
                % {"names": ", ".join(display_name(person) for person in dropped)}
            )
    return errors


class LevelField(forms.TypedChoiceField):
    """A question's answer: "not answered yet" or a level 1–5, each level labelled by
    its descriptor. Anything else gets the same clear message as everywhere else."""

    widget = forms.RadioSelect

    def __init__(self, *, question: Question, **kwargs):
        descriptors = {d.level: d.text for d in question.descriptors.all()}
        choices = [(NOT_ANSWERED, _("Not answered yet"))] + [
            (level, descriptors.get(level, "")) for level in SCORES
        ]
        super().__init__(
            choices=choices,
            coerce=int,
            empty_value=None,
            required=False,
            label=question.text,
            help_text=question.help,
            error_messages={"invalid_choice": SCORE_MESSAGE},
            **kwargs,
        )


class QuestionnaireForm(forms.Form):
    """One assessor's answers: per question `q<id>` (the level) and `c<id>` (a comment).
    Saving keeps what is answered and leaves the rest for later."""

    def __init__(self, *args, questions: Sequence[Question], answers: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for question in self.questions:
            answer = answers.get(question.pk)
            self.fields[f"q{question.pk}"] = LevelField(
                question=question, initial=answer.score if answer else NOT_ANSWERED
            )
            self.fields[f"c{question.pk}"] = forms.CharField(
                label=_("Comment"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=answer.comment if answer else "",
                max_length=2000,
            )

    def clean(self):
        cleaned = super().clean()
        assert cleaned is not None  # Form.clean returns cleaned_data
        for question in self.questions:
            level, comment = f"q{question.pk}", f"c{question.pk}"
            if level in cleaned and cleaned.get(level) is None and cleaned.get(comment, "").strip():
                self.add_error(level, _("Choose a level to go with your comment."))
        return cleaned

    def answers(self) -> dict[int, tuple[int | None, str]]:
        """question id -> (level or None, comment)."""
        return {
            question.pk: (
                self.cleaned_data.get(f"q{question.pk}"),
                self.cleaned_data.get(f"c{question.pk}", "").strip(),
            )
            for question in self.questions
        }

    def level_field(self, question: Question):
        return self[f"q{question.pk}"]

    def comment_field(self, question: Question):
        return self[f"c{question.pk}"]


class CompareForm(forms.Form):
    unit = UnitChoiceField(
        label=_("Unit"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("Choose a unit"),
    )

    def __init__(self, *args, units: QuerySet[Unit], **kwargs):
        super().__init__(*args, **kwargs)
        form_field(self, "unit", forms.ModelChoiceField).queryset = units.order_by("path")

    def chosen_unit(self) -> Unit | None:
        self.is_valid()
        return getattr(self, "cleaned_data", {}).get("unit")
