from cxlean.core.branding import current_brand


def brand(request) -> dict:
    """The organisation's name, logo and colour for every page (cached: no query a page)."""
    return {"brand": current_brand()}
