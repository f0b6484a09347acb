"""Helpers for the web page tests: query counting and page URLs."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext


def queries_for(client: Client, url: str, **extra) -> int:
    """How many SQL queries one GET of `url` runs (the page must answer 200)."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, **extra)
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.fixture
def english():
    """Request options that choose English, as the language switcher does."""
    return {"language": "en"}
