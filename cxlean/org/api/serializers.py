"""Units, CX roles and people over the API.

`ModelValidatedSerializer` is also the base of the plan serializers: it runs the
model's own validation so the API enforces exactly the rules forms and admin do.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.models import Group, User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cxlean.core.api import ModelValidatedSerializer, requesting_user
from cxlean.core.names import display_name
from cxlean.org.accounts import What, event, record, request_email_change
from cxlean.org.models import (
    DECISIONS,
    CatalogueProposal,
    ClaimMapping,
    CXRole,
    EmailChange,
    Profile,
    SignInEvent,
    Surface,
    Unit,
    may_propose_for,
    unit_placement_message,
)
from cxlean.org.roles import (
    EMPLOYEE,
    ROLE_GROUPS,
    coordinates_unit,
    may_place_unit,
    may_set_password,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class UnitSerializer(ModelValidatedSerializer):
    depth = serializers.IntegerField(
        read_only=True, help_text=_("0 for a top unit, 1 below it, and so on.")
    )

    class Meta:
        model = Unit
        fields = ["id", "name", "code", "parent", "path", "depth", "description"]
        read_only_fields = ["path"]

    def validate_parent(self, parent: Unit | None) -> Unit | None:
        unit = self.instance if self.instance is not None else Unit()
        if not may_place_unit(requesting_user(self), unit, parent):
            raise serializers.ValidationError(unit_placement_message(unit))
        return parent

    def validate(self, attrs):
        # A new unit without `parent` would be a top unit: the same rule decides.
        top_unit = self.instance is None and "parent" not in attrs
        if top_unit and not may_place_unit(requesting_user(self), Unit(), None):
            raise serializers.ValidationError({"parent": unit_placement_message(Unit())})
        return super().validate(attrs)


class CXRoleSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True, help_text=_("The name in the request language."))
    description = serializers.CharField(
        read_only=True, help_text=_("The description in the request language.")
    )

    class Meta:
        model = CXRole
        fields = [
            "id",
            "slug",
            "name",
            "description",
            "name_sv",
            "name_en",
            "description_sv",
            "description_en",
            "order",
        ]


class PersonSerializer(serializers.ModelSerializer):
    """A user and their profile as one object.

    Coordinators keep the people of their units up to date (those below their own rank,
    see `cxlean.org.roles.may_change_sign_in`); cxlean roles (groups) and passwords are
    managed by superusers in the admin, so `roles` is read-only here. A new `email` is
    not used until it is confirmed from that address: until then it is `pending_email`
    and `email` keeps the confirmed one."""

    unit = serializers.PrimaryKeyRelatedField(source="profile.unit", queryset=Unit.objects.all())
    cx_roles = serializers.PrimaryKeyRelatedField(
        source="profile.cx_roles", many=True, queryset=CXRole.objects.all(), required=False
    )
    job_title = serializers.CharField(
        source="profile.job_title", max_length=120, required=False, allow_blank=True
    )
    roles = serializers.SerializerMethodField(help_text=_("The person's cxlean roles."))
    pending_email = serializers.SerializerMethodField(
        help_text=_(
            "A new e-mail address waiting to be confirmed from that address; `email` (where "
            "password-reset links go) changes once it is."
        )
    )

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "first_name",
            "last_name",
            "email",
            "pending_email",
            "is_active",
            "unit",
            "cx_roles",
            "job_title",
            "roles",
        ]
        read_only_fields = ["is_active"]

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=ROLE_GROUPS)))
    def get_roles(self, user: User) -> list[str]:
        # From the prefetched groups: no query per person.
        names = {group.name for group in user.groups.all()}
        return [name for name in ROLE_GROUPS if name in names]

    @extend_schema_field(serializers.EmailField(allow_null=True))
    def get_pending_email(self, user: User) -> str | None:
        changes = getattr(user, "pending_email_changes", None)
        if changes is None:  # not prefetched (a single person)
            changes = list(EmailChange.objects.pending().filter(user=user)[:1])
        return changes[0].new_email if changes else None

    def validate_unit(self, unit: Unit) -> Unit:
        if not coordinates_unit(requesting_user(self), unit):
            raise serializers.ValidationError(
                _("You can only place people in units you coordinate.")
            )
        return unit

    def validate(self, attrs):
        attrs = super().validate(attrs)
        has_profile = (
            self.instance is not None and Profile.objects.filter(user=self.instance).exists()
        )
        if not has_profile and "unit" not in attrs.get("profile", {}):
            raise serializers.ValidationError({"unit": _("Every person belongs to a unit.")})
        return attrs

    @transaction.atomic
    def update(self, user: User, validated_data: dict) -> User:
        actor = requesting_user(self)
        request = self.context["request"]
        profile_data = validated_data.pop("profile", {})
        if "email" in validated_data:
            change = request_email_change(
                user, validated_data.pop("email"), actor=actor, surface=Surface.API, request=request
            )
            vars(user)["pending_email_changes"] = [change] if change else []
        if validated_data.get("username", user.username) != user.username:
            record(
                What.USERNAME_CHANGED,
                person=user,
                actor=actor,
                surface=Surface.API,
                old=user.username,
                new=validated_data["username"],
                request=request,
            )
        for name, value in validated_data.items():
            setattr(user, name, value)
        if validated_data:
            user.save(update_fields=list(validated_data))
        save_profile(user, profile_data)
        return user


class PersonCreateSerializer(PersonSerializer):
    password = serializers.CharField(
        write_only=True,
        required=False,
        style={"input_type": "password"},
        help_text=_(
            "Superusers only, optional. Without it the person chooses a password through "
            '"Forgot your password?", which mails their e-mail address.'
        ),
    )

    class Meta(PersonSerializer.Meta):
        fields = [*PersonSerializer.Meta.fields, "password"]

    def validate_password(self, password: str) -> str:
        if password and not may_set_password(requesting_user(self)):
            raise serializers.ValidationError(
                _(
                    "Only a superuser sets a password for someone else: leave it out, and the "
                    'person chooses one through "Forgot your password?".'
                )
            )
        return password

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if attrs.get("password"):
            candidate = User(
                username=attrs.get("username", ""),
                email=attrs.get("email", ""),
                first_name=attrs.get("first_name", ""),
                last_name=attrs.get("last_name", ""),
            )
            try:
                validate_password(attrs["password"], candidate)
            except DjangoValidationError as error:
                raise serializers.ValidationError({"password": error.messages}) from error
        return attrs

    @transaction.atomic
    def create(self, validated_data: dict) -> User:
        profile_data = validated_data.pop("profile")
        password = validated_data.pop("password", None)
        user = User(**validated_data)
        user.set_password(password) if password else user.set_unusable_password()
        user.save()
        # New people are employees; a superuser gives other roles in the admin.
        user.groups.add(Group.objects.get_or_create(name=EMPLOYEE)[0])
        save_profile(user, profile_data)
        actor = requesting_user(self)
        audit = [
            event(What.CREATED, person=user, actor=actor, surface=Surface.API, new=user.email),
            event(What.ROLE_GRANTED, person=user, actor=actor, surface=Surface.API, new=EMPLOYEE),
        ]
        if password:
            audit.append(event(What.PASSWORD_SET, person=user, actor=actor, surface=Surface.API))
        SignInEvent.objects.bulk_create(audit)
        vars(user)["pending_email_changes"] = []
        return user


def save_profile(user: User, data: dict) -> None:
    try:
        profile = user.profile  # the loaded one, so the response shows the change
    except Profile.DoesNotExist:
        profile = Profile(user=user)
    cx_roles = data.pop("cx_roles", None)
    for name, value in data.items():
        setattr(profile, name, value)
    if data or profile.pk is None:
        profile.save()
    if cx_roles is not None:
        profile.cx_roles.set(cx_roles)


class SignInEventSerializer(serializers.ModelSerializer):
    actor_username = serializers.CharField(
        source="actor.username", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = SignInEvent
        fields = [
            "id",
            "created_at",
            "what",
            "person",
            "username",
            "actor",
            "actor_username",
            "old_value",
            "new_value",
            "surface",
            "ip_address",
        ]
        read_only_fields = fields


class ClaimMappingSerializer(ModelValidatedSerializer):
    """A rule of the single sign-on: a person whose `claim` holds `value` gets `role`,
    `unit` and/or `cx_role`, or is refused (`refuse`)."""

    class Meta:
        model = ClaimMapping
        fields = ["id", "claim", "value", "role", "unit", "cx_role", "refuse", "order"]


class CatalogueProposalSerializer(serializers.ModelSerializer):
    """A proposal to change a catalogue. Coordinators send `catalogue`, `entry` (which
    entry, if one), `title`, `change`, `reason` and `unit` (a unit they coordinate);
    the decision is made with POST .../decide/."""

    catalogue_label = serializers.CharField(source="get_catalogue_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    proposed_by_name = serializers.SerializerMethodField()
    decided_by_name = serializers.SerializerMethodField()

    class Meta:
        model = CatalogueProposal
        fields = [
            "id",
            "catalogue",
            "catalogue_label",
            "entry",
            "title",
            "change",
            "reason",
            "unit",
            "unit_name",
            "proposed_by",
            "proposed_by_name",
            "created_at",
            "status",
            "status_label",
            "decided_by",
            "decided_by_name",
            "decided_at",
            "decision_note",
        ]
        read_only_fields = [
            "proposed_by",
            "created_at",
            "status",
            "decided_by",
            "decided_at",
            "decision_note",
        ]

    def get_proposed_by_name(self, proposal: CatalogueProposal) -> str | None:
        return display_name(proposal.proposed_by) if proposal.proposed_by else None

    def get_decided_by_name(self, proposal: CatalogueProposal) -> str | None:
        return display_name(proposal.decided_by) if proposal.decided_by else None

    def validate_unit(self, unit: Unit) -> Unit:
        if not may_propose_for(requesting_user(self), unit):
            raise serializers.ValidationError(_("Propose on behalf of a unit you coordinate."))
        return unit

    def create(self, validated_data: dict) -> CatalogueProposal:
        validated_data["proposed_by"] = requesting_user(self)
        return super().create(validated_data)


class ProposalDecisionSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=[(status.value, status.label) for status in DECISIONS],
        help_text=_("accepted or declined."),
    )
    decision_note = serializers.CharField(
        required=False, allow_blank=True, default="", help_text=_("Why, for the proposer.")
    )


def unit_check(serializer: serializers.Serializer, unit: Unit, message: StrOrPromise) -> Unit:
    """Creating or moving a walk or schedule: only to a unit the user coordinates."""
    instance = serializer.instance
    if (instance is None or unit != instance.unit) and not coordinates_unit(
        requesting_user(serializer), unit
    ):
        raise serializers.ValidationError(message)
    return unit
