"""The one task layer for long work in the window: a function run on a worker thread, with progress,
cancel, and ``finished``/``failed`` signals delivered on the UI thread; :class:`TaskDialog` shows it.

    task = Task(model_function, arg, name="backup")      # called as model_function(arg, progress=…)
    task.finished.connect(on_result)                      # on_result(return value)
    task.failed.connect(on_error)                         # on_error(Chinese message, exception)
    task.start()

The work function reports ``progress(fraction, text)`` (fraction 0 to 1, the convention of
:mod:`model.output.pdf` and :mod:`model.finalize`; a negative fraction for a step of unknown length); after :meth:`Task.cancel` the next call raises
:class:`TaskCancelled` inside the work, which then stops as on any failure (the model's functions undo
what they began), and ``failed`` carries the exception with ``cancelled`` set. An error the clerk can act
on (:class:`model.store.StoreError`, an ``OSError``…) is said as it is; anything else is logged with its
traceback and said as an internal error. Nothing here knows what the work is: meant to replace the other
styles in gui/ (``output_dialogs._Task``, the ``QThread`` subclasses of gui/summary) one by one.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

log = logging.getLogger("nianbao.tasks")

#: the tasks running now: a task lives until its end even when nobody keeps a reference
_RUNNING: set[Task] = set()


class TaskCancelled(Exception):
    """Raised inside the work by the progress call after :meth:`Task.cancel`."""

    cancelled = True

    def __init__(self) -> None:
        super().__init__(QCoreApplication.translate("Task", "已取消。"))


def message_of(err: BaseException) -> str:
    """What the clerk is told about ``err``: the message of an error the program expects (a Chinese
    :class:`StoreError`, a file error), else an internal error (whose traceback goes to the log)."""
    from model.report import ReportError

    try:
        from model.store.errors import StoreError
    except ImportError:  # pragma: no cover
        StoreError = ReportError  # type: ignore[misc,assignment]
    if isinstance(err, TaskCancelled) or getattr(err, "cancelled", False):
        return QCoreApplication.translate("Task", "已取消。")
    if isinstance(err, StoreError | ReportError):
        return str(err)
    if isinstance(err, OSError):
        from model.files import FileBusyError, native

        if isinstance(err, FileBusyError):
            return str(err)
        where = f"（{native(err.filename)}）" if err.filename else ""
        return (
            QCoreApplication.translate("Task", "文件操作失败%1：%2")
            .replace("%1", where)
            .replace("%2", err.strerror or str(err))
        )
    return QCoreApplication.translate(
        "Task", "程序内部出错（%1）。详细信息已写入日志文件，请告诉技术支持。"
    ).replace("%1", f"{err.__class__.__name__}: {err}")


class Task(QObject):
    """``fn(*args, progress=…, **kwargs)`` on a worker thread. Signals arrive on the UI thread."""

    progress = Signal(float, str)
    finished = Signal(object)
    failed = Signal(str, object)
    #: emitted last, after ``finished`` or ``failed``
    done = Signal()
    _result = Signal(object, object)  # (value, error) from the worker thread

    def __init__(
        self,
        fn: Callable[..., Any],
        *args: Any,
        name: str = "task",
        parent: QObject | None = None,
        **kwargs: Any,
    ):
        super().__init__(parent)
        self.fn, self.args, self.kwargs = fn, args, kwargs
        self.name = name
        self.result: Any = None
        self.error: BaseException | None = None
        self._cancel = threading.Event()
        self._thread: threading.Thread | None = None
        self._ended = threading.Event()
        self._result.connect(self._on_result, Qt.ConnectionType.QueuedConnection)

    # --- control --------------------------------------------------------------------------------

    def start(self) -> Task:
        _RUNNING.add(self)
        self._thread = threading.Thread(target=self._run, name=f"nianbao-{self.name}", daemon=True)
        self._thread.start()
        return self

    def cancel(self) -> None:
        """Ask the work to stop at its next progress call."""
        self._cancel.set()

    @property
    def cancel_requested(self) -> bool:
        return self._cancel.is_set()

    def is_running(self) -> bool:
        return self._thread is not None and not self._ended.is_set()

    def report(self, fraction: float, text: str = "") -> None:
        """The work's progress call (any thread): raises :class:`TaskCancelled` after :meth:`cancel`."""
        if self._cancel.is_set():
            raise TaskCancelled()
        self.progress.emit(float(fraction), str(text))

    # --- the worker -----------------------------------------------------------------------------

    def _run(self) -> None:
        value: Any = None
        error: BaseException | None = None
        try:
            value = self.fn(*self.args, progress=self.report, **self.kwargs)
        except BaseException as err:  # said on the UI thread
            error = err
            if not isinstance(err, TaskCancelled) and not getattr(err, "cancelled", False):
                if message_of(err).startswith(QCoreApplication.translate("Task", "程序内部出错")):
                    log.error("task %s failed", self.name, exc_info=err)
        finally:
            self._ended.set()
        self._result.emit(value, error)

    @Slot(object, object)
    def _on_result(self, value: Any, error: BaseException | None) -> None:
        self.result, self.error = value, error
        try:
            if error is None:
                self.finished.emit(value)
            else:
                self.failed.emit(message_of(error), error)
        finally:
            _RUNNING.discard(self)
            self.done.emit()


class TaskDialog(QDialog):
    """A modal dialog over ``parent`` showing a task's progress, with 取消; it closes itself when the task
    ends. ``show()``n rather than ``exec()``d, so that the event loop (and the tests) go on."""

    def __init__(self, task: Task, title: str, parent: QWidget | None = None, cancellable: bool = True):
        super().__init__(parent)
        self.task = task
        self.setWindowTitle(title)
        self.setModal(True)
        self.setWindowFlag(Qt.WindowType.WindowCloseButtonHint, False)
        self.label = QLabel(self.tr("正在准备…"), self)
        self.label.setObjectName("task_text")
        self.label.setWordWrap(True)
        self.label.setMinimumWidth(380)
        self.bar = QProgressBar(self)
        self.bar.setObjectName("task_progress")
        self.bar.setRange(0, 100)
        self.cancel_button = QPushButton(self.tr("取消"), self)
        self.cancel_button.setObjectName("task_cancel")
        self.cancel_button.setVisible(cancellable)
        self.cancel_button.clicked.connect(self._cancel)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.cancel_button)
        lay = QVBoxLayout(self)
        lay.addWidget(self.label)
        lay.addWidget(self.bar)
        lay.addLayout(row)
        task.progress.connect(self._progress)
        task.done.connect(self._done)

    @Slot(float, str)
    def _progress(self, fraction: float, text: str) -> None:
        if fraction < 0:  # a step of unknown length: a busy bar
            self.bar.setRange(0, 0)
        else:
            self.bar.setRange(0, 100)
            self.bar.setValue(max(0, min(100, round(fraction * 100))))
        if text:
            self.label.setText(text)

    def _cancel(self) -> None:
        self.task.cancel()
        self.cancel_button.setEnabled(False)
        self.label.setText(self.tr("正在取消…"))

    def reject(self) -> None:  # Esc: the same as 取消, the dialog stays until the work has stopped
        if self.task.is_running():
            self._cancel()
        else:
            super().reject()

    @Slot()
    def _done(self) -> None:
        self.accept()


def run_task(
    parent: QWidget | None,
    title: str,
    fn: Callable[..., Any],
    *args: Any,
    on_finished: Callable[[Any], None] | None = None,
    on_failed: Callable[[str, BaseException], None] | None = None,
    cancellable: bool = True,
    name: str = "task",
    **kwargs: Any,
) -> Task:
    """Start ``fn`` as a :class:`Task` with a :class:`TaskDialog` over ``parent``; returns the task (its
    dialog is ``task.dialog``)."""
    task = Task(
        fn, *args, name=name, **kwargs
    )  # no Qt parent: it lives until its end (_RUNNING), whatever closes
    if on_finished is not None:
        task.finished.connect(on_finished)
    if on_failed is not None:
        task.failed.connect(on_failed)
    task.dialog = TaskDialog(task, title, parent, cancellable)  # type: ignore[attr-defined]
    task.dialog.show()  # type: ignore[attr-defined]
    return task.start()
