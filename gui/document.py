"""One open report: the domain model, its store, its undo stack and its findings.

Views never change the report themselves: they call :meth:`ReportDocument.edit_cells`,
:meth:`edit_text` or :meth:`explain`, which push undo commands (``gui/commands.py``); a command writes to
the store at once and the views follow the signals.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoStack

from model.findings import Finding, Severity
from model.report import Report, Value
from model.rules import check  # no fallback: a window without its checks would show 错误 0

from .backend import ConflictError, FrozenError, StoreError, is_final, previous_of
from .summary.record import resync

#: how long prose may rest before the report is checked again (ms); it is saved at every change
#: (one short transaction per keystroke: ~1 ms on SQLite for 1,600 characters, see bench/store.py)
TEXT_CHECK_DELAY = 250


def _single_shot(parent: QObject, interval: int) -> QTimer:
    timer = QTimer(parent)
    timer.setSingleShot(True)
    timer.setInterval(interval)
    return timer


class ReportDocument(QObject):
    cellsChanged = Signal(list)  # keys
    textChanged = Signal(str)  # section key
    findingsChanged = Signal()
    infoChanged = Signal()
    reloaded = Signal()
    failed = Signal(str)  # a Chinese message for the status bar / a message box

    def __init__(self, store: Any, report_id: int, parent: QObject | None = None):
        super().__init__(parent)
        self.store = store
        self.report_id = report_id
        self.report: Report
        self.info: Any
        # a 汇总 record: its cells are re-summed from the units now, and are not edited here (gui/summary/record.py)
        self.computed: str | None = resync(store, report_id)[0]
        self.report, self.info = store.load(report_id)
        self.version: int | None = getattr(self.info, "version", None)
        self.previous = previous_of(store, report_id)
        self.undo_stack = QUndoStack(self)
        self.findings: list[Finding] = []
        self.by_cell: dict[str, list[Finding]] = {}
        self.primary: dict[str, Finding] = {}
        self._relations = {(r.rule, r.total + r.parts): r for r in self.report.form.relations}
        # (no property keywords in Qt constructors: PySide6 6.12 on Python 3.11 takes a reference from None
        # for each — see the note in gui/form_table.py)
        self._check_timer = _single_shot(self, TEXT_CHECK_DELAY)
        self._check_timer.timeout.connect(self.recheck)
        self.recheck()

    # ---------------------------------------------------------------------------------------------
    # state

    @property
    def form(self):
        return self.report.form

    @property
    def read_only(self) -> bool:
        return is_final(self.info)

    def counts(self) -> tuple[int, int]:
        errors = sum(1 for f in self.findings if f.severity is Severity.ERROR)
        # a warning with an explanation (说明) attached is settled
        warnings = sum(1 for f in self.findings if f.severity is Severity.WARNING and not f.explanation)
        return errors, warnings

    def recheck(self) -> None:
        self._check_timer.stop()
        self.findings = check(self.report, self.previous)
        by_cell: dict[str, list[Finding]] = {}
        primary: dict[str, Finding] = {}
        for f in self.findings:
            for k in f.cells:
                by_cell.setdefault(k, []).append(f)
            for k in self.primary_cells(f):
                if k not in primary or primary[k].severity.value > f.severity.value:
                    primary[k] = f
        self.by_cell, self.primary = by_cell, primary
        self.findingsChanged.emit()

    def primary_cells(self, f: Finding) -> tuple[str, ...]:
        """The cells a finding is *about* (a relation's total, not its parts)."""
        rel = self._relations.get((f.rule, tuple(f.cells)))
        if rel is not None:
            return rel.total
        if f.text is not None:
            return ()
        return tuple(f.cells)

    def expected_for(self, key: str) -> Value:
        """What a wrong total should be (a relation with a single total), or ``None``."""
        f = self.primary.get(key)
        if f is None or f.expected is None or f.severity is not Severity.ERROR:
            return None
        rel = self._relations.get((f.rule, tuple(f.cells)))
        if rel is None or len(rel.total) != 1:
            return None
        return f.expected

    # ---------------------------------------------------------------------------------------------
    # edits (through the undo stack)

    def edit_cells(self, values: dict[str, Value], text: str) -> bool:
        from .commands import SetCellsCommand

        if self.read_only or self.computed:
            self.failed.emit(
                self.tr("报告已定稿，只能查看。")
                if self.read_only
                else self.tr("汇总报告的数字由各单位的报告计算，不能直接修改。")
            )
            return False
        changes = {
            k: (self.report.get(k), v)
            for k, v in values.items()
            if self.report.get(k) != v or type(self.report.get(k)) is not type(v)
        }
        if not changes:
            return True
        self._last_ok = True
        self.undo_stack.push(SetCellsCommand(self, changes, text))
        return self._last_ok

    def edit_text(self, section: str, text: str, step: str | None = None) -> None:
        """Typing (merged into one undo step while it goes on) or, with ``step`` naming it, a change of its
        own undo step (an inserted skeleton)."""
        from .commands import SetTextCommand

        if self.read_only or self.report.text.get(section, "") == text:
            return
        old = self.report.text.get(section, "")
        self.undo_stack.push(SetTextCommand(self, section, old, text, step, typing=step is None))

    def apply_fix(self, finding: Finding) -> bool:
        """The correction a finding offers (``extra["fix"]``: half-width punctuation made full-width), made
        as one undoable edit; False when there is none or the text has changed since the check."""
        from model.punctuation import apply_fix

        fixed = None if self.read_only else apply_fix(self.report, finding)
        if fixed is None:
            return False
        section, text = fixed
        self.edit_text(section, text, self.tr("改正标点"))
        self.recheck()
        return True

    def explain(self, finding: Finding, text: str) -> None:
        from .commands import ExplainCommand

        if self.read_only:
            return
        rule, cells = finding.identity
        old = self.report.explanation_for(rule, cells)
        self.undo_stack.push(ExplainCommand(self, rule, cells, old.text if old else "", text))

    # ---------------------------------------------------------------------------------------------
    # writers used by the commands: the store first, then the model, then the views

    def _track(self, result: Any) -> None:
        self.version = result if isinstance(result, int) and not isinstance(result, bool) else None

    def _fail(self, err: Exception) -> bool:
        if isinstance(err, ConflictError):
            msg = self.tr("保存失败：报告已在别处被修改。请关闭后重新打开。") + f"（{err}）"
        elif isinstance(err, FrozenError):
            msg = self.tr("报告已定稿，不能修改。")
        else:
            msg = self.tr("保存失败：") + str(err)
        self._last_ok = False
        self.last_error = err
        self.failed.emit(msg)
        return False

    def write_cells(self, values: dict[str, Value]) -> bool:
        try:
            self._track(self.store.set_cells(self.report_id, dict(values), expected_version=self.version))
        except StoreError as err:
            return self._fail(err)
        self._last_ok = True
        self.report.cells.update(values)
        self.cellsChanged.emit(list(values))
        self.recheck()
        return True

    def write_text(self, section: str, text: str) -> bool:
        """Prose changes at every keystroke: the model and the store at once — a crash loses nothing typed
        (the whole section is written, so the next keystroke also repairs a save that failed); only the
        check waits until typing rests."""
        self.report.text[section] = text
        try:
            self._track(self.store.set_text(self.report_id, section, text, expected_version=self.version))
            ok = True
        except StoreError as err:
            ok = self._fail(err)
        self._check_timer.start()
        self.textChanged.emit(section)
        return ok

    def set_date(self, iso: str | None) -> bool:
        """The 成文日期 (ISO, or None to remove it): saved in the store at once (not on the undo stack)."""
        try:
            self._track(self.store.set_meta(self.report_id, date=iso or None, expected_version=self.version))
        except StoreError as err:
            return self._fail(err)
        self.report.date = iso or None
        self.infoChanged.emit()
        self.recheck()
        return True

    def flush(self) -> bool:
        """Check the report now if a check waits (every edit is in the store already)."""
        if self._check_timer.isActive():
            self.recheck()
        return True

    def write_explanation(self, rule: str, cells: tuple[str, ...], text: str) -> bool:
        try:
            self._track(
                self.store.explain(self.report_id, rule, list(cells), text, expected_version=self.version)
            )
        except StoreError as err:
            return self._fail(err)
        self.report.explain(rule, list(cells), text)
        self.recheck()
        return True

    # ---------------------------------------------------------------------------------------------
    # whole-report operations

    def reload(self) -> None:
        self.report, self.info = self.store.load(self.report_id)
        self.version = getattr(self.info, "version", None)
        self.undo_stack.clear()
        self.reloaded.emit()
        self.infoChanged.emit()
        self.recheck()

    def restore(self, version: int) -> bool:
        if not self.flush():
            return False
        try:
            self.store.restore(self.report_id, version, expected_version=self.version)
        except StoreError as err:
            return self._fail(err)
        self.reload()
        return True

    def finalize(self) -> bool:
        if not self.flush():
            return False
        try:
            self.store.finalize(self.report_id, expected_version=self.version)
        except StoreError as err:
            return self._fail(err)
        self.reload()
        return True

    def reopen(self) -> bool:
        try:
            self.store.reopen(self.report_id)
        except StoreError as err:
            return self._fail(err)
        self.reload()
        return True

    def resync(self) -> None:
        """A 汇总 record: its cells re-summed from the units' current reports (before export or print)."""
        if self.computed and resync(self.store, self.report_id)[1]:
            self.reload()

    def history(self) -> list[Any]:
        self.flush()
        return list(self.store.history(self.report_id))

    _last_ok = True
    #: the store's error behind the last ``failed`` signal
    last_error: Exception | None = None
