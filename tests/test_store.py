"""The store: reports by cell key, history and restore, optimistic locking, new year, finalising and the
archive, migrations — on SQLite and, when NIANBAO_TEST_PG_URL is set and reachable, on PostgreSQL."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from conftest import A_KEY, FEE, SAMPLE, needs_rules, sample

from model.form import ALL_CELL_KEYS, FORM_2021
from model.report import Report
from model.store import (
    ConflictError,
    CorruptError,
    FrozenError,
    NewerDatabaseError,
    NotFinalizableError,
    Store,
    StoreError,
    default_db_url,
    edits,
    sqlite_url,
)
from model.store.db import alembic_config, head_revision
from model.store.wording import describe

FIXTURES = Path(__file__).resolve().parent / "fixtures"

T3 = FORM_2021.table["t3"]
FIRST_ROW, CARRIED_IN, LAST_ROW = T3.rows[0].key, T3.rows[1].key, T3.rows[-1].key
assert A_KEY == f"t3.{FIRST_ROW}.natural_person"
__all__ = ["A_KEY", "FEE", "SAMPLE", "needs_rules", "sample"]  # other test modules import these from here too


# -------------------------------------------------------------------------------------------------
# reports


def test_save_and_load_round_trip(store):
    r = sample()
    r.cells[FEE] = Decimal("0.3512")
    r.cells["t2.rules.issued"] = "/"
    r.cells[A_KEY] = None
    info = store.save_report(r)
    assert (info.organ, info.year, info.status, info.version, info.template) == (
        r.agency,
        2024,
        "draft",
        1,
        "2021",
    )
    loaded, info2 = store.load(info.id)
    assert info2 == info
    assert loaded.to_exchange() == r.to_exchange()
    assert loaded.cells[FEE] == Decimal("0.3512") and isinstance(loaded.cells[FEE], Decimal)
    assert loaded.cells["t2.rules.issued"] == "/"
    assert loaded.cells[A_KEY] is None
    assert [e.text for e in loaded.explanations] == ["样例说明"]


def test_cells_are_stored_generically_by_key(store):
    info = store.save_report(sample())
    with store.engine.connect() as conn:
        keys = {
            k for (k,) in conn.execute(sa.text("select key from cells where report_id = :r"), {"r": info.id})
        }
        tables = set(sa.inspect(conn).get_table_names())
    assert keys <= set(ALL_CELL_KEYS) and len(keys) == len(FORM_2021.cell_keys)
    assert not any(t.startswith(("t2", "t3", "t4")) for t in tables)


def test_organs_listing_and_find(store):
    district = store.ensure_organ("示范区人民政府", code="110101")
    unit = store.ensure_organ("示范区教育局", parent="示范区人民政府")
    assert unit.parent_id == district.id
    assert store.ensure_organ("示范区教育局").id == unit.id
    assert {o.name for o in store.organs()} == {"示范区人民政府", "示范区教育局"}
    assert next(o for o in store.organs() if o.name == "示范区人民政府").code == "110101"
    with pytest.raises(StoreError, match="不能为空"):
        store.ensure_organ("  ")
    a = store.save_report(sample(), organ="示范区教育局", year=2023)
    b = store.save_report(sample(), organ="示范区人民政府")
    assert [(i.organ, i.year) for i in store.reports()] == [("示范区人民政府", 2024), ("示范区教育局", 2023)]
    assert [i.id for i in store.reports("示范区教育局")] == [a.id]
    assert store.find("示范区人民政府", 2024).id == b.id
    assert store.find("示范区人民政府", 2023) is None
    loaded, _ = store.load(a.id)
    assert loaded.year == 2023


def test_save_needs_organ_and_year(store):
    r = sample()
    r.agency, r.year = "", None
    with pytest.raises(StoreError, match="机关"):
        store.save_report(r)
    with pytest.raises(StoreError, match="年度"):
        store.save_report(r, organ="某局")
    assert store.reports() == []


def test_edits_bump_the_version_and_validate(store):
    info = store.save_report(sample())
    v = store.set_cell(info.id, A_KEY, 21)
    assert v == 2
    assert store.set_cell(info.id, A_KEY, "21") == 2  # no change, no new version
    v = store.set_cell(info.id, FEE, "１.５")  # typed input is parsed
    assert store.load(info.id)[0].cells[FEE] == Decimal("1.5")
    with pytest.raises(StoreError, match="没有这个单元格"):
        store.set_cell(info.id, "t9.nothing", 1)
    with pytest.raises(StoreError, match="不是数字"):
        store.set_cell(info.id, A_KEY, "abc")
    with pytest.raises(StoreError, match="找不到"):
        store.set_cell(99999, A_KEY, 1)
    v = store.set_text(info.id, "problems", "新的问题", expected_version=v)
    v = store.set_meta(info.id, title="新标题", date="2025-02-01", expected_version=v)
    with pytest.raises(StoreError, match="YYYY-MM-DD"):
        store.set_meta(info.id, date="2025年")
    v = store.explain(info.id, "t3.some_rule", ["t3.new.total"], "", expected_version=v)
    v = store.explain(info.id, "r2", ["b", "a"], "说明二", expected_version=v)
    report, info2 = store.load(info.id)
    assert info2.version == v == 7
    assert report.text["problems"] == "新的问题" and report.title == "新标题" and report.date == "2025-02-01"
    assert [(e.rule, sorted(e.cells), e.text) for e in report.explanations] == [("r2", ["a", "b"], "说明二")]
    assert info2.updated_at >= info.updated_at


def test_set_cells_is_one_transaction(store, monkeypatch):
    info = store.save_report(sample())
    before = store.load(info.id)[0].cells
    keys = [f"t3.{FIRST_ROW}.{c.key}" for c in T3.columns][:3]
    real = edits.apply
    calls = []

    def failing(conn, rid, change):
        calls.append(change.key)
        if len(calls) == 2:
            raise sa.exc.OperationalError("insert", {}, Exception("simulated failure"))
        return real(conn, rid, change)

    monkeypatch.setattr(edits, "apply", failing)
    with pytest.raises(StoreError):
        store.set_cells(info.id, {k: 777 for k in keys})
    monkeypatch.setattr(edits, "apply", real)
    report, info2 = store.load(info.id)
    assert report.cells == before and info2.version == info.version
    assert store.history(info.id)[-1].what == "create"
    # and a value that is no value refuses the whole paste before anything is written
    with pytest.raises(StoreError):
        store.set_cells(info.id, {keys[0]: 5, keys[1]: "x"})
    assert store.load(info.id)[0].cells == before


def test_stale_write_is_a_conflict(db_url, tmp_path):
    a = Store.open(db_url, archive_root=tmp_path / "a")
    b = Store.open(db_url, archive_root=tmp_path / "a")
    try:
        info = a.save_report(sample())
        seen_a = a.load(info.id)[1].version
        seen_b = b.load(info.id)[1].version
        a.set_cell(info.id, A_KEY, 100, expected_version=seen_a)
        with pytest.raises(ConflictError) as err:
            b.set_cell(info.id, A_KEY, 200, expected_version=seen_b)
        assert "其他" in str(err.value) and err.value.current_version == seen_a + 1
        assert b.load(info.id)[0].cells[A_KEY] == 100
    finally:
        a.close()
        b.close()


def test_no_update_is_lost_between_two_writers(db_url, tmp_path):
    """Two windows increment one cell with read–modify–write under the version check: every increment counts."""
    setup = Store.open(db_url, archive_root=tmp_path / "a")
    rid = setup.save_report(sample()).id
    setup.set_cell(rid, A_KEY, 0)
    setup.close()
    conflicts = []

    def window():
        s = Store.open(db_url, archive_root=tmp_path / "a")
        try:
            for _ in range(15):
                while True:
                    report, info = s.load(rid)
                    try:
                        s.set_cell(rid, A_KEY, report.cells[A_KEY] + 1, expected_version=info.version)
                        break
                    except ConflictError:
                        conflicts.append(1)
        finally:
            s.close()

    threads = [threading.Thread(target=window) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    s = Store.open(db_url, archive_root=tmp_path / "a")
    try:
        assert s.load(rid)[0].cells[A_KEY] == 30
    finally:
        s.close()


# -------------------------------------------------------------------------------------------------
# history and restore


def test_history_records_every_change_and_restore_brings_back(store):
    r = sample()
    info = store.save_report(r)
    v2 = store.set_cells(info.id, {A_KEY: 99, FEE: Decimal("2.5")})
    store.set_text(info.id, "overview", "改写后的总体情况")
    store.set_meta(info.id, title=None)
    store.explain(info.id, "t3.some_rule", ["t3.new.total"], "改过的说明")
    hist = store.history(info.id)
    assert [h.what for h in hist] == ["create", "cell", "cell", "text", "meta", "explanation"]
    cell = next(h for h in hist if h.key == FEE)
    assert (cell.old, cell.new, cell.version) == ("0.35", "2.5", v2)
    assert "行政事业性收费" in describe(cell) and "0.35 → 2.5" in describe(cell)
    assert all(h.at.tzinfo is not None for h in hist)

    v = store.restore(info.id, 1)
    back, now_info = store.load(info.id)
    assert back.to_exchange() == r.to_exchange()
    assert now_info.version == v == 6
    assert store.history(info.id)[-1].what == "restore"
    # the restore itself can be undone: back to the state at version 5
    store.restore(info.id, 5)
    again = store.load(info.id)[0]
    assert again.cells[A_KEY] == 99 and again.text["overview"] == "改写后的总体情况" and again.title is None
    assert again.explanations[0].text == "改过的说明"
    with pytest.raises(StoreError, match="没有第"):
        store.restore(info.id, 99)


def test_replacing_a_draft_records_each_change(store):
    info = store.save_report(sample())
    r = sample()
    r.cells[A_KEY] = 5
    r.text["other"] = "无"
    info2 = store.save_report(r)
    assert info2.id == info.id and info2.version == 2
    changes = [h for h in store.history(info.id) if h.version == 2]
    assert {(h.what, h.key) for h in changes} == {("cell", A_KEY), ("text", "other")}
    store.restore(info.id, 1)
    assert store.load(info.id)[0].to_exchange() == sample().to_exchange()


# -------------------------------------------------------------------------------------------------
# new year


def test_new_year_starts_from_last_year(store):
    last = sample()
    last_info = store.save_report(last)
    info = store.new_year(last.agency, 2025, copy_prose=True)
    report, info = store.load(info.id)
    assert (info.year, info.status, info.version) == (2025, "draft", 1)
    for c in T3.columns:
        assert report.cells[f"t3.{CARRIED_IN}.{c.key}"] == last.cells[f"t3.{LAST_ROW}.{c.key}"]
    assert report.cells[f"t3.{CARRIED_IN}.natural_person"] == 4
    assert report.cells[A_KEY] is None
    assert report.text == last.text
    prev = store.previous_report(info.id)
    assert prev is not None and prev.year == 2024
    assert prev.cells["t2.normative_docs.in_force"] == last.cells["t2.normative_docs.in_force"]
    assert store.previous_report(last_info.id) is None
    with pytest.raises(StoreError, match="已经存在"):
        store.new_year(last.agency, 2025)
    fresh = store.load(store.new_year(last.agency, 2027).id)[0]
    assert all(v is None for v in fresh.cells.values()) and fresh.text["overview"] == ""
    no_prose = store.load(store.new_year("另一个机关", 2025).id)[0]
    assert no_prose.agency == "另一个机关"


def test_new_year_without_prose(store):
    store.save_report(sample())
    report = store.load(store.new_year(sample().agency, 2025).id)[0]
    assert report.text == {"overview": "", "problems": "", "other": ""}


# -------------------------------------------------------------------------------------------------
# finalising and the archive


def _broken() -> Report:
    r = sample()
    r.cells[f"t3.{FIRST_ROW}.total"] = 999  # the row total no longer adds up
    return r


def test_finalize_refuses_a_report_with_errors(store, tmp_path):
    needs_rules()
    info = store.save_report(_broken())
    with pytest.raises(NotFinalizableError) as err:
        store.finalize(info.id)
    assert "错误" in str(err.value) and "不能定稿" in str(err.value)
    assert err.value.findings
    assert store.info(info.id).status == "draft"
    assert not (tmp_path / "归档").exists() or not any((tmp_path / "归档").rglob("*.json"))


def test_finalize_freezes_and_archives(store, tmp_path):
    needs_rules()
    info = store.save_report(sample())
    folder = store.finalize(info.id)
    assert folder.is_dir() and folder.parent.name == "2024" and folder.name == "第1版"
    assert folder.is_relative_to(tmp_path / "归档")
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    (name,) = manifest["files"]
    data = (folder / name).read_bytes()
    assert manifest["files"][name]["sha256"] == hashlib.sha256(data).hexdigest()
    archived = Report.from_json(data.decode("utf-8"))
    assert (
        archived.revision == store.info(info.id).version
    )  # the version it is an edit of (exchange-format.md)
    archived.revision = None
    assert archived.to_exchange() == sample().to_exchange()
    final = store.info(info.id)
    assert final.is_final and final.archive_dir == str(folder) and final.finalized_at is not None

    for edit in (
        lambda: store.set_cell(info.id, A_KEY, 1),
        lambda: store.set_text(info.id, "overview", "x"),
        lambda: store.set_meta(info.id, title="x"),
        lambda: store.explain(info.id, "r", ["a"], "x"),
        lambda: store.restore(info.id, 1),
        lambda: store.save_report(sample()),
        lambda: store.finalize(info.id),
        lambda: store.delete_report(info.id),
    ):
        with pytest.raises(FrozenError, match="定稿"):
            edit()
    assert store.load(info.id)[0].to_exchange() == sample().to_exchange()
    assert store.archive_verify() == []

    # a new revision on purpose
    v = store.reopen(info.id)
    reopened = store.info(info.id)
    assert (reopened.status, reopened.revision_no, reopened.version) == ("draft", 2, v)
    store.set_text(info.id, "other", "更正了一处笔误。")
    folder2 = store.finalize(info.id)
    assert folder2.name == "第2版" and folder.is_dir()
    assert store.archive_verify() == []
    with pytest.raises(StoreError, match="只有已定稿"):
        store.reopen(store.new_year(sample().agency, 2025).id)


def test_archive_files_and_verify(store, tmp_path):
    needs_rules()
    info = store.save_report(sample())
    with pytest.raises(StoreError, match="尚未定稿"):
        store.archive_files(info.id, {"年度报告.pdf": tmp_path / "x.pdf"})
    folder = store.finalize(info.id)
    pdf = tmp_path / "输出.pdf"
    pdf.write_bytes(b"%PDF-1.7 fake")
    signed = tmp_path / "signed.pdf"
    signed.write_bytes(b"%PDF-1.7 signed")
    assert store.archive_files(info.id, {"年度报告.pdf": pdf, "年度报告（已签章）.pdf": signed}) == folder
    files = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["files"]
    assert set(files) == {"年度报告.nianbao.json", "年度报告.pdf", "年度报告（已签章）.pdf"}
    assert store.archive_verify() == []
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]

    for bad in ("../x.pdf", "manifest.json", "a/b.pdf", ".hidden"):
        with pytest.raises(StoreError, match="无效"):
            store.archive_files(info.id, {bad: pdf})
    with pytest.raises(StoreError, match="不存在"):
        store.archive_files(info.id, {"x.pdf": tmp_path / "missing.pdf"})

    (folder / "年度报告.pdf").write_bytes(b"%PDF-1.7 changed")
    (folder / "年度报告（已签章）.pdf").unlink()
    (folder / "多余.txt").write_text("x", encoding="utf-8")
    problems = store.archive_verify()
    assert any("已被改动" in p and "年度报告.pdf" in p for p in problems)
    assert any("缺少文件" in p and "已签章" in p for p in problems)
    assert any("清单中没有" in p and "多余.txt" in p for p in problems)
    assert len(problems) == 3
    (folder / "manifest.json").unlink()
    assert [p for p in store.archive_verify() if "已定稿，但归档文件夹缺失" in p and str(folder) in p]


def test_unit_sums_sum_every_cell_in_sql(store):
    for i, organ in enumerate(["甲局", "乙局", "丙局"]):
        r = sample()
        r.cells[A_KEY] = i + 1
        r.cells[FEE] = Decimal("0.0001") * (i + 1)
        r.cells["t2.rules.issued"] = "/"
        store.ensure_organ(organ, parent="上级")
        store.save_report(r, organ=organ)
    store.ensure_organ("丁局", parent="上级")
    store.save_report(sample(), organ="丁局", year=2023)  # another year: not summed
    store.save_report(sample(), organ="上级")  # the parent's own report: not summed
    sums = store.unit_sums("上级", 2024)
    by_key = {c.key: c for c in sums.cells}
    assert sums.reporting == sorted(["甲局", "乙局", "丙局"])
    assert float(by_key[A_KEY].total) == 6 and by_key[A_KEY].numbers == 3 and by_key[A_KEY].slashes == 0
    assert round(float(by_key[FEE].total), 4) == 0.0006
    issued = by_key["t2.rules.issued"]
    assert issued.total is None and issued.numbers == 0 and issued.slashes == 3
    assert store.units_of("上级") == sorted(["甲局", "乙局", "丙局", "丁局"]) and store.parents() == ["上级"]
    with pytest.raises(StoreError, match="没有机关"):
        store.unit_sums("没有的机关", 2024)


def test_delete_draft(store):
    info = store.save_report(sample())
    store.delete_report(info.id)
    assert store.reports() == []
    with pytest.raises(StoreError, match="找不到"):
        store.load(info.id)


# -------------------------------------------------------------------------------------------------
# where the database lives


def test_default_db_url(monkeypatch, tmp_path):
    monkeypatch.delenv("NIANBAO_DATA_DIR", raising=False)
    monkeypatch.setenv("NIANBAO_DB", "postgresql+psycopg://u@h/db")
    assert default_db_url() == "postgresql+psycopg://u@h/db"
    monkeypatch.delenv("NIANBAO_DB")
    monkeypatch.setattr("sys.platform", "linux")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert default_db_url() == sqlite_url(tmp_path / "xdg" / "Nianbao" / "nianbao.sqlite")
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_db_url().endswith("home/.local/share/Nianbao/nianbao.sqlite")
    monkeypatch.setattr("sys.platform", "win32")
    monkeypatch.setenv("APPDATA", str(tmp_path / "Roaming"))
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "Local"))  # the local, not the roaming, folder
    assert default_db_url() == sqlite_url(tmp_path / "Local" / "Nianbao" / "nianbao.sqlite")


def test_default_store_opens_in_the_user_data_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("NIANBAO_DB", raising=False)
    monkeypatch.delenv("NIANBAO_ARCHIVE", raising=False)
    monkeypatch.setattr("model.store.paths.app_data_dir", lambda: tmp_path / "用户" / "Nianbao" / "Nianbao")
    with Store.open() as s:
        assert s.path == tmp_path / "用户" / "Nianbao" / "Nianbao" / "nianbao.sqlite"
        assert s.archive_root == s.path.parent / "归档"
        with sqlite3.connect(str(s.path)) as con:
            assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_sqlite_connections_have_foreign_keys_and_wal(tmp_path):
    with Store.open(sqlite_url(tmp_path / "a.sqlite")) as s, s.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL


# -------------------------------------------------------------------------------------------------
# migrations


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_fresh_database_is_at_head(store):
    with store.engine.connect() as conn:
        assert conn.execute(sa.text("select version_num from alembic_version")).scalar() == head_revision()
    assert store.upgrade_backup is None


def test_migrations_do_not_look_for_alembic_ini_in_the_working_directory(tmp_path, monkeypatch):
    (tmp_path / "alembic.ini").write_text("[alembic]\nscript_location = /nonexistent\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    with Store.open(sqlite_url(tmp_path / "a.sqlite")) as s:
        assert s.reports() == []
    assert alembic_config().get_main_option("script_location").endswith("migrations")


def _seed_revision_0001(conn) -> None:
    """A database at schema revision 0001 holding one organ, one draft report (version 3) and one cell."""
    from alembic import command

    command.upgrade(alembic_config(conn), "0001")
    conn.execute(sa.text("insert into organs (name) values ('老机关')"))
    conn.execute(
        sa.text(
            "insert into reports (organ_id, year, template, status, agency, created_at, updated_at, version)"
            " values (1, 2022, '2021', 'draft', '老机关', '2023-01-01 00:00:00', '2023-01-01 00:00:00', 3)"
        )
    )
    conn.execute(
        sa.text("insert into cells (report_id, key, value, num) values (1, :k, '7', 7)"), {"k": A_KEY}
    )


def test_older_database_is_upgraded_after_a_backup_copy(tmp_path):

    path = tmp_path / "旧.sqlite"
    engine = sa.create_engine(sqlite_url(path))
    with engine.begin() as conn:
        _seed_revision_0001(conn)
    engine.dispose()
    with Store.open(sqlite_url(path), archive_root=tmp_path / "归档") as s:
        assert (
            s.upgrade_backup is not None and s.upgrade_backup.exists() and s.upgrade_backup.parent == tmp_path
        )
        report, info = s.load(1)
        assert report.cells[A_KEY] == 7 and info.version == 3 and info.revision_no == 1
        assert s.set_cell(1, A_KEY, 8) == 4
    with sqlite3.connect(str(s.upgrade_backup)) as con:
        assert con.execute("select version_num from alembic_version").fetchone()[0] == "0001"
        assert con.execute("select value from cells").fetchone()[0] == "7"
    with Store.open(sqlite_url(path)) as again:  # at head now: no second copy
        assert again.upgrade_backup is None


@pytest.mark.postgres
def test_postgres_older_database_is_upgraded_after_a_copy_into_a_backup_schema(pg_url, tmp_path):

    engine = sa.create_engine(pg_url)
    with engine.begin() as conn:
        _seed_revision_0001(conn)
    with Store.open(pg_url, archive_root=tmp_path / "归档") as s:
        schema = s.upgrade_backup
        assert isinstance(schema, str) and schema.startswith("nianbao_backup_")
        report, info = s.load(1)
        assert report.cells[A_KEY] == 7 and info.version == 3 and info.revision_no == 1
        assert s.set_cell(1, A_KEY, 8) == 4
    with engine.connect() as conn:
        q = f'select version_num from "{schema}".alembic_version'
        assert conn.execute(sa.text(q)).scalar() == "0001"
        assert conn.execute(sa.text(f'select value from "{schema}".cells')).scalar() == "7"
        assert conn.execute(sa.text(f'select name from "{schema}".organs')).scalar() == "老机关"
        cols = {c["name"] for c in sa.inspect(conn).get_columns("reports", schema=schema)}
        assert "revision_no" not in cols  # the tables as they were before the upgrade
        assert conn.execute(sa.text("select version_num from alembic_version")).scalar() == head_revision()
    engine.dispose()
    with Store.open(pg_url, archive_root=tmp_path / "归档") as again:  # at head now: no second copy
        assert again.upgrade_backup is None


def test_newer_database_is_refused_and_untouched(tmp_path):
    path = tmp_path / "新.sqlite"
    with Store.open(sqlite_url(path)) as s:
        s.save_report(sample())
    with sqlite3.connect(str(path)) as con:
        con.execute("update alembic_version set version_num = '9999_from_the_future'")
    before = _digest(path)
    listing = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(NewerDatabaseError, match="较新版本"):
        Store.open(sqlite_url(path))
    assert _digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == listing


def test_a_foreign_sqlite_database_is_refused_untouched(tmp_path):
    path = tmp_path / "别人的.sqlite"
    with sqlite3.connect(str(path)) as con:
        con.execute("create table stuff (x)")
        con.execute("insert into stuff values (1)")
    con.close()
    before = _digest(path)
    with pytest.raises(CorruptError, match="不是本程序的数据库"):
        Store.open(sqlite_url(path))
    assert _digest(path) == before


@pytest.mark.postgres
def test_postgres_newer_database_refused(pg_url):
    with Store.open(pg_url) as s:
        s.save_report(sample())
    engine = sa.create_engine(pg_url)
    with engine.begin() as conn:
        conn.execute(sa.text("update alembic_version set version_num = '9999_future'"))
    engine.dispose()
    with pytest.raises(NewerDatabaseError, match="较新版本"):
        Store.open(pg_url)
    engine = sa.create_engine(pg_url)
    with engine.connect() as conn:
        assert conn.execute(sa.text("select version_num from alembic_version")).scalar() == "9999_future"
    engine.dispose()


def test_bad_urls_give_a_clear_message(tmp_path):
    with pytest.raises(StoreError, match="数据库地址无效"):
        Store.open("nonsense://x")
    with pytest.raises(StoreError, match="文件夹"):
        Store.open(sqlite_url(tmp_path))
    with pytest.raises(StoreError, match="无法连接|数据库"):
        Store.open("postgresql+psycopg://nobody:x@127.0.0.1:1/none")


def test_head_constant_matches_the_migrations():
    from model.store.db import HEAD

    assert HEAD == head_revision()
