"""A timeline game's results: one session the requester sees (`session`), with a Teams
sheet (the scoreboard: placement points, speed bonus, presentation, total, rank), a
People sheet (one row per player) and a Cards sheet (each team's cards: where they
belong, where the team put them, the points). The scoring rules are
cxlean/games/scoring.py, repeated on the About sheet."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from cxlean.exports.sheets import Sheet
from cxlean.exports.writers.base import Request, about_sheet
from cxlean.games import services
from cxlean.games.models import Card, GameSession, Slot
from cxlean.games.scoring import SCORING_RULES

STATUS_LABELS = {
    "exact": gettext_lazy("Exact"),
    "one_off": gettext_lazy("One slot off"),
    "wrong": gettext_lazy("Wrong slot"),
    "missing": gettext_lazy("Not placed"),
}


class GameResultsForm(forms.Form):
    session = forms.ModelChoiceField(
        label=gettext_lazy("Game session"), queryset=GameSession.objects.none()
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["session"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = GameSession.objects.visible_to(user).select_related("unit", "deck")


def params_form(data, user) -> GameResultsForm:
    return GameResultsForm(data, user=user)


def write(workbook: Workbook, request: Request[GameResultsForm]) -> None:
    session: GameSession = request.form.cleaned_data["session"]
    board = services.scoreboard(session)
    rows = services.result_rows([session])
    results = services.card_results(session)
    cards = {card.pk: card for card in Card.objects.filter(deck=session.deck_id)}
    slots = {slot.position: slot for slot in Slot.objects.filter(deck=session.deck_id)}
    request.progress.expect(len(board) + len(rows) + sum(map(len, results.values())))

    sheet = Sheet(workbook, _("Teams"), widths=(8, 24, 10, 12, 12, 14, 16, 12, 10, 10), freeze="C2")
    sheet.header(
        [
            _("Rank"),
            _("Team"),
            _("Members"),
            _("Placement points"),
            _("Possible points"),
            _("Speed bonus"),
            _("Presentation average"),
            _("Presentation points"),
            _("Total"),
            _("Submitted"),
        ]
    )
    for score in board:
        submitted = score.submitted_at
        sheet.row(
            [
                score.rank,
                score.team.name,
                len(score.members),
                score.placement_points,
                score.max_points,
                score.bonus,
                score.presentation_average,
                score.presentation_points,
                score.total,
                submitted.replace(tzinfo=None, microsecond=0) if submitted else "",
            ]
        )
        request.progress.tick()

    sheet = Sheet(workbook, _("People"), widths=(28, 24, 8, 10), freeze="B2")
    sheet.header([_("Person"), _("Team"), _("Rank"), _("Total")])
    for row in rows:
        sheet.row([row["person_name"] or "", row["team_name"], row["rank"], row["total"]])
        request.progress.tick()

    sheet = Sheet(workbook, _("Cards"), widths=(24, 48, 28, 28, 16, 8), freeze="C2")
    sheet.header(
        [_("Team"), _("Card"), _("Correct slot"), _("Placed in"), _("Result"), _("Points")]
    )
    names = {score.team.pk: score.team.name for score in board}
    for team_id, team_results in results.items():
        for result in team_results:
            placed = slots.get(result.placed_position) if result.placed_position else None
            sheet.row(
                [
                    names.get(team_id, ""),
                    cards[result.card_id].text,
                    slots[result.correct_position].label,
                    placed.label if placed else "",
                    str(STATUS_LABELS[result.status]),
                    result.points,
                ]
            )
            request.progress.tick()
    about_sheet(
        workbook,
        request,
        _("Timeline game results: %(session)s") % {"session": session},
        [_("Scoring: %(rules)s") % {"rules": _(SCORING_RULES)}],
    )
