"""A person's notifications: the list (newest first, unread marked in words), opening one
(marks it read and goes to the page to act on), marking all read, and the preferences.

Everyone sees and changes only their own: someone else's notification is a 404.
Management may too — their notifications and preferences are their own things."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cxlean.core.redirects import is_safe_url
from cxlean.core.typed import AuthenticatedRequest
from cxlean.notifications.calendar import build_feed
from cxlean.notifications.forms import PreferenceForm
from cxlean.notifications.models import CalendarFeed, Notification, Preference

PAGE_SIZE = 25


@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    mine = Notification.objects.of(request.user)
    only_unread = request.GET.get("show") == "unread"
    shown = mine.unread() if only_unread else mine
    page = Paginator(shown.order_by("-created_at", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "notifications/list.html",
        {
            "page": page,
            "only_unread": only_unread,
            "page_has_unread": any(not n.is_read for n in page.object_list),
        },
    )


@require_http_methods(["GET", "POST"])
def open_notification(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark it read and go to the page it is about (a link in an e-mail opens it too)."""
    notification = get_object_or_404(Notification.objects.of(request.user), pk=pk)
    Notification.objects.filter(pk=notification.pk).mark_read()
    target = notification.url
    if is_safe_url(request, target):
        return redirect(target)
    return redirect("notifications:list")


@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    count = Notification.objects.of(request.user).mark_read(timezone.now())
    messages.success(
        request,
        ngettext(
            "%(count)s notification marked as read.",
            "%(count)s notifications marked as read.",
            count,
        )
        % {"count": count},
    )
    return redirect("notifications:list")


@require_http_methods(["GET", "POST"])
def preferences(request: AuthenticatedRequest) -> HttpResponse:
    preference = Preference.objects.filter(user=request.user).first() or Preference(
        user=request.user
    )
    form = PreferenceForm(request.POST or None, instance=preference)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your notification settings are saved."))
        return redirect("notifications:preferences")
    feed = CalendarFeed.objects.filter(user=request.user).first()
    feed_url = request.build_absolute_uri(feed.path()) if feed is not None else ""
    return render(
        request,
        "notifications/preferences.html",
        {"form": form, "feed": feed, "feed_url": feed_url},
    )


@login_not_required
@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The private calendar feed: no login, the secret token is the key. An unknown or
    reset token, or an inactive person, is a 404 that tells nothing more."""
    feed = (
        CalendarFeed.objects.select_related("user__notification_preference")
        .filter(token=token, user__is_active=True)
        .first()
    )
    if feed is None:
        raise Http404
    response = HttpResponse(build_feed(feed.user), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="cxlean.ics"'
    response["Cache-Control"] = "private, max-age=900"
    response["X-Robots-Tag"] = "noindex"
    return response


@require_POST
def calendar_settings(request: AuthenticatedRequest) -> HttpResponse:
    """Turn the calendar feed on, reset its secret, or turn it off."""
    action = request.POST.get("action")
    feed = CalendarFeed.objects.filter(user=request.user).first()
    if action == "on" and feed is None:
        CalendarFeed.objects.create(user=request.user)
        messages.success(
            request, _("Your calendar feed is on. Copy its address into your calendar.")
        )
    elif action == "reset" and feed is not None:
        feed.reset()
        messages.success(
            request, _("Your calendar feed has a new address; the old one no longer works.")
        )
    elif action == "off" and feed is not None:
        feed.delete()
        messages.success(request, _("Your calendar feed is off; its address no longer works."))
    return redirect(reverse("notifications:preferences") + "#calendar")
