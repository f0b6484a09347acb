"""Who may call which API method, answered from the role functions in `cxlean.org.roles`
and the models' own `can_edit` rules, so the API agrees with the web app and the admin.

The order of the answers matters and is the same on every endpoint:
1. Not signed in: 403 (401 with a bad token header is not possible: the first
   authentication class, the session, offers no challenge).
2. An object the user may not see: 404. The viewsets' querysets (`visible_to`) leave
   it out before any permission is asked, so nothing reveals that it exists.
3. An object the user sees but may not change: 403. Management, who see everything
   and change nothing (`cxlean.org.roles.is_read_only`, whatever other groups they
   hold), therefore get 403 on every write.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission

from cxlean.org.roles import is_coordinator, is_read_only, may_edit_catalogue, may_write


def is_read(request) -> bool:
    return request.method in SAFE_METHODS


def is_signed_in(request) -> bool:
    return bool(request.user and request.user.is_authenticated)


READ_ONLY_MESSAGE = _("Management reads this but does not change it.")


def refuses_read_only(permission: BasePermission, request) -> bool:
    """True (and the permission's message set) when a read-only user (management,
    `is_read_only`) tries to write."""
    if is_read(request) or not is_read_only(request.user):
        return False
    # DRF reads a permission's `message` (getattr); its stubs do not declare the attribute.
    permission.message = READ_ONLY_MESSAGE  # type: ignore[attr-defined]
    return True


class CatalogueOwnersWrite(BasePermission):
    """Everyone signed in reads; the CX owner and superusers write (`may_edit_catalogue`).

    For the organisation-wide catalogues (CX roles, the guide, the competence catalogue
    and its requirements, checklist templates, Gemba question sets, metric definitions,
    the maturity model). Lean coordinators propose changes (`catalogue-proposals`)."""

    message = _(
        "Only the CX owner changes the organisation's catalogues; Lean coordinators "
        "propose changes."
    )

    def has_permission(self, request, view) -> bool:
        return is_signed_in(request) and (is_read(request) or may_edit_catalogue(request.user))


class ChangesInScope(BasePermission):
    """Everyone signed in reads what the queryset shows them; creating needs the
    coordinator role (the serializer then checks the unit or plan is theirs); changing
    or deleting an object is decided on the object by the viewset's
    `may_change(user, obj)`, e.g. `plan.can_edit(user)`."""

    message = _("You can only change what belongs to the units you coordinate.")

    def has_permission(self, request, view) -> bool:
        if not is_signed_in(request) or refuses_read_only(self, request):
            return False
        return request.method != "POST" or is_coordinator(request.user)

    def has_object_permission(self, request, view, obj) -> bool:
        return is_read(request) or view.may_change(request.user, obj)


class ActivityPermission(ChangesInScope):
    """Coordinators of the plan change activities (`Activity.can_edit`). The owner may
    change the status, and nothing else (`Activity.can_update_status`), with a PATCH
    that holds only `status`; any other field from them is a 403 that says so.
    Management changes nothing, not even an activity they own."""

    STATUS_ONLY = frozenset({"status"})
    owner_message = _("You can only change the status of an activity you own.")

    def has_object_permission(self, request, view, obj) -> bool:
        user = request.user
        if is_read(request) or obj.can_edit(user):
            return True
        if request.method == "PATCH" and may_write(user) and obj.can_update_status(user):
            if self.only_status(request.data):
                return True
            self.message = self.owner_message
        return False

    def only_status(self, data) -> bool:
        return isinstance(data, Mapping) and set(data) <= self.STATUS_ONLY
