from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "cxlean.notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from cxlean.core.events import on_event
        from cxlean.notifications.events import receive

        on_event(receive)
