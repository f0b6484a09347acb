"""Who may change what in the backlog over the API. Every answer comes from the model
layer (`Item.can_manage`, `Item.can_edit_plan`, `may_submit`...), in the order every
cxlean endpoint follows: not signed in 403; not visible 404 (the viewset's
`visible_to` queryset); visible but not yours to change 403. Management reads
everything and changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from cxlean.backlog.models import OWNER_FIELDS, Item, may_submit
from cxlean.org.api_permissions import is_read, is_signed_in, refuses_read_only

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# What an item's owner may change besides moving it: the plan and the effect.
PLAN_FIELDS = frozenset(OWNER_FIELDS)
# Fields of a move that only a coordinator of the item's unit may set.
COORDINATOR_MOVE_FIELDS = frozenset({"owner", "rejection_reason"})
# What only coordinators of the item's unit change.
MANAGED_FIELDS = frozenset(
    {
        "title",
        "unit",
        "owner",
        "source",
        "touchpoint",
        "transition",
        "waste",
        "muda_kind",
        "impact",
        "feasibility",
        "customer_value",
        "rejection_reason",
    }
)


def sent_fields(data) -> set[str]:
    return set(data) if isinstance(data, Mapping) else set()


class ItemPermission(BasePermission):
    """Everyone signed in reads the items `Item.objects.visible_to` shows them, and
    everyone but management submits ideas (the serializer checks `may_submit` for the
    unit). Coordinators of the item's unit change and delete it and make any allowed
    move; its owner edits the plan and effect fields (a PATCH holding others is a 403)
    and moves it forward (`Item.allowed_moves`)."""

    message: StrOrPromise  # why the last check failed; DRF shows it
    manage_message = _("Only a Lean coordinator of the item's unit can do this.")
    plan_message = _(
        "As the item's owner you can change its plan and effect fields only: %(fields)s."
    )
    owner_move_message = _("Only a Lean coordinator of the item's unit assigns owners or rejects.")

    def has_permission(self, request, view) -> bool:
        return is_signed_in(request) and not refuses_read_only(self, request)

    def has_object_permission(self, request, view, item: Item) -> bool:
        user = request.user
        if is_read(request) or item.can_manage(user):
            return True
        self.message = self.manage_message
        if view.action in ("update", "partial_update"):
            return item.can_edit_plan(user) and self.only_plan_fields(request.data)
        if view.action == "move":
            if not item.allowed_moves(user):
                return False
            if sent_fields(request.data) & COORDINATOR_MOVE_FIELDS:
                self.message = self.owner_move_message
                return False
            return True
        return False

    def only_plan_fields(self, data) -> bool:
        if sent_fields(data) & MANAGED_FIELDS:
            self.message = self.plan_message % {"fields": ", ".join(sorted(PLAN_FIELDS))}
            return False
        return True


class AuthorOrCoordinatorDeletes(BasePermission):
    """Comments and attachments: everyone who may comment on the item
    (`Item.can_comment`: they see it and are not management) adds them, the viewset
    checks that; the author or uploader, or a coordinator of the item's unit, deletes.
    Neither is edited."""

    delete_message = _("Only the author or a Lean coordinator of the item's unit deletes it.")
    comment_message = _("You cannot comment on this improvement.")

    def has_permission(self, request, view) -> bool:
        return is_signed_in(request) and not refuses_read_only(self, request)

    def has_object_permission(self, request, view, obj) -> bool:
        if is_read(request):
            return True
        self.message = self.delete_message
        author_id = getattr(obj, "author_id", None) or getattr(obj, "uploaded_by_id", None)
        return author_id == request.user.pk or obj.item.can_manage(request.user)


class FeedbackImprovementPermission(BasePermission):
    """Turning customer feedback into an improvement: signed in and not management
    (403), the feedback visible (`Feedback.objects.visible_to`, else 404) and `may_submit`
    for its unit (403), as on the web and in the admin."""

    message = _("You cannot submit improvements for this feedback's unit.")

    def has_permission(self, request, view) -> bool:
        return is_signed_in(request) and not refuses_read_only(self, request)

    def has_object_permission(self, request, view, feedback) -> bool:
        return may_submit(request.user, feedback.unit)
