from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "cxlean.org"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        from cxlean.org.roles import ensure_role_groups

        # Groups must exist before anyone can be given a role; creating them after
        # every migrate keeps a fresh database and an old one the same.
        post_migrate.connect(ensure_role_groups, sender=self)
