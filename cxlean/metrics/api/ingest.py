"""Bulk ingestion of survey answers: `POST /api/v1/survey-answers/bulk/` with up to
10,000 answers, for a survey tool or data pipeline sending answers as they come.

- Each answer carries the source's own answer `id`: an id the source already sent is
  skipped, so a retried batch creates nothing twice (`existing` in the response).
- Each answer is validated by the same rules as a single one (`SurveyAnswer.clean` and
  the field rules; the unit must be one the sender coordinates). One bad answer refuses
  the whole batch: a 400 listing every error by `index` (from 0) and `field`.
- Who may send: a coordinator signed in (session or API token), the answers' source
  being `api`; or an ingestion token (`IngestToken`, `Authorization: Ingest <key>`),
  recorded as its user with the token's source. The ingestion token is accepted here
  and nowhere else.
- The answers and their roll-ups are written in one transaction
  (`cxlean.metrics.rollups`), with history.

Speed (about 10,000 answers in under two seconds on PostgreSQL): an answer in the plain
form a survey tool sends (strings, integers, an ISO date, or a date from a webhook's
mapping) is read without a serializer (`plain_row`) and checked by the same rules
(`keeps_rules`: `answer_errors`, the sane-date validator, the lookups); only an answer
failing any of them goes through `AnswerRow`, `relation_errors` and `model_errors`,
which word its errors. On PostgreSQL the answers are written by one INSERT ... SELECT
from one JSON document (skipping ids already there, even sent at the same moment by a
retry), their history in the same statement, and their roll-ups by one upsert
(`rollups.added_scores`). No model instance is made per answer, unless a caller needs
the answers created (`Recorded.answers`, for a webhook's comments to feedback).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.authentication import (
    BaseAuthentication,
    SessionAuthentication,
    TokenAuthentication,
    get_authorization_header,
)
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView
from simple_history.utils import bulk_create_with_history

from cxlean.core.api import MAX_ROW_ID, id_field
from cxlean.core.dates import validate_sane_date
from cxlean.journeys.models import Touchpoint
from cxlean.metrics import rollups
from cxlean.metrics.api.serializers import UNIT_MESSAGE
from cxlean.metrics.models import IngestToken, Metric, SurveyAnswer, answer_errors
from cxlean.org.models import Unit
from cxlean.org.roles import coordinated_units, is_coordinator

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

MAX_ANSWERS = 10_000
USER_SOURCE = "api"
TWICE = _("This id is twice in the batch.")
TOO_MANY = _("At most %(count)s answers in one request.")


class IngestTokenAuthentication(BaseAuthentication):
    """`Authorization: Ingest <key>`: an active `IngestToken` of an active user."""

    keyword = "Ingest"

    def authenticate(self, request):
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                _("Invalid token header. No credentials provided.")
            )
        token = (
            IngestToken.objects.select_related("user")
            .filter(key=header[1].decode(errors="replace"), active=True)
            .first()
        )
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        return token.user, token

    def authenticate_header(self, request) -> str:
        return self.keyword


class IngestTokenScheme(OpenApiAuthenticationExtension):
    target_class = IngestTokenAuthentication
    name = "ingestToken"

    def get_security_definition(self, auto_schema) -> dict:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Ingest <key>`: an ingestion token, for bulk ingestion only.",
        }


class MayIngest(BasePermission):
    message = _("Only a Lean coordinator of the unit can do this.")

    def has_permission(self, request, view) -> bool:
        return is_coordinator(request.user)


class AnswerRow(serializers.Serializer):
    """One answer of a batch; `metric` by kind, `unit` and `touchpoint` by id."""

    id = serializers.CharField(max_length=120, help_text=_("The answer's id in its source."))
    metric = serializers.CharField(help_text=_("The metric's kind: nps, csat or ces."))
    unit = id_field()
    touchpoint = id_field(required=False, allow_null=True)
    answered_on = serializers.DateField()
    score = serializers.IntegerField()
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    respondent = serializers.CharField(required=False, allow_blank=True, default="", max_length=120)


class Batch(serializers.Serializer):
    answers = AnswerRow(many=True, help_text=_("Up to 10,000 answers."))


class Lookups:
    """The metrics, the units the sender may write to and the touchpoints, read once per
    batch."""

    def __init__(self, units: QuerySet[Unit], rows: list[dict], unit_message: StrOrPromise):
        self.metrics = {metric.kind: metric for metric in Metric.objects.all()}
        unit_ids = {row["unit"] for row in rows}
        self.units = {unit.pk: unit for unit in units.filter(pk__in=unit_ids)}
        self.unit_message = unit_message
        touchpoint_ids = {row["touchpoint"] for row in rows if row.get("touchpoint")}
        self.touchpoints = {tp.pk: tp for tp in Touchpoint.objects.filter(pk__in=touchpoint_ids)}


def relation_errors(row: dict, lookups: Lookups) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if str(row["metric"]).lower() not in lookups.metrics:
        message = serializers.SlugRelatedField.default_error_messages["does_not_exist"]
        errors["metric"] = [str(message).format(slug_name="kind", value=row["metric"])]
    if row["unit"] not in lookups.units:
        errors["unit"] = [str(lookups.unit_message)]
    touchpoint = row.get("touchpoint")
    if touchpoint and touchpoint not in lookups.touchpoints:
        message = serializers.PrimaryKeyRelatedField.default_error_messages["does_not_exist"]
        errors["touchpoint"] = [str(message).format(pk_value=touchpoint)]
    return errors


def answer_of(row: dict, lookups: Lookups, user, source: str) -> SurveyAnswer:
    return SurveyAnswer(
        metric=lookups.metrics[str(row["metric"]).lower()],
        unit=lookups.units[row["unit"]],
        touchpoint=lookups.touchpoints.get(row.get("touchpoint") or 0),
        answered_on=row["answered_on"],
        score=row["score"],
        comment=row["comment"],
        respondent=row["respondent"],
        created_by=user,
        source=source,
        source_id=row["id"],
    )


# The fields `clean_fields` need not look at: the relations (checked above, without a
# query per answer) and what the sender does not give.
CHECKED = {"answered_on", "score", "comment", "respondent", "source_id"}
UNCHECKED = [f.name for f in SurveyAnswer._meta.concrete_fields if f.name not in CHECKED]


def model_errors(answer: SurveyAnswer) -> dict[str, list[str]]:
    """`SurveyAnswer`'s own rules (its fields' validators and `clean`), without the
    queries `full_clean` would make per answer (the relations are checked above)."""
    try:
        answer.clean_fields(exclude=UNCHECKED)
        answer.clean()
    except ValidationError as error:
        return {field: [str(m) for m in messages] for field, messages in error.message_dict.items()}
    return {}


def plain_text(value, limit: int | None) -> bool:
    """`value` is a string that `AnswerRow`'s CharField would take as it is (no
    whitespace to trim, no NUL or surrogate, within `limit`)."""
    return (
        type(value) is str
        and 0 < len(value) <= (limit or len(value))
        and value.isascii()
        and value.isprintable()
        and value.strip() == value
    )


READER = AnswerRow()
FIELDS = READER.fields


def plain_id(value) -> bool:
    """`value` is an id `id_field` takes as it is: an integer from 1 to MAX_ROW_ID."""
    return type(value) is int and 1 <= value <= MAX_ROW_ID


def plain_day(value) -> dt.date | None:
    """`value` as `AnswerRow`'s DateField reads it when it is an ISO date or a date (a
    webhook's mapped answer); otherwise None."""
    if type(value) is dt.date:
        return value
    if type(value) is not str or len(value) != 10:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def plain_row(data) -> dict | None:
    """An answer as `AnswerRow` would read it, without running the serializer, when each
    value is in the plain form (a string id and metric, integer unit, touchpoint and
    score, an ISO date or a date) whose reading cannot fail; otherwise None."""
    if type(data) is not dict:
        return None
    source_id, metric, unit, score = (data.get(k) for k in ("id", "metric", "unit", "score"))
    touchpoint = data.get("touchpoint")
    answered_on = plain_day(data.get("answered_on"))
    if not (
        plain_text(source_id, getattr(FIELDS["id"], "max_length", None))
        and plain_text(metric, None)
        and plain_id(unit)
        and type(score) is int
        and (touchpoint is None or plain_id(touchpoint))
        and answered_on is not None
    ):
        return None
    row = {
        "id": source_id,
        "metric": metric,
        "unit": unit,
        "touchpoint": touchpoint,
        "answered_on": answered_on,
        "score": score,
    }
    for name in ("comment", "respondent"):
        value = data.get(name, "")
        if value == "" or plain_text(value, getattr(FIELDS[name], "max_length", None)):
            row[name] = value
        else:
            try:
                row[name] = FIELDS[name].run_validation(value)
            except serializers.ValidationError:
                return None
    return row


def keeps_rules(row: dict, lookups: Lookups, known: dict | None = None) -> bool:
    """A plain row (`plain_row`) keeps every rule a single answer keeps: its metric,
    unit and touchpoint exist (and the unit is the sender's), the date is sane and the
    answer keeps `answer_errors`. `known` remembers, for one batch, the verdicts on each
    date and each metric and score (`answer_errors` checks them apart)."""
    metric = lookups.metrics.get(row["metric"].lower())
    if metric is None or row["unit"] not in lookups.units:
        return False
    if row["touchpoint"] and row["touchpoint"] not in lookups.touchpoints:
        return False
    known = {} if known is None else known
    day, score = row["answered_on"], (metric.pk, row["score"])
    if day not in known:
        known[day] = sane(day) and not answer_errors(None, None, day)
    if score not in known:
        known[score] = not answer_errors(metric, row["score"], None)
    return known[day] and known[score]


def sane(day: dt.date) -> bool:
    try:
        validate_sane_date(day)
    except ValidationError:
        return False
    return True


Error = tuple[int, str, list]  # the answer's index, the field, its messages


class Refused(Exception):
    """A batch with errors (by index and field): nothing of it was recorded."""

    def __init__(self, errors: list[Error]):
        super().__init__(errors)
        self.errors = sorted(errors, key=lambda error: error[:2])


@dataclass
class Recorded:
    """What `record_answers` wrote: `created` new answers (their rows in `rows`), and
    `existing` ones skipped (their ids recorded before)."""

    rows: list[dict]  # the rows created
    existing: int
    lookups: Lookups
    user: object
    source: str

    @property
    def created(self) -> int:
        return len(self.rows)

    def answers(self) -> Iterator[SurveyAnswer]:
        """The answers created, as (unsaved) instances, made one by one as they are
        read: only a caller who needs them (comments to feedback) pays for them."""
        return (answer_of(row, self.lookups, self.user, self.source) for row in self.rows)


def check_size(answers: list) -> None:
    if len(answers) > MAX_ANSWERS:
        raise exceptions.ValidationError({"answers": [TOO_MANY % {"count": MAX_ANSWERS}]})


def read_rows(answers: list, errors: list[Error]) -> tuple[dict[int, dict], set[int]]:
    """Each answer read by `plain_row`, or else by `AnswerRow` (its errors added to
    `errors`), by index; and the indexes of those read plain."""
    rows: dict[int, dict] = {}
    plain: set[int] = set()
    for index, data in enumerate(answers):
        if data is None:  # refused before (a webhook answer that could not be mapped)
            continue
        row = plain_row(data)
        if row is not None:
            rows[index] = row
            plain.add(index)
            continue
        try:  # one serializer for every row: a serializer per row costs 10× more
            rows[index] = dict(READER.run_validation(data))
        except serializers.ValidationError as error:
            detail = error.detail if isinstance(error.detail, dict) else {"": error.detail}
            errors += [
                (index, field, messages if isinstance(messages, list) else [messages])
                for field, messages in detail.items()
            ]
    return rows, plain


def record_answers(
    answers: list,
    *,
    units: QuerySet[Unit],
    unit_message: StrOrPromise,
    user,
    source: str,
    errors: list[Error] | None = None,
) -> Recorded:
    """Records `answers` (dicts as `AnswerRow` reads them) all or nothing, in one
    transaction with their roll-ups and history: each to one of `units`, recorded by
    `user` (or nobody) from `source`; an id `source` already sent is skipped. Raises
    `Refused` with every error, `errors` (found before, e.g. by a webhook's mapping)
    included. The one path of bulk ingestion and the survey sources' webhooks."""
    errors = list(errors or [])
    rows, plain = read_rows(answers, errors)
    lookups = Lookups(units, list(rows.values()), unit_message)
    new: list[dict] = []
    seen: set[str] = set()
    known: dict = {}  # keeps_rules' verdicts on dates and scores
    for index, row in rows.items():
        twice = row["id"] in seen
        seen.add(row["id"])
        if index in plain and not twice and keeps_rules(row, lookups, known):
            new.append(row)
            continue
        found = relation_errors(row, lookups)
        if twice:
            found["id"] = [str(TWICE)]
        if not found:
            found = model_errors(answer_of(row, lookups, user, source))
            new.append(row)
        errors += [(index, field, messages) for field, messages in found.items()]
    if errors:
        raise Refused(errors)
    created = set(record(new, lookups, user, source))
    return Recorded(
        rows=[row for row in new if row["id"] in created],
        existing=len(new) - len(created),
        lookups=lookups,
        user=user,
        source=source,
    )


class BulkAnswersView(APIView):
    authentication_classes = [
        SessionAuthentication,
        TokenAuthentication,
        IngestTokenAuthentication,
    ]
    permission_classes = [MayIngest]

    @extend_schema(
        tags=["CX metrics"],
        summary="Record up to 10,000 survey answers at once (coordinators, ingestion tokens)",
        description=__doc__,
        request=Batch,
        responses={201: None, 400: None},
    )
    def post(self, request):
        answers = request.data.get("answers") if isinstance(request.data, dict) else None
        if not isinstance(answers, list):
            message = serializers.ListSerializer.default_error_messages["not_a_list"]
            kind = type(answers).__name__
            raise exceptions.ValidationError({"answers": [str(message).format(input_type=kind)]})
        check_size(answers)
        token = request.auth if isinstance(request.auth, IngestToken) else None
        try:
            recorded = record_answers(
                answers,
                units=coordinated_units(request.user),
                unit_message=UNIT_MESSAGE,
                user=request.user,
                source=token.source if token else USER_SOURCE,
            )
        except Refused as refusal:
            return refused(refusal.errors)
        return Response(
            {"created": recorded.created, "existing": recorded.existing},
            status=status.HTTP_201_CREATED,
        )


def record(rows: list[dict], lookups: Lookups, user, source: str) -> list[str]:
    """Record the valid `rows` (skipping ids of `source` recorded before), with history
    and roll-ups, in one transaction, by `user` (or nobody); the ids (`row["id"]`) of
    the answers created. No model instance per answer: whoever needs them makes them
    with `answer_of` for the rows created."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            return insert(rows, lookups, user, source)
        existing = set(
            SurveyAnswer.objects.filter(
                source=source, source_id__in=[row["id"] for row in rows]
            ).values_list("source_id", flat=True)
        )
        new = [answer_of(row, lookups, user, source) for row in rows if row["id"] not in existing]
        bulk_create_with_history(new, SurveyAnswer, batch_size=2_000, default_user=user)
        return [answer.source_id for answer in new]


INSERT = """
WITH new AS (
    INSERT INTO {table} (metric_id, unit_id, touchpoint_id, answered_on, score, comment,
        respondent, source_id, created_by_id, created_at, source)
    SELECT m, u, t, d, s, c, r, i, %(user)s::integer, %(now)s::timestamptz, %(source)s::varchar
    FROM jsonb_to_recordset(%(rows)s::jsonb)
        AS row_(m bigint, u bigint, t bigint, d date, s smallint, c text, r varchar, i varchar)
    ON CONFLICT (source, source_id) WHERE NOT (source_id = '') DO NOTHING
    RETURNING *
), history AS (
    INSERT INTO {history} ({columns}, history_date, history_change_reason, history_type,
        history_user_id)
    SELECT {columns}, %(now)s::timestamptz, NULL, '+', %(user)s::integer FROM new
)
SELECT unit_id, metric_id, answered_on, touchpoint_id, score, source_id FROM new
"""


def insert(rows: list[dict], lookups: Lookups, user, source: str) -> list[str]:
    """`record` on PostgreSQL: the answers in one statement, sent as one JSON document
    (an id of `source` already recorded, also by a request running at the same moment,
    is skipped), with their history as `bulk_create_with_history` writes it; then their
    roll-ups in one upsert. The ids of the answers created."""
    data = [
        {
            "m": lookups.metrics[row["metric"].lower()].pk,
            "u": row["unit"],
            "t": row.get("touchpoint") or None,
            "d": row["answered_on"].isoformat(),
            "s": row["score"],
            "c": row["comment"],
            "r": row["respondent"],
            "i": row["id"],
        }
        for row in rows
    ]
    history = SurveyAnswer.history.model
    sql = INSERT.format(
        table=SurveyAnswer._meta.db_table,
        history=history._meta.db_table,
        columns=", ".join(str(field.column) for field in SurveyAnswer._meta.concrete_fields),
    )
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            {
                "user": getattr(user, "pk", None),
                "now": timezone.now(),
                "source": source,
                "rows": json.dumps(data),
            },
        )
        created = cursor.fetchall()
    rollups.added_scores(
        ((unit, metric, rollups.month_of(day), touchpoint), score)
        for unit, metric, day, touchpoint, score, _id in created
    )
    return [source_id for *_, source_id in created]


def refused(errors) -> Response:
    rows = [
        {"index": index, "field": field, "messages": [str(m) for m in messages]}
        for index, field, messages in errors
    ]
    return Response({"errors": rows}, status=status.HTTP_400_BAD_REQUEST)
