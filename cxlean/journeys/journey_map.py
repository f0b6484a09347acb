"""The journey map: a journey's stages and touchpoints in order, the customer's emotion
curve across them, and the open improvements on each touchpoint and transition, so the
places that hurt the customer most stand out.

Four queries whatever the size of the journey: stages, touchpoints (each annotated with
its number of open improvements), transitions (annotated the same way) and, by the
caller, the journey itself.

Where it hurts (`pain`), documented on the map page too:
- a touchpoint's pain is twice how negative the customer feels there (−2 counts 4,
  −1 counts 2, neutral or positive 0) plus its open improvements;
- a transition's pain is its open improvements plus 1 when friction is noted.
A pain of 4 or more is a *hot spot*, 2 or 3 a *pain point*. Both carry a text label,
never colour alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypedDict

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cxlean.journeys.improvements import open_improvements
from cxlean.journeys.models import Emotion, Journey, Stage, Touchpoint, Transition

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

HOT_SPOT = 4
PAIN_POINT = 2
HEAT_LABELS = {"hot": gettext_lazy("Hot spot"), "pain": gettext_lazy("Pain point")}

# The curve's drawing: one column per touchpoint, the same width as a map column so
# that, scaled uniformly, each point sits above its touchpoint.
COLUMN = 200
CURVE_HEIGHT = 180
CURVE_TOP = 24
CURVE_STEP = 33  # vertical distance between two emotion levels
AXIS_LABEL_X = 6


def heat(pain: int) -> str:
    if pain >= HOT_SPOT:
        return "hot"
    if pain >= PAIN_POINT:
        return "pain"
    return ""


def touchpoint_pain(emotion: int, open_items: int) -> int:
    return 2 * max(0, -emotion) + open_items


def transition_pain(friction: str, open_items: int) -> int:
    return open_items + (1 if friction.strip() else 0)


def emotion_label(emotion: int) -> str:
    return str(Emotion(emotion).label)


@dataclass
class TouchpointCell:
    touchpoint: Touchpoint
    open_items: int
    pain: int
    column: int  # position across the map, counting from 0

    @property
    def heat(self) -> str:
        return heat(self.pain)

    @property
    def heat_label(self) -> str:
        return str(HEAT_LABELS.get(self.heat, ""))

    @property
    def emotion_label(self) -> str:
        return emotion_label(self.touchpoint.emotion)

    @property
    def anchor(self) -> str:
        return f"touchpoint-{self.touchpoint.pk}"

    @property
    def name(self) -> str:
        return self.touchpoint.name


@dataclass
class StageColumn:
    stage: Stage
    cells: list[TouchpointCell] = field(default_factory=list)
    first_column: int = 0

    @property
    def span(self) -> int:
        """Columns the stage covers: one per touchpoint, one for an empty stage."""
        return max(len(self.cells), 1)

    @property
    def grid_column(self) -> str:
        """Its place in the map's CSS grid (lines count from 1)."""
        return f"{self.first_column + 1} / span {self.span}"


@dataclass
class TransitionRow:
    transition: Transition
    open_items: int
    pain: int

    @property
    def heat(self) -> str:
        return heat(self.pain)

    @property
    def heat_label(self) -> str:
        return str(HEAT_LABELS.get(self.heat, ""))

    @property
    def anchor(self) -> str:
        return f"transition-{self.transition.pk}"

    @property
    def name(self) -> str:
        return f"{self.transition.source.name} → {self.transition.target.name}"


@dataclass(frozen=True)
class CurvePoint:
    x: int
    y: int
    cell: TouchpointCell


@dataclass(frozen=True)
class Level:
    y: int
    label: str
    zero: bool


@dataclass
class Curve:
    """The emotion curve as SVG geometry (viewBox units)."""

    width: int
    height: int
    points: list[CurvePoint]
    levels: list[Level]
    stage_breaks: list[int]  # x of the line between two stages

    @property
    def polyline(self) -> str:
        return " ".join(f"{point.x},{point.y}" for point in self.points)

    @property
    def zero_y(self) -> int:
        return emotion_y(0)

    def description(self) -> str:
        """The curve in words, for the SVG's <desc>."""
        if not self.points:
            return _("No touchpoints yet, so there is no curve.")
        steps = "; ".join(f"{point.cell.name}: {point.cell.emotion_label}" for point in self.points)
        lowest = min(self.points, key=lambda point: point.cell.touchpoint.emotion)
        return _("From left to right: %(steps)s. Lowest: %(lowest)s.") % {
            "steps": steps,
            "lowest": lowest.cell.name,
        }


@dataclass
class JourneyMap:
    journey: Journey
    stages: list[StageColumn]
    transitions: list[TransitionRow]
    curve: Curve

    @property
    def cells(self) -> list[TouchpointCell]:
        return [cell for stage in self.stages for cell in stage.cells]

    @property
    def columns(self) -> int:
        return sum(stage.span for stage in self.stages)

    @property
    def open_items(self) -> int:
        return sum(cell.open_items for cell in self.cells) + sum(
            row.open_items for row in self.transitions
        )

    def hot_spots(self, limit: int = 5) -> list[TouchpointCell | TransitionRow]:
        """The touchpoints and transitions that hurt most, worst first."""
        places: list[TouchpointCell | TransitionRow] = [*self.cells, *self.transitions]
        marked = [place for place in places if place.heat]
        marked.sort(key=lambda place: -place.pain)
        return marked[:limit]


def emotion_y(emotion: int) -> int:
    return CURVE_TOP + (2 - emotion) * CURVE_STEP


class OpenItems(TypedDict):
    open_items: int


def map_touchpoints(journey: Journey) -> QuerySet[WithAnnotations[Touchpoint, OpenItems]]:
    return (
        Touchpoint.objects.filter(stage__journey=journey)
        .select_related("stage", "owner_role")
        .annotate(open_items=open_improvements())
        .order_by("stage__order", "stage", "order", "pk")
    )


def map_transitions(journey: Journey) -> QuerySet[WithAnnotations[Transition, OpenItems]]:
    return (
        Transition.objects.filter(source__stage__journey=journey)
        .select_related("source__stage", "target__stage")
        .annotate(open_items=open_improvements())
        .order_by("source__stage__order", "source__order", "target__stage__order", "pk")
    )


def journey_map(journey: Journey) -> JourneyMap:
    stages = [StageColumn(stage) for stage in journey.stages.order_by("order", "pk")]
    by_stage = {column.stage.pk: column for column in stages}
    for touchpoint in map_touchpoints(journey):
        cell = TouchpointCell(
            touchpoint,
            touchpoint.open_items,
            touchpoint_pain(touchpoint.emotion, touchpoint.open_items),
            column=0,
        )
        by_stage[touchpoint.stage_id].cells.append(cell)
    place_columns(stages)
    transitions = [
        TransitionRow(
            transition,
            transition.open_items,
            transition_pain(transition.friction, transition.open_items),
        )
        for transition in map_transitions(journey)
    ]
    return JourneyMap(journey, stages, transitions, curve_of(stages))


def place_columns(stages: list[StageColumn]) -> None:
    column = 0
    for stage in stages:
        stage.first_column = column
        for offset, cell in enumerate(stage.cells):
            cell.column = column + offset
        column += stage.span


def curve_of(stages: list[StageColumn]) -> Curve:
    columns = sum(stage.span for stage in stages)
    points = [
        CurvePoint(
            x=cell.column * COLUMN + COLUMN // 2, y=emotion_y(cell.touchpoint.emotion), cell=cell
        )
        for stage in stages
        for cell in stage.cells
    ]
    levels = [
        Level(emotion_y(value), f"{value:+d}".replace("-", "−") if value else "0", value == 0)
        for value in (2, 1, 0, -1, -2)
    ]
    breaks = [stage.first_column * COLUMN for stage in stages[1:]]
    return Curve(max(columns, 1) * COLUMN, CURVE_HEIGHT, points, levels, breaks)
