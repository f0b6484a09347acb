from cxlean.org.roles import is_coordinator, is_management


def roles(request) -> dict:
    user = request.user
    return {
        "is_coordinator": is_coordinator(user),
        "is_management": is_management(user),
    }
