"""Webhooks from survey tools: `POST /api/v1/survey-sources/<id or slug>/webhook/`.

No session and no token: a delivery is trusted by its signature alone. Send

    X-Cxlean-Timestamp: <Unix seconds, now>
    X-Cxlean-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>" with the secret>

The secret is shown once, when the survey source is created or its secret rotated.
A wrong signature, a timestamp more than `SURVEY_WEBHOOK_TOLERANCE` seconds (5 minutes
by default) from now and an inactive source are refused (403); the same delivery sent
again is refused as a replay (409): sign each delivery anew, also a retry.

The body is the tool's own JSON: one answer, a list of answers, or an object with the
list at the source's `answers_path`. Each answer is mapped by the source's paths (id,
metric, score, unit, touchpoint, answered at, comment) and recorded by the rules of
bulk ingestion, all or nothing: an id the source sent before is skipped (a retry
creates nothing twice), a unit outside the source's units or a bad score refuses the
whole delivery with a 400 listing every error by `index` and `field`. With
`comments_to_feedback`, each new answer's comment is also logged as customer feedback.
The answer `201` says how many answers were `created`, how many `existing` were
skipped and how many pieces of `feedback` were logged.

Example (Python):

    body = json.dumps(payload).encode()
    timestamp = str(int(time.time()))
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, "sha256")
    headers = {"X-Cxlean-Timestamp": timestamp,
               "X-Cxlean-Signature": "sha256=" + digest.hexdigest()}
"""

from __future__ import annotations

import json

from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from cxlean.metrics.api.ingest import Refused, check_size, record_answers, refused
from cxlean.metrics.models import SurveySource
from cxlean.metrics.webhooks import (
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    MappingError,
    Refusal,
    check_signature,
    feedback_from,
    mapped_answers,
    remember,
    sources_named,
)

SOURCE_UNIT_MESSAGE = gettext_lazy("This survey source may not write to this unit.")


class SurveySourceWebhookView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "survey-webhook"

    @extend_schema(
        tags=["metrics"],
        summary="Receive survey answers from a survey tool (signed webhook)",
        description=__doc__,
        auth=[],
        parameters=[
            OpenApiParameter("key", str, OpenApiParameter.PATH, description="id or slug"),
            OpenApiParameter(
                TIMESTAMP_HEADER,
                str,
                OpenApiParameter.HEADER,
                required=True,
                description="Unix seconds when the delivery was signed.",
            ),
            OpenApiParameter(
                SIGNATURE_HEADER,
                str,
                OpenApiParameter.HEADER,
                required=True,
                description='"sha256=" and the hex HMAC-SHA256 of "<timestamp>.<raw body>".',
            ),
        ],
        request={"application/json": {"type": "object", "description": "The tool's JSON."}},
        responses={
            201: OpenApiResponse(description="created, existing and feedback counts"),
            400: OpenApiResponse(description="errors by index and field; nothing recorded"),
            403: OpenApiResponse(description="unsigned, wrong signature, old timestamp, inactive"),
            404: OpenApiResponse(description="no such survey source"),
            409: OpenApiResponse(description="a replay of a delivery already received"),
        },
    )
    def post(self, request, key: str):
        source = (
            SurveySource.objects.select_related("unit", "default_unit", "metric")
            .filter(sources_named(key))
            .first()
        )
        if source is None:
            raise Http404
        body = request.body
        try:
            signature = check_signature(source, request.headers, body)
        except Refusal as refusal:
            return Response({"detail": refusal.message}, status=refusal.status)
        try:
            payload = json.loads(body)
        except (ValueError, RecursionError):  # JSONDecodeError and UnicodeDecodeError
            return Response({"detail": _("The body is not JSON.")}, status=400)
        try:
            rows, errors = mapped_answers(source, payload)
        except MappingError as error:
            return Response({error.field: [error.message]}, status=400)
        check_size(rows)
        try:
            with transaction.atomic():
                if not remember(source, signature):
                    raise Refusal(_("This delivery was received before: a replay."), 409)
                recorded = record_answers(
                    rows,
                    units=source.unit.subtree(),
                    unit_message=SOURCE_UNIT_MESSAGE,
                    user=None,
                    source=source.slug,
                    errors=errors,
                )
                feedback = feedback_from(source, recorded.answers())
                source.delivered(recorded.created)
        except Refusal as refusal:
            return Response({"detail": refusal.message}, status=refusal.status)
        except Refused as refusal:
            return refused(refusal.errors)
        return Response(
            {
                "created": recorded.created,
                "existing": recorded.existing,
                "feedback": len(feedback),
            },
            status=status.HTTP_201_CREATED,
        )
