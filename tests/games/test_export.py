"""A session's results as an Excel export (cxlean/exports/writers/games.py), through the
exports app: teams by rank, people, each team's cards; only sessions the requester sees."""

import io

import pytest
from django.utils import translation
from openpyxl import load_workbook

from cxlean.exports.kinds import RequestRefused
from cxlean.exports.models import Kind
from cxlean.exports.services import write_export
from cxlean.games import services
from tests.games.conftest import slots_and_cards


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def export_as(user, params: dict):
    out = io.BytesIO()
    with translation.override("en"):
        write_export(Kind.GAME_RESULTS, user, params, out)
    out.seek(0)
    return load_workbook(out)


def values(sheet) -> list[list]:
    return [list(row) for row in sheet.iter_rows(values_only=True)]


@pytest.fixture
def revealed(playing, teams, alice, bob):
    slots, cards = slots_and_cards(playing.deck)
    services.place(team=teams[0], user=alice, card=cards[0], slot=slots[0])
    services.place(team=teams[0], user=alice, card=cards[1], slot=slots[2])
    return services.reveal(playing, by=bob)


def test_the_export_has_teams_people_and_cards(revealed, bob, teams):
    workbook = export_as(bob, {"session": revealed.pk})
    assert workbook.sheetnames == ["Teams", "People", "Cards", "About this export"]
    team_rows = values(workbook["Teams"])
    assert team_rows[1][:2] == [1, teams[0].name]
    assert team_rows[1][3] == 15  # 10 exact + 5 one off
    people = values(workbook["People"])
    assert {row[1] for row in people[1:]} == {teams[0].name, teams[1].name}
    cards = values(workbook["Cards"])
    assert len(cards) == 1 + 2 * 4
    assert {row[4] for row in cards[1:]} >= {"Exact", "One slot off", "Not placed"}


def test_another_unit_cannot_export_the_session(revealed, carol):
    with pytest.raises(RequestRefused) as refused:
        export_as(carol, {"session": revealed.pk})
    assert "session" in refused.value.errors["params"]


def test_management_exports_any_session(revealed, maria):
    assert export_as(maria, {"session": revealed.pk})["Teams"]
