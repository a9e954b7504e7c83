"""Shared test set-up: Qt offscreen, fixture paths, the store on SQLite and (when reachable) PostgreSQL."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
#: the tests never move a real user data folder of an earlier version (tests/test_data_locations.py
#: calls the move itself, on folders of its own)
os.environ.setdefault("NIANBAO_NO_MIGRATION", "1")
if "NIANBAO_DATA_DIR" not in os.environ:  # the settings, the log, the backup record: never the real ones
    import atexit
    import shutil
    import tempfile

    os.environ["NIANBAO_DATA_DIR"] = tempfile.mkdtemp(prefix="nianbao-test-data-")
    atexit.register(shutil.rmtree, os.environ["NIANBAO_DATA_DIR"], ignore_errors=True)

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
#: ../shared beside the project: some fixtures are read only from there, never committed
SHARED = ROOT.parent / "shared"
PUBLISHED = SHARED / "fixtures" / "published"


@pytest.fixture(autouse=True)
def pdfa_checked(monkeypatch):
    """Every PDF the program writes in a test (export, signing) passes the independent PDF/A-2b checks of
    ``tests/pdfcheck.py``: embedded widths, Info/XMP agreement, OutputIntent, fonts embedded. A PDF made in a
    subprocess is checked by its test (``pdfcheck.assert_pdfa``)."""
    from model.output import pdf
    from tests.pdfcheck import assert_pdfa

    write = pdf.write_atomic

    def checked(out, data: bytes) -> None:
        write(out, data)
        if data[:5] == b"%PDF-":
            assert_pdfa(data)

    monkeypatch.setattr(pdf, "write_atomic", checked)
    yield


@pytest.fixture
def shared_published() -> Path:
    if not PUBLISHED.is_dir():
        pytest.skip("../shared/fixtures/published is absent (read-only fixtures are not committed)")
    return PUBLISHED


# -------------------------------------------------------------------------------------------------
# the store: SQLite always, PostgreSQL when NIANBAO_TEST_PG_URL is set and reachable


def _pg_url() -> str | None:
    from model.store.db import engine_url

    url = os.environ.get("NIANBAO_TEST_PG_URL")
    return engine_url(url) if url else None  # any driver named goes through the store's (pg8000)


PG_URL = _pg_url()
_PG_SKIP: list[str | None] = []


def _pg_reachable() -> str | None:
    """None when PostgreSQL can be used, else the reason it cannot."""
    import sqlalchemy as sa

    if not PG_URL:
        return "NIANBAO_TEST_PG_URL is not set (.ci/start-postgres.sh sets it)"
    try:
        engine = sa.create_engine(PG_URL, connect_args={"timeout": 3})
        with engine.connect() as conn:
            conn.execute(sa.text("select 1"))
        engine.dispose()
    except Exception as err:
        return f"PostgreSQL at NIANBAO_TEST_PG_URL is not reachable: {err.__class__.__name__}"
    return None


def pg_skip_reason() -> str | None:
    if not _PG_SKIP:
        _PG_SKIP.append(_pg_reachable())
    return _PG_SKIP[0]


def reset_pg() -> None:
    import sqlalchemy as sa

    engine = sa.create_engine(PG_URL)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
        for name in sa.inspect(conn).get_schema_names():  # the copies made before an upgrade
            if name.startswith("nianbao_backup_"):
                conn.execute(sa.text(f'DROP SCHEMA "{name}" CASCADE'))
    engine.dispose()


def pg_required() -> bool:
    """In CI the PostgreSQL tests must run: ``.ci/run`` sets NIANBAO_REQUIRE_PG=1 once the server is up (and
    stops when it cannot be started); CI=true alone asks the same. Then an unreachable server fails the
    tests instead of skipping them, so that a run without PostgreSQL cannot go green."""
    return os.environ.get("NIANBAO_REQUIRE_PG") == "1" or os.environ.get("CI", "").lower() == "true"


@pytest.fixture
def pg_url() -> str:
    """NIANBAO_TEST_PG_URL with an empty schema; the test is skipped when PostgreSQL is not reachable (it
    fails instead when :func:`pg_required`)."""
    reason = pg_skip_reason()
    if reason:
        if pg_required():
            pytest.fail(f"PostgreSQL is required here (NIANBAO_REQUIRE_PG=1 or CI=true) but {reason}")
        pytest.skip(reason)
    reset_pg()
    return PG_URL


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request, tmp_path) -> str:
    """Each test using it runs twice: on a new SQLite file and on an emptied PostgreSQL database."""
    if request.param == "sqlite":
        from model.store import sqlite_url

        return sqlite_url(tmp_path / "数据" / "nianbao.sqlite")
    return request.getfixturevalue("pg_url")


@pytest.fixture
def store(db_url, tmp_path):
    from model.store import Store

    s = Store.open(db_url, archive_root=tmp_path / "归档")
    yield s
    s.close()


@pytest.fixture
def sqlite_store(tmp_path):
    """A store on a new SQLite file only (the windows' tests)."""
    from model.store import Store, sqlite_url

    s = Store.open(sqlite_url(tmp_path / "年报.db"), archive_root=tmp_path / "归档")
    yield s
    s.close()


# -------------------------------------------------------------------------------------------------
# shared by the store's tests (``from conftest import A_KEY, FEE, SAMPLE, needs_rules, sample``)

SAMPLE = FIXTURES / "store_sample_2024.nianbao.json"


def _form_keys() -> tuple[str, str]:
    from model.form import FORM_2021

    first_row = FORM_2021.table["t3"].rows[0].key
    fee = next(c.key for c in FORM_2021.cells.values() if c.kind.value == "amount")
    return f"t3.{first_row}.natural_person", fee


#: a table-3 cell of the first row, and the one amount cell (信息处理费)
A_KEY, FEE = _form_keys()


def sample():  # a model.report.Report
    """The store's sample report (a fresh copy each time)."""
    from model.report import Report

    return Report.from_json(SAMPLE.read_text(encoding="utf-8"))


def needs_rules():
    return pytest.importorskip("model.rules", reason="model.rules (the checks) is not in this tree yet")


# -------------------------------------------------------------------------------------------------
# the windows' tests


@pytest.fixture
def settings(tmp_path):
    """The window's settings in an .ini file of the test's own (never the user's)."""
    from PySide6.QtCore import QSettings

    from gui.settings import Settings

    return Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))


@pytest.fixture
def doc(qapp, sqlite_store):
    """A ReportDocument over a new report of 2024 in a SQLite store."""
    from gui.document import ReportDocument

    info = sqlite_store.new_year("宝鸡市渭滨区人民政府办公室", 2024)
    d = ReportDocument(sqlite_store, info.id)
    yield d
    d.flush()


# -------------------------------------------------------------------------------------------------
# the command line, in process (``from conftest import run_cli``)


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    """``main.py ARGV`` in this process: (exit code, stdout, stderr)."""
    from cli.main import main

    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def cli_db(tmp_path, monkeypatch) -> str:
    """A SQLite address for ``--db`` in a folder of its own (``--db`` in a folder that does not exist is refused
    without ``--create``); the archive beside it; no NIANBAO_DB from the environment."""
    from model.store import sqlite_url

    monkeypatch.setenv("NIANBAO_ARCHIVE", str(tmp_path / "归档"))
    monkeypatch.delenv("NIANBAO_DB", raising=False)
    (tmp_path / "库").mkdir()
    return sqlite_url(tmp_path / "库" / "nianbao.sqlite")
