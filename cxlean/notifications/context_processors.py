from cxlean.notifications.models import Notification


def notifications(request) -> dict:
    """`unread_notifications` for the header link: one COUNT query, signed-in users only."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": Notification.objects.of(user).unread().count()}
