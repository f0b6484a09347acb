from django.conf import settings

from cxlean.org.roles import is_coordinator, is_cx_owner, is_management, may_edit_catalogue
from cxlean.org.sso import configured, provider_name


def roles(request) -> dict:
    user = request.user
    return {
        "is_coordinator": is_coordinator(user),
        "is_management": is_management(user),
        "is_cx_owner": is_cx_owner(user),
        # Catalogue pages offer "Edit in the admin" to these, "Propose a change" to
        # other coordinators.
        "edits_catalogues": may_edit_catalogue(user),
    }


def sign_in(request) -> dict:
    """For the login page: the provider's name when single sign-on is configured, and
    whether everyone may sign in with a password (`LOCAL_PASSWORDS`)."""
    return {
        "sso_provider": provider_name() if configured() else "",
        "local_passwords": settings.LOCAL_PASSWORDS,
    }
