"""Make the test database cheaper on PostgreSQL, with the same data at every step.

- Test connections do not wait for the commit to reach the disk (`synchronous_commit=off`,
  a setting of the connection only): the demo and the browser tests commit thousands of
  times, and a crash of the test database loses nothing anyone needs.
- Emptying the database after a transactional test (Django's `flush`: the browser, worker
  and migration tests, and the demo modules of tests/demo_once.py) deletes the rows of the
  tables that have rows instead of one TRUNCATE of all ~300 tables, which creates new files
  for every table and index and costs seconds each time. Django still sends `post_migrate`
  afterwards as before (content types, permissions, role groups). The foreign keys Django
  makes are deferred, so the deletes may run in any order; should the database refuse
  them, the TRUNCATE runs as before.
"""

from django.db import DatabaseError, connections, transaction
from django.db.backends.postgresql.operations import DatabaseOperations

SYNCHRONOUS_COMMIT_OFF = "-c synchronous_commit=off"


def use_fast_commits() -> None:
    """Give every PostgreSQL connection of the test run `synchronous_commit=off`."""
    for connection in connections.all(initialized_only=False):
        if connection.vendor != "postgresql":
            continue
        options = connection.settings_dict.setdefault("OPTIONS", {})
        current = options.get("options", "")
        if SYNCHRONOUS_COMMIT_OFF not in current:
            options["options"] = f"{current} {SYNCHRONOUS_COMMIT_OFF}".strip()


def _tables_with_rows(connection, tables: list[str]) -> list[str]:
    quote = connection.ops.quote_name
    probes = " UNION ALL ".join(
        f"SELECT %s WHERE EXISTS (SELECT FROM {quote(table)})" for table in tables
    )
    with connection.cursor() as cursor:
        cursor.execute(probes, tables)
        return [row[0] for row in cursor.fetchall()]


class FlushByDelete:
    """Stands in for `DatabaseOperations.execute_sql_flush` during the test run."""

    def __init__(self, original):
        self.original = original

    def __call__(self, ops: DatabaseOperations, sql_list):
        tables = getattr(ops, "_flush_tables", None)
        ops._flush_tables = None
        if not tables:
            return self.original(ops, sql_list)
        connection = ops.connection
        try:
            with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
                for table in _tables_with_rows(connection, tables):
                    cursor.execute(f"DELETE FROM {ops.quote_name(table)}")
        except DatabaseError:
            return self.original(ops, sql_list)


class RememberFlushTables:
    """Stands in for `DatabaseOperations.sql_flush`: notes the tables of a plain flush (no
    sequence reset, no cascade) for `FlushByDelete`, and returns Django's SQL."""

    def __init__(self, original):
        self.original = original

    def __call__(self, ops, style, tables, *, reset_sequences=False, allow_cascade=False):
        plain = not reset_sequences and not allow_cascade
        ops._flush_tables = list(tables) if plain else None
        return self.original(
            ops, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )


def patch_flush(monkeypatch) -> None:
    monkeypatch.setattr(
        DatabaseOperations, "sql_flush", _method(RememberFlushTables(DatabaseOperations.sql_flush))
    )
    monkeypatch.setattr(
        DatabaseOperations,
        "execute_sql_flush",
        _method(FlushByDelete(DatabaseOperations.execute_sql_flush)),
    )


def _method(callable_object):
    def method(self, *args, **kwargs):
        return callable_object(self, *args, **kwargs)

    return method


class Snapshot:
    """The rows of a PostgreSQL test database (binary COPY of the tables that have rows)
    and the values of its sequences."""

    def __init__(self, tables: list[str], rows: dict[str, bytes], sequences: list[tuple]):
        self.tables = tables
        self.rows = rows
        self.sequences = sequences


def snapshot(connection) -> Snapshot:
    quote = connection.ops.quote_name
    tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
    rows = {}
    with connection.cursor() as cursor:
        for table in _tables_with_rows(connection, tables):
            with cursor.copy(f"COPY {quote(table)} TO STDOUT (FORMAT binary)") as copy:
                rows[table] = b"".join(bytes(block) for block in copy)
        cursor.execute(
            "SELECT format('%I.%I', schemaname, sequencename), last_value"
            " FROM pg_sequences WHERE schemaname = current_schema()"
        )
        sequences = cursor.fetchall()
    return Snapshot(tables, rows, sequences)


def restore(connection, copy: Snapshot) -> None:
    """Put the database's rows and sequences back as they were in `copy`. Django's foreign
    keys are deferred: they are checked once, at the commit."""
    quote = connection.ops.quote_name
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        for table in _tables_with_rows(connection, copy.tables):
            cursor.execute(f"DELETE FROM {quote(table)}")
        for table, data in copy.rows.items():
            with cursor.copy(f"COPY {quote(table)} FROM STDIN (FORMAT binary)") as writer:
                writer.write(data)
        if copy.sequences:
            cursor.execute(
                "SELECT "
                + ", ".join(
                    "setval(%s, %s, true)" if value is not None else "setval(%s, 1, false)"
                    for _name, value in copy.sequences
                ),
                [
                    item
                    for name, value in copy.sequences
                    for item in (name, value)
                    if item is not None
                ],
            )
