"""Exports: files land in a temporary MEDIA_ROOT; `export_as` writes an export the way
the worker does and opens it back with openpyxl."""

import io

import pytest
from openpyxl import load_workbook

from cxlean.exports.services import write_export


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def export_as(user, kind: str, params: dict | None = None, language: str = "en"):
    """The export as `user` sees it, opened back (English texts unless told)."""
    from django.utils import translation

    out = io.BytesIO()
    with translation.override(language):
        write_export(kind, user, params or {}, out)
    out.seek(0)
    return load_workbook(out)


def values(sheet) -> list[list]:
    """A sheet's values, row by row (trailing empty cells as None)."""
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def column(sheet, header: str, header_row: int = 1) -> list:
    """The values under `header` (below the header row)."""
    rows = values(sheet)
    index = rows[header_row - 1].index(header)
    return [row[index] for row in rows[header_row:]]
