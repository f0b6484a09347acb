from django.urls import path

from cxlean.help import views

app_name = "help"
urlpatterns = [
    path("", views.index, name="index"),
    path("search/", views.search, name="search"),
    path("print/", views.print_all, name="print"),
    path("screenshots/<str:name>", views.screenshot, name="screenshot"),
    path("<slug:slug>/", views.chapter, name="chapter"),
]
