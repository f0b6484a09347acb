"""The migrations build the schema the models describe.

The suite's test databases are created straight from the models (`--nomigrations` in
pyproject.toml: replaying the migrations' states takes most of a minute per worker).
`make test` first runs `makemigrations --check`, so the migrations describe the models;
this test applies them, from an empty database, and compares the result with the test
database, table by table and column by column.
"""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def migrated_schema(path: Path) -> dict[str, set[str]]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "cxlean.settings"}
    env["DATABASE_URL"] = f"sqlite:///{path}"
    done = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    with sqlite3.connect(path) as database:
        tables = [
            name
            for (name,) in database.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {
            table: {row[1] for row in database.execute(f'PRAGMA table_info("{table}")')}
            for table in tables
        }


def schema_of_the_test_database() -> dict[str, set[str]]:
    with connection.cursor() as cursor:
        introspection = connection.introspection
        return {
            table: {column.name for column in introspection.get_table_description(cursor, table)}
            for table in introspection.table_names(cursor)
        }


@pytest.mark.django_db
def test_the_migrations_build_the_tables_and_columns_of_the_models(tmp_path):
    migrated = migrated_schema(tmp_path / "migrated.sqlite3")
    migrated.pop("django_migrations")
    tested = schema_of_the_test_database()
    assert len(tested) > 50
    assert sorted(migrated) == sorted(tested)
    for table, columns in tested.items():
        assert migrated[table] == columns, table
