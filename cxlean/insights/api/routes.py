"""The insights API's routes, registered by cxlean/api_urls.py: (prefix, viewset, basename)."""

from cxlean.insights.api import views

ROUTES: list[tuple] = [
    ("evidence-rows", views.EvidenceRowsViewSet, "evidence-row"),
]
