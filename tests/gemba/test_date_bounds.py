"""A walk's planned start stays within the years 2000–2100 on every surface, and a walk
stored before that rule, with a time far outside it, breaks no page."""

import datetime as dt
import importlib

from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from cxlean.gemba.models import Walk
from tests.api.conftest import api_client
from tests.gemba.factories import WalkFactory
from tests.gemba.test_api import walk_data
from tests.gemba.test_views import NEW, plan_data

EN = {"language": "en"}
OUT_OF_RANGE = "Enter a date between the years 2000 and 2100."


def test_a_walk_on_year_one_is_a_form_error_not_a_500(as_user, bob, service_unit):
    data = plan_data(service_unit, bob, day="0001-01-01", time="00:10")
    response = as_user(bob).post(NEW, data, **EN)
    assert response.status_code == 200
    assert response.context["form"].errors == {"day": [OUT_OF_RANGE]}
    assert not Walk.objects.exists()


def test_a_walk_in_year_9999_is_a_form_error(as_user, bob, service_unit):
    data = plan_data(service_unit, bob, day="9999-12-31", time="23:50")
    response = as_user(bob).post(NEW, data, **EN)
    assert response.context["form"].errors == {"day": [OUT_OF_RANGE]}
    assert not Walk.objects.exists()


def test_the_api_and_the_admin_refuse_the_same_walk(bob, service_unit, as_user):
    for start in ("0001-01-01T00:10:00+01:00", "2150-01-01T09:00:00+01:00"):
        data = walk_data(service_unit, bob, planned_start=start)
        response = api_client(bob).post(
            reverse("gemba-walk-list"), data, format="json", HTTP_ACCEPT_LANGUAGE="en"
        )
        assert response.status_code == 400
        assert "planned_start" in response.json()
    admin = {
        "unit": service_unit.pk,
        "planned_start_0": "2150-01-01",
        "planned_start_1": "09:00",
        "duration_minutes": 30,
        "leader": bob.pk,
        "place": "Disken",
        "status": "planned",
    }
    response = as_user(bob).post(reverse("admin:gemba_walk_add"), admin, **EN)
    assert response.status_code == 200
    assert OUT_OF_RANGE in response.text
    assert not Walk.objects.exists()


def test_a_walk_stored_far_outside_the_years_breaks_no_page(as_user, bob, service_unit):
    walk = WalkFactory(unit=service_unit, leader=bob, place="Disken")
    long_ago = dt.datetime(1, 1, 2, 12, 0, tzinfo=dt.UTC)
    Walk.objects.filter(pk=walk.pk).update(planned_start=long_ago)
    client = as_user(bob)
    for url in (
        reverse("gemba:list"),
        reverse("gemba:detail", args=[walk.pk]),
        reverse("gemba:report", args=[walk.pk]),
        reverse("gemba:cadence"),
        reverse("admin:gemba_walk_changelist"),
        reverse("admin:gemba_walk_change", args=[walk.pk]),
    ):
        assert client.get(url).status_code == 200, url
    assert api_client(bob).get(reverse("gemba-walk-list")).status_code == 200


def test_the_migration_moves_unreadable_walks_to_when_they_were_created(bob, service_unit):
    walk = WalkFactory(unit=service_unit, leader=bob, place="Disken")
    fine = WalkFactory(unit=service_unit, leader=bob, place="Disken")
    Walk.objects.filter(pk=walk.pk).update(planned_start=dt.datetime(1, 1, 2, tzinfo=dt.UTC))
    migration = importlib.import_module(
        "cxlean.gemba.migrations.0003_walks_outside_sane_years_start_when_created"
    )
    migration.move_walks_outside_sane_years(apps, None)
    walk.refresh_from_db()
    assert walk.planned_start == walk.created_at
    assert Walk.objects.get(pk=fine.pk).planned_start == fine.planned_start
    assert timezone.is_aware(walk.planned_start)
