"""The exports API's routes, registered by cxlean/api_urls.py: (prefix, viewset, basename)."""

from cxlean.exports.api.views import ExportJobViewSet

ROUTES: list[tuple] = [
    ("export-jobs", ExportJobViewSet, "export-job"),
]
