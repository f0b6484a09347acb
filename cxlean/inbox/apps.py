from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InboxConfig(AppConfig):
    name = "cxlean.inbox"
    verbose_name = _("To do")

    def ready(self) -> None:
        from cxlean.core.todo import provide_top_items
        from cxlean.inbox.rows import top_items

        provide_top_items(top_items)
