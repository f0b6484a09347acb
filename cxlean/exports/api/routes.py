"""The exports API's routes, registered by cxlean/api_urls.py: (prefix, viewset, basename)."""

from cxlean.exports.api import views

ROUTES: list[tuple] = [
    ("export-jobs", views.ExportJobViewSet, "export-job"),
]
