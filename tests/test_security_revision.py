"""A stale edit never silently undoes another's (issue 10, hole 2): ``store show`` writes the report's
``revision``; ``store save`` (and the window's import) of a file whose revision is older than the stored one is
refused with exit 3, saying who changed what since; ``--force`` (or the clerk's 替换) replaces anyway. Two
writers creating the same report at once: one wins, the other is told."""

from __future__ import annotations

import json
import threading
import time

import pytest
import sqlalchemy as sa
from conftest import run_cli as run
from test_store import A_KEY, SAMPLE, sample

from model.store import ConflictError, Store, sqlite_url
from model.store.changes import who


def _edit(path, key: str, value) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    data["cells"][key] = value
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def test_a_stale_save_is_refused_and_says_who_changed_what(cli_db, capsys, tmp_path):
    organ = sample().agency
    code, out, err = run(capsys, "--db", cli_db, "store", "save", str(SAMPLE))
    assert code == 0 and "替换" not in err
    code, out, _ = run(capsys, "--db", cli_db, "store", "show", organ, "2024")
    assert code == 0 and json.loads(out)["revision"] == 1
    first, second = tmp_path / "甲.json", tmp_path / "乙.json"
    first.write_text(out, encoding="utf-8")
    second.write_text(out, encoding="utf-8")
    _edit(first, A_KEY, 777)
    _edit(second, "t2.rules.issued", 555)
    code, out, err = run(capsys, "--db", cli_db, "store", "save", str(first))
    assert code == 0, err
    code, out, err = run(capsys, "--db", cli_db, "store", "save", str(second))
    assert code == 3, out + err
    assert "第 1 版" in err and "第 2 版" in err and "--force" in err and "Traceback" not in err
    assert "→ 777" in err and who() in err  # what was changed since, and by whom
    with Store.open(cli_db) as s:
        report, info = s.load(s.find(organ, 2024).id)
        assert report.cells[A_KEY] == 777 and report.cells["t2.rules.issued"] != 555 and info.version == 2
    code, out, err = run(capsys, "--db", cli_db, "store", "save", str(second), "--force")
    assert code == 0, err
    with Store.open(cli_db) as s:
        report, info = s.load(s.find(organ, 2024).id)
        assert report.cells["t2.rules.issued"] == 555 and info.version == 3
        assert all(r.by == who() for r in s.history(info.id))
    # a file of the current version is an edit of it: saved
    code, out, _ = run(capsys, "--db", cli_db, "store", "show", organ, "2024")
    first.write_text(out, encoding="utf-8")
    _edit(first, A_KEY, 1)
    assert run(capsys, "--db", cli_db, "store", "save", str(first))[0] == 0
    # a file without a revision (a published report, a unit's submission) is new content: replaces the draft,
    # and says so (also to the second of two processes creating the same report at once on SQLite)
    code, out, err = run(capsys, "--db", cli_db, "store", "save", str(SAMPLE))
    assert code == 0 and "已用此文件替换" in err


def test_store_save_refuses_a_stale_revision_in_the_api(store):
    info = store.save_report(sample())
    stale = sample()
    stale.revision = info.version
    store.set_cell(info.id, A_KEY, 41)
    with pytest.raises(ConflictError, match="之后已被修改") as caught:
        store.save_report(stale)
    assert [c.what for c in caught.value.changes] == ["cell"]
    assert store.load(info.id)[0].cells[A_KEY] == 41
    store.save_report(stale, force=True)
    assert store.load(info.id)[0].cells[A_KEY] == sample().cells[A_KEY]


def test_the_window_import_of_a_stale_file_asks_and_can_replace(qtbot, sqlite_store, tmp_path, monkeypatch):
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QMessageBox

    from gui.main_window import MainWindow
    from gui.settings import Settings

    info = sqlite_store.save_report(sample())
    shown, _ = sqlite_store.load(info.id)
    shown.revision = info.version
    shown.cells["t2.rules.issued"] = 555
    path = tmp_path / "导出的.nianbao.json"
    path.write_text(shown.to_json(), encoding="utf-8")
    sqlite_store.set_cell(info.id, A_KEY, 41)  # someone else, meanwhile
    w = MainWindow(sqlite_store, Settings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)))
    qtbot.addWidget(w)
    asked: list[str] = []
    yes, no = QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No
    answers = [yes, no, yes, yes]

    def question(parent, title, text, *a, **k):
        asked.append(text)
        return answers.pop(0)

    monkeypatch.setattr(QMessageBox, "question", question)
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: pytest.fail(str(a)))
    assert w.import_path(path) is None  # 替换? yes; stale: 仍要替换? no
    assert "之后已被修改" in asked[1] and "41" in asked[1]
    assert sqlite_store.load(info.id)[0].cells[A_KEY] == 41
    assert w.import_path(path) == info.id  # yes, yes: replaced
    report = sqlite_store.load(info.id)[0]
    assert report.cells["t2.rules.issued"] == 555 and report.cells[A_KEY] == sample().cells[A_KEY]


def test_two_writers_creating_one_report_at_once_one_is_told(pg_url, tmp_path):
    """On a server both see no report and both insert: the second is told (ConflictError, exit 3)."""
    organ = sample().agency
    s = Store.open(pg_url, archive_root=tmp_path / "归档")
    other = sa.create_engine(pg_url)
    try:
        with other.connect() as conn:
            tx = conn.begin()
            oid = conn.execute(
                sa.text("INSERT INTO organs (name) VALUES (:n) RETURNING id"), {"n": organ}
            ).scalar_one()
            conn.execute(
                sa.text(
                    "INSERT INTO reports (organ_id, year, template, status, agency, created_at, updated_at,"
                    " version, revision_no) VALUES (:o, 2024, '2021', 'draft', :n, now(), now(), 1, 1)"
                ),
                {"o": oid, "n": organ},
            )
            outcome: list[BaseException | None] = []

            def save() -> None:
                try:
                    s.save_report(sample())
                    outcome.append(None)
                except BaseException as err:
                    outcome.append(err)

            t = threading.Thread(target=save)
            t.start()
            time.sleep(1.0)  # the second writer waits on the first's uncommitted organ
            tx.commit()
            t.join(30)
        assert len(outcome) == 1 and isinstance(outcome[0], ConflictError), outcome
        assert "已经存在" in str(outcome[0])
    finally:
        other.dispose()
        s.close()


def test_two_processes_saving_one_new_report_at_once_on_sqlite(tmp_path):
    """SQLite serialises the two: one creates the report, the other replaces it and is told so."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    cli_db = sqlite_url(tmp_path / "db.sqlite")
    with Store.open(cli_db):
        pass  # the schema first: the race is about the report, not the database
    env = dict(os.environ, PYTHONPATH=str(root), NIANBAO_ARCHIVE=str(tmp_path / "归档"))
    cmd = [sys.executable, str(root / "main.py"), "--db", cli_db, "store", "save", str(SAMPLE)]
    procs = [
        subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        for _ in "ab"
    ]
    results = [(p.wait(60), p.stderr.read()) for p in procs]
    for p in procs:
        p.stdout.close()
        p.stderr.close()
    assert [code for code, _ in results] == [0, 0], results
    assert sorted("已用此文件替换" in err for _, err in results) == [False, True], results
