"""How a person is named on every page, in every change list and export."""

from __future__ import annotations


def display_name(user) -> str:
    """The full name, or the username of someone who has none."""
    return user.get_full_name() or user.get_username()
