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

        from django.contrib.auth.signals import user_logged_in, user_login_failed

        from cxlean.org.accounts import on_logged_in, on_login_failed

        # The sign-in audit records sign-ins as they happen (see cxlean.org.accounts).
        user_logged_in.connect(on_logged_in, dispatch_uid="cxlean-sign-in-audit")
        user_login_failed.connect(on_login_failed, dispatch_uid="cxlean-sign-in-audit-failed")

        from axes.signals import user_locked_out

        from cxlean.org.lockout import on_locked_out

        user_locked_out.connect(on_locked_out, dispatch_uid="cxlean-sign-in-audit-locked-out")
