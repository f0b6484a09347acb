"""The permission rules every cxlean ModelAdmin shares.

Admin access follows cxlean's roles, not Django's per-model permissions, so that the
admin, the web UI and the API answer "who may do what" from the same functions in
`cxlean.org.roles`: management reads everything, coordinators change what lies in
their units, superusers do everything, employees use the web app instead. The admin
site itself (`cxlean.admin.CxleanAdminSite`) lives at project level, above the apps.
"""

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.db.models import Model
from django.forms import BaseForm
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext_lazy as _

from cxlean.org.models import Unit
from cxlean.org.roles import (
    is_coordinator,
    may_edit_catalogue,
    sees_everything,
    unit_neighbourhood,
)

if TYPE_CHECKING:
    # django-simple-history ships no types; to mypy its admin is the ModelAdmin it
    # extends plus the two views cxlean overrides, so every cxlean admin is type-checked.
    class SimpleHistoryAdmin(admin.ModelAdmin):
        def history_view(self, request, object_id, extra_context=None) -> HttpResponse: ...

        def history_form_view(
            self, request, object_id, version_id, extra_context=None
        ) -> HttpResponse: ...
else:
    from simple_history.admin import SimpleHistoryAdmin


def form_with[F: BaseForm](form: type[F], **attributes: object) -> type[F]:
    """A subclass of the admin's form class carrying `attributes` (e.g. the user the
    form validates for), so that no form class is changed in place."""
    return type(form.__name__, (form,), attributes)


class ValidSelectionMixin:
    """An action on ids that are not ids of this list (a tampered or stale form) does
    nothing and says so, instead of failing on the database query (a 500)."""

    # From the ModelAdmin it is mixed into.
    model: type[Model]
    message_user: Callable[..., None]

    def is_valid_pk(self, value) -> bool:
        pk = self.model._meta.pk
        try:
            value = pk.to_python(value)
        except ValidationError:
            return False
        bounds = connection.ops.integer_field_ranges.get(pk.get_internal_type())
        return bounds is None or bounds[0] <= value <= bounds[1]

    def response_action(self, request, queryset, *args, **kwargs):
        if not all(map(self.is_valid_pk, request.POST.getlist(helpers.ACTION_CHECKBOX_NAME))):
            self.message_user(
                request,
                _("The selection held something that is not a row of this list; nothing was done."),
                messages.WARNING,
            )
            return HttpResponseRedirect(request.get_full_path())
        # The ModelAdmin the mixin is mixed into has it (mypy sees only the mixin's bases).
        return super().response_action(  # type: ignore[misc]
            request, queryset, *args, **kwargs
        )


class SuperusersChange:
    """Only superusers add, change or delete these (who may look is the admin's own)."""

    def has_add_permission(self, request) -> bool:
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser


class SuperusersOnly(SuperusersChange):
    """Only superusers see or change these (roles, the single sign-on's claim mappings)."""

    def has_module_permission(self, request) -> bool:
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser


class RoleAdmin(ValidSelectionMixin, SimpleHistoryAdmin):
    """Base ModelAdmin: management reads, coordinators edit within their scope.

    Subclasses narrow the scope with `scope_queryset` and `coordinator_may_change`.
    """

    def scope_queryset(self, request, queryset):
        return queryset

    def coordinator_may_change(self, request, obj) -> bool:
        return True

    def get_queryset(self, request):
        return self.scope_queryset(request, super().get_queryset(request))

    def has_module_permission(self, request) -> bool:
        return self.admin_site.has_permission(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return self.admin_site.has_permission(request)

    def has_add_permission(self, request) -> bool:
        return is_coordinator(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        if not is_coordinator(request.user):
            return False
        return obj is None or request.user.is_superuser or self.coordinator_may_change(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self.has_change_permission(request, obj)

    # django-simple-history falls back to the historical row when an object is not in
    # `get_queryset`, and its revert form saves on POST after checking only view rights.
    # History follows the same scope as the object, and reverting is changing.

    def history_view(self, request, object_id, extra_context=None):
        self.history_object_or_404(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        obj = self.history_object_or_404(request, object_id)
        may_revert = request.user.is_superuser or (
            obj is not None and self.has_change_permission(request, obj)
        )
        if request.method == "POST" and not may_revert:
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def history_object_or_404(self, request, object_id):
        """The live object within the user's scope; the history of a deleted object only
        for those who see everything (management and superusers)."""
        obj = self.get_object(request, unquote(object_id))
        if obj is not None:
            return obj
        try:
            exists = self.model._default_manager.filter(pk=unquote(object_id)).exists()
        except (ValueError, ValidationError):
            raise Http404 from None
        if not exists and sees_everything(request.user):
            return None
        raise Http404


class CatalogueAdmin(RoleAdmin):
    """The organisation-wide catalogues (CX roles, the guide, the competence catalogue and
    its requirements, checklist templates, Gemba question sets, metric definitions, the
    maturity model): everyone with admin access reads them, the CX owner and superusers
    change them (`may_edit_catalogue`), coordinators propose changes."""

    def has_add_permission(self, request) -> bool:
        return may_edit_catalogue(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        return may_edit_catalogue(request.user)

    def has_delete_permission(self, request, obj=None) -> bool:
        return may_edit_catalogue(request.user)


class RoleInlineMixin:
    """An inline follows the permissions of the object it belongs to (Django would ask
    for per-model permissions, which cxlean's roles do not hand out)."""

    # From the InlineModelAdmin it is mixed into.
    admin_site: admin.AdminSite
    parent_model: type[Model]

    extra = 0

    def parent_admin(self) -> admin.ModelAdmin:
        return self.admin_site.get_model_admin(self.parent_model)

    def has_view_permission(self, request, obj=None) -> bool:
        return self.parent_admin().has_view_permission(request, obj)

    def has_add_permission(self, request, obj=None) -> bool:
        parent = self.parent_admin()
        if obj is not None:
            return parent.has_change_permission(request, obj)
        return parent.has_add_permission(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return self.has_add_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self.has_add_permission(request, obj)


class RoleTabularInline(RoleInlineMixin, admin.TabularInline):
    pass


class RoleStackedInline(RoleInlineMixin, admin.StackedInline):
    pass


class UnitTreeFilter(admin.SimpleListFilter):
    """A unit together with its sub-units (how the backlog by unit counts); the admin
    lists of unit-bound rows (improvements, Gemba walks, metrics, assessments) share it."""

    title = _("unit (with sub-units)")
    parameter_name = "in_unit"

    def lookups(self, request, model_admin):
        user = request.user
        units = Unit.objects.all() if sees_everything(user) else unit_neighbourhood(user)
        return [(str(unit.pk), f"{'— ' * unit.depth}{unit.name}") for unit in units]

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        unit = Unit.objects.filter(pk=value).first() if value.isdigit() else None
        if unit is None:
            return queryset.none()
        return queryset.filter(unit__path__startswith=unit.path)
