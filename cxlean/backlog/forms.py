"""Forms for the backlog pages: the filters of the list, board and chart; submitting an
idea; editing an item (everything for coordinators, the plan and effect fields for its
owner); the fields a move asks for; comments and attachments.

Validation is the model layer's: the item forms are ModelForms, so `Item.clean`, the
score validators and the constraints run in `full_clean` and land on their fields;
the errors `Item.move` raises are keyed by field name, and `add_model_errors` puts them
on the form's fields (or above the form for fields it does not show).
"""

from __future__ import annotations

from typing import cast

from django import forms
from django.contrib.auth.models import User
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.db.models import F, OrderBy, Q, QuerySet
from django.forms.models import model_to_dict
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cxlean.backlog.models import (
    CLOSED_STATUSES,
    OPEN_STATUSES,
    OWNER_FIELDS,
    Attachment,
    Comment,
    Item,
    ItemQuerySet,
    MudaKind,
    Quadrant,
    Source,
    Status,
    Waste,
)
from cxlean.core.forms import DateInput, PersonChoiceField, UnitChoiceField
from cxlean.core.mentions import resolve_mentions
from cxlean.core.typed import form_field
from cxlean.journeys.forms import (
    TouchpointChoiceField,
    TransitionChoiceField,
    grouped_by_journey,
    touchpoints,
    transitions,
)
from cxlean.org.models import Unit
from cxlean.org.roles import coordinated_units, is_coordinator, unit_neighbourhood

OPEN, CLOSED, OVERDUE = "open", "closed", "overdue"
SCORES = ("impact", "feasibility", "customer_value")
# what anyone submits; a coordinator's ItemForm adds the follow-up fields
SUBMIT_FIELDS = [
    "title",
    "description",
    "unit",
    "source",
    "touchpoint",
    "transition",
    "waste",
    "muda_kind",
    *SCORES,
    "owner",
    "due_date",
]
PLAN_FIELDS = list(OWNER_FIELDS)
# What each move asks for (Item.move_errors says what it needs); a note goes with all.
MOVE_FIELDS: dict[str, list[str]] = {
    Status.TRIAGED: ["waste", "muda_kind", *SCORES],
    Status.PLAN: ["owner", "due_date"],
    Status.CHECK: ["measured_change", "measured_effect"],
    Status.ACT: ["spread", "spread_note"],
    Status.REJECTED: ["rejection_reason"],
}
SORTS: dict[str, list[str | OrderBy]] = {
    "priority": [F("priority").desc(nulls_last=True), "-created_at", "-pk"],
    "due": [F("due_date").asc(nulls_last=True), F("priority").desc(nulls_last=True), "-pk"],
    "created": ["-created_at", "-pk"],
    "title": ["title", "pk"],
}


def score_field(label, help_text="") -> forms.TypedChoiceField:
    """A 1–5 score as a select; anything else gets a clear message."""
    return forms.TypedChoiceField(
        label=label,
        help_text=help_text,
        choices=[("", "–"), *((n, str(n)) for n in range(1, 6))],
        coerce=int,
        empty_value=None,
        required=False,
        error_messages={"invalid_choice": _("Score it from 1 to 5.")},
    )


def owner_choices(user, item: Item | None = None) -> QuerySet[User]:
    """People a coordinator may make owner (`Item.owner_choices`)."""
    return Item.owner_choices(user, item)


class ItemRulesForm(forms.ModelForm):
    """A form for an item whose rules are the model's (`Item.clean`): an error on a field
    the form does not show (what the item's status requires, say) goes above the form
    instead of failing."""

    def _update_errors(self, errors: ValidationError) -> None:
        if hasattr(errors, "error_dict"):
            shown: dict[str, list] = {}
            for name, messages in errors.error_dict.items():
                target = name if name in self.fields else NON_FIELD_ERRORS
                shown.setdefault(target, []).extend(messages)
            errors = ValidationError(shown)
        super()._update_errors(errors)  # type: ignore[misc]  # a Django method the stubs leave out


def submit_units(user) -> QuerySet[Unit]:
    """The units a person may submit ideas for (see `may_submit`)."""
    if user.is_superuser:
        return Unit.objects.order_by("path")
    return Unit.objects.filter(
        Q(pk__in=unit_neighbourhood(user).values("pk")) | Q(pk__in=coordinated_units(user))
    ).order_by("path")


# --- filters -----------------------------------------------------------------------------


class ItemFilterForm(forms.Form):
    """The filters of the list, the board and the chart. Invalid values are reported
    and ignored, never a 500."""

    waste = forms.ChoiceField(
        label=_("Waste"), choices=[("", _("Any waste")), *Waste.choices], required=False
    )
    muda_kind = forms.ChoiceField(
        label=_("Kind of Muda"), choices=[("", _("Any kind")), *MudaKind.choices], required=False
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[
            ("", _("Any status")),
            (OPEN, _("Open (idea to check)")),
            (CLOSED, _("Closed (act or rejected)")),
            *Status.choices,
        ],
        required=False,
    )
    quadrant = forms.ChoiceField(
        label=_("Quadrant"),
        choices=[("", _("Any quadrant")), *Quadrant.choices, ("none", _("Not scored"))],
        required=False,
    )
    unit = UnitChoiceField(
        label=_("Unit and its sub-units"),
        queryset=Unit.objects.order_by("path"),
        required=False,
        empty_label=_("All units"),
    )
    touchpoint = TouchpointChoiceField(
        label=_("Touchpoint"), queryset=touchpoints(), required=False, empty_label=_("Any")
    )
    owner = PersonChoiceField(
        label=_("Owner"), queryset=User.objects.none(), required=False, empty_label=_("Anyone")
    )
    source = forms.ChoiceField(
        label=_("Source"), choices=[("", _("Any source")), *Source.choices], required=False
    )
    impact = forms.IntegerField(
        label=_("Impact"), min_value=1, max_value=5, required=False, widget=forms.HiddenInput
    )
    feasibility = forms.IntegerField(
        label=_("Feasibility"), min_value=1, max_value=5, required=False, widget=forms.HiddenInput
    )
    overdue = forms.BooleanField(label=_("Only overdue"), required=False)
    sort = forms.ChoiceField(
        label=_("Sort by"),
        choices=[
            ("priority", _("Priority")),
            ("due", _("Due date")),
            ("created", _("Newest first")),
            ("title", _("Title")),
        ],
        required=False,
    )

    def __init__(self, *args, viewer, **kwargs):
        super().__init__(*args, **kwargs)
        form_field(self, "owner", forms.ModelChoiceField).queryset = (
            User.objects.filter(owned_improvements__in=Item.objects.visible_to(viewer))
            .distinct()
            .order_by("first_name", "last_name", "username")
        )

    def chosen(self) -> dict:
        self.is_valid()  # cleaned_data then holds the fields that are valid
        return {name: value for name, value in self.cleaned_data.items() if value}

    def filter(self, items: ItemQuerySet, *, sort: bool = True) -> ItemQuerySet:
        chosen = self.chosen()
        for name in ("waste", "muda_kind", "source", "impact", "feasibility", "touchpoint"):
            if name in chosen:
                items = items.filter(**{name: chosen[name]})
        if "owner" in chosen:
            items = items.filter(owner=chosen["owner"])
        if "unit" in chosen:
            items = items.filter(unit__path__startswith=chosen["unit"].path)
        status = chosen.get("status")
        if status == OPEN:
            items = items.filter(status__in=OPEN_STATUSES)
        elif status == CLOSED:
            items = items.filter(status__in=CLOSED_STATUSES)
        elif status:
            items = items.filter(status=status)
        quadrant = chosen.get("quadrant")
        if quadrant:
            items = items.filter(quadrant="" if quadrant == "none" else quadrant)
        if chosen.get("overdue"):
            items = items.overdue(timezone.localdate())
        if sort:
            items = items.order_by(*SORTS[chosen.get("sort", "priority")])
        return items

    def query(self, **changes) -> str:
        """The valid filters as a query string, with `changes` (None drops one)."""
        params = {
            name: value.pk if hasattr(value, "pk") else value
            for name, value in self.chosen().items()
        }
        params = {**params, **changes}
        query = QueryDict(mutable=True)
        for name, value in params.items():
            if value is not None and value != "":
                query[name] = "on" if value is True else str(value)
        return query.urlencode()

    def without_cell(self) -> str:
        """The query string without the chart cell's impact and feasibility."""
        return self.query(impact=None, feasibility=None)


# --- submit and edit ---------------------------------------------------------------------


class JourneyFieldsMixin(forms.BaseForm):
    """Touchpoint and transition selects grouped by journey."""

    def group_journey_fields(self) -> None:
        if "touchpoint" in self.fields:
            grouped_by_journey(
                form_field(self, "touchpoint", forms.ModelChoiceField), lambda t: t.stage.journey
            )
        if "transition" in self.fields:
            grouped_by_journey(
                form_field(self, "transition", forms.ModelChoiceField),
                lambda t: t.source.stage.journey,
            )


class ItemFieldsForm(JourneyFieldsMixin, ItemRulesForm):
    """The fields a new idea and an item's edit form share: unit, where in the journey,
    the scores and the owner (chosen from `Item.owner_choices`)."""

    unit = UnitChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    touchpoint = TouchpointChoiceField(
        label=_("Touchpoint"), queryset=touchpoints(), required=False, empty_label=_("None")
    )
    transition = TransitionChoiceField(
        label=_("Or the hand-over between two touchpoints"),
        queryset=transitions(),
        required=False,
        empty_label=_("None"),
    )
    impact = score_field(_("Impact"), Item._meta.get_field("impact").help_text)
    feasibility = score_field(_("Feasibility"), Item._meta.get_field("feasibility").help_text)
    customer_value = score_field(
        _("Customer value"), Item._meta.get_field("customer_value").help_text
    )
    owner = PersonChoiceField(label=_("Owner"), queryset=User.objects.none(), required=False)


class SubmitForm(ItemFieldsForm):
    """A new idea. Everyone picks a unit of their part of the tree; coordinators may
    score, assign and date it at once."""

    touchpoint = TouchpointChoiceField(
        label=_("Touchpoint"),
        queryset=touchpoints(),
        required=False,
        empty_label=_("None"),
        help_text=_("Where in the customer journey the problem shows, if you know."),
    )

    class Meta:
        model = Item
        fields = SUBMIT_FIELDS
        widgets = {"description": forms.Textarea(attrs={"rows": 4}), "due_date": DateInput()}
        help_texts = {
            "description": _("What happens today, and what could be better."),
            "waste": _("Muda is waste, Mura unevenness, Muri overburden. Leave empty if unsure."),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        form_field(self, "unit", forms.ModelChoiceField).queryset = submit_units(user)
        if not is_coordinator(user):
            for name in (*SCORES, "owner", "due_date"):
                del self.fields[name]
        else:
            form_field(self, "owner", forms.ModelChoiceField).queryset = owner_choices(user)
        self.group_journey_fields()


class ItemForm(ItemFieldsForm):
    """Everything a coordinator of the item's unit may change."""

    class Meta:
        model = Item
        fields = [
            *SUBMIT_FIELDS,
            "expected_metric",
            "expected_change",
            "expected_effect",
            "measured_change",
            "measured_effect",
            "spread",
            "spread_note",
            "rejection_reason",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "expected_effect": forms.Textarea(attrs={"rows": 3}),
            "measured_effect": forms.Textarea(attrs={"rows": 3}),
            "spread_note": forms.Textarea(attrs={"rows": 2}),
            "rejection_reason": forms.Textarea(attrs={"rows": 2}),
            "due_date": DateInput(),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        units = Unit.objects.all() if user.is_superuser else coordinated_units(user)
        form_field(self, "unit", forms.ModelChoiceField).queryset = units.order_by("path")
        form_field(self, "owner", forms.ModelChoiceField).queryset = owner_choices(
            user, self.instance
        )
        if self.instance.status != Status.REJECTED and not self.instance.rejection_reason:
            del self.fields["rejection_reason"]
        self.group_journey_fields()


class PlanForm(ItemRulesForm):
    """What the owner of an item changes: its plan and its effect."""

    class Meta:
        model = Item
        fields = PLAN_FIELDS
        widgets = ItemForm.Meta.widgets


# --- moves -------------------------------------------------------------------------------


class MoveForm(ItemRulesForm):
    """The fields a move needs (owner and due date for plan, …) and a note. Built for one
    target by `move_form`; `Item.move` has the last word."""

    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Optional: why it moves now. Shown in the item's status changes."),
    )

    class Meta:
        model = Item
        fields: list[str] = []

    def move_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self._meta.fields or ()}


def move_form(item: Item, target: str, user, data=None) -> MoveForm:
    names = list(MOVE_FIELDS.get(target, []))
    if "owner" in names and not item.can_manage(user):
        names.remove("owner")  # the owner moves their own item; they do not reassign it
    extra: dict = {}
    if set(SCORES) & set(names):
        for name in SCORES:
            model_field = cast(models.Field, Item._meta.get_field(name))  # a score, not a relation
            extra[name] = score_field(model_field.verbose_name.capitalize(), model_field.help_text)
    if "owner" in names:
        extra["owner"] = PersonChoiceField(
            label=_("Owner"), queryset=owner_choices(user, item), required=False
        )
    if "spread" in names:
        extra["spread"] = forms.NullBooleanField(
            label=_("Spread the new standard to other units?"),
            widget=forms.RadioSelect(choices=[(True, _("Yes")), (False, _("No"))]),
        )
    form_class = forms.modelform_factory(
        Item,
        form=MoveForm,
        fields=names,
        widgets={
            "due_date": DateInput(),
            "measured_effect": forms.Textarea(attrs={"rows": 3}),
            "spread_note": forms.Textarea(attrs={"rows": 2}),
            "rejection_reason": forms.Textarea(attrs={"rows": 3}),
        },
    )
    # modelform_factory(form=MoveForm) makes a MoveForm; the stubs say only ModelForm
    target_class = cast(type[MoveForm], type("TargetMoveForm", (form_class,), extra))
    form = target_class(keep_unsent(item, names, data), instance=item)
    for name in names:
        form.fields[name].required = False  # Item.move says what is missing, in its words
    return form


def keep_unsent(item: Item, names: list[str], data):
    """The posted data, with the item's present values for fields not sent: a move made
    with one button keeps what the item has (its scores, its owner …)."""
    if data is None:
        return None
    current = model_to_dict(item, fields=names)
    merged = data.copy()
    for name in names:
        if name not in data:
            value = current.get(name)
            merged[name] = "" if value is None else str(value)
    return merged


# --- comments and attachments ------------------------------------------------------------


def refused_mentions_error(refused: list[str]) -> str:
    return _(
        "You cannot mention %(names)s here: only people you work with, by their user name."
    ) % {"names": ", ".join(f"@{name}" for name in refused)}


def check_mentions(item: Item, author, text: str) -> None:
    """Refuse @mentions of people the author may not mention (`Item.mention_choices`)."""
    refused = resolve_mentions(text, item.mention_choices(author))[1]
    if refused:
        raise ValidationError(refused_mentions_error(refused))


class CommentForm(forms.ModelForm):
    """A comment; `item` and `author` (when given) check its @mentions."""

    class Meta:
        model = Comment
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}
        labels = {"text": _("Your comment")}
        help_texts = {"text": _("Type @ and a name to mention someone; they are told.")}

    def __init__(self, *args, item: Item | None = None, author=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.item, self.author = item, author
        if item is not None and item.pk:
            self.fields["text"].widget.attrs["data-mention-url"] = reverse(
                "backlog:mentions", args=[item.pk]
            )

    def clean_text(self) -> str:
        text = self.cleaned_data["text"]
        if self.item is not None and self.author is not None:
            check_mentions(self.item, self.author, text)
        return text


class AttachmentForm(forms.ModelForm):
    class Meta:
        model = Attachment
        fields = ["file", "description"]
        help_texts = {
            "file": _("PDF, image, Word, Excel, PowerPoint, text or CSV, at most 10 MB."),
        }
