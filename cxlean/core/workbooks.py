"""Text in Excel cells: the one cleaner every workbook cxlean writes goes through
(exports, import templates), whatever the text came from.

- Characters XML cannot hold are dropped: control characters such as \\x00–\\x08,
  \\x0b, \\x1b (openpyxl refuses them with IllegalCharacterError, so one CX role or unit
  name holding one would break every file that lists it), and U+FFFE, U+FFFF and lone
  surrogates (openpyxl writes those, and the file cannot be opened again).
- XML reads a carriage return as a line feed, so one is written as a line feed to begin
  with: what the file holds is exactly what comes back.
- Text is cut at Excel's 32,767 characters.
- Text a spreadsheet could take for a formula (starting with =, +, -, @, a tab or a
  carriage return, or reading like an error code such as #N/A) is marked: `is_risky`
  tells the writer to store it as a text cell with Excel's quote prefix.

Every workbook also names the organisation (`cxlean.core.branding`) as its author, the
"Author" Excel shows under File > Info (`sign`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.utils.functional import Promise
from openpyxl import Workbook
from openpyxl.cell.cell import ERROR_CODES

from cxlean.core.branding import current_brand

# Everything XML 1.0 cannot hold, except \r (see clean_text): openpyxl's own
# ILLEGAL_CHARACTERS_RE leaves out the last three ranges.
NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
MAX_TEXT = 32_767


def clean_text(text: str) -> str:
    """The text as the file will keep it (see the module's documentation)."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if NOT_XML.search(text):
        text = NOT_XML.sub("", text)
    return text[:MAX_TEXT]


def is_risky(text: str) -> bool:
    """Whether a spreadsheet could take the text for a formula (or an error value)."""
    return text.startswith(FORMULA_TRIGGERS) or text in ERROR_CODES


def clean_value(value):
    """A value for a cell: text (also lazy, translated text) cleaned, the rest as it is."""
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str):
        return clean_text(value)
    return value


def append_row(sheet, values: Iterable) -> None:
    """Append a row to an ordinary (not write-only) worksheet: every text cleaned, and
    text that looks like a formula kept as text."""
    cleaned = [clean_value(value) for value in values]
    sheet.append(cleaned)
    if not cleaned:
        return
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str) and is_risky(cell.value):
            cell.data_type = "s"
            cell.quotePrefix = True


def sign(workbook: Workbook) -> Workbook:
    """The workbook with the organisation's name as its author (its document properties)."""
    workbook.properties.creator = clean_text(current_brand().name)
    return workbook
