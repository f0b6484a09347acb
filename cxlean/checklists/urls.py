from django.urls import include, path

from cxlean.checklists import views
from cxlean.core.routes import actions

app_name = "checklists"
assignment_patterns = [
    path("", views.assignment_detail, name="assignment"),
    *actions(views, "edit", "delete", noun="assignment", qualified=True),
    path("items/<int:item_pk>/tick/", views.tick_item, name="tick"),
    path("items/<int:item_pk>/note/", views.item_note, name="note"),
]

urlpatterns = [
    path("", views.mine, name="mine"),
    *actions(views, "progress", "templates", "assign"),
    path("<int:pk>/", include(assignment_patterns)),
    path("evidence/<int:pk>/", views.evidence_file, name="evidence"),
]
