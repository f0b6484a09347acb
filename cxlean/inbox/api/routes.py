"""The inbox API's route, registered by cxlean/api_urls.py: (prefix, viewset, basename)."""

from cxlean.inbox.api import views

ROUTES: list[tuple] = [
    ("inbox", views.InboxViewSet, "inbox"),
]
