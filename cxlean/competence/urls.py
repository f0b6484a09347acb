from django.urls import path

from cxlean.competence import matrix_views, views

app_name = "competence"
urlpatterns = [
    path("", views.my_competence, name="mine"),
    path("matrix/", matrix_views.matrix, name="matrix"),
    path("matrix/<int:person>/<int:activity>/", matrix_views.cell, name="matrix_cell"),
    path("queue/", views.queue, name="queue"),
    path("activities/<int:pk>/assess/", views.assess, name="assess"),
    path("activities/<int:pk>/evidence/", views.evidence, name="evidence"),
    path("records/<int:pk>/", views.record_detail, name="record"),
    path("records/<int:pk>/evidence-file/", views.evidence_file, name="evidence_file"),
    path("records/<int:pk>/sign-off/", views.sign_off, name="sign_off"),
    path("records/<int:pk>/reject/", views.reject, name="reject"),
    path("people/<int:pk>/", views.person_competence, name="person"),
    path("people/<int:pk>/green-card/", views.issue_card, name="issue_card"),
    path("people/<int:pk>/trainee-plan/", views.trainee_plan_edit, name="trainee_plan"),
    path(
        "people/<int:pk>/trainee-plan/delete/",
        views.trainee_plan_delete,
        name="trainee_plan_delete",
    ),
    path("cards/<int:pk>/", views.certificate, name="certificate"),
]
