from django.urls import include, path

from cxlean.checklists import views

app_name = "checklists"
assignment_patterns = [
    path("", views.assignment_detail, name="assignment"),
    path("edit/", views.assignment_edit, name="assignment_edit"),
    path("delete/", views.assignment_delete, name="assignment_delete"),
    path("items/<int:item_pk>/tick/", views.tick_item, name="tick"),
    path("items/<int:item_pk>/note/", views.item_note, name="note"),
]

urlpatterns = [
    path("", views.mine, name="mine"),
    path("progress/", views.progress, name="progress"),
    path("templates/", views.templates, name="templates"),
    path("assign/", views.assign, name="assign"),
    path("<int:pk>/", include(assignment_patterns)),
    path("evidence/<int:pk>/", views.evidence_file, name="evidence"),
]
