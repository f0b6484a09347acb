from django.urls import path

from cxlean.checklists import views

app_name = "checklists"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("progress/", views.progress, name="progress"),
    path("templates/", views.templates, name="templates"),
    path("assign/", views.assign, name="assign"),
    path("<int:pk>/", views.assignment_detail, name="assignment"),
    path("<int:pk>/edit/", views.assignment_edit, name="assignment_edit"),
    path("<int:pk>/delete/", views.assignment_delete, name="assignment_delete"),
    path("<int:pk>/items/<int:item_pk>/tick/", views.tick_item, name="tick"),
    path("<int:pk>/items/<int:item_pk>/note/", views.item_note, name="note"),
    path("evidence/<int:pk>/", views.evidence_file, name="evidence"),
]
