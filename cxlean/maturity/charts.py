"""Maturity charts as geometry for server-rendered SVG (no script, no CDN).

- `radar`: one axis per dimension, rings at the levels' scores 1–5, the assessment's
  dimension scores as a filled outline and, when there is one, the previous assessment
  of the same unit as a dashed outline.
- `bars`: grouped horizontal bars on a 1–5 scale: a group per figure (each dimension
  and the overall score), a bar per series (assessments over time, or units side by
  side). Every bar carries its label and its value as text, so no one needs the colours.

Every chart is paired on the page with a table holding the same figures.
"""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass
from decimal import Decimal

MAX_SCORE = 5
SERIES_STYLES = 6  # the CSS has series-0 … series-5

# --- radar -------------------------------------------------------------------------------

RADAR_WIDTH, RADAR_HEIGHT = 540, 430
RADAR_RADIUS = 125
LABEL_GAP = 16
LABEL_WIDTH = 16  # characters per label line


@dataclass(frozen=True)
class Point:
    x: float
    y: float


@dataclass(frozen=True)
class Axis:
    label_lines: list[str]
    end: Point
    label: Point
    anchor: str  # text-anchor of the label


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    title: str


@dataclass(frozen=True)
class Outline:
    points: str  # for <polygon points="…">
    dots: list[Dot]


@dataclass(frozen=True)
class Ring:
    score: int
    points: str
    label: Point


@dataclass(frozen=True)
class Radar:
    width: int
    height: int
    center: Point
    axes: list[Axis]
    rings: list[Ring]
    current: Outline
    previous: Outline | None


def polar(center: Point, radius: float, index: int, count: int) -> Point:
    angle = -math.pi / 2 + 2 * math.pi * index / count
    return Point(
        round(center.x + radius * math.cos(angle), 1), round(center.y + radius * math.sin(angle), 1)
    )


def radius_of(score: Decimal | None) -> float:
    """0 (the centre) for no score; otherwise in proportion to the score out of 5."""
    return 0.0 if score is None else RADAR_RADIUS * float(score) / MAX_SCORE


def outline(center: Point, labels: list[str], scores: list[Decimal | None]) -> Outline:
    count = len(scores)
    points = [polar(center, radius_of(score), i, count) for i, score in enumerate(scores)]
    dots = [
        Dot(p.x, p.y, f"{label}: {score if score is not None else '–'}")
        for p, label, score in zip(points, labels, scores, strict=True)
    ]
    return Outline(" ".join(f"{p.x},{p.y}" for p in points), dots)


def anchor_for(center: Point, point: Point) -> str:
    if point.x > center.x + 10:
        return "start"
    if point.x < center.x - 10:
        return "end"
    return "middle"


def radar(
    labels: list[str], scores: list[Decimal | None], previous: list[Decimal | None] | None = None
) -> Radar | None:
    """A radar of the dimensions; None with fewer than three (a radar needs a plane)."""
    count = len(labels)
    if count < 3:
        return None
    center = Point(RADAR_WIDTH / 2, RADAR_HEIGHT / 2)
    axes = []
    for index, label in enumerate(labels):
        label_point = polar(center, RADAR_RADIUS + LABEL_GAP, index, count)
        lines = textwrap.wrap(label, LABEL_WIDTH) or [""]
        if label_point.y < center.y - RADAR_RADIUS / 2:
            label_point = Point(label_point.x, label_point.y - 14 * (len(lines) - 1))
        axes.append(
            Axis(
                lines,
                polar(center, RADAR_RADIUS, index, count),
                label_point,
                anchor_for(center, label_point),
            )
        )
    rings = [
        Ring(
            score,
            " ".join(
                f"{p.x},{p.y}"
                for p in (polar(center, radius_of(Decimal(score)), i, count) for i in range(count))
            ),
            Point(center.x + 4, round(center.y - radius_of(Decimal(score)) + 12, 1)),
        )
        for score in range(1, MAX_SCORE + 1)
    ]
    return Radar(
        width=RADAR_WIDTH,
        height=RADAR_HEIGHT,
        center=center,
        axes=axes,
        rings=rings,
        current=outline(center, labels, scores),
        previous=outline(center, labels, previous) if previous is not None else None,
    )


# --- grouped bars ------------------------------------------------------------------------

BAR_WIDTH = 560
BAR_LEFT = 150  # the series labels sit left of the bars
BAR_RIGHT = 48  # room for the value after the longest bar
BAR_HEIGHT = 16
BAR_GAP = 6
GROUP_TITLE = 26
GROUP_GAP = 14
AXIS_HEIGHT = 24
SERIES_LABEL = 22  # characters


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal | None
    y: float
    width: float
    text_x: float
    style: int
    url: str = ""  # where the bar's figure comes from (its assessment); the bar links there


@dataclass(frozen=True)
class Group:
    title: str
    y: float
    bars: list[Bar]

    @property
    def title_y(self) -> float:
        return self.y + 18


@dataclass(frozen=True)
class Tick:
    score: int
    x: float


@dataclass(frozen=True)
class Bars:
    width: int
    height: int
    left: int
    plot: int
    groups: list[Group]
    ticks: list[Tick]
    bottom: float

    @property
    def label_x(self) -> int:
        return self.left - 8


def short(label: str, size: int = SERIES_LABEL) -> str:
    return label if len(label) <= size else label[: size - 1].rstrip() + "…"


def bars(
    groups: list[tuple[str, list[Decimal | None]]],
    series: list[str],
    urls: list[list[str]] | None = None,
) -> Bars:
    """`groups`: (title, one value per series); `series`: the series' labels; `urls`,
    when given: per group, the address of each series' bar."""
    plot = BAR_WIDTH - BAR_LEFT - BAR_RIGHT
    y = float(AXIS_HEIGHT)
    drawn = []
    for number, (title, values) in enumerate(groups):
        group_y = y
        y += GROUP_TITLE
        group_bars = []
        addresses = urls[number] if urls else [""] * len(series)
        for index, (name, value, url) in enumerate(zip(series, values, addresses, strict=True)):
            width = 0.0 if value is None else round(plot * float(value) / MAX_SCORE, 1)
            group_bars.append(
                Bar(short(name), value, y, width, BAR_LEFT + width + 6, index % SERIES_STYLES, url)
            )
            y += BAR_HEIGHT + BAR_GAP
        drawn.append(Group(title, group_y, group_bars))
        y += GROUP_GAP
    ticks = [Tick(score, BAR_LEFT + plot * score / MAX_SCORE) for score in range(1, MAX_SCORE + 1)]
    return Bars(
        width=BAR_WIDTH,
        height=math.ceil(y),
        left=BAR_LEFT,
        plot=plot,
        groups=drawn,
        ticks=ticks,
        bottom=y - GROUP_GAP,
    )
