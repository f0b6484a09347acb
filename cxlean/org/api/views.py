"""Units, CX roles and people: readable by everyone signed in, changed by coordinators
within the units they coordinate (the CX role catalogue by any coordinator)."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db.models import ProtectedError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets

from cxlean.core.api import refuse_deletion
from cxlean.core.api_permissions import ChangesInScope, CoordinatorsWrite
from cxlean.org.api.filters import PersonFilter, UnitFilter
from cxlean.org.api.serializers import (
    CXRoleSerializer,
    PersonCreateSerializer,
    PersonSerializer,
    UnitSerializer,
)
from cxlean.org.models import CXRole, Profile, Unit
from cxlean.org.roles import coordinates_unit


@extend_schema_view(
    list=extend_schema(
        summary="List units",
        description=(
            "The organisation tree in tree order (by `path`). `?within=<id>` narrows it to a "
            "unit and all its sub-units."
        ),
    ),
    create=extend_schema(
        summary="Create a unit",
        description="Coordinators create units below the units they coordinate.",
    ),
)
@extend_schema(tags=["organisation"])
class UnitViewSet(viewsets.ModelViewSet):
    queryset = Unit.objects.all()
    serializer_class = UnitSerializer
    permission_classes = [ChangesInScope]
    filterset_class = UnitFilter
    search_fields = ["name", "code"]
    ordering_fields = ["path", "name", "code"]
    ordering = ["path"]

    def may_change(self, user, unit: Unit) -> bool:
        return coordinates_unit(user, unit)

    def perform_destroy(self, unit: Unit) -> None:
        try:
            unit.delete()
        except ProtectedError as error:
            advice = _("This unit still has sub-units, people or plans; move or remove them first.")
            raise refuse_deletion(error, advice) from error


@extend_schema(tags=["organisation"])
class CXRoleViewSet(viewsets.ModelViewSet):
    """The CX role catalogue. `name` and `description` are in the request language
    (Accept-Language); the `_sv` and `_en` fields hold both."""

    queryset = CXRole.objects.all()
    serializer_class = CXRoleSerializer
    permission_classes = [CoordinatorsWrite]
    filterset_fields = ["slug"]
    search_fields = ["slug", "name_sv", "name_en"]
    ordering_fields = ["order", "slug", "name_sv", "name_en"]
    ordering = ["order", "slug"]


@extend_schema_view(
    create=extend_schema(
        summary="Add a person",
        description="Coordinators add people to the units they coordinate. New people are "
        "employees; other roles are given by a superuser in the admin.",
        request=PersonCreateSerializer,
        responses=PersonSerializer,
    ),
)
@extend_schema(tags=["organisation"])
class PersonViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """People: a login with its profile (unit, CX roles, job title). Everyone signed in
    reads; coordinators change the people of their units. People are not deleted over
    the API (they own plan history); a superuser deactivates them in the admin."""

    queryset = User.objects.select_related("profile__unit").prefetch_related(
        "profile__cx_roles", "groups"
    )
    serializer_class = PersonSerializer
    permission_classes = [ChangesInScope]
    filterset_class = PersonFilter
    search_fields = ["username", "first_name", "last_name", "email", "profile__job_title"]
    ordering_fields = ["username", "first_name", "last_name", "email"]
    ordering = ["first_name", "last_name", "username"]

    def get_serializer_class(self):
        return PersonCreateSerializer if self.action == "create" else PersonSerializer

    def may_change(self, user, person: User) -> bool:
        """Coordinators change the people of their units, but never a superuser's account."""
        if person.is_superuser and not user.is_superuser:
            return False
        try:
            unit = person.profile.unit
        except Profile.DoesNotExist:
            unit = None
        return coordinates_unit(user, unit) or user.is_superuser
