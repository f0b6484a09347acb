"""Writing cells: the one place where values become Excel cells.

Every writer goes through `Sheet.row`, so the rules hold for every export:

- **Formula injection.** Text that starts with =, +, -, @, a tab or a carriage return
  (or that reads like an Excel error code such as #N/A) is written as a text cell with
  Excel's "quote prefix" — the cell type is "s" (an inline string), never "f", and a
  spreadsheet keeps it text even when someone edits the cell. Opened again (openpyxl,
  Excel, LibreOffice) the cell holds the original text.
- **Line ends.** XML turns a carriage return into a line feed when the file is read, so
  one is written as a line feed to begin with ("\\r=x" is stored as "\\n=x", as text):
  what the file holds is exactly what comes back.
- Characters XML cannot hold (control characters) are dropped instead of failing the
  export; text is cut at Excel's 32,767 characters (`cxlean.core.workbooks`, the cleaner
  the import templates use too); aware datetimes are written in the
  organisation's local time (Excel has no time zones); translated (lazy) texts are
  rendered in the active language.

Plain values go in as they are: creating a cell object per value would cost more than
writing it, and a write-only sheet of 100,000 rows stays fast (see bench/exports.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils import timezone
from django.utils.functional import Promise
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from cxlean.core.workbooks import clean_text, is_risky

WRAP = Alignment(wrap_text=True, vertical="top")


@dataclass(frozen=True)
class Style:
    """How a cell looks: a background fill (RGB hex), a font colour, bold."""

    fill: str = ""
    color: str = ""
    bold: bool = False
    wrap: bool = False


@dataclass(frozen=True)
class Styled:
    """A value with a Style, for `Sheet.row`."""

    value: object
    style: Style


def plain(value):
    """A value openpyxl writes as it is: local naive datetimes, str for lazy texts."""
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    return value


class Sheet:
    """A write-only worksheet whose every cell is written by the rules above.

    `widths` sets column widths (characters); `freeze` the first cell that scrolls,
    e.g. "B2" keeps the first row and column in view (set before any row is written,
    as write-only sheets require)."""

    def __init__(
        self,
        workbook: Workbook,
        title: str,
        *,
        widths: Sequence[float] = (),
        freeze: str | None = None,
    ):
        self.ws: WriteOnlyWorksheet = workbook.create_sheet(title=safe_title(title))
        for index, width in enumerate(widths, 1):
            self.ws.column_dimensions[get_column_letter(index)].width = width
        if freeze:
            self.ws.freeze_panes = freeze
        self._styles: dict[Style, tuple] = {}
        self._template: dict[Style, Cell] = {}
        self._text_cell: Cell | None = None

    def header(self, labels: Iterable) -> None:
        style = Style(fill="E7ECEF", bold=True, wrap=True)
        self.row([Styled(label, style) for label in labels])

    def row(self, values: Iterable) -> None:
        self.ws.append([self.cell(value) for value in values])

    def cell(self, value):
        """A value as openpyxl should get it: the value itself, or a cell for text that
        must stay text and for styled values."""
        if isinstance(value, Styled):
            return self.styled(value.value, value.style)
        if isinstance(value, str):
            value = clean_text(value)
            return self.text(value) if is_risky(value) else value
        if isinstance(value, Promise):
            return self.cell(str(value))
        return plain(value)

    def text(self, value: str, style: Style | None = None) -> Cell:
        """A cell that is text whatever it starts with: type "s" and the quote prefix."""
        cell = self.new_cell(style)
        cell.value = value  # binds the type ("f" for "=…"), overridden next
        cell.data_type = "s"
        cell.quotePrefix = True
        return cell

    def styled(self, value, style: Style) -> Cell:
        value = plain(value)
        if isinstance(value, str):
            value = clean_text(value)
            if is_risky(value):
                return self.text(value, style)
        cell = self.new_cell(style)
        cell.value = value
        return cell

    def new_cell(self, style: Style | None) -> Cell:
        """A cell with `style`. Each style is registered with the workbook once, then
        its style ids are copied (registering per cell costs more than the cell)."""
        cell = WriteOnlyCell(self.ws)
        if style is None:
            return cell
        template = self._template.get(style)
        if template is None:
            template = WriteOnlyCell(self.ws)
            if style.fill:
                template.fill = PatternFill("solid", fgColor=style.fill)
            if style.color or style.bold:
                template.font = Font(color=style.color or None, bold=style.bold)
            if style.wrap:
                template.alignment = WRAP
            self._template[style] = template
        # The style ids (a StyleArray) are private, left out of the stubs.
        cell._style = template._style.__copy__()  # type: ignore[attr-defined]  # see above
        return cell


def safe_title(title: str) -> str:
    """A sheet title Excel accepts: no []:*?/\\ and at most 31 characters."""
    title = clean_text(title).replace("\n", " ")
    for char in "[]:*?/\\":
        title = title.replace(char, " ")
    return title.strip()[:31] or "Sheet"
