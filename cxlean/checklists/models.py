"""Role-based checklists: what someone in a CX role does during a Lean CX rollout.

A checklist template belongs to a CX role (and optionally a step of the guide) and
holds ordered items; an item may ask for evidence (a file). Templates are catalogue
data the organisation edits in the admin (`cxlean/checklists/catalogue.py` loads the
shipped ones).

A Lean coordinator assigns a template, with a due date, either to a named person or
to everyone holding a CX role in a unit and its sub-units. The people a role
assignment reaches are computed when asked (`Assignment.assignees`,
`AssignmentQuerySet.for_person`), never copied: someone who gets the role or joins the
unit later has the checklist too, and someone who loses the role no longer does.

Each assignee ticks the items off one by one (`Completion`: who, when, a note, the
evidence file); unticking keeps the row and its history. Progress is per person and
assignment: done items out of the template's items. An assignment is overdue for a
person when its due date has passed and they have not ticked off every item; a
complete checklist is never overdue.

Who may do what (the same in the web UI, the API and the admin):
- only the assignee ticks, unticks, notes and uploads evidence on their own checklist
  (coordinators follow the progress; they do not tick on someone's behalf);
- coordinators assign within the units they coordinate, and change or remove those
  assignments;
- management reads everything and changes nothing; superusers do everything but tick
  for others.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cxlean.core.dates import validate_not_future, validate_sane_date, validate_sane_datetime
from cxlean.core.events import bilingual, notify
from cxlean.core.models import Described, WithHelp, optional_link
from cxlean.core.names import display_name
from cxlean.core.translation import Translated
from cxlean.core.uploads import (
    DOCUMENT_EXTENSIONS,
    refuse_disguised,
    refuse_if_larger,
    stored_name,
)
from cxlean.guide.models import GuideStep
from cxlean.org.models import CXRole, Unit

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise
from cxlean.org.roles import (
    coordinated_units,
    coordinates_unit,
    is_coordinator,
    is_read_only,
    sees_everything,
)

# Evidence files follow the backlog's attachment rules: these types, at most 10 MB.
EVIDENCE_EXTENSIONS = DOCUMENT_EXTENSIONS
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024


def validate_evidence_size(file) -> None:
    """The size, and that the content is what the extension says."""
    refuse_if_larger(
        file,
        EVIDENCE_MAX_BYTES,
        _("The file is %(size)s MB; evidence files may be at most %(max)s MB."),
    )
    refuse_disguised(file)


def may_assign(user) -> bool:
    """Coordinators (and superusers) assign checklists, within their units."""
    return bool(user.is_authenticated and coordinated_units(user).exists())


def own_unit(user) -> Unit | None:
    profile = getattr(user, "profile", None)
    return profile.unit if profile is not None else None


def due_date_errors(
    due_date: dt.date | None, previous: dt.date | None = None
) -> list[StrOrPromise]:
    """A new or changed due date must not lie in the past (an old one may stay)."""
    if due_date is None or due_date == previous:
        return []
    if due_date < timezone.localdate():
        return [_("The due date cannot be in the past.")]
    return []


# --- templates ---------------------------------------------------------------------------


class ChecklistTemplate(Described):
    """What someone in a CX role does during the rollout, as a list of items."""

    code = models.SlugField(
        _("code"),
        max_length=80,
        unique=True,
        help_text=_("A stable identifier: the catalogue loader matches templates by it."),
    )
    role = models.ForeignKey(
        CXRole,
        verbose_name=_("CX role"),
        on_delete=models.PROTECT,
        related_name="checklist_templates",
    )
    step = optional_link(
        GuideStep,
        _("guide step"),
        related_name="checklist_templates",
        help_text=_("Leave empty for a checklist that spans the whole rollout."),
    )
    title_sv = models.CharField(_("title (Swedish)"), max_length=160)
    title_en = models.CharField(_("title (English)"), max_length=160)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    title = Translated()

    # Annotated by the template admin's queryset.
    item_total: int

    class Meta:
        verbose_name = _("checklist template")
        verbose_name_plural = _("checklist templates")
        ordering = ["role__order", "order", "pk"]

    def __str__(self) -> str:
        return self.title


class TemplateItem(WithHelp):
    """One thing to do on a checklist."""

    template = models.ForeignKey(
        ChecklistTemplate,
        verbose_name=_("checklist template"),
        on_delete=models.CASCADE,
        related_name="items",
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    text_sv = models.CharField(_("text (Swedish)"), max_length=300)
    text_en = models.CharField(_("text (English)"), max_length=300)
    needs_evidence = models.BooleanField(
        _("needs evidence"),
        default=False,
        help_text=_("The item can only be ticked off once a file is attached as evidence."),
    )
    history = HistoricalRecords()

    text = Translated()

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["template", "order", "pk"]

    def __str__(self) -> str:
        return self.text


# --- assignments -------------------------------------------------------------------------


class AssignmentQuerySet(models.QuerySet):
    def visible_to(self, user) -> AssignmentQuerySet:
        """Management everything; coordinators the assignments of their units and the
        role assignments made above them (those reach into their units); everyone the
        assignments that reach them."""
        if not user.is_authenticated:
            return self.none()
        if sees_everything(user):
            return self
        visible = self.reaching_q(user)
        home = own_unit(user) if is_coordinator(user) else None
        if home is not None:
            visible |= Q(unit__in=coordinated_units(user)) | Q(
                role__isnull=False, unit__in=home.line
            )
        return self.filter(visible)

    def for_person(self, user) -> AssignmentQuerySet:
        """The assignments that reach `user` now: made to them by name, or to a CX role
        they hold in their unit or a unit above it."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(self.reaching_q(user))

    @staticmethod
    def reaching_q(user) -> Q:
        profile = getattr(user, "profile", None)
        by_name = Q(person=user)
        if profile is None:
            return by_name
        by_role = Q(
            person__isnull=True,
            role__in=profile.cx_roles.all(),
            unit__in=profile.unit.line,
        )
        return by_name | by_role

    def overdue_candidates(self, today: dt.date | None = None) -> AssignmentQuerySet:
        """Assignments whose due date has passed (each person's progress decides)."""
        return self.filter(due_date__lt=today or timezone.localdate())


class Assignment(models.Model):
    """A template given, with a due date, to one person or to everyone holding a CX role
    in a unit and its sub-units (worked out when asked: see the module docstring)."""

    template = models.ForeignKey(
        ChecklistTemplate,
        verbose_name=_("checklist template"),
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="checklist_assignments",
        help_text=_(
            "For a CX role: everyone holding it here and in the sub-units. For a person: "
            "their unit when assigned; the coordinators of this unit follow it."
        ),
    )
    person = optional_link(
        settings.AUTH_USER_MODEL,
        _("person"),
        on_delete=models.CASCADE,
        related_name="checklist_assignments",
    )
    role = optional_link(
        CXRole, _("CX role"), on_delete=models.PROTECT, related_name="checklist_assignments"
    )
    due_date = models.DateField(_("due date"), validators=[validate_sane_date])
    assigned_by = optional_link(settings.AUTH_USER_MODEL, _("assigned by"), related_name="+")
    created_at = models.DateTimeField(_("assigned"), default=timezone.now, editable=False)
    history = HistoricalRecords()

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("checklist assignment")
        verbose_name_plural = _("checklist assignments")
        ordering = ["due_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(person__isnull=False) & Q(role__isnull=True))
                | (Q(person__isnull=True) & Q(role__isnull=False)),
                name="assignment_person_or_role",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.template} → {self.target_name}"

    def save(self, *args, **kwargs) -> None:
        adding = self._state.adding
        super().save(*args, **kwargs)
        if adding:
            self.tell_assignees()

    @property
    def target_name(self) -> str:
        if self.person_id:
            return display_name(self.person)
        return _("%(role)s in %(unit)s") % {"role": self.role, "unit": self.unit}

    @property
    def is_for_role(self) -> bool:
        return self.person_id is None

    def clean(self) -> None:
        errors: dict[str, list] = {}
        if self.person_id and self.role_id:
            errors["role"] = [_("Assign to a person or to a CX role in a unit, not both.")]
        elif not self.person_id and not self.role_id:
            errors["role"] = [_("Choose a person, or a CX role in the unit.")]
        if self.person_id and self.unit_id:
            profile = getattr(self.person, "profile", None)
            if profile is None or not profile.unit.is_within(self.unit):
                errors["person"] = [_("The person must work in the unit or one of its sub-units.")]
        if errors:
            raise ValidationError(errors)

    def tell_assignees(self) -> None:
        """The people a new assignment reaches hear of it (once per assignment), when
        someone assigned it."""
        if self.assigned_by is None:
            return
        notify(
            self.assignees(),
            "checklist_assigned",
            {
                "checklist": bilingual(self.template.title_sv, self.template.title_en),
                "due": self.due_date,
            },
            actor=self.assigned_by,
            about=self,
            state="assigned",
            url=reverse("checklists:assignment", args=[self.pk]),
        )

    def can_manage(self, user) -> bool:
        """Change the due date or remove it: a coordinator of its unit."""
        return not is_read_only(user) and coordinates_unit(user, self.unit)

    def assignees(self):
        """The people the assignment reaches now (active users)."""
        from django.contrib.auth.models import User

        if self.person_id:
            return User.objects.filter(pk=self.person_id, is_active=True)
        return User.objects.filter(
            is_active=True,
            profile__cx_roles=self.role_id,
            profile__unit__path__startswith=self.unit.path,
        ).distinct()

    def reaches(self, user) -> bool:
        return (
            user.is_authenticated
            and Assignment.objects.for_person(user).filter(pk=self.pk).exists()
        )

    def may_tick(self, user) -> bool:
        """Only the assignee ticks off their own checklist; management changes nothing."""
        return not is_read_only(user) and self.reaches(user)


# --- ticking items off -------------------------------------------------------------------


class CompletionQuerySet(models.QuerySet):
    def visible_to(self, user) -> CompletionQuerySet:
        """Your own ticks; coordinators those of the people in their units; management all."""
        if not user.is_authenticated:
            return self.none()
        if sees_everything(user):
            return self
        return self.filter(Q(person=user) | Q(person__profile__unit__in=coordinated_units(user)))


def evidence_path(instance: Completion, filename: str) -> str:
    return stored_name(f"checklists/{instance.assignment_id}/{instance.person_id}", filename)


class Completion(models.Model):
    """One person's standing on one item of an assigned checklist: ticked off or not
    (who ticked it and when), a note and the evidence file."""

    assignment = models.ForeignKey(
        Assignment,
        verbose_name=_("checklist assignment"),
        on_delete=models.CASCADE,
        related_name="completions",
    )
    item = models.ForeignKey(
        TemplateItem,
        verbose_name=_("checklist item"),
        on_delete=models.CASCADE,
        related_name="completions",
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="checklist_completions",
    )
    done = models.BooleanField(_("ticked off"), default=False)
    done_at = models.DateTimeField(
        _("ticked off at"),
        null=True,
        blank=True,
        validators=[validate_sane_datetime, validate_not_future],
    )
    note = models.TextField(_("note"), blank=True)
    evidence = models.FileField(
        _("evidence"),
        upload_to=evidence_path,
        max_length=255,
        blank=True,
        validators=[FileExtensionValidator(EVIDENCE_EXTENSIONS), validate_evidence_size],
        help_text=_("PDF, image, Office document, text or CSV; at most 10 MB."),
    )
    updated_at = models.DateTimeField(_("changed"), auto_now=True)
    history = HistoricalRecords()

    objects = CompletionQuerySet.as_manager()

    class Meta:
        verbose_name = _("ticked item")
        verbose_name_plural = _("ticked items")
        ordering = ["assignment", "person", "item__order", "item"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "item", "person"], name="completion_once_per_person"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item} ({'✓' if self.done else '–'})"

    @property
    def evidence_name(self) -> str:
        return (self.evidence.name or "").rsplit("/", 1)[-1] if self.evidence else ""

    def clean(self) -> None:
        errors: dict[str, list] = {}
        if (
            self.item_id
            and self.assignment_id
            and self.item.template_id != (self.assignment.template_id)
        ):
            errors["item"] = [_("The item is not on this checklist.")]
        if self.done and self.item_id and self.item.needs_evidence and not self.evidence:
            errors["evidence"] = [
                _("This item needs evidence: attach a file before ticking it off.")
            ]
        if errors:
            raise ValidationError(errors)

    def set_done(self, done: bool) -> None:
        """Tick off or untick; `done_at` says when it was ticked (history keeps the rest)."""
        if done and not self.done:
            self.done_at = timezone.now()
        elif not done:
            self.done_at = None
        self.done = done


def completion_for(assignment: Assignment, item: TemplateItem, person) -> Completion:
    """The person's row for the item, or a new unsaved one."""
    found = Completion.objects.filter(assignment=assignment, item=item, person=person).first()
    return found or Completion(assignment=assignment, item=item, person=person)


def tick(
    assignment: Assignment,
    item: TemplateItem,
    person,
    *,
    done: bool | None = None,
    note: str | None = None,
    evidence=None,
) -> Completion:
    """Record what the assignee did on one item: tick it off or untick it, change the
    note, attach evidence. Checks the rules (`Completion.clean`, field validators) and
    saves nothing when they refuse."""
    with transaction.atomic():
        completion = completion_for(assignment, item, person)
        if note is not None:
            completion.note = note
        if evidence is not None:
            completion.evidence = evidence
        if done is not None:
            completion.set_done(done)
        completion.full_clean(validate_unique=False, validate_constraints=False)
        completion.save()
    return completion
