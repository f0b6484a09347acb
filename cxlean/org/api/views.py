"""Units, CX roles and people: readable by everyone signed in, changed by coordinators
within the units they coordinate (the CX role catalogue by the CX owner)."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, permissions, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from cxlean.core.api import AdvisedDeletion, documented
from cxlean.org.api.filters import PersonFilter, UnitFilter
from cxlean.org.api.serializers import (
    CatalogueProposalSerializer,
    ClaimMappingSerializer,
    CXRoleSerializer,
    PersonCreateSerializer,
    PersonSerializer,
    ProposalDecisionSerializer,
    SignInEventSerializer,
    UnitSerializer,
)
from cxlean.org.api_permissions import (
    CatalogueOwnersWrite,
    ChangesInScope,
    is_read,
    is_signed_in,
)
from cxlean.org.models import (
    CatalogueProposal,
    ClaimMapping,
    CXRole,
    EmailChange,
    SignInEvent,
    Unit,
)
from cxlean.org.roles import (
    coordinates_unit,
    may_propose_change,
    reads_sign_in_audit,
    sign_in_refusal,
)


@documented(
    ["organisation"],
    list=(
        "List units",
        "The organisation tree in tree order (by `path`). `?within=<id>` narrows it to a "
        "unit and all its sub-units.",
    ),
    create=("Create a unit", "Coordinators create units below the units they coordinate."),
)
class UnitViewSet(AdvisedDeletion, viewsets.ModelViewSet):
    queryset = Unit.objects.all()
    serializer_class = UnitSerializer
    permission_classes = [ChangesInScope]
    filterset_class = UnitFilter
    search_fields = ["name", "code"]
    ordering_fields = ["path", "name", "code"]
    ordering = ["path"]
    deletion_advice = _(
        "This unit still has sub-units, people or plans; move or remove them first."
    )

    def may_change(self, user, unit: Unit) -> bool:
        return coordinates_unit(user, unit)


@documented(["organisation"])
class CXRoleViewSet(viewsets.ModelViewSet):
    """The CX role catalogue. `name` and `description` are in the request language
    (Accept-Language); the `_sv` and `_en` fields hold both."""

    queryset = CXRole.objects.all()
    serializer_class = CXRoleSerializer
    permission_classes = [CatalogueOwnersWrite]
    filterset_fields = ["slug"]
    search_fields = ["slug", "name_sv", "name_en"]
    ordering_fields = ["order", "slug", "name_sv", "name_en"]
    ordering = ["order", "slug"]


@extend_schema_view(
    create=extend_schema(
        summary="Add a person",
        description="Coordinators add people to the units they coordinate. New people are "
        "employees; other roles are given by a superuser in the admin. Only superusers send "
        'a `password`; without one the person chooses theirs through "Forgot your '
        'password?".',
        request=PersonCreateSerializer,
        responses=PersonSerializer,
    ),
)
@documented(
    ["organisation"],
    update=extend_schema(
        description="Coordinators change the people of their units whose role is below their "
        "own (employees); a person of equal or higher rank (another coordinator, management, "
        "a superuser) is a 403. A new `email` is mailed a confirmation link and shows as "
        "`pending_email` until confirmed; `email` keeps the confirmed address."
    ),
    partial_update=extend_schema(
        description="As PUT, for the fields sent. A new `email` waits in `pending_email` until "
        "it is confirmed from that address."
    ),
)
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

    serializer_class = PersonSerializer
    permission_classes = [ChangesInScope]
    filterset_class = PersonFilter
    search_fields = ["username", "first_name", "last_name", "email", "profile__job_title"]
    ordering_fields = ["username", "first_name", "last_name", "email"]
    ordering = ["first_name", "last_name", "username"]

    def get_queryset(self):
        pending = Prefetch(
            "email_changes",
            queryset=EmailChange.objects.pending(),
            to_attr="pending_email_changes",
        )
        return User.objects.select_related("profile__unit").prefetch_related(
            "profile__cx_roles", "groups", pending
        )

    def get_serializer_class(self):
        return PersonCreateSerializer if self.action == "create" else PersonSerializer

    def may_change(self, user, person: User) -> bool:
        """The rule of `cxlean.org.roles.may_change_sign_in`: coordinators change the
        people of their units below their own rank; the 403 says why not."""
        refusal = sign_in_refusal(user, person)
        if refusal is not None:
            raise PermissionDenied(refusal)
        return True


class ReadsSignInAudit(permissions.BasePermission):
    message = _("Only Lean coordinators, management and superusers read the sign-in audit.")

    def has_permission(self, request, view) -> bool:
        return reads_sign_in_audit(request.user)


@documented(
    ["organisation"],
    list=(
        "List sign-in events",
        "The sign-in audit, newest first: sign-ins (and failed ones), password "
        "resets, and every change of a person's username, e-mail address, password, roles or "
        "active flag, with who made it and where (`surface`). Superusers and management read "
        "every event, coordinators those about the people of their units. Read-only.",
    ),
)
class SignInEventViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = SignInEventSerializer
    permission_classes = [ReadsSignInAudit]
    filterset_fields = ["person", "what", "surface"]
    ordering_fields = ["created_at"]
    ordering = ["-created_at", "-pk"]

    def get_queryset(self):
        return SignInEvent.objects.visible_to(self.request.user).select_related("actor", "person")


class ProposalPermission(BasePermission):
    """Read what `CatalogueProposal.objects.visible_to` shows (others: 404); coordinators
    propose; the CX owner and superusers decide (`CatalogueProposal.can_decide`)."""

    propose_message = _("Only Lean coordinators propose changes to the catalogues.")
    decide_message = _("Only the CX owner decides on open catalogue proposals.")

    def has_permission(self, request, view) -> bool:
        if not is_signed_in(request):
            return False
        if view.action == "create":
            self.message = self.propose_message
            return may_propose_change(request.user)
        return True

    def has_object_permission(self, request, view, proposal: CatalogueProposal) -> bool:
        if is_read(request):
            return True
        self.message = self.decide_message
        return proposal.can_decide(request.user)


@documented(
    ["organisation"],
    list=(
        "Catalogue proposals you can see",
        "The CX owner, management and superusers see every proposal; "
        "coordinators their own and those of the units they coordinate.",
    ),
    create=(
        "Propose a change to a catalogue",
        "Lean coordinators propose changes to the organisation-wide catalogues "
        "(CX roles, the guide, competence activities and Green Card requirements, checklist "
        "templates, Gemba question sets, CX metric definitions, the maturity model) on "
        "behalf of a unit they coordinate. The CX owner decides.",
    ),
)
class CatalogueProposalViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = CatalogueProposalSerializer
    permission_classes = [ProposalPermission]
    filterset_fields = ["status", "catalogue", "unit"]
    search_fields = ["title", "entry", "change", "reason"]
    ordering_fields = ["created_at", "decided_at", "id"]
    ordering = ["-created_at", "-id"]

    def get_queryset(self) -> QuerySet[CatalogueProposal]:
        return CatalogueProposal.objects.visible_to(self.request.user).select_related(
            "unit", "proposed_by", "decided_by"
        )

    @extend_schema(
        summary="Accept or decline a proposal",
        description="The CX owner (or a superuser) decides an open proposal once: "
        "`status` accepted or declined, with an optional `decision_note` for the proposer. "
        "Accepting records the decision; the CX owner then changes the catalogue itself.",
        request=ProposalDecisionSerializer,
        responses={200: CatalogueProposalSerializer},
    )
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None) -> Response:
        proposal = self.get_object()
        decision = ProposalDecisionSerializer(data=request.data)
        decision.is_valid(raise_exception=True)
        proposal.decide(
            by=request.user,
            status=decision.validated_data["status"],
            note=decision.validated_data["decision_note"],
        )
        return Response(self.get_serializer(proposal).data)


class SuperusersOnly(BasePermission):
    message = _("Only superusers read and change the single sign-on's claim mappings.")

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_superuser)


@extend_schema_view(
    list=extend_schema(
        summary="List claim mappings",
        description="The rules of the single sign-on (OpenID Connect): a person whose claim "
        "`claim` (in the ID token or user info, e.g. `groups`) is `value`, or is a list that "
        "holds it, gets `role`, `unit` and/or `cx_role` on each sign-in through the "
        "provider, or is deactivated and refused (`refuse`). The mappings decide only what "
        "they name: a role, unit or CX role no mapping names stays as set in cxlean. Where "
        "several matching mappings give a unit, the lowest `order` wins. Superusers only.",
    ),
)
@extend_schema(tags=["organisation"])
class ClaimMappingViewSet(viewsets.ModelViewSet):
    queryset = ClaimMapping.objects.select_related("unit", "cx_role")
    serializer_class = ClaimMappingSerializer
    permission_classes = [SuperusersOnly]
    filterset_fields = ["claim", "role", "unit", "cx_role", "refuse"]
    search_fields = ["claim", "value"]
    ordering_fields = ["order", "claim", "value"]
    ordering = ["order", "claim", "value", "pk"]
