"""Webhooks from survey tools: the signature check, the field mapping from the tool's
JSON to answers, replay protection and customer feedback from comments. The endpoint
(`cxlean.metrics.api.webhook`) records the mapped answers by the one path of bulk
ingestion (`record_answers`).

- **Signature**: the tool sends `X-Cxlean-Timestamp` (Unix seconds) and
  `X-Cxlean-Signature: sha256=<hex>`, the HMAC-SHA256 of "<timestamp>.<raw body>" with
  the source's secret, compared in constant time. A timestamp further from now than
  `SURVEY_WEBHOOK_TOLERANCE` seconds is refused.
- **Replays**: an accepted delivery's signature is remembered (`WebhookDelivery`, in
  the database so every machine sees it) in the same transaction as its answers; the
  same delivery again is refused. A signature only needs remembering while its
  timestamp could still pass, so older ones are pruned as deliveries arrive.
- **Mapping**: the paths of `SurveySource` (e.g. `response.nps.score`,
  `answers[0].value`) find each field; value maps translate the tool's words; a unit is
  named by its code or id. What cannot be mapped is an error by index and field.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from cxlean.core.json_paths import MISSING, value_at
from cxlean.journeys.models import Feedback, FeedbackSource
from cxlean.metrics.models import SurveyAnswer, SurveySource, WebhookDelivery
from cxlean.org.models import Unit

TIMESTAMP_HEADER = "X-Cxlean-Timestamp"
SIGNATURE_HEADER = "X-Cxlean-Signature"
SCHEME = "sha256"

Error = tuple[int, str, list]  # as bulk ingestion's: the answer's index, field, messages


class Refusal(Exception):
    """A delivery refused before its answers are read: unsigned, badly signed, too old
    or too new, a replay (409), an inactive source."""

    def __init__(self, message: str, status: int = 403):
        super().__init__(message)
        self.message = message
        self.status = status


def tolerance() -> int:
    return settings.SURVEY_WEBHOOK_TOLERANCE


def check_signature(source: SurveySource, headers: Mapping[str, str], body: bytes) -> str:
    """The delivery's signature (hex) when the source signed it just now; else Refusal."""
    if not source.active:
        raise Refusal(_("This survey source is not active."))
    timestamp = headers.get(TIMESTAMP_HEADER, "").strip()
    scheme, _equals, signature = headers.get(SIGNATURE_HEADER, "").strip().lower().partition("=")
    if not timestamp or not signature:
        raise Refusal(
            _("The delivery is not signed: send the headers %(timestamp)s and %(signature)s.")
            % {"timestamp": TIMESTAMP_HEADER, "signature": SIGNATURE_HEADER}
        )
    # Lower case: the same signature in capitals is the same delivery (a replay).
    if scheme != SCHEME or not source.signed(timestamp, body, signature):
        raise Refusal(_("The signature does not match: sign with this source's secret."))
    if not (timestamp.isascii() and timestamp.isdigit()):
        raise Refusal(_("%(header)s must be Unix seconds.") % {"header": TIMESTAMP_HEADER})
    if abs(timezone.now().timestamp() - int(timestamp)) > tolerance():
        raise Refusal(
            _(
                "The timestamp is more than %(seconds)s seconds from now: sign each delivery "
                "as it is sent."
            )
            % {"seconds": tolerance()}
        )
    return signature


def remember(source: SurveySource, signature: str) -> bool:
    """Notes the delivery (inside the caller's transaction); False when it was seen
    before. Prunes what no longer needs remembering: a delivery received more than two
    tolerances ago carries a timestamp that can no longer pass."""
    now = timezone.now()
    WebhookDelivery.objects.filter(
        received_at__lt=now - dt.timedelta(seconds=2 * tolerance())
    ).delete()
    _delivery, created = WebhookDelivery.objects.get_or_create(
        source=source, signature=signature, defaults={"received_at": now}
    )
    return created


# --- the mapping -------------------------------------------------------------------------


class MappingError(Exception):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def answers_in(source: SurveySource, payload: Any) -> list:
    """The answers of a payload: at the source's answers path, else the payload itself
    (a list of answers or one answer)."""
    found = value_at(payload, source.answers_path) if source.answers_path else payload
    if found is MISSING:
        raise MappingError("answers", nothing_at(source.answers_path))
    return found if isinstance(found, list) else [found]


def nothing_at(path: str) -> str:
    return _("Nothing at “%(path)s”.") % {"path": path}


class Mapper:
    """Maps a source's answers to rows as bulk ingestion reads them, with the units named
    by code looked up once for the whole payload."""

    def __init__(self, source: SurveySource, answers: list):
        self.source = source
        self.today = timezone.localdate()
        self.unit_codes: dict[str, int] = {}
        if source.unit_path:
            codes = {str(self.mapped("unit", self.found(a, source.unit_path))) for a in answers}
            self.unit_codes = dict(Unit.objects.filter(code__in=codes).values_list("code", "pk"))

    def rows(self, answers: list) -> tuple[list[dict | None], list[Error]]:
        """One row per answer (None where the mapping failed) and the mapping errors."""
        rows: list[dict | None] = []
        errors: list[Error] = []
        for index, answer in enumerate(answers):
            row, row_errors = self.row(answer)
            rows.append(None if row_errors else row)
            errors += [(index, field, [message]) for field, message in row_errors.items()]
        return rows, errors

    def row(self, answer: Any) -> tuple[dict, dict[str, str]]:
        row: dict[str, Any] = {}
        errors: dict[str, str] = {}
        readers = {
            "id": self.answer_id,
            "metric": self.metric,
            "score": self.score,
            "unit": self.unit,
            "touchpoint": self.touchpoint,
            "answered_on": self.answered_on,
            "comment": self.comment,
        }
        for field, read in readers.items():
            try:
                row[field] = read(answer)
            except MappingError as error:
                errors[error.field] = error.message
        return row, errors

    @staticmethod
    def found(answer: Any, path: str) -> Any:
        value = value_at(answer, path) if path else MISSING
        return MISSING if value is None or value == "" else value

    def required(self, answer: Any, path: str, field: str) -> Any:
        value = self.found(answer, path)
        if value is MISSING:
            raise MappingError(field, nothing_at(path))
        return value

    def mapped(self, field: str, value: Any) -> Any:
        values = self.source.value_maps.get(field) or {}
        return values.get(str(value), value) if value is not MISSING else value

    def answer_id(self, answer: Any) -> str:
        return str(self.required(answer, self.source.id_path, "id"))

    def metric(self, answer: Any) -> str:
        if not self.source.metric_path:
            return self.source.metric.kind if self.source.metric else ""
        return str(self.mapped("metric", self.required(answer, self.source.metric_path, "metric")))

    def score(self, answer: Any) -> int:
        value = self.required(answer, self.source.score_path, "score")
        number = whole_number(value)
        if number is None:
            raise MappingError(
                "score",
                _("The score at “%(path)s” is not a whole number: %(value)s.")
                % {"path": self.source.score_path, "value": shown(value)},
            )
        return number

    def unit(self, answer: Any) -> int:
        value = self.mapped("unit", self.found(answer, self.source.unit_path))
        if value is MISSING:
            return self.source.landing_unit.pk
        number = whole_number(value)
        if number is not None and not isinstance(value, str):
            return number
        if str(value) in self.unit_codes:
            return self.unit_codes[str(value)]
        if number is not None:
            return number
        raise MappingError("unit", _("No unit has the code %(value)s.") % {"value": shown(value)})

    def touchpoint(self, answer: Any) -> int | None:
        value = self.mapped("touchpoint", self.found(answer, self.source.touchpoint_path))
        if value is MISSING:
            return None
        number = whole_number(value)
        if number is None:
            raise MappingError(
                "touchpoint",
                _("A touchpoint is named by its id, not %(value)s: map the tool's value to one.")
                % {"value": shown(value)},
            )
        return number

    def answered_on(self, answer: Any) -> dt.date:
        if not self.source.answered_at_path:
            return self.today
        value = self.required(answer, self.source.answered_at_path, "answered_on")
        day = day_of(value)
        if day is None:
            raise MappingError(
                "answered_on",
                _("%(value)s at “%(path)s” is not a date, a date and time or Unix seconds.")
                % {"value": shown(value), "path": self.source.answered_at_path},
            )
        return day

    def comment(self, answer: Any) -> str:
        value = self.found(answer, self.source.comment_path)
        return "" if value is MISSING else str(value)


def shown(value: Any) -> str:
    return f"“{str(value)[:60]}”"


def whole_number(value: Any) -> int | None:
    """9, 9.0 and "9" are 9; anything else (9.5, "nine", true) is not a whole number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None


def day_of(value: Any) -> dt.date | None:
    """The local day of a date, a date and time (ISO 8601) or Unix seconds."""
    seconds = whole_number(value)
    try:
        if seconds is not None:
            moment = dt.datetime.fromtimestamp(seconds, tz=dt.UTC)
        elif isinstance(value, str):
            parsed = parse_datetime(value.strip())
            if parsed is None:
                return parse_date(value.strip())
            moment = parsed
        else:
            return None
    except (ValueError, OverflowError, OSError):
        return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return timezone.localdate(moment)


def mapped_answers(source: SurveySource, payload: Any) -> tuple[list[dict | None], list[Error]]:
    """The payload's answers as rows for `record_answers` (None where the mapping
    failed) and the mapping errors by index and field."""
    answers = answers_in(source, payload)
    return Mapper(source, answers).rows(answers)


def name_units(rows: list[dict | None]) -> None:
    """Adds `unit_name` to mapped rows (a preview shows the unit, not its id): one query."""
    ids = {row["unit"] for row in rows if row}
    names = dict(Unit.objects.filter(pk__in=ids).values_list("pk", "name"))
    for row in rows:
        if row:
            row["unit_name"] = names.get(row["unit"], "")


# --- customer feedback from comments -----------------------------------------------------


def feedback_from(source: SurveySource, answers: Iterable[SurveyAnswer]) -> list[Feedback]:
    """Customer feedback (Voice of the Customer) from the comments of new answers, when
    the source says so. Only answers just created are given, so a retried delivery
    logs nothing twice; the feedback names the answer in its customer reference.
    `answers` is read only when the source says so (a generator costs nothing else)."""
    if not source.comments_to_feedback:
        return []
    feedback = [
        Feedback(
            unit=answer.unit,
            source=FeedbackSource.SURVEY,
            channel=answer.touchpoint.channel if answer.touchpoint else source.feedback_channel,
            touchpoint=answer.touchpoint,
            received_on=answer.answered_on,
            what_happened=answer.comment.strip(),
            sentiment=answer.metric.sentiment_of(answer.score),
            customer_reference=f"{source.slug}:{answer.source_id}"[:120],
        )
        for answer in answers
        if answer.comment.strip()
    ]
    return bulk_create_with_history(feedback, Feedback, batch_size=2_000)


def sources_named(key: str) -> Q:
    """A source by its id or its slug, as the webhook's address names it."""
    is_id = key.isascii() and key.isdigit() and len(key) < 19  # within a bigint
    return Q(pk=int(key)) if is_id else Q(slug=key)
