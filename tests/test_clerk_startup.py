"""Start-up (issue 13, item 12): while the database opens, the start page says so (新建/导入 are greyed with a
reason); the words go once it is open. A fresh Python process, as the program starts."""

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
from PySide6.QtWidgets import QApplication

from gui.app import make_app, run


def window():
    found = [w for w in QApplication.topLevelWidgets() if w.isVisible() and w.inherits("QMainWindow")]
    return found[0] if found else None


def first_turn():
    w = window()
    s = w.start
    print("OPENING", int(s.opening.isVisibleTo(s)), int(s.new_button.isEnabled()), s.new_button.toolTip(), flush=True)
    poll()


def poll():
    w = window()
    if w is not None and w.start.new_button.isEnabled():
        print("OPEN", int(w.start.opening.isVisibleTo(w.start)), flush=True)
        QApplication.instance().exit(0)
        return
    QTimer.singleShot(10, poll)


make_app([])
QTimer.singleShot(0, first_turn)
QTimer.singleShot(20000, lambda: QApplication.instance().exit(7))
sys.exit(run(["--db", sys.argv[1]]))
"""


def test_the_start_page_says_the_database_is_opening(tmp_path):
    from model.store import sqlite_url

    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path / "config"))
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    env["NIANBAO_ARCHIVE"] = str(tmp_path / "归档")
    proc = subprocess.run(
        [sys.executable, "-c", _PROGRAM, sqlite_url(tmp_path / "年报.sqlite")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )
    lines = proc.stdout.splitlines()
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "OPENING 1 0 数据库正在打开，请稍候" in lines, lines
    assert "OPEN 0" in lines, lines
