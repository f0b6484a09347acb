"""Helpers for the web page tests: query counting and page URLs."""

import pytest


@pytest.fixture
def english():
    """Request options that choose English, as the language switcher does."""
    return {"language": "en"}
