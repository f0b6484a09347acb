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
form a survey tool sends (strings, integers, an ISO date) is read without a serializer
(`plain_row`) and checked by the same rules (`answer_errors`, the sane-date validator,
the lookups); only an answer failing any of them goes through `AnswerRow`,
`relation_errors` and `model_errors`, which word its errors. On PostgreSQL the answers
are written by one INSERT ... SELECT unnest(...) (skipping ids already there, even sent
at the same moment by a retry), their history by one INSERT ... SELECT, and their
roll-ups by one upsert (`rollups.added_scores`).
"""

from __future__ import annotations

import datetime as dt
import json

from django.core.exceptions import ValidationError
from django.db import connection, transaction
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

from cxlean.core.dates import validate_sane_date
from cxlean.journeys.models import Touchpoint
from cxlean.metrics import rollups
from cxlean.metrics.api.serializers import UNIT_MESSAGE
from cxlean.metrics.models import IngestToken, Metric, SurveyAnswer, answer_errors
from cxlean.org.roles import coordinated_units, is_coordinator

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
    unit = serializers.IntegerField()
    touchpoint = serializers.IntegerField(required=False, allow_null=True)
    answered_on = serializers.DateField()
    score = serializers.IntegerField()
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    respondent = serializers.CharField(required=False, allow_blank=True, default="", max_length=120)


class Batch(serializers.Serializer):
    answers = AnswerRow(many=True, help_text=_("Up to 10,000 answers."))


class Lookups:
    """The metrics, the sender's units and the touchpoints, read once per batch."""

    def __init__(self, user, rows: list[dict]):
        self.metrics = {metric.kind: metric for metric in Metric.objects.all()}
        unit_ids = {row["unit"] for row in rows}
        self.units = {unit.pk: unit for unit in coordinated_units(user).filter(pk__in=unit_ids)}
        touchpoint_ids = {row["touchpoint"] for row in rows if row.get("touchpoint")}
        self.touchpoints = {tp.pk: tp for tp in Touchpoint.objects.filter(pk__in=touchpoint_ids)}


def relation_errors(row: dict, lookups: Lookups) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if str(row["metric"]).lower() not in lookups.metrics:
        message = serializers.SlugRelatedField.default_error_messages["does_not_exist"]
        errors["metric"] = [str(message).format(slug_name="kind", value=row["metric"])]
    if row["unit"] not in lookups.units:
        errors["unit"] = [str(UNIT_MESSAGE)]
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


def plain_row(data) -> dict | None:
    """An answer as `AnswerRow` would read it, without running the serializer, when each
    value is in the plain form (a string id and metric, integer unit, touchpoint and
    score, an ISO date) whose reading cannot fail; otherwise None."""
    if type(data) is not dict:
        return None
    source_id, metric, unit, score = (data.get(k) for k in ("id", "metric", "unit", "score"))
    touchpoint, day = data.get("touchpoint"), data.get("answered_on")
    if not (
        plain_text(source_id, getattr(FIELDS["id"], "max_length", None))
        and plain_text(metric, None)
        and type(unit) is int
        and type(score) is int
        and (touchpoint is None or type(touchpoint) is int)
        and type(day) is str
        and len(day) == 10
    ):
        return None
    try:
        answered_on = dt.date.fromisoformat(day)
    except ValueError:
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
        if len(answers) > MAX_ANSWERS:
            raise exceptions.ValidationError({"answers": [TOO_MANY % {"count": MAX_ANSWERS}]})
        errors: list[tuple[int, str, list]] = []
        rows: dict[int, dict] = {}
        plain: set[int] = set()  # read without the serializer
        for index, data in enumerate(answers):
            row = plain_row(data)
            if row is not None:
                rows[index] = row
                plain.add(index)
                continue
            try:
                rows[index] = dict(READER.run_validation(data))
            except serializers.ValidationError as error:
                detail = error.detail if isinstance(error.detail, dict) else {"": error.detail}
                errors += [
                    (index, field, messages if isinstance(messages, list) else [messages])
                    for field, messages in detail.items()
                ]
        token = request.auth if isinstance(request.auth, IngestToken) else None
        source = token.source if token else USER_SOURCE
        lookups = Lookups(request.user, list(rows.values()))
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
                found = model_errors(answer_of(row, lookups, request.user, source))
                new.append(row)
            errors += [(index, field, messages) for field, messages in found.items()]
        if errors:
            return refused(sorted(errors, key=lambda error: error[:2]))
        created = len(record(new, lookups, request.user, source))
        return Response(
            {"created": created, "existing": len(new) - created}, status=status.HTTP_201_CREATED
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
