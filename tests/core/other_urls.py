"""A URL configuration for tests/core/test_links.py: the admin's index elsewhere."""

from django.http import HttpResponse
from django.urls import include, path


def index(request):
    return HttpResponse("")


admin_patterns = ([path("", index, name="index")], "admin")
urlpatterns = [path("elsewhere/", include(admin_patterns))]
