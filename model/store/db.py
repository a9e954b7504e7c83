"""The engine (SQLite or PostgreSQL), error translation, and Alembic migrations run from code.

SQLite: WAL journal, ``synchronous=FULL`` (a committed edit survives a crash), foreign keys on, a busy
timeout; writes begin with ``BEGIN IMMEDIATE`` so that two processes never deadlock on a lock upgrade.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine, make_url

from .errors import BusyError, ConflictError, CorruptError, DiskFullError, NewerDatabaseError, StoreError
from .paths import os_error, probe_writable

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
BUSY_TIMEOUT_MS = 30_000


#: PostgreSQL is spoken through pg8000 (pure Python): psycopg's binary wheel would add 7.7 MB of libpq and
#: OpenSSL to the Windows bundle (packaging/README.md)
PG_DRIVER = "pg8000"
#: URL schemes that name PostgreSQL with any driver, or none (an address typed by hand, one remembered from
#: a version that used psycopg)
_PG_SCHEMES = {"postgres", "postgresql", "postgresql+psycopg", "postgresql+psycopg2", "postgresql+pg8000"}


def engine_url(url: str) -> str:
    """The URL given to SQLAlchemy — the one place a database address is read: a PostgreSQL address with
    whatever driver (or none) goes through :data:`PG_DRIVER`; anything else is returned as it is."""
    scheme, sep, rest = url.partition("://")
    if sep and scheme.strip().lower() in _PG_SCHEMES:
        return f"postgresql+{PG_DRIVER}://{rest}"
    return url


def is_postgresql_url(url: str) -> bool:
    return url.partition("://")[0].strip().lower() in _PG_SCHEMES


def is_sqlite(engine_or_url: Engine | str) -> bool:
    url = engine_or_url.url if isinstance(engine_or_url, Engine) else make_url(engine_or_url)
    return url.get_backend_name() == "sqlite"


def sqlite_path(engine_or_url: Engine | str) -> Path | None:
    url = engine_or_url.url if isinstance(engine_or_url, Engine) else make_url(engine_or_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database)


def describe(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return url


# -------------------------------------------------------------------------------------------------
# errors


def translate(err: BaseException, where: str = "") -> StoreError:
    """A Chinese :class:`StoreError` for a database or file error."""
    if isinstance(err, StoreError):
        return err
    if isinstance(err, OSError):
        return os_error(err, where, "访问数据库")
    orig = getattr(err, "orig", err)
    text = str(orig).lower()
    at = f"（{where}）" if where else ""
    if (
        "database or disk is full" in text
        or "no space left" in text
        or "disk full" in text
        or ("disk i/o error" in text and _disk_nearly_full(where))
    ):
        return DiskFullError(f"磁盘空间已满，修改未能保存{at}。已保存的内容未受影响，请腾出空间后重试。")
    if "file is not a database" in text or "malformed" in text or "file is encrypted" in text:
        return CorruptError(f"数据库文件已损坏，或不是本程序的数据库{at}。文件未被改动。")
    if "readonly" in text or "read-only" in text or "unable to open database" in text:
        return StoreError(f"数据库无法写入{at}：文件或文件夹只读，或没有权限。")
    if "locked" in text or "busy" in text:
        return BusyError(f"数据库正被其他程序占用{at}，请稍后重试。")
    if isinstance(err, sa.exc.IntegrityError) or isinstance(orig, sqlite3.IntegrityError):
        unique = unique_violation(err)
        if unique is not None:
            return unique
    # (pg8000 reports a server it cannot reach as an InterfaceError, psycopg as an OperationalError)
    if isinstance(err, sa.exc.OperationalError | sa.exc.InterfaceError) or isinstance(
        orig, sqlite3.OperationalError
    ):
        if "connect" in text or "connection" in text or "could not" in text:
            return StoreError(f"无法连接数据库服务器{at}：{orig}")
    if isinstance(err, sa.exc.ArgumentError | sa.exc.NoSuchModuleError):
        return StoreError(f"数据库地址无效{at}：{err}")
    return StoreError(f"数据库错误{at}：{orig}")


def _disk_nearly_full(where: str) -> bool:
    """Whether the disk of the SQLite file described by ``where`` has (almost) no room left: SQLite says only
    "disk I/O error" when a write fails for want of space."""
    import shutil

    try:
        path = sqlite_path(where)
        return path is not None and shutil.disk_usage(path.parent).free < 16 * 1024 * 1024
    except Exception:  # not a URL, no such folder: no judgement
        return False


#: what a unique constraint of ours guards (by constraint name on PostgreSQL, by column on SQLite)
UNIQUE_MESSAGES = (
    (
        ("uq_reports_organ_year", "reports.organ_id, reports.year"),
        "该机关该年度的报告已经存在（可能是别的窗口或别的用户刚刚建立的）。本次操作没有保存，请刷新后再试。",
    ),
    (
        ("uq_organs_name", "organs_name_key", "organs.name"),
        "同名机关已经存在（可能是别的窗口或别的用户刚刚建立的）。本次操作没有保存，请再试一次。",
    ),
)


def unique_violation(err: BaseException) -> StoreError | None:
    """A Chinese :class:`StoreError` when ``err`` is a unique-constraint violation of ours (two writers
    creating the same organ, or the same organ's report for a year, at once), else None."""
    orig = getattr(err, "orig", err)
    diag = getattr(orig, "diag", None)
    names = [str(getattr(diag, "constraint_name", "") or "")] if diag is not None else []
    text = str(orig)
    for markers, message in UNIQUE_MESSAGES:
        if any(m in names or m in text for m in markers):
            return ConflictError(message)
    return None


@contextlib.contextmanager
def translated(where: str = "") -> Iterator[None]:
    try:
        yield
    except StoreError:
        raise
    except (sa.exc.SQLAlchemyError, sqlite3.Error, OSError) as err:
        raise translate(err, where) from None


# -------------------------------------------------------------------------------------------------
# the engine


def create_engine(url: str, read_only: bool = False) -> Engine:
    """The engine for ``url``. ``read_only`` (SQLite): the existing file opened read-only (``mode=ro``; in a
    folder nobody may write to, ``immutable=1``, so that SQLite creates no side file) — nothing is written."""
    url = engine_url(url)
    try:
        u = make_url(url)
    except sa.exc.ArgumentError as err:
        raise StoreError(f"数据库地址无效：{url}（{err}）") from None
    if u.get_backend_name() == "sqlite":
        path = sqlite_path(url)
        if path is None:
            raise StoreError("请给出 SQLite 数据库文件的路径（不支持内存数据库）。")
        if path.is_dir():
            raise StoreError(f"“{path}”是一个文件夹，不是数据库文件。")
        if read_only:
            return _read_only_engine(path)
        probe_writable(path.parent)
        engine = sa.create_engine(u, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        _sqlite_events(engine)
        return engine
    try:
        u, ssl_args = pg_connect_args(u)
        connect_args = {"application_name": application_name(), **ssl_args}
        return sa.create_engine(u, pool_pre_ping=True, connect_args=connect_args)
    except (sa.exc.ArgumentError, sa.exc.NoSuchModuleError, ImportError) as err:
        raise StoreError(f"数据库地址无效或缺少驱动：{describe(url)}（{err}）") from None


def pg_connect_args(u: sa.engine.URL) -> tuple[sa.engine.URL, dict[str, Any]]:
    """libpq's ``sslmode`` (in addresses written for psycopg) said to pg8000, which takes an SSL context:
    ``require`` encrypts without checking the certificate, ``verify-ca``/``verify-full`` check it against
    the system's certificates (``sslrootcert=FILE``: against that file); ``disable``/``allow``/``prefer``
    connect without SSL."""
    query = dict(u.query)
    mode = query.pop("sslmode", None)
    root = query.pop("sslrootcert", None)
    if mode is None and root is None:
        return u, {}
    u = u.set(query=query)
    mode = str(mode or "verify-full").lower()
    if mode in ("disable", "allow", "prefer"):
        return u, {}
    import ssl

    context = ssl.create_default_context(cafile=str(root) if root else None)
    if mode == "require":
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    elif mode == "verify-ca":
        context.check_hostname = False
    elif mode != "verify-full":
        raise sa.exc.ArgumentError(f"sslmode={mode}")
    return u, {"ssl_context": context}


def _read_only_engine(path: Path) -> Engine:
    import os

    if not path.is_file():
        raise StoreError(f"找不到数据库文件：{path}")
    uri = path.absolute().as_uri() + "?mode=ro"
    if not os.access(path.parent, os.W_OK):
        uri += "&immutable=1"
    engine = sa.create_engine(
        "sqlite://",
        creator=lambda: sqlite3.connect(
            uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False
        ),
        poolclass=sa.pool.NullPool,
    )
    _sqlite_events(engine, read_only=True)
    return engine


#: what this program calls itself on a PostgreSQL server (``pg_stat_activity.application_name``, ASCII)
APPLICATION_PREFIX = "nianbao@"


def application_name() -> str:
    """``nianbao@<computer>``: who holds the database, for a restore that is refused (ASCII: the server
    replaces anything else with “?”)."""
    import os
    import platform

    host = (os.environ.get("COMPUTERNAME") or platform.node() or "").strip()
    host = host.encode("ascii", "replace").decode("ascii").replace("?", "_")
    return (APPLICATION_PREFIX + host)[:63]


def _sqlite_events(engine: Engine, read_only: bool = False) -> None:
    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn: Any, _record: object) -> None:
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA foreign_keys=ON")
        if not read_only:
            cur.execute("PRAGMA synchronous=FULL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("write") else "BEGIN")


def on_network_share(engine_or_url: Engine | str) -> bool:
    """Whether the SQLite file lies on a network share (UNC path, mapped network drive, a folder
    redirected to a server, an NFS/SMB mount): WAL's shared memory does not work across computers."""
    from ..files import is_network_path

    path = sqlite_path(engine_or_url)
    return path is not None and is_network_path(path.absolute())


def network_note(path: Path | str) -> str:
    from ..files import native

    return (
        f"数据库文件在网络共享文件夹上（{native(path)}）。本程序已改用适合网络文件夹的日志方式，"
        "但 SQLite 文件不宜由多台电脑同时使用：多人共用的数据库请放在区里的 PostgreSQL 服务器上"
        "（文件 → 选择数据库…）。"
    )


def set_wal(engine: Engine) -> None:
    """Switch the database to the WAL journal (persistent in the file) unless it is in WAL already — or,
    for a file on a network share, to the rollback journal (``journal_mode=DELETE``): WAL needs shared
    memory that only works on one computer."""
    wanted = "delete" if on_network_share(engine) else "wal"
    raw = engine.raw_connection()
    try:
        assert raw.driver_connection is not None
        cur = raw.driver_connection.cursor()
        mode = cur.execute("PRAGMA journal_mode").fetchone()[0]
        if str(mode).lower() != wanted:
            mode = cur.execute(f"PRAGMA journal_mode={wanted.upper()}").fetchone()[0]
        cur.close()
        if str(mode).lower() != wanted:
            raise StoreError(f"数据库无法切换到 {wanted.upper()} 日志模式（{mode}）。")
    finally:
        raw.close()


def now() -> dt.datetime:
    """UTC, naive (as stored)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


# -------------------------------------------------------------------------------------------------
# migrations


def alembic_config(connection: Connection | None = None) -> Config:
    from alembic.config import Config

    cfg = Config()  # no alembic.ini: everything from code
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None  # the migrations have one head
    return head


def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    return {s.revision for s in ScriptDirectory.from_config(alembic_config()).walk_revisions()}


#: the newest migration in ``migrations/versions`` (a test keeps it equal to Alembic's head): opening a
#: database that is already there needs no Alembic import at all
HEAD = "0004"


def current_revision(engine: Engine) -> tuple[str | None, list[str]]:
    """(the database's Alembic revision or None, its table names) — reads only."""
    with engine.connect() as conn:
        tables = sa.inspect(conn).get_table_names()
        rev = None
        if "alembic_version" in tables:
            rows = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalars().all()
            rev = rows[0] if len(rows) == 1 else (",".join(sorted(rows)) or None)
        conn.rollback()
    return rev, tables


_MIGRATE_LOCK = threading.Lock()  # Alembic's context is process-global


def _validate(rev: str | None, tables: list[str], url: str) -> None:
    if rev is None:
        ours = [t for t in tables if not t.startswith("sqlite_")]
        if ours:
            raise CorruptError(
                f"“{describe(url)}”中已有其他数据（{', '.join(sorted(ours)[:5])}），不是本程序的数据库。未作任何改动。"
            )
    elif rev not in known_revisions():
        raise NewerDatabaseError(
            f"数据库“{describe(url)}”由较新版本的年报程序创建（数据库版本 {rev}，本程序只认识到 {head_revision()}）。"
            "为免损坏数据，本程序不会打开或改动它，请升级程序。"
        )


#: the tables every revision has (0001); at the head, every table and column of ``schema.metadata``
BASE_TABLES = ("organs", "reports", "cells", "texts", "explanations", "revisions")


def check_schema(engine: Engine, rev: str, tables: list[str], url: str) -> None:
    """:class:`CorruptError` when a database of ours lacks tables (or, at the head revision, columns) — before
    the program switches it to WAL, copies it or upgrades it. Reads only."""
    missing = [t for t in BASE_TABLES if t not in tables]
    if not missing and rev == HEAD:
        from .schema import metadata

        missing = [t.name for t in metadata.sorted_tables if t.name not in tables]
        if not missing:
            with engine.connect() as conn:
                inspector = sa.inspect(conn)
                for t in metadata.sorted_tables:
                    have = {c["name"] for c in inspector.get_columns(t.name)}
                    missing += [f"{t.name}.{c.name}" for c in t.columns if c.name not in have]
                conn.rollback()
    if missing:
        raise CorruptError(
            f"数据库“{describe(url)}”不完整（缺少：{'、'.join(missing[:5])}），不是一个完好的年报数据库。"
            "为免损坏数据，本程序没有改动它；请从备份恢复。"
        )


def check_readable(engine: Engine, url: str) -> None:
    """For a read-only opening: the database must be at the head revision and complete (nothing can be
    upgraded or created)."""
    rev, tables = current_revision(engine)
    if rev is None:
        _validate(rev, tables, url)
        raise StoreError(f"数据库“{describe(url)}”是空的（只读打开，无法建立）。")
    if rev != HEAD:
        _validate(rev, tables, url)
        raise StoreError(
            f"数据库“{describe(url)}”需要升级到本程序的结构，但它在只读的位置，无法升级。"
            "请把它复制到可写的文件夹后再打开。"
        )
    check_schema(engine, rev, tables, url)


def check_and_upgrade(
    engine: Engine, url: str, backup: Callable[[Connection], Path | str | None] | None = None
) -> Path | str | None:
    """Bring the schema to the head revision.

    A fresh database is created; an older one is upgraded after ``backup(conn)`` (called inside the
    upgrade's transaction, under its lock; returns where the copy is — a file, or a PostgreSQL schema);
    a newer or foreign database is refused, untouched. Returns the backup path, if one was made. Two
    processes opening one new database at once are serialised by the write lock (SQLite) or an advisory
    lock (PostgreSQL).
    """
    rev, tables = current_revision(engine)
    if rev is not None:
        check_schema(engine, rev, tables, url)  # before anything touches the file (WAL, a copy, an upgrade)
    if rev == HEAD:
        return None
    head = head_revision()
    _validate(rev, tables, url)
    from alembic import command
    from alembic.runtime.migration import MigrationContext

    with _MIGRATE_LOCK, engine.connect() as conn:
        conn.execution_options(write=True)
        with conn.begin():
            if conn.dialect.name == "postgresql":
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(7306)"))
            tables = sa.inspect(conn).get_table_names()
            rev = (
                MigrationContext.configure(conn).get_current_revision()
                if "alembic_version" in tables
                else None
            )
            if rev == head:
                return None  # another process was quicker
            _validate(rev, tables, url)
            made = backup(conn) if (backup and rev is not None) else None
            command.upgrade(alembic_config(conn), "head")
    return made
