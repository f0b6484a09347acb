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
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
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

from cxlean.core.api import id_field
from cxlean.journeys.models import Touchpoint
from cxlean.metrics.api.serializers import UNIT_MESSAGE
from cxlean.metrics.models import IngestToken, Metric, SurveyAnswer
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


Error = tuple[int, str, list]  # the answer's index, the field, its messages


class Refused(Exception):
    """A batch with errors (by index and field): nothing of it was recorded."""

    def __init__(self, errors: list[Error]):
        super().__init__(errors)
        self.errors = sorted(errors, key=lambda error: error[:2])


@dataclass
class Recorded:
    created: list[SurveyAnswer]  # the new answers (an id already recorded is skipped)
    existing: int


def check_size(answers: list) -> None:
    if len(answers) > MAX_ANSWERS:
        raise exceptions.ValidationError({"answers": [TOO_MANY % {"count": MAX_ANSWERS}]})


def read_rows(answers: list, errors: list[Error]) -> dict[int, dict]:
    """Each answer read by `AnswerRow` (its errors added to `errors`), by index."""
    rows: dict[int, dict] = {}
    reader = AnswerRow()  # one for every row: a serializer per row costs 10× more
    for index, data in enumerate(answers):
        if data is None:  # refused before (a webhook answer that could not be mapped)
            continue
        try:
            rows[index] = dict(reader.run_validation(data))
        except serializers.ValidationError as error:
            detail = error.detail if isinstance(error.detail, dict) else {"": error.detail}
            errors += [
                (index, field, messages if isinstance(messages, list) else [messages])
                for field, messages in detail.items()
            ]
    return rows


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
    rows = read_rows(answers, errors)
    lookups = Lookups(units, list(rows.values()), unit_message)
    new, seen = [], set()
    for index, row in rows.items():
        found = relation_errors(row, lookups)
        if row["id"] in seen:
            found["id"] = [str(TWICE)]
        seen.add(row["id"])
        if not found:
            answer = answer_of(row, lookups, user, source)
            found = model_errors(answer)
            new.append(answer)
        errors += [(index, field, messages) for field, messages in found.items()]
    if errors:
        raise Refused(errors)
    with transaction.atomic():
        existing = set(
            SurveyAnswer.objects.filter(source=source, source_id__in=seen).values_list(
                "source_id", flat=True
            )
        )
        new = [answer for answer in new if answer.source_id not in existing]
        bulk_create_with_history(new, SurveyAnswer, batch_size=2_000, default_user=user)
    return Recorded(created=new, existing=len(existing))


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
            {"created": len(recorded.created), "existing": recorded.existing},
            status=status.HTTP_201_CREATED,
        )


def refused(errors) -> Response:
    rows = [
        {"index": index, "field": field, "messages": [str(m) for m in messages]}
        for index, field, messages in errors
    ]
    return Response({"errors": rows}, status=status.HTTP_400_BAD_REQUEST)
