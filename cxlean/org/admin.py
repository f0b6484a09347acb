from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group, User
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from cxlean.admin import CatalogueAdmin, RoleAdmin, ValidSelectionMixin
from cxlean.org.models import CXRole, Profile, Unit
from cxlean.org.roles import coordinated_units, coordinates_unit


@admin.register(Unit)
class UnitAdmin(RoleAdmin):
    list_display = ["indented_name", "code", "parent", "people"]
    list_filter = ["parent"]
    search_fields = ["name", "code"]
    readonly_fields = ["path"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("parent")
            .annotate(people_count=Count("profiles"))
        )

    def coordinator_may_change(self, request, obj) -> bool:
        return coordinates_unit(request.user, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "parent" and not request.user.is_superuser:
            kwargs["queryset"] = coordinated_units(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("name"), ordering="path")
    def indented_name(self, obj: Unit) -> str:
        return f"{'— ' * obj.depth}{obj.name}"

    @admin.display(description=_("people"), ordering="people_count")
    def people(self, obj: Unit) -> int:
        return obj.people_count


@admin.register(CXRole)
class CXRoleAdmin(CatalogueAdmin):
    list_display = ["name_sv", "name_en", "slug", "order", "holders"]
    list_editable = ["order"]
    search_fields = ["name_sv", "name_en", "slug"]
    prepopulated_fields = {"slug": ["name_en"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(holder_count=Count("profiles"))

    @admin.display(description=_("people"), ordering="holder_count")
    def holders(self, obj: CXRole) -> int:
        return obj.holder_count


@admin.register(Profile)
class ProfileAdmin(RoleAdmin):
    """People's place in the organisation. Coordinators keep the profiles of their
    units up to date; logins and passwords stay with superusers (User admin)."""

    list_display = ["__str__", "unit", "job_title", "roles"]
    list_filter = ["unit", "cx_roles"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "job_title"]
    autocomplete_fields = ["user"]
    filter_horizontal = ["cx_roles"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("user", "unit")
            .prefetch_related("cx_roles")
        )

    def coordinator_may_change(self, request, obj) -> bool:
        return coordinates_unit(request.user, obj.unit)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "unit" and not request.user.is_superuser:
            kwargs["queryset"] = coordinated_units(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("CX roles"))
    def roles(self, obj: Profile) -> str:
        return ", ".join(role.name for role in obj.cx_roles.all())


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False
    filter_horizontal = ["cx_roles"]


admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class PersonAdmin(ValidSelectionMixin, UserAdmin):
    """Logins are managed by superusers; coordinators and management may look."""

    inlines = [ProfileInline]
    list_display = ["username", "first_name", "last_name", "email", "unit", "is_active"]
    list_select_related = ["profile__unit"]
    list_filter = ["groups", "is_active", "profile__unit"]

    @admin.display(description=_("unit"), ordering="profile__unit__path")
    def unit(self, obj: User):
        profile = getattr(obj, "profile", None)
        return profile.unit if profile else "–"

    def has_module_permission(self, request) -> bool:
        return self.admin_site.has_permission(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return self.admin_site.has_permission(request)

    def has_add_permission(self, request) -> bool:
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser


@admin.register(Group)
class RoleGroupAdmin(ValidSelectionMixin, admin.ModelAdmin):
    search_fields = ["name"]

    def has_module_permission(self, request) -> bool:
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser

    def has_add_permission(self, request) -> bool:
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser
