from functools import cache

from cxlean.notifications.models import Notification


def notifications(request) -> dict:
    """`unread_notifications` for the header link, signed-in users only: one COUNT query,
    run only when a template shows it (templates call a callable; admin pages, which have
    no such header, run none)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    @cache
    def unread_notifications() -> int:
        return Notification.objects.of(user).unread().count()

    return {"unread_notifications": unread_notifications}
