"""Who may change what in the checklists over the API, answered by the model layer
(`Assignment.can_manage`, `Assignment.may_tick`) in the order every cxlean endpoint
follows: not signed in 403; not visible 404 (the viewsets' `visible_to` querysets);
visible but not yours to change 403. Management reads everything and changes nothing.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from cxlean.checklists.models import Completion
from cxlean.org.api_permissions import is_read, is_signed_in, refuses_read_only

TICK_MESSAGE = _("Only the person the checklist is assigned to ticks it off.")


class TicksOwnOnly(BasePermission):
    """Everyone signed in reads the ticks they may see; only the assignee records what
    they did on their own checklist (coordinators follow, they do not tick for others).
    The viewset checks `Assignment.may_tick` on create."""

    message = TICK_MESSAGE

    def has_permission(self, request, view) -> bool:
        return is_signed_in(request) and not refuses_read_only(self, request)

    def has_object_permission(self, request, view, completion: Completion) -> bool:
        if is_read(request):
            return True
        self.message = TICK_MESSAGE
        user = request.user
        return completion.person_id == user.pk and completion.assignment.may_tick(user)
