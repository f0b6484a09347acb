"""The manual's backup and restore steps are the ones `make backup-check` runs
(scripts/backup_restore_check.py reads them from docs/en/architecture.md); the Swedish
chapter must show the same commands, so neither language drifts from what CI tests."""

import importlib.util
import sys
from pathlib import Path

import pytest

from cxlean.help import manual

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "backup_restore_check.py"


def _script():
    if str(SCRIPT.parent) not in sys.path:  # its helpers, scripts/checks.py, beside it
        sys.path.append(str(SCRIPT.parent))
    spec = importlib.util.spec_from_file_location("backup_restore_check", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _source(language: str) -> str:
    return manual.path("architecture", language).read_text(encoding="utf-8")


@pytest.mark.parametrize("block", ["backup", "restore"])
def test_both_languages_show_the_commands_ci_runs(block):
    check = _script()
    english = check.manual_block(block)
    assert english == check.manual_block(block, _source("en"))
    assert check.manual_block(block, _source("sv")) == english


def test_the_backup_dumps_the_database_and_the_files():
    commands = _script().manual_block("backup")
    assert 'pg_dump --format=custom --file="$BACKUP/cxlean.dump" "$DB"' in commands
    assert '--directory="$MEDIA_ROOT"' in commands and "tar --create" in commands


def test_the_restore_goes_into_a_new_empty_database_with_its_files():
    lines = _script().manual_block("restore").splitlines()
    assert lines[0] == 'createdb "$DB"'
    assert lines[1].startswith("pg_restore --exit-on-error")
    assert any(line.startswith("tar --extract") for line in lines)
    assert lines[-1] == "python manage.py migrate --check"


def test_a_missing_or_doubled_block_fails_the_check():
    check = _script()
    with pytest.raises(check.CheckFailed):
        check.manual_block("backup", "# Nothing here\n")
    twice = "```sh backup\nls\n```\n\n```sh backup\nls\n```\n"
    with pytest.raises(check.CheckFailed):
        check.manual_block("backup", twice)


@pytest.mark.django_db
def test_the_chapter_shows_the_steps_as_code(alice, as_user):
    html = as_user(alice).get("/help/architecture/", language="en").content.decode()
    assert '<code class="language-sh">pg_dump --format=custom' in html
    assert 'id="restore"' in html and 'id="upgrades"' in html
