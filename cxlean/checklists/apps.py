from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChecklistsConfig(AppConfig):
    name = "cxlean.checklists"
    verbose_name = _("Role-based checklists")
