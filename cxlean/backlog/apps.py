from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BacklogConfig(AppConfig):
    name = "cxlean.backlog"
    verbose_name = _("Improvement backlog")

    def ready(self) -> None:
        from cxlean.backlog.models import OPEN_STATUSES
        from cxlean.journeys import improvements

        # Journey maps and lists count the open improvements on each touchpoint and
        # transition; journeys sits below the backlog and asks for the statuses here.
        improvements.provide_open_statuses(OPEN_STATUSES)
