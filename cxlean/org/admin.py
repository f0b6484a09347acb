from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import AnonymousUser, Group, User
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from cxlean.core.names import display_name
from cxlean.org.accounts import What, active_event, record, role_events
from cxlean.org.admin_rules import (
    CatalogueAdmin,
    RoleAdmin,
    SuperusersChange,
    SuperusersOnly,
    ValidSelectionMixin,
    form_with,
)
from cxlean.org.models import (
    DECISIONS,
    CatalogueProposal,
    ClaimMapping,
    CXRole,
    EmailChange,
    Profile,
    ProposalStatus,
    SignInEvent,
    SSOIdentity,
    Surface,
    Unit,
    may_propose_for,
    unit_placement_message,
)
from cxlean.org.roles import (
    coordinated_units,
    coordinates_unit,
    is_coordinator,
    may_change_sign_in,
    may_edit_catalogue,
    may_place_unit,
    may_propose_change,
    sees_everything,
)

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class PeopleCount(TypedDict):
    people_count: int


class HolderCount(TypedDict):
    holder_count: int


class UnitAdminForm(forms.ModelForm):
    """Where a unit may hang is `may_place_unit`'s decision, as in the API: the parent
    field alone would accept an empty parent (a new top unit) from anyone."""

    user: User | AnonymousUser = AnonymousUser()  # set by UnitAdmin.get_form

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        placed = "parent" in self.fields and "parent" not in self.errors
        if placed and not may_place_unit(self.user, self.instance, cleaned.get("parent")):
            self.add_error("parent", unit_placement_message(self.instance))
        return cleaned


@admin.register(Unit)
class UnitAdmin(RoleAdmin):
    form = UnitAdminForm
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

    def get_readonly_fields(self, request, obj=None):
        # A unit a coordinator may not move (their home unit, a top unit) shows its
        # parent instead of offering choices it could not keep.
        fields = list(super().get_readonly_fields(request, obj))
        user = request.user
        if obj is not None and not user.is_superuser and not coordinates_unit(user, obj.parent):
            fields.append("parent")
        return fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        return form_with(super().get_form(request, obj, change, **kwargs), user=request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "parent" and not request.user.is_superuser:
            kwargs["queryset"] = coordinated_units(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("name"), ordering="path")
    def indented_name(self, obj: Unit) -> str:
        return f"{'— ' * obj.depth}{obj.name}"

    @admin.display(description=_("people"), ordering="people_count")
    def people(self, obj: WithAnnotations[Unit, PeopleCount]) -> int:
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
    def holders(self, obj: WithAnnotations[CXRole, HolderCount]) -> int:
        return obj.holder_count


@admin.register(Profile)
class ProfileAdmin(RoleAdmin):
    """People's place in the organisation. Coordinators keep the profiles of their
    units up to date for the people below their own rank (`may_change_sign_in`: not
    another coordinator's, not management's, whom they could otherwise move about);
    logins and passwords stay with superusers (User admin), and so does giving a login
    a profile (coordinators add people through the API or an import)."""

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
        return coordinates_unit(request.user, obj.unit) and may_change_sign_in(
            request.user, obj.user
        )

    def has_add_permission(self, request) -> bool:
        return request.user.is_superuser

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return super().get_readonly_fields(request, obj)
        return [*super().get_readonly_fields(request, obj), "user"]

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


ACCESS_FIELDS = ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")


@admin.register(User)
class PersonAdmin(SuperusersChange, ValidSelectionMixin, UserAdmin):
    """Logins are managed by superusers; coordinators and management may look.

    A superuser here sets an e-mail address directly (no confirmation e-mail), as the
    only surface that does; nobody changes their own roles or active flag. Every change
    of username, e-mail, password, roles, superuser status or active goes into the
    sign-in audit."""

    inlines = [ProfileInline]
    list_display = ["username", "first_name", "last_name", "email", "unit", "is_active"]
    list_select_related = ["profile__unit"]
    list_filter = ["groups", "is_active", "profile__unit"]

    def get_readonly_fields(self, request, obj=None):
        fields = [*super().get_readonly_fields(request, obj), "pending_email"]
        if obj is not None and obj.pk == request.user.pk:
            fields += ACCESS_FIELDS
        return fields

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        return [
            (name, {**options, "fields": [*options["fields"], "pending_email"]})
            if "email" in options["fields"]
            else (name, options)
            for name, options in fieldsets
        ]

    @admin.display(description=_("e-mail address waiting for confirmation"))
    def pending_email(self, obj: User) -> str:
        change = EmailChange.objects.pending().filter(user=obj).first()
        return change.new_email if change else "–"

    def save_model(self, request, obj, form, change) -> None:
        before = User.objects.filter(pk=obj.pk).first() if change else None
        request._cxlean_roles_before = (
            set(before.groups.values_list("name", flat=True)) if before else set()
        )
        super().save_model(request, obj, form, change)
        audit = PersonAudit(request, obj)
        if before is None:
            audit.add(What.CREATED, new=obj.email)
            if obj.has_usable_password():
                audit.add(What.PASSWORD_SET)
            return
        if before.username != obj.username:
            audit.add(What.USERNAME_CHANGED, old=before.username, new=obj.username)
        if before.email != obj.email:
            EmailChange.objects.filter(user=obj, confirmed_at__isnull=True).delete()
            audit.add(What.EMAIL_CHANGED, old=before.email, new=obj.email)
        if before.is_superuser != obj.is_superuser:
            audit.add(What.SUPERUSER_CHANGED, old=before.is_superuser, new=obj.is_superuser)
        if before.is_active != obj.is_active:
            active_event(obj, actor=request.user, surface=Surface.ADMIN).save()

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        person = form.instance
        after = set(person.groups.values_list("name", flat=True))
        before: set[str] = getattr(request, "_cxlean_roles_before", set())
        SignInEvent.objects.bulk_create(
            role_events(person, before, after, actor=request.user, surface=Surface.ADMIN)
        )

    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        changed = (
            request.method == "POST"
            and response.status_code == 302
            and isinstance(response, HttpResponseRedirect)
            and response.url != request.get_full_path()
        )
        if changed:
            person = User.objects.get(pk=unquote(id))
            PersonAudit(request, person).add(What.PASSWORD_SET)
        return response

    @admin.display(description=_("unit"), ordering="profile__unit__path")
    def unit(self, obj: User):
        profile = getattr(obj, "profile", None)
        return profile.unit if profile else "–"

    def has_module_permission(self, request) -> bool:
        return self.admin_site.has_permission(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return self.admin_site.has_permission(request)


@admin.register(Group)
class RoleGroupAdmin(SuperusersOnly, ValidSelectionMixin, admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(ClaimMapping)
class ClaimMappingAdmin(SuperusersOnly, ValidSelectionMixin, SimpleHistoryAdmin):
    """The single sign-on's rules (`cxlean.org.sso`): claim value → role, unit, CX role,
    or refusal. Applied on each sign-in through the provider."""

    list_display = ["claim", "value", "role", "unit", "cx_role", "refuse", "order"]
    list_editable = ["order"]
    list_filter = ["claim", "role", "refuse"]
    list_select_related = ["unit", "cx_role"]
    search_fields = ["claim", "value"]


@admin.register(SSOIdentity)
class SSOIdentityAdmin(SuperusersOnly, admin.ModelAdmin):
    """Who signs in with which provider account. Deleting a row unlinks the account: the
    next sign-in finds the person again by e-mail address, or makes a new one."""

    list_display = ["user", "issuer", "subject", "created_at", "last_sign_in"]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__email", "subject"]
    readonly_fields = ["user", "issuer", "subject", "created_at", "last_sign_in"]

    def has_add_permission(self, request) -> bool:
        return False


class PersonAudit:
    """Sign-in audit rows for one person changed in the admin."""

    def __init__(self, request, person: User):
        self.request, self.person = request, person

    def add(self, what: str, *, old: object = "", new: object = "") -> None:
        record(
            what,
            person=self.person,
            actor=self.request.user,
            surface=Surface.ADMIN,
            old=old,
            new=new,
            request=self.request,
        )


class ReadOnlyAuditAdmin(admin.ModelAdmin):
    """Superusers and management read every row; coordinators those about the people
    of their units. Nobody edits a row here."""

    person_field: str  # the path to the person the row is about, e.g. "person"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if sees_everything(request.user):
            return queryset
        if is_coordinator(request.user):
            return queryset.filter(
                **{self.person_field + "__profile__unit__in": coordinated_units(request.user)}
            )
        return queryset.none()

    def has_module_permission(self, request) -> bool:
        return self.admin_site.has_permission(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return self.admin_site.has_permission(request)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(EmailChange)
class EmailChangeAdmin(ReadOnlyAuditAdmin):
    """New e-mail addresses and whether they were confirmed. A superuser may delete a
    pending one to withdraw it (its link then confirms nothing)."""

    person_field = "user"
    list_display = ["user", "new_email", "requested_by", "surface", "created_at", "confirmed_at"]
    list_filter = ["surface", ("confirmed_at", admin.EmptyFieldListFilter)]
    list_select_related = ["user", "requested_by"]
    search_fields = ["user__username", "new_email"]
    date_hierarchy = "created_at"

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser and (obj is None or obj.confirmed_at is None)


@admin.register(SignInEvent)
class SignInEventAdmin(ReadOnlyAuditAdmin):
    person_field = "person"
    list_display = [
        "created_at",
        "what",
        "username",
        "actor",
        "old_value",
        "new_value",
        "surface",
        "ip_address",
    ]
    list_filter = ["what", "surface"]
    list_select_related = ["actor"]
    search_fields = ["username", "old_value", "new_value", "actor__username"]
    date_hierarchy = "created_at"


class ProposalAdminForm(forms.ModelForm):
    """Coordinators propose for the units they coordinate (`may_propose_for`)."""

    user = None  # set by CatalogueProposalAdmin.get_form

    def clean_unit(self):
        unit = self.cleaned_data["unit"]
        if not may_propose_for(self.user, unit):
            raise forms.ValidationError(_("Propose on behalf of a unit you coordinate."))
        return unit


@admin.register(CatalogueProposal)
class CatalogueProposalAdmin(RoleAdmin):
    """Coordinators propose and see their own proposals; the CX owner (and superusers)
    decide; management reads. Deciding is `CatalogueProposal.decide`, as on the web
    and over the API."""

    form = ProposalAdminForm
    list_display = ["title", "catalogue", "unit", "proposer", "created_at", "status"]
    list_filter = ["status", "catalogue"]
    list_select_related = ["unit", "proposed_by"]
    search_fields = ["title", "entry", "change", "reason"]
    date_hierarchy = "created_at"
    proposal_fields = ["catalogue", "entry", "title", "change", "reason", "unit"]
    decision_fields = ["status", "decision_note"]
    record_fields = ["proposer", "created_at", "decider", "decided_at"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return self.proposal_fields
        return [*self.proposal_fields, *self.decision_fields, *self.record_fields]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        decision = self.decision_fields if not obj.can_decide(request.user) else []
        return [*self.proposal_fields, *decision, *self.record_fields]

    def get_form(self, request, obj=None, change=False, **kwargs):
        return form_with(super().get_form(request, obj, change, **kwargs), user=request.user)

    def scope_queryset(self, request, queryset):
        return queryset.visible_to(request.user)

    def has_add_permission(self, request) -> bool:
        return may_propose_change(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        if obj is None:
            return may_edit_catalogue(request.user)
        return obj.can_decide(request.user)

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "unit":
            kwargs["queryset"] = coordinated_units(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "status":
            kwargs["choices"] = [("", "---------"), *[(s.value, s.label) for s in DECISIONS]]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def save_model(self, request, obj: CatalogueProposal, form, change: bool) -> None:
        if not change:
            obj.proposed_by = request.user
            obj.save()
            return
        status, note = obj.status, obj.decision_note
        obj.status = ProposalStatus.OPEN  # `decide` checks and records the decision
        obj.decide(by=request.user, status=status, note=note)

    @admin.display(description=_("proposed by"))
    def proposer(self, obj: CatalogueProposal) -> str:
        return display_name(obj.proposed_by) if obj.proposed_by else "–"

    @admin.display(description=_("decided by"))
    def decider(self, obj: CatalogueProposal) -> str:
        return display_name(obj.decided_by) if obj.decided_by else "–"
