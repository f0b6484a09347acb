"""Who may change customer journeys and customer feedback over the API, answered by the
model layer (`may_change_journey`, `may_log_feedback`) in the order every
cxlean endpoint follows: not signed in 403; not visible 404; visible but not yours to
change 403. Management reads everything and changes nothing.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from cxlean.journeys.models import Feedback, may_change_journey
from cxlean.org.api_permissions import is_read, is_signed_in, refuses_read_only
from cxlean.org.roles import is_coordinator


class FeedbackPermission(BasePermission):
    """Everyone signed in reads what `Feedback.objects.visible_to` shows; everyone but
    management logs feedback (the serializer checks `Feedback.may_place` for the unit);
    who changes and deletes it is `Feedback.can_edit`, as on the web and in the admin.
    Turning it into an improvement is the backlog's endpoint and permission."""

    change_message = _(
        "Only the person who logged the feedback or a Lean coordinator of its unit can change it."
    )

    def has_permission(self, request, view) -> bool:
        return is_signed_in(request) and not refuses_read_only(self, request)

    def has_object_permission(self, request, view, feedback: Feedback) -> bool:
        user = request.user
        if is_read(request):
            return True
        self.message = self.change_message
        return feedback.can_edit(user)


class JourneyPermission(BasePermission):
    """Everyone signed in reads every journey; coordinators of the journey's unit change
    it and its stages, touchpoints and transitions (`may_change_journey`). Creating
    needs the coordinator role; the serializer checks the unit or journey is theirs."""

    message = _("Only a Lean coordinator of the journey's unit can change it.")

    def has_permission(self, request, view) -> bool:
        if not is_signed_in(request) or refuses_read_only(self, request):
            return False
        return request.method != "POST" or is_coordinator(request.user)

    def has_object_permission(self, request, view, obj) -> bool:
        return is_read(request) or may_change_journey(request.user, view.journey_of(obj))
