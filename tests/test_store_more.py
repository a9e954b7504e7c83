"""The store after the audit: years out of range, unique-constraint races with a clear message, finalising
what the clerk saw (expected_version), a broken pipe on the command line, the mode of written files."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from conftest import A_KEY, needs_rules, sample

from cli.main import main
from model import files
from model.store import ConflictError, Store, StoreError, sqlite_url
from model.store.db import translate

ROOT = Path(__file__).resolve().parents[1]


# -------------------------------------------------------------------------------------------------
# years


@pytest.mark.parametrize("year", [-5, 0, 1999, 2101, 99999])
def test_a_year_out_of_range_is_refused(store, year):
    with pytest.raises(StoreError, match=f"年度 {year} 不对：应在 2000 至 2100 年之间"):
        store.save_report(sample(), year=year)
    with pytest.raises(StoreError, match="应在 2000 至 2100 年之间"):
        store.new_year("某机关", year)
    assert store.reports() == [] and store.organs() == []


def test_the_edge_years_are_accepted(store):
    assert store.save_report(sample(), year=2000).year == 2000
    assert store.new_year(sample().agency, 2100).year == 2100


def test_store_save_with_a_negative_year_on_the_command_line(tmp_path, capsys):
    db = sqlite_url(tmp_path / "db.sqlite")
    code = main(
        [
            "--db",
            db,
            "store",
            "save",
            str(Path(__file__).parent / "fixtures" / "store_sample_2024.nianbao.json"),
            "--year",
            "-5",
        ]
    )
    _, err = capsys.readouterr()
    assert code == 2 and "年度 -5 不对" in err and "Traceback" not in err
    with Store.open(db) as s:
        assert s.reports() == []


# -------------------------------------------------------------------------------------------------
# unique constraints: a clear message, not the driver's text


def test_a_unique_violation_is_translated(store):
    store.ensure_organ("甲机关")
    with pytest.raises(sa.exc.IntegrityError) as caught, store.engine.begin() as conn:
        conn.execute(sa.text("insert into organs (name) values ('甲机关')"))
    err = translate(caught.value)
    assert str(err).startswith("同名机关已经存在") and "数据库错误" not in str(err)
    info = store.save_report(sample(), organ="甲机关")
    with pytest.raises(sa.exc.IntegrityError) as caught, store.engine.begin() as conn:
        conn.execute(
            sa.text(
                "insert into reports (organ_id, year, template, status, agency, created_at, updated_at, version,"
                " revision_no) values (:o, 2024, '2021', 'draft', '', :t, :t, 1, 1)"
            ),
            {"o": info.organ_id, "t": info.created_at.replace(tzinfo=None)},
        )
    assert str(translate(caught.value)).startswith("该机关该年度的报告已经存在")


def _race(pg_url: str, statement: str, params: dict, action) -> BaseException | None:
    """Hold ``statement`` uncommitted in another connection while ``action()`` runs into the same unique
    key, then commit: ``action`` meets the unique violation (PostgreSQL waits for the other transaction)."""
    engine = sa.create_engine(pg_url)
    caught: list[BaseException | None] = [None]

    def run() -> None:
        try:
            action()
        except BaseException as err:
            caught[0] = err

    with engine.connect() as conn:
        conn.execute(sa.text(statement), params)
        t = threading.Thread(target=run)
        t.start()
        time.sleep(0.5)
        assert t.is_alive(), "the writer did not wait for the other transaction"
        conn.commit()
        t.join(10)
    engine.dispose()
    return caught[0]


@pytest.mark.postgres
def test_postgres_race_on_organ_and_year_gives_a_clear_message(pg_url, tmp_path):
    with Store.open(pg_url, archive_root=tmp_path / "归档") as s:
        err = _race(
            pg_url, "insert into organs (name) values ('乙机关')", {}, lambda: s.ensure_organ("乙机关")
        )
        assert isinstance(err, StoreError) and str(err).startswith("同名机关已经存在"), err
        organ = s.ensure_organ("乙机关")
        err = _race(
            pg_url,
            "insert into reports (organ_id, year, template, status, agency, created_at, updated_at, version,"
            " revision_no) values (:o, 2024, '2021', 'draft', '', now(), now(), 1, 1)",
            {"o": organ.id},
            lambda: s.save_report(sample(), organ="乙机关", year=2024),
        )
        assert isinstance(err, StoreError) and str(err).startswith("该机关该年度的报告已经存在"), err
        assert "数据库错误" not in str(err)


# -------------------------------------------------------------------------------------------------
# finalising what the clerk saw


def test_finalize_with_a_stale_version_is_a_conflict(store, tmp_path):
    needs_rules()
    info = store.save_report(sample())
    seen = info.version
    store.set_cell(info.id, A_KEY, store.load(info.id)[0].cells.get(A_KEY))  # no change: same version
    assert store.info(info.id).version == seen
    store.set_meta(info.id, title="另一个窗口改了标题")
    with pytest.raises(ConflictError, match="没有定稿") as caught:
        store.finalize(info.id, archive_root=tmp_path / "归档", expected_version=seen)
    assert caught.value.current_version == seen + 1
    assert not store.info(info.id).is_final and not (tmp_path / "归档").exists()
    folder = store.finalize(info.id, archive_root=tmp_path / "归档", expected_version=seen + 1)
    assert folder.is_dir() and store.info(info.id).is_final


# -------------------------------------------------------------------------------------------------
# the command line into a closed pipe


@pytest.mark.skipif(sys.platform == "win32", reason="a POSIX pipe closed by its reader")
def test_a_closed_pipe_is_quiet(tmp_path):
    db = sqlite_url(tmp_path / "db.sqlite")
    report = sample()
    for key in report.text:  # far more than a pipe holds, each section under the prose cap
        report.text[key] = "本机关全年依法办理政府信息公开申请。" * 2500
    with Store.open(db) as s:
        s.save_report(report)
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), "--db", db, "store", "show", sample().agency, "2024"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=str(ROOT),
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    proc.stdout.read(10)
    proc.stdout.close()  # the reader goes away (``| head -c 10``)
    err = proc.stderr.read().decode("utf-8", "replace")
    proc.stderr.close()
    code = proc.wait(60)
    assert (
        code in (0, 141) and "程序内部出错" not in err and "Traceback" not in err and "Broken" not in err
    ), err


def test_broken_pipe_in_a_command_exits_quietly(monkeypatch, capsys):
    import cli.main as cli

    def broken(_args):
        raise BrokenPipeError(32, "Broken pipe")

    class Parser:
        def parse_args(self, argv):
            import argparse

            return argparse.Namespace(command="store", func=broken)

    monkeypatch.setattr(cli, "build_parser", lambda command=None: Parser())
    monkeypatch.setattr(os, "dup2", lambda *a: None)  # keep pytest's stdout
    code = cli.main(["store", "list"])
    assert code == (141 if os.name == "posix" else 0)
    assert "程序内部出错" not in capsys.readouterr().err


# -------------------------------------------------------------------------------------------------
# files written get the ordinary mode


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_written_files_get_the_ordinary_mode(tmp_path):
    old = os.umask(0o027)
    try:
        target = tmp_path / "报告.json"
        files.atomic_write_bytes(target, b"{}")
        assert target.stat().st_mode & 0o777 == 0o640
    finally:
        os.umask(old)
    old = os.umask(0o022)
    try:
        files.atomic_write_bytes(target, b"{}")
        assert target.stat().st_mode & 0o777 == 0o644
    finally:
        os.umask(old)


# -------------------------------------------------------------------------------------------------
# the archive on a shared server: each computer keeps its own


def test_archive_of_another_computer_is_not_missing(store, tmp_path, monkeypatch, capsys):
    needs_rules()
    import shutil

    from model.store import archive as archive_mod

    monkeypatch.setattr(archive_mod, "this_host", lambda: "电脑甲")
    info = store.save_report(sample())
    folder = store.finalize(info.id, archive_root=tmp_path / "甲的归档")
    assert store.info(info.id).archive_host == "电脑甲"
    assert store.archive_check() == ([], [])
    # computer B: the same database, its own (empty) archive folder
    shutil.rmtree(tmp_path / "甲的归档")
    monkeypatch.setattr(archive_mod, "this_host", lambda: "电脑乙")
    problems, elsewhere = store.archive_check()
    assert problems == [] and store.archive_verify() == []
    assert elsewhere == [f"{sample().agency} 2024 年度的归档在另一台电脑（电脑甲）上：{folder}"]
    # back on A, the folder gone: missing
    monkeypatch.setattr(archive_mod, "this_host", lambda: "电脑甲")
    problems, elsewhere = store.archive_check()
    assert elsewhere == [] and len(problems) == 1 and "已定稿，但归档文件夹缺失" in problems[0]


def test_archive_verify_command_names_the_other_computer(tmp_path, monkeypatch, capsys):
    needs_rules()
    from model.store import archive as archive_mod

    db = sqlite_url(tmp_path / "db.sqlite")
    monkeypatch.setenv("NIANBAO_ARCHIVE", str(tmp_path / "归档"))
    monkeypatch.setattr(archive_mod, "this_host", lambda: "OFFICE-PC")
    with Store.open(db) as s:
        s.finalize(s.save_report(sample()).id)
    monkeypatch.setenv("NIANBAO_ARCHIVE", str(tmp_path / "另一台的归档"))
    monkeypatch.setattr(archive_mod, "this_host", lambda: "LAPTOP")
    assert main(["--db", db, "archive", "verify"]) == 0
    out = capsys.readouterr().out
    assert "在另一台电脑（OFFICE-PC）上" in out and "缺失" not in out


def test_upgrade_from_0002_adds_the_archive_host(db_url, tmp_path):
    from alembic import command

    from model.store.db import alembic_config, head_revision, sqlite_path

    if sqlite_path(db_url):
        sqlite_path(db_url).parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(db_url)
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "0002")
        conn.execute(sa.text("insert into organs (name) values ('老机关')"))
        conn.execute(
            sa.text(
                "insert into reports (organ_id, year, template, status, agency, created_at, updated_at, version,"
                " revision_no, finalized_at, archive_dir) values (1, 2022, '2021', 'final', '老机关',"
                " '2023-01-01 00:00:00', '2023-01-01 00:00:00', 4, 1, '2023-01-02 00:00:00', '老机关/2022/第1版')"
            )
        )
    engine.dispose()
    with Store.open(db_url, archive_root=tmp_path / "归档") as s:
        assert s.upgrade_backup is not None
        info = s.info(1)
        assert info.is_final and info.version == 4 and info.archive_host is None
        with s.engine.connect() as conn:
            assert (
                conn.execute(sa.text("select version_num from alembic_version")).scalar() == head_revision()
            )
            cols = {c["name"] for c in sa.inspect(conn).get_columns("reports")}
        assert {"archive_host", "archive_root"} <= cols
        # a final from before the host was recorded, its folder absent: missing, as before
        problems, elsewhere = s.archive_check()
        assert elsewhere == [] and len(problems) == 1 and "归档文件夹缺失" in problems[0]


# -------------------------------------------------------------------------------------------------
# which database: --db, NIANBAO_DB, the window's saved choice, the default file


def test_the_database_is_chosen_in_order(monkeypatch, tmp_path):
    from model.store import default_db_url, remember_db_url, remembered_db_url
    from model.store import paths as paths_mod

    home = tmp_path / "用户数据"
    monkeypatch.setattr(paths_mod, "app_data_dir", lambda: home)
    monkeypatch.delenv("NIANBAO_DB", raising=False)
    default = sqlite_url(home / "nianbao.sqlite")
    assert remembered_db_url() is None and default_db_url() == default
    chosen = sqlite_url(tmp_path / "共享" / "科室.sqlite")
    remember_db_url(chosen)
    assert remembered_db_url() == chosen and default_db_url() == chosen
    assert [p.name for p in home.iterdir()] == ["database.json"]  # written by rename, nothing left over
    if os.name == "posix":
        assert (home / "database.json").stat().st_mode & 0o777 == 0o600
    monkeypatch.setenv("NIANBAO_DB", "postgresql+psycopg://u@h/env")
    assert default_db_url() == "postgresql+psycopg://u@h/env"
    assert default_db_url("sqlite:///命令行.sqlite") == "sqlite:///命令行.sqlite"
    monkeypatch.delenv("NIANBAO_DB")
    assert default_db_url("sqlite:///命令行.sqlite") == "sqlite:///命令行.sqlite"
    remember_db_url(None)
    assert remembered_db_url() is None and default_db_url() == default
    remember_db_url(None)  # forgetting twice is fine
    (home / "database.json").write_text("{not json", encoding="utf-8")
    assert default_db_url() == default  # an unreadable choice: the default, no error


def test_store_open_and_the_command_line_follow_the_saved_choice(monkeypatch, tmp_path, capsys):
    from model.store import paths as paths_mod
    from model.store import remember_db_url

    monkeypatch.setattr(paths_mod, "app_data_dir", lambda: tmp_path / "用户数据")
    monkeypatch.delenv("NIANBAO_DB", raising=False)
    monkeypatch.delenv("NIANBAO_ARCHIVE", raising=False)
    remember_db_url(sqlite_url(tmp_path / "选的" / "库.sqlite"))
    with Store.open() as s:
        assert s.path == tmp_path / "选的" / "库.sqlite" and s.archive_root == tmp_path / "选的" / "归档"
        s.save_report(sample())
    assert main(["store", "list"]) == 0
    assert capsys.readouterr().out.startswith(sample().agency)
    assert main(["--db", sqlite_url(tmp_path / "另一个.sqlite"), "store", "list"]) == 0
    assert "还没有报告" in capsys.readouterr().out


# -------------------------------------------------------------------------------------------------
# CI cannot go green without PostgreSQL


@pytest.mark.slow
@pytest.mark.parametrize(
    ("require", "outcome"),
    [({"NIANBAO_REQUIRE_PG": "1"}, "1 error"), ({"CI": "true"}, "1 error"), ({}, "1 skipped")],
)
def test_postgres_tests_fail_rather_than_skip_when_required(require, outcome):
    env = {k: v for k, v in os.environ.items() if k not in ("NIANBAO_REQUIRE_PG", "CI")}
    env.update(require, NIANBAO_TEST_PG_URL="postgresql+psycopg://nobody:x@127.0.0.1:1/none")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "tests/test_store.py::test_postgres_newer_database_refused",
        ],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=str(ROOT),
        env=env,
        timeout=120,
    )
    assert outcome in proc.stdout, proc.stdout[-2000:]
    if require:
        assert proc.returncode == 1 and "PostgreSQL is required here" in proc.stdout
