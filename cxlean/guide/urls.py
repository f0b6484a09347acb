from django.urls import path

from cxlean.guide import views

app_name = "guide"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:number>/", views.step, name="step"),
]
