"""Who may change what in the checklists over the API, answered by the model layer
(`Assignment.can_manage`, `Assignment.may_tick`) in the order every cxlean endpoint
follows: not signed in 403; not visible 404 (the viewsets' `visible_to` querysets);
visible but not yours to change 403. Management reads everything and changes nothing.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from cxlean.checklists.models import Completion, read_only
from cxlean.core.api_permissions import is_read, is_signed_in

READ_ONLY_MESSAGE = _("Management reads this but does not change it.")
TICK_MESSAGE = _("Only the person the checklist is assigned to ticks it off.")


class TicksOwnOnly(BasePermission):
    """Everyone signed in reads the ticks they may see; only the assignee records what
    they did on their own checklist (coordinators follow, they do not tick for others).
    The viewset checks `Assignment.may_tick` on create."""

    message = TICK_MESSAGE

    def has_permission(self, request, view) -> bool:
        if not is_signed_in(request):
            return False
        if not is_read(request) and read_only(request.user):
            self.message = READ_ONLY_MESSAGE
            return False
        return True

    def has_object_permission(self, request, view, completion: Completion) -> bool:
        if is_read(request):
            return True
        self.message = TICK_MESSAGE
        user = request.user
        return completion.person_id == user.pk and completion.assignment.may_tick(user)
