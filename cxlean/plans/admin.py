from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from cxlean.org.admin_rules import RoleAdmin, RoleTabularInline
from cxlean.org.roles import coordinated_units
from cxlean.plans.models import Activity, Phase, Plan, progress_percent, validate_dependencies


class PlanScopedAdmin(RoleAdmin):
    """Plans and their parts: everyone in the admin sees what `visible_to` allows;
    coordinators change only what belongs to a plan of their units."""

    plan_lookup = "plan"

    def scope_queryset(self, request, queryset):
        return queryset.filter(**{f"{self.plan_lookup}__in": Plan.objects.visible_to(request.user)})

    def coordinator_may_change(self, request, obj) -> bool:
        return self.plan_of(obj).can_edit(request.user)

    def plan_of(self, obj) -> Plan:
        return obj.plan


@admin.register(Plan)
class PlanAdmin(RoleAdmin):
    list_display = [
        "name",
        "unit",
        "coordinator",
        "start_date",
        "end_date",
        "budget",
        "planned",
        "actual",
        "progress",
        "late",
    ]
    list_filter = ["unit", "start_date"]
    list_select_related = ["unit", "coordinator"]
    search_fields = ["name", "description", "unit__name"]
    date_hierarchy = "start_date"
    autocomplete_fields = ["coordinator"]

    def scope_queryset(self, request, queryset):
        return queryset.visible_to(request.user).with_figures()

    def coordinator_may_change(self, request, obj) -> bool:
        return obj.can_edit(request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "unit" and not request.user.is_superuser:
            kwargs["queryset"] = coordinated_units(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("planned cost"), ordering="planned_total")
    def planned(self, obj: Plan):
        return obj.planned_total

    @admin.display(description=_("actual cost"), ordering="actual_total")
    def actual(self, obj: Plan):
        return obj.actual_total

    @admin.display(description=_("progress"))
    def progress(self, obj: Plan) -> str:
        return f"{progress_percent(obj.done_count, obj.activity_count)} %"

    @admin.display(description=_("late"), ordering="late_count")
    def late(self, obj: Plan) -> int:
        return obj.late_count


class ActivityAdminForm(forms.ModelForm):
    class Meta:
        model = Activity
        fields = "__all__"  # noqa: DJ007 - ActivityAdmin's fieldsets choose the fields

    def clean(self):
        cleaned = super().clean()
        assert cleaned is not None  # ModelForm.clean returns cleaned_data
        phase = cleaned.get("phase")
        if phase and "depends_on" in cleaned and cleaned.get("start_date"):
            self.instance.phase = phase
            self.instance.start_date = cleaned["start_date"]
            try:
                validate_dependencies(self.instance, cleaned["depends_on"])
            except forms.ValidationError as error:
                self.add_error(None, error)
        return cleaned


class ActivityInline(RoleTabularInline):
    model = Activity
    extra = 0
    fields = [
        "order",
        "title",
        "owner",
        "start_date",
        "due_date",
        "status",
        "planned_cost",
        "actual_cost",
    ]
    autocomplete_fields = ["owner"]
    show_change_link = True


@admin.register(Phase)
class PhaseAdmin(PlanScopedAdmin):
    list_display = ["title", "plan", "step", "order"]
    list_filter = ["plan__unit", "step"]
    list_select_related = ["plan", "step"]
    search_fields = ["title", "plan__name"]
    inlines = [ActivityInline]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "plan" and not request.user.is_superuser:
            kwargs["queryset"] = Plan.objects.editable_by(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Activity)
class ActivityAdmin(PlanScopedAdmin):
    form = ActivityAdminForm
    plan_lookup = "phase__plan"
    list_display = [
        "title",
        "plan",
        "phase",
        "owner",
        "start_date",
        "due_date",
        "status",
        "planned_cost",
        "actual_cost",
    ]
    list_filter = ["status", "phase__plan__unit", "phase__plan", "due_date"]
    list_select_related = ["phase__plan", "owner"]
    search_fields = [
        "title",
        "description",
        "phase__plan__name",
        "owner__username",
        "owner__first_name",
        "owner__last_name",
    ]
    autocomplete_fields = ["owner"]
    filter_horizontal = ["depends_on"]

    def plan_of(self, obj) -> Plan:
        return obj.phase.plan

    @admin.display(description=_("rollout plan"), ordering="phase__plan__name")
    def plan(self, obj: Activity) -> Plan:
        return obj.phase.plan

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "phase" and not request.user.is_superuser:
            kwargs["queryset"] = Phase.objects.filter(
                plan__in=Plan.objects.editable_by(request.user)
            ).select_related("plan")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "depends_on":
            kwargs["queryset"] = Activity.objects.visible_to(request.user).select_related(
                "phase__plan"
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)
