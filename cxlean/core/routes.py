"""An area's URL table by one naming convention, so the table lists only what departs.

Most pages of an area follow one pattern: the action's word is the route ("edit/"), the
URL name ("edit") and, after the object's noun, the view's name (`walk_edit`). The list
("list") and an object's own page ("detail") sit at the route "" of their level.
`actions(views, "detail", "edit", noun="walk")` writes those routes; a page with another
route, URL name or view is written with `path()` next to them as usual.
"""

from types import ModuleType

from django.urls import URLPattern, path

AT_THE_ROOT = ("list", "detail")


def actions(
    views: ModuleType, *words: str, noun: str = "", qualified: bool = False
) -> list[URLPattern]:
    """One route per action word: view `<noun>_<word>` (`<word>` without a noun) from the
    views module, named `<word>`, or like the view with `qualified=True`. A view that
    is not there fails when the URLs are loaded, not when the page is asked for."""
    routes = []
    for word in words:
        view_name = f"{noun}_{word}" if noun else word
        view = getattr(views, view_name)
        route = "" if word in AT_THE_ROOT else f"{word}/"
        routes.append(path(route, view, name=view_name if qualified else word))
    return routes
