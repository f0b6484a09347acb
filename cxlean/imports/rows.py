"""Reading an import sheet into rows, and turning cell values into dates, numbers and
yes/no, with messages a coordinator understands.

The first sheet holds the data; its first row names the columns with fixed keys
(`username`, `unit`, ...), so a template downloaded in Swedish imports in English too.
Empty rows are skipped; row numbers are the ones Excel shows.

The sheet's size is what its cells say, never its <dimension> element: openpyxl's
read-only sheet pads every row to the declared width and yields every row up to the
declared height, so a 5 KB file declaring A1:XFD1048576 would make 17 billion empty
cells. The dimension is dropped before reading, rows come as long as their last cell,
and a value beyond MAX_COLUMNS or MAX_SHEET_ROWS fails the file at once, naming the cell.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from defusedxml import DefusedXmlException
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

MAX_ROWS = 20_000  # rows with data
# Where data may stand at all: the templates have fewer than 20 columns, and empty rows
# between data rows are allowed (and skipped), within reason.
MAX_COLUMNS = 100
MAX_SHEET_ROWS = 50_000
HEADER_ROW = 1
YES = {"yes", "y", "ja", "j", "true", "1", "x"}
NO = {"no", "n", "nej", "false", "0"}


@dataclass(frozen=True)
class Column:
    key: str
    required: bool
    meaning: Promise
    allowed: Promise | str = ""
    example: str = ""


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": str(self.message)}


class FileErrors(Exception):
    """The file as a whole cannot be imported (missing columns, too many rows, XML)."""

    def __init__(self, errors: list[RowError]):
        super().__init__(errors)
        self.errors = errors


class CellError(ValueError):
    """A cell's value is not what its column needs; the message says what is."""


@dataclass
class Row:
    number: int
    values: dict[str, Any] = field(default_factory=dict)

    def text(self, key: str) -> str:
        return as_text(self.values.get(key))


def read_rows(path_or_file, columns: Sequence[Column]) -> list[Row]:
    """The data rows of the first sheet, or FileErrors. openpyxl parses with defusedxml
    (checked in the tests), read-only and with the values Excel last computed."""
    try:
        workbook = load_workbook(path_or_file, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds on a workbook it cannot read
        raise unreadable(error) from error
    try:
        sheet = workbook.worksheets[0]
        cells = within_bounds(sheet)
        positions = header_positions(next(cells, None), columns)
        return list(data_rows(cells, positions))
    except FileErrors:
        raise
    except Exception as error:
        raise unreadable(error) from error
    finally:
        workbook.close()


def within_bounds(sheet) -> Iterator[tuple]:
    """The sheet's rows from row 1, each cut to MAX_COLUMNS values; FileErrors as soon as
    a value stands beyond MAX_COLUMNS or MAX_SHEET_ROWS. A row missing from the file
    costs nothing (an empty tuple), so a far-away cell is reached in well under a second."""
    sheet.reset_dimensions()  # the declared size may lie, or be absent
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        if not values:
            yield values
            continue
        beyond = values[MAX_COLUMNS:] if number <= MAX_SHEET_ROWS else values
        for index, value in enumerate(beyond):
            if as_text(value):
                column = index + 1 + (len(values) - len(beyond))
                raise out_of_bounds(f"{get_column_letter(column)}{number}", number)
        yield values[:MAX_COLUMNS]


def out_of_bounds(cell: str, row: int) -> FileErrors:
    message = _(
        "Cell %(cell)s holds a value, but an import sheet may use only columns A to "
        "%(last_column)s and rows 1 to %(max_rows)s. Delete what lies outside (or split the "
        "file) and upload it again."
    ) % {
        "cell": cell,
        "last_column": get_column_letter(MAX_COLUMNS),
        "max_rows": f"{MAX_SHEET_ROWS:,}".replace(",", " "),
    }
    return FileErrors([RowError(row, "", message)])


def unreadable(error: BaseException) -> FileErrors:
    """openpyxl wraps what defusedxml refused in a ValueError: look down the chain."""
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, DefusedXmlException):
            return FileErrors([RowError(0, "", str(XML_REFUSED))])
        cause = cause.__cause__ or cause.__context__
    return FileErrors([RowError(0, "", str(UNREADABLE))])


XML_REFUSED = gettext_lazy(
    "The workbook contains XML declarations (entities) that Excel never writes; it is "
    "refused for safety. Save it again in Excel and upload that."
)
UNREADABLE = gettext_lazy(
    "The workbook could not be read. Save it again in Excel as .xlsx, or start from the template."
)


def header_positions(header: tuple | None, columns: Sequence[Column]) -> dict[str, int]:
    """column key -> index in the row; errors for missing, unknown and repeated names."""
    keys = {column.key for column in columns}
    positions: dict[str, int] = {}
    errors = []
    for index, cell in enumerate(header or ()):
        name = as_text(cell).lower().replace(" ", "_")
        if not name:
            continue
        if name not in keys:
            message = _("This column is not part of the template.") + suggestion(name, keys)
            errors.append(RowError(HEADER_ROW, as_text(cell), message))
        elif name in positions:
            errors.append(RowError(HEADER_ROW, name, _("This column appears twice.")))
        else:
            positions[name] = index
    if not header or not any(as_text(cell) for cell in header):
        message = _("The first row must hold the column names, as in the template.")
        raise FileErrors([RowError(HEADER_ROW, "", message)])
    for column in columns:
        if column.required and column.key not in positions:
            message = _("The column is missing: it is required (see the template).")
            errors.append(RowError(HEADER_ROW, column.key, message))
    if errors:
        raise FileErrors(errors)
    return positions


def data_rows(cells: Iterable[tuple], positions: dict[str, int]) -> Iterator[Row]:
    count = 0
    for number, values in enumerate(cells, start=HEADER_ROW + 1):
        if not any(as_text(value) for value in values):
            continue
        count += 1
        if count > MAX_ROWS:
            message = _(
                "The file has more than %(max)s rows. Split it into files of at most %(max)s "
                "rows each."
            ) % {"max": f"{MAX_ROWS:,}".replace(",", " ")}
            raise FileErrors([RowError(number, "", message)])
        yield Row(
            number,
            {
                key: values[index] if index < len(values) else None
                for key, index in positions.items()
            },
        )


# --- cell values -------------------------------------------------------------------------


def as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if not value.time() else value.isoformat(sep=" ")
    return str(value).strip()


def as_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = as_text(value)
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CellError(
            _("'%(value)s' is not a date. Write it as year-month-day, e.g. 2024-03-31.")
            % {"value": text}
        ) from None


def as_int(value: Any) -> int:
    if isinstance(value, bool):
        raise CellError(_("'%(value)s' is not a whole number.") % {"value": value})
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = as_text(value)
    try:
        return int(text)
    except ValueError:
        raise CellError(_("'%(value)s' is not a whole number.") % {"value": text}) from None


def as_yes_no(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = as_text(value).lower()
    if text in YES:
        return True
    if text in NO:
        return False
    raise CellError(_("'%(value)s' is neither yes nor no.") % {"value": as_text(value)})


def suggestion(value: str, choices: Iterable[str]) -> str:
    """ " Did you mean 'x'?" for a near miss, else ""."""
    close = difflib.get_close_matches(value, list(choices), n=1, cutoff=0.6)
    return " " + _("Did you mean '%(choice)s'?") % {"choice": close[0]} if close else ""


def in_chunks(values: Iterable, size: int = 500) -> Iterator[list]:
    """Lookups of many keys in a bounded number of queries (and SQL parameters)."""
    chunk: list = []
    for value in values:
        chunk.append(value)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
