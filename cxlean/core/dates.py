"""Sane bounds for the dates people type, as model field validators.

A date field accepts anything from year 1 to 9999, and a typo such as 0001-01-01 or
9999-12-31 then breaks pages for everyone: a year-1 time in Europe/Stockholm is year 0
in UTC (which Python cannot represent), and a plan that runs to year 9999 has millions
of days to draw. Every date and datetime a person enters is therefore checked against
a range of years on the model, so forms, the API (serializers copy model validators,
and `full_clean` runs them), the admin and the Excel imports refuse the same values.

    start_date = models.DateField(_("start"), validators=[validate_sane_date])
    received_on = models.DateField(..., validators=[validate_sane_date, validate_not_future])

Fields filled in by the system (`auto_now`, `default=timezone.now` and not editable)
need none of this.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

FIRST_YEAR = 2000
LAST_YEAR = 2100


def local_day(value: dt.date | dt.datetime) -> dt.date | None:
    """The calendar day of a date, or of a datetime on the organisation's clock; None
    when the datetime cannot be shown on that clock (its year would leave 1..9999)."""
    if not isinstance(value, dt.datetime):
        return value
    if timezone.is_naive(value):
        return value.date()
    try:
        return timezone.localtime(value).date()
    except OverflowError:
        return None


@deconstructible
class YearRangeValidator:
    """Refuses a date (or datetime, read on the local clock) outside `first_year` to
    `last_year`, both included."""

    message = _("Enter a date between the years %(first)s and %(last)s.")
    code = "date_out_of_range"

    def __init__(self, first_year: int = FIRST_YEAR, last_year: int = LAST_YEAR):
        self.first_year = first_year
        self.last_year = last_year

    def __call__(self, value: dt.date | dt.datetime | None) -> None:
        if value is None:
            return
        day = local_day(value)
        if day is None or not self.first_year <= day.year <= self.last_year:
            raise ValidationError(
                self.message,
                code=self.code,
                params={"first": self.first_year, "last": self.last_year, "value": value},
            )

    def __eq__(self, other) -> bool:
        return (
            isinstance(other, YearRangeValidator)
            and self.first_year == other.first_year
            and self.last_year == other.last_year
        )

    def __hash__(self) -> int:
        return hash((self.first_year, self.last_year))


@deconstructible
class NotFutureValidator:
    """Refuses a day after today (on the organisation's clock), or a moment after now."""

    message = _("The date cannot be in the future.")
    code = "future"

    def __call__(self, value: dt.date | dt.datetime | None) -> None:
        if value is None:
            return
        if isinstance(value, dt.datetime):
            now = timezone.now() if timezone.is_aware(value) else dt.datetime.now()
            future = value > now
        else:
            future = value > timezone.localdate()
        if future:
            raise ValidationError(self.message, code=self.code, params={"value": value})

    def __eq__(self, other) -> bool:
        return isinstance(other, NotFutureValidator)

    def __hash__(self) -> int:
        return hash(NotFutureValidator)


validate_sane_date = YearRangeValidator()
# Datetimes are checked on the local clock, so one rule serves both kinds of field.
validate_sane_datetime = validate_sane_date
validate_not_future = NotFutureValidator()
