"""Catalogue text stored in Swedish and English columns, read in the active language."""

from django.utils.translation import get_language


class Translated:
    """A read-only attribute returning `<name>_<lang>` for the active language.

    Swedish is the organisation language, so an empty English text falls back to it.
    """

    def __set_name__(self, owner, name: str) -> None:
        self.name = name

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        lang = (get_language() or "sv")[:2]
        return getattr(obj, f"{self.name}_{lang}", "") or getattr(obj, f"{self.name}_sv")
