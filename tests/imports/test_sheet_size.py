"""A sheet's size is what its cells say: a 5 KB workbook with one value at XFD1048576
(the last cell Excel has) fails at once with a message naming the cell, instead of
keeping the worker busy for the best part of an hour; a <dimension> element that lies
costs nothing; empty rows between data rows are still skipped."""

import io
import re
import zipfile

import pytest
from django.contrib.auth.models import User
from openpyxl import Workbook

from cxlean.imports.models import Status
from cxlean.imports.rows import MAX_COLUMNS, MAX_SHEET_ROWS
from tests.imports.conftest import PEOPLE, columns, errors_of, rezip, rows_of

pytestmark = pytest.mark.django_db

NEW_PERSON = ["new.one", "New", "One", "", "chat", "", "", ""]


def workbook_with(cells: dict[str, str]) -> bytes:
    """The people columns, one good row, and `cells` (e.g. {"XFD1048576": "x"})."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(columns(PEOPLE))
    sheet.append(NEW_PERSON[: len(columns(PEOPLE))])
    for name, value in cells.items():
        sheet[name] = value
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def cells_examined(monkeypatch) -> list[int]:
    """How many cell values the reader looked at: the work a sheet costs, whatever the
    machine's speed (the old reader looked at every cell up to the declared size)."""
    from cxlean.imports import rows

    count = [0]
    real = rows.as_text

    def counting(value):
        count[0] += 1
        return real(value)

    monkeypatch.setattr(rows, "as_text", counting)
    return count


def test_the_probe_workbook_fails_at_once_naming_the_cell(
    bob, service_team, run_import, cells_examined
):
    probe = workbook_with({"XFD1048576": "x"})
    assert len(probe) < 6_000  # the 4.9 KB file of the report
    job = run_import(bob, PEOPLE, probe)
    assert cells_examined[0] < 20_000  # the one far row, not 1 048 576 × 16 384 cells
    assert job.status == Status.FAILED
    [(row, _column, message)] = errors_of(job)
    assert row == 1_048_576
    assert message.startswith("Cell XFD1048576 holds a value")
    assert "columns A to CV and rows 1 to 50 000" in message
    assert not User.objects.filter(username="new.one").exists()


@pytest.mark.parametrize(
    "cell", [f"A{MAX_SHEET_ROWS + 1}", "CW1", "CW2", f"XFD{MAX_SHEET_ROWS + 5}"]
)
def test_a_value_just_outside_the_bounds_fails_the_file(cell, bob, service_team, run_import):
    job = run_import(bob, PEOPLE, workbook_with({cell: "x"}))
    assert job.status == Status.FAILED
    assert errors_of(job)[0][2].startswith(f"Cell {cell} holds a value")


def test_values_at_the_edge_of_the_bounds_are_read(bob, service_team, run_import):
    """The last allowed column is an unknown one (refused by name, not by size); the last
    allowed row imports."""
    last = f"A{MAX_SHEET_ROWS}"
    job = run_import(
        bob, PEOPLE, workbook_with({last: "edge.person", f"E{MAX_SHEET_ROWS}": "chat"})
    )
    assert job.status == Status.DONE, job.errors
    assert User.objects.filter(username__in=["new.one", "edge.person"]).count() == 2
    assert MAX_COLUMNS == 100


def test_a_dimension_that_lies_costs_nothing(bob, service_team, run_import, cells_examined):
    content = rows_of(PEOPLE, {"username": "new.one", "unit": "chat"})
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    lying = re.sub(r'<dimension ref="[^"]*"\s*/>', '<dimension ref="A1:XFD1048576"/>', sheet)
    assert lying != sheet
    job = run_import(bob, PEOPLE, rezip(content, {"xl/worksheets/sheet1.xml": lying.encode()}))
    assert cells_examined[0] < 1_000
    assert job.status == Status.DONE, job.errors


def test_formatting_far_away_without_a_value_is_ignored(bob, service_team, run_import):
    """Excel writes a styled empty cell as <c r="…" s="1"/>: it holds nothing to import."""
    content = workbook_with({})
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    far = '<row r="1048576"><c r="XFD1048576" s="0"/></row></sheetData>'
    job = run_import(
        bob,
        PEOPLE,
        rezip(content, {"xl/worksheets/sheet1.xml": sheet.replace("</sheetData>", far).encode()}),
    )
    assert job.status == Status.DONE, job.errors


def test_empty_rows_between_data_rows_are_skipped(bob, service_team, run_import):
    job = run_import(bob, PEOPLE, workbook_with({"A900": "later.one", "E900": "chat"}))
    assert job.status == Status.DONE, job.errors
    assert job.created_count == 2
