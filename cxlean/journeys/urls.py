from django.urls import include, path

from cxlean.journeys import views

app_name = "journeys"
journey_patterns = [
    path("", views.journey_map_view, name="map"),
    path("edit/", views.journey_edit, name="edit"),
    path("stages/", views.journey_stages, name="stages"),
    path("touchpoints/", views.journey_touchpoints, name="touchpoints"),
    path("transitions/", views.journey_transitions, name="transitions"),
]
# Voice of the Customer: feedback from customers, one record each.
feedback_patterns = [
    path("", views.feedback_list, name="feedback_list"),
    path("new/", views.feedback_new, name="feedback_new"),
    path("<int:pk>/", views.feedback_detail, name="feedback_detail"),
    path("<int:pk>/edit/", views.feedback_edit, name="feedback_edit"),
]

urlpatterns = [
    path("journeys/", views.journey_list, name="list"),
    path("journeys/new/", views.journey_new, name="new"),
    path("journeys/<int:pk>/", include(journey_patterns)),
    path("voice/", include(feedback_patterns)),
]
