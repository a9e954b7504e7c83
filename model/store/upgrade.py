"""The copy of an older database made before its schema is upgraded (:func:`model.store.db.check_and_upgrade`
calls :func:`pre_upgrade_copy` under the upgrade's lock)."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from .db import sqlite_path
from .paths import atomic_path

#: the prefix of the schemas holding PostgreSQL's copies made before an upgrade
PG_BACKUP_PREFIX = "nianbao_backup_"


def pre_upgrade_copy(engine: Engine, conn: Connection | None = None) -> Path | str | None:
    """A copy of an older database before it is upgraded: a SQLite file is copied beside it (its name ends
    in ``.升级前备份-<time>``); on PostgreSQL every table is copied into a new schema
    ``nianbao_backup_<time>`` in the same transaction (``conn``, under the upgrade's lock), so that the copy
    and the upgrade stand or fall together. Returns the file or the schema's name."""
    if conn is not None and conn.dialect.name == "postgresql":
        return pg_backup_schema(conn)
    path = sqlite_path(engine)
    if path is None or not path.exists():
        return None
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.stem}.升级前备份-{stamp}{path.suffix}")
    with atomic_path(target, "升级前备份数据库") as tmp:
        src = sqlite3.connect(str(path))
        dst = sqlite3.connect(str(tmp))
        try:
            src.backup(dst)
        finally:
            dst.close()
            src.close()
    return target


def pg_backup_schema(conn: Connection) -> str:
    stamp = dt.datetime.now().strftime("%Y%m%d_%H%M%S")
    existing = set(sa.inspect(conn).get_schema_names())
    name, n = f"{PG_BACKUP_PREFIX}{stamp}", 1
    while name in existing:
        n += 1
        name = f"{PG_BACKUP_PREFIX}{stamp}_{n}"
    prep = conn.dialect.identifier_preparer
    schema = prep.quote_identifier(name)
    conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
    for table in sa.inspect(conn).get_table_names():
        t = prep.quote_identifier(table)
        conn.execute(sa.text(f"CREATE TABLE {schema}.{t} AS TABLE {t}"))
    note = "年报：升级数据库结构前的备份（各表的完整副本）。确认升级无误后可用 DROP SCHEMA … CASCADE 删除。"
    conn.exec_driver_sql(f"COMMENT ON SCHEMA {schema} IS '{note}'")
    return name
