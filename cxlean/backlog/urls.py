from django.urls import path

from cxlean.backlog import views

app_name = "backlog"
urlpatterns = [
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
