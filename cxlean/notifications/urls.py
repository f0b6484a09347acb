from django.urls import path

from cxlean.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.notification_list, name="list"),
    path("read/", views.mark_all_read, name="mark_all_read"),
    path("preferences/", views.preferences, name="preferences"),
    path("preferences/calendar/", views.calendar_settings, name="calendar"),
    path("<int:pk>/", views.open_notification, name="open"),
]
