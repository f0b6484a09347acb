"""Who may change what in the metrics API, in the order every cxlean endpoint follows: not
signed in 403; not visible 404 (the viewsets' `visible_to` querysets); visible but not
yours to change 403. Coordinators create for the units they coordinate (the serializer
checks the unit) and change what belongs to those units (`can_edit`); management reads
everything and changes nothing."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from cxlean.metrics.models import may_see_survey_sources
from cxlean.org.api_permissions import is_read, is_signed_in, refuses_read_only
from cxlean.org.roles import is_coordinator


class RecordingPermission(BasePermission):
    message = _("Only a Lean coordinator of the unit can do this.")

    def has_permission(self, request, view) -> bool:
        if not is_signed_in(request) or refuses_read_only(self, request):
            return False
        return is_read(request) or is_coordinator(request.user)

    def has_object_permission(self, request, view, obj) -> bool:
        return is_read(request) or obj.can_edit(request.user)


class SurveySourcePermission(RecordingPermission):
    """Survey sources: only those who see them (`may_see_survey_sources`: coordinators,
    management, superusers) read; coordinators change those of their units."""

    def has_permission(self, request, view) -> bool:
        return super().has_permission(request, view) and may_see_survey_sources(request.user)
