from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BacklogConfig(AppConfig):
    name = "cxlean.backlog"
    verbose_name = _("Improvement backlog")
