from django.urls import URLPattern, URLResolver, include, path

from cxlean.core.routes import actions
from cxlean.journeys import views

app_name = "journeys"
journey_patterns = [
    path("", views.journey_map_view, name="map"),
    *actions(views, "edit", "stages", "touchpoints", "transitions", noun="journey"),
]
# Voice of the Customer: feedback from customers, one record each.
feedback_patterns: list[URLPattern | URLResolver] = [
    *actions(views, "list", "new", noun="feedback", qualified=True),
    path("<int:pk>/", include(actions(views, "detail", "edit", noun="feedback", qualified=True))),
]

urlpatterns = [
    path("journeys/", include(actions(views, "list", "new", noun="journey"))),
    path("journeys/<int:pk>/", include(journey_patterns)),
    path("voice/", include(feedback_patterns)),
]
