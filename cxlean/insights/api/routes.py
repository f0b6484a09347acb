"""The insights API's routes, registered by cxlean/api_urls.py: (prefix, viewset, basename)."""

from cxlean.insights.api.views import EvidenceRowsViewSet

ROUTES: list[tuple] = [
    ("evidence-rows", EvidenceRowsViewSet, "evidence-row"),
]
