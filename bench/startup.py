"""Start-up: the program's window shown and ready for input, against a bare PySide6 window with one table.

Both are measured in the same run, each start in a fresh Python process (alternating, so a busy moment of the
machine hits both alike): from starting the process to the first turn of the event loop after the window is
shown — the moment a click would be handled. The program starts the way a clerk's does: ``gui.app.run`` with
a store that holds last year's report and the settings pointing at it, so the window reopens it. Its settings
and store live in a temporary folder (``XDG_CONFIG_HOME``; on Windows QSettings would use the registry).

Budget (issue 6): the program ≤ 3 × the bare window. Also reported: which heavy libraries were already
loaded when the window was ready (the PDF and signing stack should load only when first used).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUDGET_RATIO = 3.0
#: libraries that must not load before the window is ready (they load on first export / sign / import)
HEAVY = ("reportlab", "pikepdf", "pyhanko", "pyhanko_certvalidator", "cryptography", "docx", "lxml", "PIL")

_READY = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication


def ready():
    app = QApplication.instance()
    windows = [w for w in app.topLevelWidgets() if w.isVisible() and w.inherits("QMainWindow")]
    doc = getattr(windows[0], "doc", None) if windows else None
    heavy = [m for m in {heavy!r} if m in sys.modules]
    print("READY", len(windows), int(doc is not None), ",".join(heavy), flush=True)
    app.quit()
"""

BARE = (
    _READY
    + """
from PySide6.QtWidgets import QMainWindow, QTableWidget

app = QApplication(sys.argv[:1])
window = QMainWindow()
table = QTableWidget(20, 8, window)
window.setCentralWidget(table)
window.resize(1200, 820)
window.show()
QTimer.singleShot(0, ready)
sys.exit(app.exec())
"""
)

PROGRAM = (
    _READY
    + """
from gui.app import make_app, run

make_app([])
QTimer.singleShot(0, ready)
sys.exit(run(["--db", sys.argv[1]]))
"""
)


def _prepare(folder: Path) -> str:
    """A store with the sample report and settings that reopen it; returns the database URL."""
    from model.sample import sample_report
    from model.store import Store
    from model.store.paths import sqlite_url

    url = sqlite_url(folder / "年报.sqlite")
    store = Store.open(url, archive_root=folder / "归档")
    try:
        info = store.save_report(sample_report())
    finally:
        store.close()
    conf = folder / "config" / "nianbao"
    conf.mkdir(parents=True)
    (conf / "nianbao.conf").write_text(f"[General]\nversion=1\nlast_report={info.id}\n", encoding="utf-8")
    return url


def _start(code: str, args: list[str], env: dict[str, str], timeout: float) -> tuple[float, list[str]]:
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", code, *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    try:
        line = proc.stdout.readline() if proc.stdout else ""
        elapsed = time.perf_counter() - t0
        _out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise RuntimeError("启动超时") from None
    if not line.startswith("READY"):
        raise RuntimeError(f"窗口未就绪（退出码 {proc.returncode}）：{(err or '').strip()[-400:]}")
    return elapsed, line.split()[1:]


def run(rounds: int = 5, timeout: float = 120) -> dict:
    heavy = tuple(HEAVY)
    bare_code = BARE.replace("{heavy!r}", repr(heavy))
    program_code = PROGRAM.replace("{heavy!r}", repr(heavy))
    with tempfile.TemporaryDirectory(prefix="nianbao-bench-", ignore_cleanup_errors=True) as tmp:
        folder = Path(tmp)
        url = _prepare(folder)
        env = dict(os.environ)
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
        env["XDG_CONFIG_HOME"] = str(folder / "config")
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
        env["NIANBAO_ARCHIVE"] = str(folder / "归档")
        # one start of each first: fills the OS file cache and Python's bytecode caches
        _start(bare_code, [], env, timeout)
        _start(program_code, [url], env, timeout)
        bare, program, fields = [], [], []
        for _ in range(rounds):
            bare.append(_start(bare_code, [], env, timeout)[0])
            seconds, fields = _start(program_code, [url], env, timeout)
            program.append(seconds)
    bare_ms = statistics.median(bare) * 1000
    program_ms = statistics.median(program) * 1000
    ratio = program_ms / bare_ms
    loaded = [m for m in (fields[2].split(",") if len(fields) > 2 else []) if m]
    return {
        "startup_bare_table_window_ms_median": round(bare_ms, 1),
        "startup_program_window_ms_median": round(program_ms, 1),
        "startup_ratio": round(ratio, 2),
        "startup_budget_ratio": BUDGET_RATIO,
        "startup_within_budget": ratio <= BUDGET_RATIO,
        "startup_rounds": rounds,
        "startup_report_reopened": bool(fields and fields[1] == "1"),
        "startup_heavy_modules_loaded": loaded,
    }


if __name__ == "__main__":
    import json

    print(json.dumps(run(), ensure_ascii=False, indent=2))
