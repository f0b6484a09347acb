"""Who may change what in the maturity API, answered by the model layer
(`Assessment.can_manage`, `Assessment.can_edit`, `Assessment.may_answer`), in the order
every cxlean endpoint follows: not signed in 403; not visible 404 (the viewsets'
`visible_to` querysets); visible but not yours to change 403. Management reads
everything and changes nothing.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from cxlean.maturity.models import completed_message
from cxlean.org.api_permissions import is_read, is_signed_in, refuses_read_only
from cxlean.org.roles import is_coordinator


class AssessmentPermission(BasePermission):
    """Everyone signed in reads what the queryset shows them; coordinators create
    assessments (the serializer checks the unit is theirs), change and delete those of
    their units while in progress, and complete and reopen them."""

    message = _("Only a Lean coordinator of the assessment's unit can do this.")

    def has_permission(self, request, view) -> bool:
        if not is_signed_in(request) or refuses_read_only(self, request):
            return False
        return view.action != "create" or is_coordinator(request.user)

    def has_object_permission(self, request, view, obj) -> bool:
        if is_read(request):
            return True
        if not obj.can_manage(request.user):
            return False
        if view.action in ("complete", "reopen"):
            return True
        if obj.is_completed:
            self.message = completed_message()
            return False
        return True


class AnswerPermission(BasePermission):
    """Everyone signed in reads the answers of the assessments they see; an assessor
    adds (checked by the viewset), changes and deletes their own, while the assessment
    is in progress."""

    message = _("Only the assessor who gave the answer can change it, while it is in progress.")

    def has_permission(self, request, view) -> bool:
        return is_signed_in(request) and not refuses_read_only(self, request)

    def has_object_permission(self, request, view, obj) -> bool:
        if is_read(request):
            return True
        if obj.assessment.is_completed:
            self.message = completed_message()
            return False
        return obj.assessor_id == request.user.pk and obj.assessment.may_answer(request.user)
