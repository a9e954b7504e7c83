"""gui/tasks.py, the one task layer: work on a worker thread, signals on the UI thread, progress, cancel, the
messages of failures, and the dialog that shows it."""

from __future__ import annotations

import logging
import os
import threading

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

pytest.importorskip("pytestqt")

from gui.tasks import Task, TaskCancelled, TaskDialog, run_task
from model.store.errors import StoreError

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


def test_work_runs_off_the_ui_thread_and_results_arrive_on_it(qtbot):
    threads = {}

    def work(a, b, progress):
        threads["work"] = threading.current_thread()
        progress(0.5, "一半")
        return a + b

    task = Task(work, 2, 3, name="add")
    got = []

    def on_finished(value):
        threads["signal"] = threading.current_thread()
        got.append(value)

    steps = []
    task.finished.connect(on_finished)
    task.progress.connect(lambda f, t: steps.append((f, t)))
    with qtbot.waitSignal(task.done, timeout=5000):
        task.start()
    assert got == [5] and steps == [(0.5, "一半")]
    assert threads["work"] is not threading.main_thread() and threads["signal"] is threading.main_thread()
    assert not task.is_running()


def test_failures_are_said_in_chinese_and_internal_errors_logged(qtbot, caplog):
    def clerk_error(progress):
        raise StoreError("数据库正被其他程序占用，请稍后重试。")

    def bug(progress):
        raise KeyError("x")

    for fn, expected in ((clerk_error, "数据库正被其他程序占用"), (bug, "程序内部出错（KeyError")):
        task = Task(fn)
        said = []
        task.failed.connect(lambda m, e, said=said: said.append((m, e)))
        with (
            caplog.at_level(logging.ERROR, logger="nianbao.tasks"),
            qtbot.waitSignal(task.done, timeout=5000),
        ):
            task.start()
        assert said and expected in said[0][0]
    assert any("KeyError" in (r.exc_text or "") or r.exc_info for r in caplog.records)


def test_cancel_stops_the_work_at_its_next_progress_call(qtbot):
    gate = threading.Event()
    reached = []

    def work(progress):
        progress(0.1, "开始")
        gate.wait(5)
        progress(0.2, "继续")  # raises TaskCancelled
        reached.append("after")

    task = Task(work)
    errors = []
    task.failed.connect(lambda m, e: errors.append((m, e)))
    task.start()
    task.cancel()
    gate.set()
    qtbot.waitUntil(lambda: bool(errors), timeout=5000)
    assert reached == [] and isinstance(errors[0][1], TaskCancelled) and errors[0][0] == "已取消。"


def test_the_dialog_shows_progress_a_busy_bar_and_cancel(qtbot):
    gate = threading.Event()
    ready = threading.Event()

    def work(progress):
        progress(0.3, "正在复制数据库和归档…")
        ready.set()
        gate.wait(5)
        progress(-1, "正在检查…")
        return "好"

    results = []
    task = run_task(None, "备份", work, on_finished=results.append)
    dialog = task.dialog
    qtbot.addWidget(dialog)
    assert isinstance(dialog, TaskDialog) and dialog.isVisible() and dialog.isModal()
    qtbot.waitUntil(
        lambda: dialog.bar.value() == 30 and dialog.label.text() == "正在复制数据库和归档…", timeout=5000
    )
    gate.set()
    qtbot.waitUntil(lambda: results == ["好"], timeout=5000)
    assert dialog.bar.maximum() == 0 and dialog.label.text() == "正在检查…"  # busy: no length known
    qtbot.waitUntil(lambda: dialog.isHidden(), timeout=5000)

    gate2 = threading.Event()

    def long_work(progress):
        gate2.wait(5)
        progress(0.9, "")

    task = run_task(None, "恢复", long_work)
    qtbot.addWidget(task.dialog)
    task.dialog.reject()  # Esc: the same as 取消; the dialog stays until the work has stopped
    assert task.cancel_requested and task.dialog.isVisible() and not task.dialog.cancel_button.isEnabled()
    gate2.set()
    qtbot.waitUntil(lambda: task.dialog.isHidden(), timeout=5000)
    assert isinstance(task.error, TaskCancelled)
