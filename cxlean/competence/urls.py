from django.urls import include, path

from cxlean.competence import matrix_views, views

app_name = "competence"
record_patterns = [
    path("", views.record_detail, name="record"),
    path("evidence-file/", views.evidence_file, name="evidence_file"),
    path("sign-off/", views.sign_off, name="sign_off"),
    path("reject/", views.reject, name="reject"),
]
person_patterns = [
    path("", views.person_competence, name="person"),
    path("green-card/", views.issue_card, name="issue_card"),
    path("trainee-plan/", views.trainee_plan_edit, name="trainee_plan"),
    path("trainee-plan/delete/", views.trainee_plan_delete, name="trainee_plan_delete"),
]

urlpatterns = [
    path("", views.my_competence, name="mine"),
    path("matrix/", matrix_views.matrix, name="matrix"),
    path("matrix/<int:person>/<int:activity>/", matrix_views.cell, name="matrix_cell"),
    path("queue/", views.queue, name="queue"),
    path("activities/<int:pk>/assess/", views.assess, name="assess"),
    path("activities/<int:pk>/evidence/", views.evidence, name="evidence"),
    path("records/<int:pk>/", include(record_patterns)),
    path("people/<int:pk>/", include(person_patterns)),
    path("cards/<int:pk>/", views.certificate, name="certificate"),
]
