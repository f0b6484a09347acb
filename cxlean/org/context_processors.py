from cxlean.org.roles import is_coordinator, is_cx_owner, is_management, may_edit_catalogue


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
