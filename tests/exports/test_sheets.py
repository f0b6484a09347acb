"""Cells: text that a spreadsheet could take for a formula stays text (one place for
the rule: cxlean/exports/sheets.py), whatever else is written."""

import datetime as dt
import io
import zoneinfo
from decimal import Decimal

import pytest
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook

from cxlean.exports.sheets import Sheet, Style, Styled, clean_text, is_risky, safe_title

RISKY = ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\t=x", '=HYPERLINK("http://evil")', "#N/A"]


def round_trip(rows: list[list], styles=None):
    workbook = Workbook(write_only=True)
    sheet = Sheet(workbook, "Test", widths=(20, 10), freeze="B2")
    for row in rows:
        sheet.row(row)
    out = io.BytesIO()
    workbook.save(out)
    out.seek(0)
    return load_workbook(out)["Test"]


@pytest.mark.parametrize("text", RISKY)
def test_text_that_looks_like_a_formula_comes_back_as_the_same_text(text):
    cell = round_trip([[text]])["A1"]
    assert cell.value == text
    assert cell.data_type == "s"
    assert cell.quotePrefix is True


def test_a_carriage_return_is_kept_as_a_line_feed_and_stays_text():
    """XML reads a carriage return as a line feed; the file holds what comes back."""
    cell = round_trip([["\r=x"]])["A1"]
    assert cell.value == "\n=x"
    assert cell.data_type == "s"
    assert round_trip([["a\r\nb"]])["A1"].value == "a\nb"


@pytest.mark.parametrize("text", RISKY)
def test_styled_text_that_looks_like_a_formula_stays_text_too(text):
    cell = round_trip([[Styled(text, Style(fill="FBE1CC", bold=True))]])["A1"]
    assert (cell.value, cell.data_type) == (text, "s")
    assert cell.fill.fgColor.rgb == "00FBE1CC"
    assert cell.font.b is True


def test_no_cell_of_any_export_value_becomes_a_formula():
    sheet = round_trip([["=1+1", "+1", "-1", "@1", "\t=1", "\r=1", gettext_lazy("=lazy")]])
    assert [cell.data_type for cell in sheet[1]] == ["s"] * 7


def test_ordinary_values_keep_their_types():
    aware = dt.datetime(2026, 3, 1, 12, 30, tzinfo=dt.UTC)
    sheet = round_trip([["plain", 3, Decimal("2.50"), dt.date(2026, 3, 1), aware, None, "- a"]])
    row = sheet[1]
    assert row[0].value == "plain" and row[0].quotePrefix is False
    assert row[1].value == 3 and row[1].data_type == "n"
    assert row[2].value == 2.5
    assert row[3].value == dt.datetime(2026, 3, 1)
    # Written in the organisation's time (Europe/Stockholm: UTC+1 in March), no zone.
    local = aware.astimezone(zoneinfo.ZoneInfo("Europe/Stockholm")).replace(tzinfo=None)
    assert row[4].value == local
    assert row[5].value is None
    assert (row[6].value, row[6].data_type) == ("- a", "s")


def test_control_characters_are_dropped_instead_of_failing_the_export():
    assert round_trip([["bell\x07 and nul\x00"]])["A1"].value == "bell and nul"


def test_rules_in_words():
    assert all(is_risky(text) for text in RISKY)
    assert not is_risky("Kortare telefonkö") and not is_risky("3 - 2")
    assert clean_text("x" * 40_000) == "x" * 32_767
    assert safe_title("Plan: a/b [2026]?") == "Plan  a b  2026"
    assert len(safe_title("x" * 40)) == 31


def test_the_header_rows_and_the_first_column_stay_in_view():
    assert round_trip([["a", "b"]]).freeze_panes == "B2"
