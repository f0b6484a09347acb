"""The downloadable templates: one workbook per kind, made for the person who asks.

Sheet 1 ("data") has the fixed column keys in row 1 and nothing else, so a template
downloaded in Swedish imports in English too, and a downloaded template filled in
imports as it is. The "Instructions" sheet, in the reader's language, says what each
column means, whether it is required, its allowed values and an example row, then
lists the values the database allows: the units the reader may import into, CX
roles, activities and levels, metrics with their scales, touchpoints.

Names come from the database: every cell goes through `cxlean.core.workbooks` (control
characters dropped, text that looks like a formula kept as text), so one odd name never
breaks the download.
"""

from __future__ import annotations

from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from cxlean.competence.models import LEVEL_LETTERS, CompetenceActivity, Level
from cxlean.core.workbooks import append_row, clean_text, sign
from cxlean.imports.kinds import IMPORTERS
from cxlean.imports.models import Kind
from cxlean.journeys.models import Touchpoint
from cxlean.metrics.models import SURVEY_KINDS, Metric
from cxlean.org.models import CXRole
from cxlean.org.roles import coordinated_units

DATA_SHEET = "data"
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BOLD = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="D8EBDD")


def template_filename(kind: str) -> str:
    return f"cxlean-import-{kind.replace('_', '-')}.xlsx"


def template_workbook(kind: str, user) -> bytes:
    columns = IMPORTERS[kind].columns
    workbook = sign(Workbook())
    data = workbook.active
    assert data is not None  # a new workbook has one sheet, the active one
    data.title = DATA_SHEET
    for index, column in enumerate(columns, start=1):
        cell = data.cell(row=1, column=index, value=clean_text(column.key))
        cell.font, cell.fill = BOLD, HEADER_FILL
        data.column_dimensions[get_column_letter(index)].width = max(14, len(column.key) + 4)
    data.freeze_panes = "A2"
    instructions = workbook.create_sheet(_("Instructions"))
    write_instructions(instructions, kind, columns, user)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_instructions(sheet, kind: str, columns, user) -> None:
    lines: list[list] = [
        [_("How to fill in the template")],
        [
            _(
                "Fill in the sheet “%(sheet)s” from row 2, one row per line to import. Keep the "
                "column names in row 1 as they are. Every row is checked before anything is "
                "saved: if any row has an error, nothing is imported and you get the list of "
                "errors by row and column."
            )
            % {"sheet": DATA_SHEET}
        ],
        [
            _(
                "Dates as year-month-day (e.g. 2024-03-31) or as Excel dates. At most 20 000 rows "
                "and 5 MB."
            )
        ],
        [],
        [_("Column"), _("Required"), _("Meaning"), _("Allowed values"), _("Example")],
    ]
    header_rows = [1, 5]
    for column in columns:
        lines.append(
            [
                column.key,
                _("yes") if column.required else _("no"),
                str(column.meaning),
                str(column.allowed),
                column.example,
            ]
        )
    lines += [[], [_("Example row")], [column.key for column in columns]]
    header_rows += [len(lines) - 1, len(lines)]
    lines.append([column.example for column in columns])
    for title, heading, values in allowed_values(kind, user):
        lines += [[], [title]]
        header_rows.append(len(lines))
        lines.append(heading)
        header_rows.append(len(lines))
        lines += values
    for line in lines:
        append_row(sheet, line)
    for number in header_rows:
        for cell in sheet[number]:
            cell.font = BOLD
    for letter, width in zip("ABCDE", (22, 12, 70, 30, 24), strict=True):
        sheet.column_dimensions[letter].width = width


def allowed_values(kind: str, user) -> list[tuple[str, list[str], list[list]]]:
    """(title, column headings, rows) of each list of values the template refers to."""
    units = (
        _("Units you may import into"),
        [_("Code"), _("Name")],
        [[u.code, u.name] for u in coordinated_units(user).order_by("path")],
    )
    if kind == Kind.PEOPLE:
        roles = (
            _("CX roles"),
            [_("Code"), _("Name")],
            [[r.slug, r.name] for r in CXRole.objects.all()],
        )
        groups = (
            _("Roles"),
            [_("Value"), _("Meaning")],
            [
                ["employee", _("Employee: their own competence, checklists and ideas")],
                ["coordinator", _("Lean coordinator: runs the rollout in their units")],
                ["management", _("Management: reads everything (a superuser gives it)")],
            ],
        )
        return [units, roles, groups]
    if kind == Kind.COMPETENCE_RECORDS:
        activities = (
            _("Competence activities"),
            [_("Code"), _("Title")],
            [[a.code, a.title] for a in CompetenceActivity.objects.select_related("area")],
        )
        levels = (
            _("Levels"),
            [_("Value"), _("Meaning")],
            [
                [f"{LEVEL_LETTERS[level]} / {level}", str(Level(level).label)]
                for level in Level.values
                if level
            ],
        )
        return [activities, levels]
    metrics = (
        _("Survey metrics"),
        [_("Value"), _("Name"), _("Lowest answer"), _("Highest answer")],
        [
            [m.kind, m.name, m.scale_min, m.scale_max]
            for m in Metric.objects.active().filter(kind__in=SURVEY_KINDS)
        ],
    )
    touchpoints = (
        _("Touchpoints"),
        [_("Number"), _("Journey"), _("Stage"), _("Touchpoint")],
        [
            [t.pk, t.stage.journey.name, t.stage.name, t.name]
            for t in Touchpoint.objects.select_related("stage__journey")
        ],
    )
    return [metrics, units, touchpoints]
