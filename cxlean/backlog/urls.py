from django.urls import include, path

from cxlean.backlog import views

app_name = "backlog"
item_patterns = [
    path("", views.item_list, name="list"),
    path("board/", views.board, name="board"),
    path("chart/", views.chart, name="chart"),
    path("new/", views.item_new, name="new"),
    path("<int:pk>/", views.item_detail, name="detail"),
    path("<int:pk>/edit/", views.item_edit, name="edit"),
    path("<int:pk>/move/", views.item_move, name="move"),
    path("<int:pk>/comments/", views.comment, name="comment"),
    path("<int:pk>/attachments/", views.attachment, name="attachment"),
    path("attachments/<int:pk>/", views.attachment_file, name="attachment_file"),
]

urlpatterns = [
    path("improvements/", include(item_patterns)),
    # Customer feedback (Voice of the Customer) becomes an improvement.
    path("voice/<int:pk>/improve/", views.feedback_improve, name="feedback_improve"),
]
