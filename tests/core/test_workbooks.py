"""Any text into a workbook and back: the cell cleaner shared by the exports and the
import templates (cxlean/core/workbooks.py) and the import reader never fail on what
people type, and what the file keeps is exactly what comes back."""

import io

from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from cxlean.core.workbooks import append_row, clean_text, is_risky
from cxlean.exports.sheets import Sheet, Styled
from cxlean.exports.writers.base import BOLD
from cxlean.imports.kinds import IMPORTERS
from cxlean.imports.rows import FileErrors, as_text, read_rows

EXAMPLES = settings(max_examples=60, deadline=None)
# Any text, and text made of what has broken workbooks before: control characters, the
# two non-characters XML refuses, line ends, formula starts, Excel's escapes.
TEXT = st.text() | st.lists(
    st.sampled_from(
        ["\x00", "\x1b", "\x0b", "\r", "\n", "\t", "\ufffe", "\uffff", "\x85", "\u2028"]
        + ["=", "+", "-", "@", "#N/A", "_x0000_", " ", "a", "å"]
    )
).map("".join)
PEOPLE_COLUMNS = IMPORTERS["people"].columns


def saved(workbook: Workbook):
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def kept(text: str):
    """What a cell written with `text` reads back as: the cleaned text (None if empty)."""
    return clean_text(text) or None


@EXAMPLES
@given(TEXT, TEXT)
def test_an_export_sheet_keeps_any_text(plain, styled):
    workbook = Workbook(write_only=True)
    sheet = Sheet(workbook, plain or "x")
    sheet.row([plain, Styled(styled, BOLD)])
    cells = list(load_workbook(saved(workbook)).worksheets[0].iter_rows(values_only=True))
    values = list(cells[0]) + [None, None] if cells else [None, None]
    assert values[:2] == [kept(plain), kept(styled)]


@EXAMPLES
@given(st.lists(TEXT, min_size=1, max_size=4))
def test_a_template_sheet_keeps_any_text_and_no_formula(texts):
    workbook = Workbook()
    append_row(workbook.active, texts)
    sheet = load_workbook(saved(workbook)).active
    for index, text in enumerate(texts, start=1):
        cell = sheet.cell(row=1, column=index)
        assert cell.value == kept(text)
        if cell.value is not None:
            assert cell.data_type == "s"
            assert bool(cell.quotePrefix) == is_risky(cell.value)


@EXAMPLES
@given(TEXT, TEXT)
def test_the_import_reader_reads_any_text_back(username, first_name):
    workbook = Workbook()
    sheet = workbook.active
    append_row(sheet, [column.key for column in PEOPLE_COLUMNS])
    append_row(sheet, [username, first_name])
    try:
        rows = read_rows(saved(workbook), PEOPLE_COLUMNS)
    except FileErrors:  # pragma: no cover - a file error is an answer too, never a crash
        raise AssertionError("a plain text cell made the file unreadable") from None
    if not (as_text(kept(username)) or as_text(kept(first_name))):
        assert rows == []  # an empty row is skipped
        return
    [row] = rows
    assert row.values["username"] == kept(username)
    assert row.values["first_name"] == kept(first_name)
