"""Walks planned for a year outside 2000–2100 before the bound existed (a typo such as
0001-01-01) cannot always be read back: on PostgreSQL a year-1 local time is stored as
a BC timestamp, which Python cannot represent, and every page listing the walk failed.
Such walks (and their history rows) are moved to the moment they were created, a time
that can be shown and that the coordinator can correct."""

import datetime as dt

from django.db import migrations
from django.db.models import F, Q

FIRST = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
AFTER_LAST = dt.datetime(2101, 1, 1, tzinfo=dt.UTC)


def move_walks_outside_sane_years(apps, schema_editor):
    outside = Q(planned_start__lt=FIRST) | Q(planned_start__gte=AFTER_LAST)
    for name in ("Walk", "HistoricalWalk"):
        model = apps.get_model("gemba", name)
        model.objects.filter(outside).update(planned_start=F("created_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("gemba", "0002_dates_within_sane_years"),
    ]

    operations = [
        migrations.RunPython(move_walks_outside_sane_years, migrations.RunPython.noop),
    ]
