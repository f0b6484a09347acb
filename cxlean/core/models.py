"""Abstract models for fields that several apps declare with the same meaning.

Inheriting one adds its fields (with their labels, and so their translations) to the
concrete model: the columns, and so the migrations, stay what the model declared itself.
Django lists inherited fields before the model's own ones; forms and the admin name
their fields, so the order does not show.

The core's one concrete model, the organisation's branding, lives in a module of its own
(cxlean/core/branding.py) and is imported here so that Django finds it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cxlean.core.branding import Branding  # noqa: F401 - Django finds the model here
from cxlean.core.translation import Translated

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def optional_link(
    to: type[models.Model] | str,
    verbose_name: StrOrPromise,
    *,
    related_name: str | None = None,
    on_delete=models.SET_NULL,
    **options,
) -> models.ForeignKey:
    """A link that may be empty: null in the database, blank in forms, and by default
    emptied (the row stays) when what it names is deleted.

    The field is the one `models.ForeignKey(to, null=True, blank=True, ...)` would be, so
    models that switch to it keep their columns and migrations."""
    return models.ForeignKey(
        to,
        verbose_name=verbose_name,
        null=True,
        blank=True,
        on_delete=on_delete,
        related_name=related_name,
        **options,
    )


class CreatedBy(models.Model):
    """Who created the row: set by the page or endpoint that creates it, kept (as empty)
    when that person is removed, and not edited afterwards."""

    created_by = optional_link(
        settings.AUTH_USER_MODEL, _("created by"), related_name="+", editable=False
    )

    class Meta:
        abstract = True


class Created(CreatedBy):
    """Who created the row and when."""

    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        abstract = True


class Described(models.Model):
    """A catalogue entry's longer description in Swedish and English (optional)."""

    description_sv = models.TextField(_("description (Swedish)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)

    description = Translated()

    class Meta:
        abstract = True


class WithHelp(models.Model):
    """Help in Swedish and English for whoever answers a question or ticks off an item
    (optional)."""

    help_sv = models.TextField(_("help (Swedish)"), blank=True)
    help_en = models.TextField(_("help (English)"), blank=True)

    help = Translated()

    class Meta:
        abstract = True


class CatalogueQuestion(WithHelp):
    """A question of a catalogue (a Gemba question set, the maturity model), asked in
    its `order` in Swedish or English."""

    order = models.PositiveSmallIntegerField(_("order"), default=0)
    text_sv = models.CharField(_("question (Swedish)"), max_length=300)
    text_en = models.CharField(_("question (English)"), max_length=300)

    text = Translated()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.text


def part_of(to, verbose_name, *, related_name: str = "+") -> models.ForeignKey:
    """A required link to what the row belongs to: deleting that deletes the row (a
    card of its deck, a score of its presentation, a member of their team)."""
    return models.ForeignKey(
        to, verbose_name=verbose_name, on_delete=models.CASCADE, related_name=related_name
    )
