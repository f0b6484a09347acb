"""The notifications API's routes, registered by cxlean/api_urls.py: (prefix, viewset, basename)."""

from cxlean.notifications.api import views

ROUTES: list[tuple] = [
    ("notifications", views.NotificationViewSet, "notification"),
    ("notification-preferences", views.PreferenceViewSet, "notification-preference"),
    ("calendar-feed", views.CalendarFeedViewSet, "calendar-feed"),
]
