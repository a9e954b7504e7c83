"""Start-up (issue 6): the window shows before the store's code (SQLAlchemy) is imported, then the store opens
and last year's report comes back; a database that cannot be opened still ends with a message and status 2.

Each case starts the program in a fresh Python process (what is imported when is the point), with its own
settings (``XDG_CONFIG_HOME``) and store in a temporary folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="QSettings uses the registry on Windows")

_PROGRAM = r"""
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

QMessageBox.critical = staticmethod(lambda parent, title, text, *a, **k: print("CRITICAL", text, flush=True))
import gui.app
from gui.app import make_app, run

_peek_last = gui.app._peek_last


def peek_last(window, url):
    shown = _peek_last(window, url)  # last year's report from the file: on screen before SQLAlchemy loads
    print("PEEKED", int(shown), int("sqlalchemy" in sys.modules), type(window.store).__name__, flush=True)
    if shown:
        doc = window.doc
        print("OPENING", doc.report.agency, int(doc.write_cells({"t2.normative_docs.issued": 7})), flush=True)
    return shown


gui.app._peek_last = peek_last


def window():
    found = [w for w in QApplication.topLevelWidgets() if w.isVisible() and w.inherits("QMainWindow")]
    return found[0] if found else None


def first_turn():
    w = window()
    print("FIRST", int(w is not None), int("sqlalchemy" in sys.modules), flush=True)
    print("DATABASE", int(w.act_database.isEnabled()), flush=True)  # no switching while the first one opens
    poll()


def poll():
    w = window()
    doc = getattr(w, "doc", None) if w is not None else None
    if doc is not None and not getattr(doc.store, "opening", False):
        print("REOPENED", doc.report.agency, int(w.start.new_button.isEnabled()), flush=True)
        print("DATABASE", int(w.act_database.isEnabled()), flush=True)
        ok = doc.write_cells({"t2.normative_docs.issued": 9})  # the store proper has taken over: edits are saved
        print("SAVED", int(ok), doc.store.load(doc.report_id)[0].cells.get("t2.normative_docs.issued"), flush=True)
        heavy = ("reportlab", "pikepdf", "pyhanko", "cryptography", "PIL", "lxml", "docx")
        print("HEAVY", ",".join(m for m in heavy if m in sys.modules) or "-", flush=True)
        QApplication.instance().exit(0)
        return
    QTimer.singleShot(10, poll)


make_app([])
QTimer.singleShot(0, first_turn)
QTimer.singleShot(20000, lambda: QApplication.instance().exit(7))
sys.exit(run(["--db", sys.argv[1]]))
"""


def _start(tmp_path: Path, url: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path / "config"))
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    env["NIANBAO_ARCHIVE"] = str(tmp_path / "归档")
    env["NIANBAO_DATA_DIR"] = str(
        tmp_path / "数据"
    )  # settings.ini, the log: copied from XDG_CONFIG_HOME once
    return subprocess.run(
        [sys.executable, "-c", _PROGRAM, url],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )


def test_window_first_then_store_then_last_report(tmp_path):
    from model.sample import sample_report
    from model.store import Store, sqlite_url

    url = sqlite_url(tmp_path / "年报.sqlite")
    store = Store.open(url, archive_root=tmp_path / "归档")
    try:
        info = store.save_report(sample_report())
    finally:
        store.close()
    conf = tmp_path / "config" / "nianbao"
    conf.mkdir(parents=True)
    (conf / "nianbao.conf").write_text(f"[General]\nversion=1\nlast_report={info.id}\n", encoding="utf-8")

    proc = _start(tmp_path, url)
    lines = proc.stdout.splitlines()
    assert proc.returncode == 0, proc.stderr[-2000:]
    agency = sample_report().agency
    assert lines.index("FIRST 1 0") < lines.index("PEEKED 1 0 PeekStore"), lines  # shown, then the report
    # read from the file, SQLAlchemy not yet imported; an edit meanwhile is refused (the database is opening)
    assert f"OPENING {agency} 0" in lines, lines
    reopened = [line for line in lines if line.startswith("REOPENED")]
    assert reopened == [f"REOPENED {agency} 1"], lines  # the store took over, and 新建 is enabled again
    assert [line for line in lines if line.startswith("DATABASE")] == ["DATABASE 0", "DATABASE 1"], lines
    assert "SAVED 1 9" in lines, lines
    assert "HEAVY -" in lines, lines  # the PDF, signing and import stacks load on first use only


def test_unopenable_database_says_so_and_exits_2(tmp_path):
    bad = tmp_path / "坏.sqlite"
    bad.write_bytes(b"this is not a database" * 100)
    from model.store import sqlite_url

    proc = _start(tmp_path, sqlite_url(bad))
    assert proc.returncode == 2, (proc.stdout, proc.stderr[-2000:])
    assert any(line.startswith("CRITICAL 无法打开数据库：") for line in proc.stdout.splitlines()), proc.stdout
