"""The competence matrix as the web matrix shows it (cxlean/competence/matrix.py): people
down (by unit, then name), activities across (by area), one ILUO cell per person and
activity with the web's symbol and letter and a fill per level, the Green Card column,
and a coverage row (people at U or O per activity). The two header rows and the name
column stay in view. A Legend sheet says in words what symbols, marks and colours mean.

People are read a chunk at a time through the web matrix's own builder (`MatrixSource`),
so the rules (expired sign-offs, requirements, the best Green Card of a person's roles)
are the web matrix's, and memory stays flat whatever the number of people.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook

from cxlean.competence.matrix import Cell, Row, area_spans, matrix_people, matrix_source
from cxlean.competence.matrix_views import MatrixFilterForm
from cxlean.competence.models import (
    LEVEL_LETTERS,
    LEVEL_SYMBOLS,
    SINGLE_POINT_OF_KNOWLEDGE,
    CardStatus,
    Level,
)
from cxlean.exports.sheets import Sheet, Style, Styled
from cxlean.exports.writers.base import Request, about_sheet

PEOPLE_PER_CHUNK = 500

# Light tints of the web matrix's level colours (static/css/competence.css), dark text
# on them; each is also named in words on the Legend sheet.
LEVEL_FILLS = {0: "EEF0F2", 1: "FBE1CC", 2: "E9DDF3", 3: "D4E6F6", 4: "CFEBDF"}
LEVEL_FONTS = {0: "5B6670", 1: "B34700", 2: "7A4FA3", 3: "0063A8", 4: "006B4F"}
EXPIRED = Style(fill="D9D9D9", color="5B6670")
BELOW_FILL = "F9D6D5"
CARD_FILLS = {
    CardStatus.CERTIFIED: "D9F0E1",
    CardStatus.EXPIRING: "FFF1CC",
    CardStatus.READY: "FFF1CC",
    CardStatus.EXPIRED: "FDE8E8",
}
SINGLE_POINT = Style(fill=BELOW_FILL, bold=True)
HEADER = Style(fill="E7ECEF", bold=True, wrap=True)


def params_form(data, user) -> MatrixFilterForm:
    return MatrixFilterForm(data, viewer=user)


def level_styles() -> dict[tuple[int, bool], Style]:
    """(level, below the requirement) -> Style; the fill of a cell below the requirement
    turns red, as the web's red corner."""
    styles = {}
    for level in LEVEL_FILLS:
        styles[(level, False)] = Style(fill=LEVEL_FILLS[level], color=LEVEL_FONTS[level])
        styles[(level, True)] = Style(fill=BELOW_FILL, color=LEVEL_FONTS[level], bold=True)
    return styles


class CellText:
    """The text of a cell: the level's circle and letter as the web matrix shows them
    ("◕ U"), then its marks — "!U" below the required U, "↑L" waiting for a sign-off at
    L, "(expired)" for a sign-off that no longer counts."""

    def __init__(self):
        self.expired = _("(expired)")
        self.styles = level_styles()

    def text(self, cell: Cell) -> str:
        shown = cell.level if cell.expired else cell.effective
        text = f"{LEVEL_SYMBOLS[shown]} {LEVEL_LETTERS[shown]}"
        if cell.expired:
            text += f" {self.expired}"
        if cell.below and cell.required is not None:
            text += f" !{LEVEL_LETTERS[cell.required]}"
        if cell.waiting:
            text += f" ↑{LEVEL_LETTERS[cell.self_level]}"
        return text

    def styled(self, cell: Cell) -> Styled:
        if cell.expired:
            return Styled(self.text(cell), EXPIRED)
        return Styled(self.text(cell), self.styles[(cell.effective, cell.below)])


def card_cell(row: Row) -> Styled | str:
    card = row.card
    if card is None:
        return _("No CX role")
    text = f"{card.label} · {card.role}" if card.role else str(card.label)
    if card.required:
        text += " · " + _("%(done)s of %(required)s") % {
            "done": card.done,
            "required": card.required,
        }
    fill = CARD_FILLS.get(CardStatus(card.status), "")
    return Styled(text, Style(fill=fill)) if fill else text


def write(workbook: Workbook, request: Request[MatrixFilterForm]) -> None:
    source = matrix_source(
        request.user,
        matrix_people(request.user),
        today=request.today,
        **request.form.chosen(),
    )
    activities = source.activities
    total = source.people.count()
    request.progress.expect(total)
    coverage = source.coverage()

    sheet = Sheet(workbook, _("Competence matrix"), widths=(28, 22, 30, *[9] * len(activities)))
    sheet.ws.freeze_panes = "D3"
    areas = []
    for span in area_spans(activities):
        areas += [span.area.name] * span.span
    sheet.row([Styled(_("Area"), HEADER), "", "", *[Styled(name, HEADER) for name in areas]])
    sheet.header(
        [_("Person"), _("Unit"), _("Green Card"), *[activity.title for activity in activities]]
    )
    cells = CellText()
    for chunk in chunks(source.people_with_roles(), PEOPLE_PER_CHUNK, total):
        for row in source.rows(chunk):
            sheet.row(
                [
                    row.name,
                    row.person.profile.unit.name,
                    card_cell(row),
                    *[cells.styled(cell) for cell in row.cells],
                ]
            )
            request.progress.tick()
    counts = [coverage.get(pk, 0) for pk in source.activity_ids]
    sheet.row(
        [
            Styled(_("Coverage: people at U or O"), HEADER),
            "",
            "",
            *[
                Styled(count, SINGLE_POINT if count <= SINGLE_POINT_OF_KNOWLEDGE else HEADER)
                for count in counts
            ],
        ]
    )
    legend_sheet(workbook)
    about_sheet(workbook, request, _("Competence matrix"))


def chunks(people, size: int, total: int):
    """Lists of `size` people in the matrix's order (OFFSET pages: the order is stable,
    every page a few queries)."""
    for start in range(0, total, size):
        chunk = list(people[start : start + size])
        if not chunk:
            return
        yield chunk


def legend_sheet(workbook: Workbook) -> None:
    sheet = Sheet(workbook, _("Legend"), widths=(14, 10, 44, 56))
    sheet.header([_("Symbol"), pgettext("ILUO level", "Letter"), _("Level"), _("Colour")])
    colours = {
        0: _("light grey, grey text"),
        1: _("light orange, orange text"),
        2: _("light purple, purple text"),
        3: _("light blue, blue text"),
        4: _("light green, green text"),
    }
    styles = level_styles()
    for value, label in Level.choices:
        sheet.row(
            [
                Styled(f"{LEVEL_SYMBOLS[value]} {LEVEL_LETTERS[value]}", styles[(value, False)]),
                LEVEL_LETTERS[value],
                str(label),
                colours[value],
            ]
        )
    sheet.row([])
    sheet.header([_("Mark"), "", _("Meaning"), _("Colour")])
    marks = [
        (
            Styled("◔ I !U", styles[(1, True)]),
            _("Below the level the person's CX roles require (here U)."),
            _("light red, bold text"),
        ),
        (
            "◔ I ↑L",
            _("The person rates themselves higher (here L) and waits for a sign-off."),
            _("the level's colour"),
        ),
        (
            Styled(f"◕ U {_('(expired)')}", EXPIRED),
            _("The sign-off has expired and counts as not started."),
            _("grey"),
        ),
        (
            Styled(1, SINGLE_POINT),
            _(
                "Coverage row: how many people are at U or O. One person or nobody is a "
                "single point of knowledge."
            ),
            _("light red, bold"),
        ),
    ]
    for sample, meaning, colour in marks:
        sheet.row([sample, "", meaning, colour])
    sheet.row([])
    sheet.header([_("Green Card"), "", _("Meaning"), _("Colour")])
    card_colours = {
        CardStatus.CERTIFIED: _("light green"),
        CardStatus.EXPIRING: _("light yellow"),
        CardStatus.READY: _("light yellow"),
        CardStatus.EXPIRED: _("light red"),
    }
    for status in CardStatus:
        sheet.row(["", "", str(status.label), card_colours.get(status, _("none"))])
    sheet.row([])
    sheet.row(
        [
            "",
            "",
            _(
                "The Green Card column shows the best standing among the person's CX roles: "
                "the role and how many of its required activities are met."
            ),
        ]
    )
    sheet.row(["", "", _("Coverage counts everyone who matches the filters.")])
