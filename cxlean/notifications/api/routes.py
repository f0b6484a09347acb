"""The notifications API's routes, registered by cxlean/api_urls.py: (prefix, viewset, basename)."""

from cxlean.notifications.api.views import NotificationViewSet, PreferenceViewSet

ROUTES: list[tuple] = [
    ("notifications", NotificationViewSet, "notification"),
    ("notification-preferences", PreferenceViewSet, "notification-preference"),
]
