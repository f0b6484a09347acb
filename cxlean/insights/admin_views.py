"""Management's pages in the admin: the maturity dashboard (the admin's first page,
see `CxleanAdminSite.index`) and a unit's drill-down. They read and offer no forms:
changing anything happens on the admin pages they link to, under those pages' rules.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from cxlean.insights.dashboard import build_dashboard, build_unit_page, dashboard_units

ALL_UNITS = "all"  # ?units=all: every unit in the tables, not only the top levels


def everything(request) -> bool:
    return request.GET.get("units") == ALL_UNITS


def dashboard_context(request) -> dict:
    """What the admin's index adds to its context: the dashboard of the viewer's units."""
    dashboard = build_dashboard(
        dashboard_units(request.user), timezone.localdate(), everything(request)
    )
    return {"dashboard": dashboard, "all_units": ALL_UNITS, "everything": everything(request)}


def unit_view(site, request, unit_id: int) -> TemplateResponse:
    """A unit within the viewer's scope with its sub-units; any other unit is a 404."""
    scope = dashboard_units(request.user)
    unit = get_object_or_404(scope, pk=unit_id)
    page = build_unit_page(unit, scope, timezone.localdate(), everything(request))
    context = {
        **site.each_context(request),
        "title": _("Maturity review: %(unit)s") % {"unit": unit.name},
        "subtitle": None,
        "unit": unit,
        "page": page,
        "all_units": ALL_UNITS,
        "everything": everything(request),
    }
    return TemplateResponse(request, "admin/insights/unit.html", context)
