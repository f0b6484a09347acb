"""Who may change what in the Gemba API. Every answer comes from the model layer
(`Walk.can_plan`, `Walk.may_observe`, `Walk.can_complete`, `Schedule.can_edit`), in the
order every cxlean endpoint follows: not signed in 403; not visible 404 (the viewsets'
`visible_to` querysets); visible but not yours to change 403. Management reads
everything and changes nothing.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from cxlean.gemba.models import Observation, Walk
from cxlean.org.api_permissions import is_read, is_signed_in, refuses_read_only
from cxlean.org.roles import is_coordinator


class PlanningPermission(BasePermission):
    """Walks and schedules: everyone signed in reads what the queryset shows them;
    coordinators create them (the serializer checks the unit is theirs) and change and
    delete those of their units (`can_plan` / `can_edit`). A walk's leader also marks it
    done or cancels it (`Walk.can_complete`)."""

    message = _("Only a Lean coordinator of the unit can do this.")
    complete_message = _("Only the walk's leader or a Lean coordinator of its unit can do this.")

    def has_permission(self, request, view) -> bool:
        if not is_signed_in(request) or refuses_read_only(self, request):
            return False
        return view.action != "create" or is_coordinator(request.user)

    def has_object_permission(self, request, view, obj) -> bool:
        if is_read(request):
            return True
        user = request.user
        if view.action in ("complete", "cancel"):
            self.message = self.complete_message
            return obj.can_complete(user)
        return obj.can_plan(user) if isinstance(obj, Walk) else obj.can_edit(user)


class ObservingPermission(BasePermission):
    """Answers and observations: everyone signed in reads those of the walks they see;
    the walk's leader, participants and coordinators add them (`Walk.may_observe`; the
    viewset checks it on create). An answer is changed by whoever may observe; an
    observation by the one who made it (while they may observe) or by a coordinator of
    the walk's unit. Turning an observation into an improvement follows the backlog's
    rule (`may_submit`), checked by the service."""

    message = _("Only the walk's leader, its participants and its coordinators can do this.")

    def has_permission(self, request, view) -> bool:
        return is_signed_in(request) and not refuses_read_only(self, request)

    def has_object_permission(self, request, view, obj) -> bool:
        if is_read(request) or view.action == "make_improvement":
            return True
        walk = obj.walk
        if isinstance(obj, Observation):
            if walk.can_plan(request.user):
                return True
            return obj.created_by_id == request.user.pk and walk.may_observe(request.user)
        return walk.may_observe(request.user)
