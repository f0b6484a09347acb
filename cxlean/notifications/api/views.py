"""A person's notifications and notification preferences over the API.

Everyone signed in reads and changes only their own: someone else's notification is a
404. Management may too (their notifications and preferences are their own things).
"""

from __future__ import annotations

from typing import cast

from django.contrib.auth.models import User
from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from cxlean.core.api import documented
from cxlean.core.filters import StrictOrderingFilter
from cxlean.notifications.api.filters import NotificationFilter
from cxlean.notifications.api.serializers import (
    CalendarFeedSerializer,
    MarkedSerializer,
    NotificationSerializer,
    PreferenceSerializer,
)
from cxlean.notifications.models import CalendarFeed, Notification, Preference

TAGS = ["notifications"]


@documented(
    TAGS,
    list=(
        "List my notifications",
        "The signed-in person's notifications, newest first. `?unread=true` "
        "for the unread ones only; `?kind=` for one reminder rule.",
    ),
    retrieve="One of my notifications",
)
class NotificationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = NotificationSerializer
    filter_backends = [
        DjangoFilterBackend,
        StrictOrderingFilter,
    ]
    filterset_class = NotificationFilter
    ordering_fields = ["created_at", "id"]
    ordering = ["-created_at", "-id"]

    def get_queryset(self):
        return Notification.objects.of(self.request.user)

    @extend_schema(
        summary="Mark a notification as read",
        request=None,
        responses=NotificationSerializer,
    )
    @action(detail=True, methods=["post"], url_path="mark-read")
    def mark_read(self, request: Request, pk=None) -> Response:
        notification = self.get_object()
        if notification.read_at is None:
            notification.read_at = timezone.now()
            notification.save(update_fields=["read_at"])
        return Response(self.get_serializer(notification).data)

    @extend_schema(
        summary="Mark all my notifications as read",
        request=None,
        responses=MarkedSerializer,
    )
    @action(detail=False, methods=["post"], url_path="mark-all-read")
    def mark_all_read(self, request: Request) -> Response:
        marked = Notification.objects.of(request.user).mark_read()
        return Response({"marked": marked}, status=status.HTTP_200_OK)


@documented(TAGS)
class PreferenceViewSet(viewsets.GenericViewSet):
    """The signed-in person's notification preferences at `me/` (the defaults until
    they are first changed)."""

    serializer_class = PreferenceSerializer
    pagination_class = None

    def get_queryset(self):
        return Preference.objects.filter(user=self.signed_in_user())

    def get_object(self) -> Preference:
        return self.get_queryset().first() or Preference(user=self.signed_in_user())

    def signed_in_user(self) -> User:
        # The default permission (IsAuthenticated) has turned anonymous requests away.
        return cast(User, self.request.user)

    @extend_schema(
        methods=["GET"],
        summary="My notification preferences",
        description="E-mail on or off, right away or a daily digest at `digest_hour` "
        "(local time), and the language of notifications and e-mail.",
    )
    @extend_schema(methods=["PUT"], summary="Replace my notification preferences")
    @extend_schema(methods=["PATCH"], summary="Change some of my notification preferences")
    @action(detail=False, methods=["get", "put", "patch"], url_path="me")
    def me(self, request: Request) -> Response:
        preference = self.get_object()
        if request.method == "GET":
            return Response(self.get_serializer(preference).data)
        serializer = self.get_serializer(
            preference, data=request.data, partial=request.method == "PATCH"
        )
        serializer.is_valid(raise_exception=True)
        serializer.save(user=request.user)
        return Response(serializer.data)


def feed_state(request: Request) -> dict:
    feed = CalendarFeed.objects.filter(user=cast(User, request.user)).first()
    return {
        "enabled": feed is not None,
        "url": request.build_absolute_uri(feed.path()) if feed is not None else None,
    }


@extend_schema(tags=TAGS)
class CalendarFeedViewSet(viewsets.GenericViewSet):
    """The signed-in person's private calendar feed (iCalendar) at `me/`: its address,
    turning it on and off, and resetting its secret token."""

    serializer_class = CalendarFeedSerializer
    pagination_class = None

    def get_queryset(self):
        return CalendarFeed.objects.filter(user=cast(User, self.request.user))

    @extend_schema(
        methods=["GET"], summary="My calendar feed", request=None, responses=CalendarFeedSerializer
    )
    @extend_schema(
        methods=["POST"],
        summary="Turn my calendar feed on",
        description="Idempotent: a feed that is on keeps its address.",
        request=None,
        responses=CalendarFeedSerializer,
    )
    @extend_schema(
        methods=["DELETE"],
        summary="Turn my calendar feed off",
        description="Its address stops working. Answers with the feed's state.",
        request=None,
        responses={200: CalendarFeedSerializer},
    )
    @action(detail=False, methods=["get", "post", "delete"], url_path="me")
    def me(self, request: Request) -> Response:
        # The default permission (IsAuthenticated) has turned anonymous requests away.
        user = cast(User, request.user)
        if request.method == "POST":
            CalendarFeed.objects.get_or_create(user=user)
        elif request.method == "DELETE":
            CalendarFeed.objects.filter(user=user).delete()
        return Response(self.get_serializer(feed_state(request)).data)

    @extend_schema(
        summary="Reset my calendar feed's secret token",
        description="A new address; the old one stops working at once. Turns the feed on "
        "if it was off.",
        request=None,
        responses=CalendarFeedSerializer,
    )
    @action(detail=False, methods=["post"], url_path="me/reset")
    def reset(self, request: Request) -> Response:
        feed, created = CalendarFeed.objects.get_or_create(user=cast(User, request.user))
        if not created:
            feed.reset()
        return Response(self.get_serializer(feed_state(request)).data)
