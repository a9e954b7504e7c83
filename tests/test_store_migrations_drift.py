"""The migrations at head build exactly the schema that ``model.store.schema`` declares (no drift).

A column added to ``schema.py`` without its migration (or a migration without the column) fails here.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from model.store import Store
from model.store.schema import metadata


def _drift(url: str) -> list:
    store = Store.open(url)
    try:
        engine = sa.create_engine(url)
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), metadata)
        engine.dispose()
    finally:
        store.close()
    return diff


def test_sqlite_migrations_at_head_equal_the_schema(tmp_path):
    assert _drift(f"sqlite:///{tmp_path / 'drift.sqlite'}") == []


def test_postgresql_migrations_at_head_equal_the_schema(pg_url):
    assert _drift(pg_url) == []


def test_the_drift_check_sees_a_column_missing_from_the_migrations(tmp_path):
    url = f"sqlite:///{tmp_path / 'drift.sqlite'}"
    Store.open(url).close()
    extra = sa.MetaData()
    for table in metadata.sorted_tables:
        table.to_metadata(extra)
    extra.tables["reports"].append_column(sa.Column("invented", sa.Integer))
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), extra)
    engine.dispose()
    assert [d[0] for d in diff] == ["add_column"]
