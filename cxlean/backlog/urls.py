from django.urls import include, path

from cxlean.backlog import views

app_name = "backlog"
item_patterns = [
    path("", views.item_detail, name="detail"),
    path("edit/", views.item_edit, name="edit"),
    path("move/", views.item_move, name="move"),
    path("comments/", views.comment, name="comment"),
    path("mentions/", views.mentions, name="mentions"),
    path("attachments/", views.attachment, name="attachment"),
]

urlpatterns = [
    path("improvements/", views.item_list, name="list"),
    path("improvements/board/", views.board, name="board"),
    path("improvements/chart/", views.chart, name="chart"),
    path("improvements/new/", views.item_new, name="new"),
    path("improvements/<int:pk>/", include(item_patterns)),
    path("improvements/attachments/<int:pk>/", views.attachment_file, name="attachment_file"),
    # Customer feedback (Voice of the Customer) becomes an improvement.
    path("voice/<int:pk>/improve/", views.feedback_improve, name="feedback_improve"),
]
