"""The bounds every date a person enters is held to (cxlean.core.dates), as properties:
exactly the years 2000–2100 pass, datetimes judged on the organisation's clock, and
nothing after today when a date cannot be in the future."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from cxlean.core.dates import (
    FIRST_YEAR,
    LAST_YEAR,
    YearRangeValidator,
    validate_not_future,
    validate_sane_date,
    validate_sane_datetime,
)

FEW = settings(max_examples=100, deadline=None)


def accepts(validator, value) -> bool:
    try:
        validator(value)
    except ValidationError:
        return False
    return True


@FEW
@given(st.dates())
def test_exactly_the_years_2000_to_2100_are_sane(day):
    assert accepts(validate_sane_date, day) == (FIRST_YEAR <= day.year <= LAST_YEAR)


@FEW
@given(st.datetimes(timezones=st.just(dt.UTC)))
def test_a_moment_is_sane_when_its_local_day_is_and_never_raises_anything_else(moment):
    zone = timezone.get_default_timezone()
    try:
        local_year = moment.astimezone(zone).year
    except OverflowError:  # year 0 or 10000 on the local clock: not a day at all
        local_year = None
    expected = local_year is not None and FIRST_YEAR <= local_year <= LAST_YEAR
    assert accepts(validate_sane_datetime, moment) == expected


def test_the_bounds_are_inclusive_and_the_message_names_them():
    assert accepts(validate_sane_date, dt.date(2000, 1, 1))
    assert accepts(validate_sane_date, dt.date(2100, 12, 31))
    with pytest.raises(ValidationError) as refused:
        validate_sane_date(dt.date(1999, 12, 31))
    assert refused.value.messages == ["Ange ett datum mellan åren 2000 och 2100."]


def test_a_year_one_local_time_is_refused_not_an_overflow():
    stockholm = timezone.get_default_timezone()
    with pytest.raises(ValidationError):
        validate_sane_datetime(dt.datetime(1, 1, 1, 0, 10, tzinfo=stockholm))
    with pytest.raises(ValidationError):
        validate_sane_datetime(dt.datetime(9999, 12, 31, 23, 30, tzinfo=dt.UTC))


def test_a_field_can_allow_other_years():
    historical = YearRangeValidator(first_year=1900)
    assert accepts(historical, dt.date(1950, 6, 1))
    assert not accepts(historical, dt.date(1899, 12, 31))
    assert historical == YearRangeValidator(1900, 2100) != validate_sane_date


@FEW
@given(st.integers(min_value=-3000, max_value=3000))
def test_not_future_accepts_today_and_earlier_only(offset):
    day = timezone.localdate() + dt.timedelta(days=offset)
    assert accepts(validate_not_future, day) == (offset <= 0)


def test_not_future_judges_moments_against_now():
    assert accepts(validate_not_future, timezone.now() - dt.timedelta(seconds=1))
    assert not accepts(validate_not_future, timezone.now() + dt.timedelta(minutes=1))
    assert accepts(validate_not_future, None) and accepts(validate_sane_date, None)


# Set by the system, never typed by a person (read-only in the admin, absent from forms
# and serializers' writable fields): they need no bounds.
SYSTEM_SET = {
    "backlog.StatusChange.at",
    "inbox.Visit.seen_at",
    "inbox.Visit.since",
    "notifications.Notification.created_at",
    "notifications.Notification.read_at",
    "notifications.Notification.emailed_at",
    "notifications.Reminder.created_at",
    "exports.ExportJob.started_at",
    "exports.ExportJob.progress_at",
    "exports.ExportJob.finished_at",
    "exports.ExportJob.expires_at",
    "imports.ImportJob.started_at",
    "imports.ImportJob.progress_at",
    "imports.ImportJob.finished_at",
    "org.EmailChange.confirmed_at",
}


def test_every_date_a_person_can_enter_has_sane_bounds():
    from django.apps import apps
    from django.db import models

    unbounded, seen = [], set()
    for model in apps.get_models():
        if not model.__module__.startswith("cxlean.") or model.__name__.startswith("Historical"):
            continue
        for field in model._meta.get_fields():
            if not isinstance(field, models.DateField) or not field.editable:
                continue
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                continue
            name = f"{model._meta.app_label}.{model.__name__}.{field.name}"
            seen.add(name)
            if name in SYSTEM_SET:
                continue
            if not any(isinstance(v, YearRangeValidator) for v in field.validators):
                unbounded.append(name)
    assert unbounded == []
    assert not SYSTEM_SET - seen  # the list names real fields
