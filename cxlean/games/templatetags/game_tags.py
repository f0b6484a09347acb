"""Template helpers of the game pages: the round's clock as text and the "team
progress" chart (a server-rendered SVG, with a table beside it as its text)."""

from __future__ import annotations

from dataclasses import dataclass

from django import template

register = template.Library()

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 44, 16, 16, 36
# Each team gets a dash pattern and a marker shape as well as a colour, so that the
# lines are told apart without colour.
COLOURS = ("#1a6440", "#0b4f8a", "#8a4b00", "#6b2c91", "#a3153a", "#2f5f5f", "#4f5b56", "#7a5c00")
DASHES = ("", "6 4", "2 4", "10 4 2 4", "", "6 4", "2 4", "10 4 2 4")
MARKERS = ("circle", "square", "diamond", "triangle", "circle", "square", "diamond", "triangle")


@register.filter
def clock(seconds: int | None) -> str:
    """155 → "2:35"."""
    seconds = max(0, int(seconds or 0))
    return f"{seconds // 60}:{seconds % 60:02d}"


@dataclass
class Point:
    x: int
    y: int
    percent: int
    session: object
    rank: int
    number: int  # the game's number on the x axis


@dataclass
class Line:
    name: str
    colour: str
    dash: str
    marker: str
    points: list[Point]

    @property
    def path(self) -> str:
        return " ".join(f"{'M' if i == 0 else 'L'}{p.x} {p.y}" for i, p in enumerate(self.points))


@dataclass
class ProgressChart:
    width: int
    height: int
    lines: list[Line]
    grid: list[tuple[int, int]]  # (y, percent)
    ticks: list[tuple[int, int]]  # (x, the game's number in the chart)
    left: int = LEFT
    right: int = WIDTH - RIGHT
    bottom: int = HEIGHT - BOTTOM


@register.simple_tag
def progress_chart(progress: dict) -> ProgressChart | None:
    """Each team's share of the possible points, game after game (from
    `services.team_progress`): one line per team over the unit's finished games."""
    if not progress:
        return None
    sessions = sorted(
        {point.session for points in progress.values() for point in points},
        key=lambda session: (session.finished_at or session.created_at, session.pk),
    )
    column = {session.pk: index for index, session in enumerate(sessions)}
    span = max(len(sessions) - 1, 1)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(index: int) -> int:
        return round(LEFT + (plot_w * index / span if len(sessions) > 1 else plot_w / 2))

    def y(share: float) -> int:
        return round(TOP + plot_h * (1 - min(max(share, 0.0), 1.0)))

    lines = []
    for number, (name, points) in enumerate(sorted(progress.items())):
        style = number % len(COLOURS)
        lines.append(
            Line(
                name=name,
                colour=COLOURS[style],
                dash=DASHES[style],
                marker=MARKERS[style],
                points=[
                    Point(
                        x=x(column[point.session.pk]),
                        y=y(point.share),
                        percent=round(point.share * 100),
                        session=point.session,
                        rank=point.rank,
                        number=column[point.session.pk] + 1,
                    )
                    for point in points
                ],
            )
        )
    grid = [(y(share / 100), share) for share in (0, 25, 50, 75, 100)]
    ticks = [(x(index), index + 1) for index in range(len(sessions))]
    return ProgressChart(WIDTH, HEIGHT, lines, grid, ticks)
