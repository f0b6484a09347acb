"""Who may change competence records over the API. The answers come from the model
layer (`may_sign_off`) and `cxlean.org.roles`, in the order every endpoint follows:
not signed in 403; not visible 404 (the queryset); visible but not yours to change 403.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from cxlean.competence.models import Record, may_sign_off
from cxlean.org.api_permissions import is_read, is_signed_in
from cxlean.org.roles import may_write


class RecordPermission(BasePermission):
    """Everyone signed in reads what `Record.objects.visible_to` shows and adds records
    (the serializer decides for whom). Only the person changes their self-assessment
    and evidence; only those `may_sign_off` sign off or reject, never on their own
    record. Management reads everything and changes nothing."""

    read_only_message = _("Management reads competence records but does not change them.")
    owner_message = _("Only the person changes their own self-assessment and evidence.")
    sign_off_message = _("You may not sign off this record.")

    def has_permission(self, request, view) -> bool:
        if not is_signed_in(request):
            return False
        if is_read(request) or may_write(request.user):
            return True
        self.message = self.read_only_message
        return False

    def has_object_permission(self, request, view, record: Record) -> bool:
        if is_read(request):
            return True
        if view.action in ("sign_off", "reject"):
            self.message = self.sign_off_message
            return may_sign_off(request.user, record.person, record.activity)
        self.message = self.owner_message
        return record.person_id == request.user.pk
