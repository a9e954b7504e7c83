"""The window's glance into the SQLite store at start (``model/store/peek.py``, ``gui/app.py``): the same report
as the store loads, read without SQLAlchemy and without writing; nothing read from a file it does not know;
the store proper taking over the report on screen."""

from __future__ import annotations

import os
import shutil
import sqlite3

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from model.sample import sample_report
from model.store import Store, sqlite_url
from model.store.peek import REVISION, peek, sqlite_file

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


@pytest.fixture
def stored(tmp_path):
    """A SQLite store with last year's report and this year's (with prose and an explanation); (url, id)."""
    url = sqlite_url(tmp_path / "年报.sqlite")
    store = Store.open(url, archive_root=tmp_path / "归档")
    try:
        last = sample_report()
        last.year -= 1
        last.cells["t2.normative_docs.issued"] = 3
        store.save_report(last)
        info = store.save_report(sample_report())
        store.set_text(
            info.id, "problems", "存在的问题：“公开”不够及时。\n第二段。", expected_version=info.version
        )
        version = store.explain(info.id, "r.demo", ["t2.normative_docs.issued"], "说明：口径调整。")
        assert version
    finally:
        store.close()
    return url, info.id


def test_revision_is_the_stores_head():
    from model.store.db import HEAD

    assert REVISION == HEAD


def test_peek_reads_what_the_store_loads_and_writes_nothing(stored, tmp_path):
    url, report_id = stored
    path = sqlite_file(url)
    before = path.read_bytes()
    peeked = peek(url, report_id)
    assert peeked is not None
    store = Store.open(url, archive_root=tmp_path / "归档")
    try:
        report, info = store.load(report_id)
        previous = store.previous_report(report_id)
    finally:
        store.close()
    assert peeked.report.to_exchange() == report.to_exchange()
    assert [(e.rule, e.cells, e.text) for e in peeked.report.explanations] == [
        (e.rule, e.cells, e.text) for e in report.explanations
    ]
    assert previous is not None and peeked.previous is not None
    assert peeked.previous.to_exchange() == previous.to_exchange()
    assert (peeked.info.id, peeked.info.organ, peeked.info.year, peeked.info.status, peeked.info.version) == (
        info.id,
        info.organ,
        info.year,
        info.status,
        info.version,
    )
    assert peeked.info.is_final is False
    assert path.read_bytes() == before


def test_peek_needs_no_sqlalchemy(stored):
    import subprocess
    import sys
    from pathlib import Path

    url, report_id = stored
    code = (
        "import sys\nfrom model.store.peek import peek\n"
        f"p = peek({url!r}, {report_id})\n"
        "print(p.report.agency, p.previous is not None, 'sqlalchemy' in sys.modules)"
    )
    root = Path(__file__).resolve().parents[1]
    env = dict(os.environ, PYTHONPATH=str(root), PYTHONIOENCODING="utf-8")  # whatever the locale's code page
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True, encoding="utf-8"
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == [sample_report().agency, "True", "False"]


def test_nothing_read_from_what_it_does_not_know(stored, tmp_path):
    url, report_id = stored
    path = sqlite_file(url)
    assert peek(url, report_id + 100) is None  # no such report
    assert peek("postgresql+psycopg://u:p@127.0.0.1/x", report_id) is None
    assert peek(url + "?mode=ro", report_id) is None
    assert peek(sqlite_url(tmp_path / "没有.sqlite"), report_id) is None
    assert not (tmp_path / "没有.sqlite").exists()  # not created
    bad = tmp_path / "坏.sqlite"
    bad.write_bytes(b"not a database" * 100)
    assert peek(sqlite_url(bad), report_id) is None
    other = tmp_path / "旧.sqlite"  # another schema revision: the store upgrades (or refuses) it, not us
    shutil.copy(path, other)
    with sqlite3.connect(other) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0002'")
    assert peek(sqlite_url(other), report_id) is None
    assert peek(url, report_id) is not None


# -------------------------------------------------------------------------------------------------
# the window: the report from the file, then the store


@pytest.fixture
def peek_window(qtbot, stored, tmp_path):
    from PySide6.QtCore import QSettings

    from gui.app import OpeningStore, _peek_last
    from gui.main_window import MainWindow
    from gui.settings import Settings

    url, report_id = stored
    settings = Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    settings.last_report = report_id
    w = MainWindow(OpeningStore(), settings)
    qtbot.addWidget(w)
    w.show()
    assert _peek_last(w, url)
    stores = []
    yield w, url, report_id, stores
    for s in stores:
        s.close()


def _open_store(url, tmp_path, stores):
    store = Store.open(url, archive_root=tmp_path / "归档")
    stores.append(store)
    return store


def test_report_from_the_file_then_the_store_takes_over(peek_window, tmp_path):
    from gui.app import PeekStore, _adopt

    w, url, report_id, stores = peek_window
    doc = w.doc
    assert isinstance(doc.store, PeekStore)
    assert doc.report.text["problems"].startswith("存在的问题")
    assert doc.previous is not None and doc.previous.cells["t2.normative_docs.issued"] == 3
    assert not doc.write_cells({"t2.normative_docs.issued": 8})  # refused while the database opens
    assert doc.report.cells["t2.normative_docs.issued"] == 5
    doc.write_text("other", "打开时输入的文字")  # kept in the report, saved once the store is there
    store = _open_store(url, tmp_path, stores)
    _adopt(w, store)
    assert w.doc is doc and doc.store is store
    assert doc.write_cells({"t2.normative_docs.issued": 8})
    report, _ = store.load(report_id)
    assert report.cells["t2.normative_docs.issued"] == 8
    assert report.text["other"] == "打开时输入的文字"


def test_report_changed_meanwhile_is_opened_again_from_the_store(peek_window, tmp_path):
    from gui.app import _adopt

    w, url, report_id, stores = peek_window
    old = w.doc
    store = _open_store(url, tmp_path, stores)
    store.set_cells(report_id, {"t2.normative_docs.issued": 11})  # another version than the one read
    _adopt(w, store)
    assert w.doc is not old and w.doc.store is store
    assert w.doc.report.cells["t2.normative_docs.issued"] == 11
