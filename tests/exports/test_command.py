"""python manage.py export KIND --out FILE: the same writers, synchronously."""

import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from tests.exports.conftest import column
from tests.factories import ActivityFactory, ItemFactory, PhaseFactory, PlanFactory

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command("export", *args, stdout=out)
    return out.getvalue()


def test_without_a_user_it_exports_everything(tmp_path, scored_item, sales_unit):
    ItemFactory(title="Snabbare offerter", unit=sales_unit)
    path = tmp_path / "backlog.xlsx"
    printed = run("backlog", "--out", str(path), "--language", "en")
    assert "backlog: 2 rows written" in printed and " s" in printed
    titles = column(load_workbook(path)["Improvements"], "Title")
    assert sorted(titles) == ["Kortare telefonkö", "Snabbare offerter"]


def test_with_a_user_and_a_unit_it_exports_what_they_see(tmp_path, scored_item, carol, sales_unit):
    ItemFactory(title="Snabbare offerter", unit=sales_unit)
    path = tmp_path / "carol.xlsx"
    run("backlog", "--out", str(path), "--user", "carol", "--unit", str(sales_unit.pk))
    assert len(list(load_workbook(path).worksheets[0].iter_rows())) == 2


def test_each_kind_writes_a_file(tmp_path, bob, service_unit):
    plan = PlanFactory(unit=service_unit, coordinator=bob)
    ActivityFactory(phase=PhaseFactory(plan=plan))
    for kind in ("competence_matrix", "backlog", "gemba_log", "metrics_maturity"):
        path = tmp_path / f"{kind}.xlsx"
        assert "rows written" in run(kind, "--out", str(path))
        assert load_workbook(path).sheetnames
    path = tmp_path / "plan.xlsx"
    assert "plan: 3 rows written" in run("plan", "--out", str(path), "--plan", str(plan.pk))


def test_bad_arguments_are_clear_errors(tmp_path, alice):
    out = str(tmp_path / "x.xlsx")
    with pytest.raises(CommandError, match="plan"):
        run("plan", "--out", out)
    with pytest.raises(CommandError, match="nobody"):
        run("backlog", "--out", out, "--user", "nobody")
    with pytest.raises(CommandError, match="coordinators"):
        run("competence_matrix", "--out", out, "--user", "alice", "--language", "en")
    with pytest.raises(CommandError):
        run("backlog", "--out", out, "--unit", "999999")
