from django.urls import URLPattern, URLResolver, include, path

from cxlean.backlog import views
from cxlean.core.routes import actions

app_name = "backlog"
item_patterns = [
    *actions(views, "detail", "edit", "move", noun="item"),
    path("comments/", views.comment, name="comment"),
    path("mentions/", views.mentions, name="mentions"),
    path("attachments/", views.attachment, name="attachment"),
]
improvement_patterns: list[URLPattern | URLResolver] = [
    *actions(views, "list", "new", noun="item"),
    *actions(views, "board", "chart"),
    path("<int:pk>/", include(item_patterns)),
    path("attachments/<int:pk>/", views.attachment_file, name="attachment_file"),
]

urlpatterns = [
    path("improvements/", include(improvement_patterns)),
    # Customer feedback (Voice of the Customer) becomes an improvement.
    path("voice/<int:pk>/improve/", views.feedback_improve, name="feedback_improve"),
]
