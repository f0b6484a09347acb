"""`GET /api/v1/inbox/`: the signed-in person's inbox (for a phone widget or a bot)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cxlean.inbox.api.serializers import InboxParams, InboxSerializer
from cxlean.inbox.models import last_visit
from cxlean.inbox.rows import inbox_for

TAGS = ["inbox"]


class InboxView(APIView):
    """One object, not a list: the inbox of the signed-in person."""

    @extend_schema(
        tags=TAGS,
        summary="My inbox",
        description="What waits for the signed-in person across every area, grouped by "
        "urgency (late, due within a week, waiting for you, for information), each row "
        "with the page to act on it. The same rows as the start page; each person gets "
        "only their own inbox. Coordinators' inboxes add their units' sign-offs, ideas "
        "to triage and late work; management's what moved since their last visit of the "
        "start page (reading this endpoint does not count as a visit).",
        parameters=[InboxParams],
        responses=InboxSerializer,
    )
    def get(self, request: Request) -> Response:
        params = InboxParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        user = request.user
        inbox = inbox_for(user, params.validated_data["limit"], since=last_visit(user))
        return Response(InboxSerializer(inbox, context={"request": request}).data)
