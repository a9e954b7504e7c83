"""The 汇总 view (computed cells, own prose, units table, the parent check) and the comparison view (this
year against earlier years, per cell, with the charts)."""

from __future__ import annotations

import datetime as _dt
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QThread, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from model.findings import Severity
from model.form import CURRENT_FORM
from model.store import ConflictError, StoreError
from model.store.paths import write_bytes_atomic
from model.summary import (
    Summary,
    cell_units,
    chart_data,
    check_parent,
    compare,
    is_summary_organ,
    organ_years,
    parents,
    save_summary_text,
    summarize,
    summary_organ,
    summary_years,
    sync_summary,
    unit_status,
    units_of,
)

from ..listmodel import list_view
from .charts import ChartsView
from .models import ComparisonModel, SummaryCellsModel, SummaryGridModel, UnitsModel, table_name

BANNER = "background:#e8f0fb; color:#1d3f6e; padding:6px; border:1px solid #9db8dd;"
ALARM = "background:#fde2e1; color:#8a1010; padding:6px; border:1px solid #e09a98; font-weight:bold;"


def _table(model, parent) -> QTableView:
    view = list_view(model, parent, single_selection=False)
    view.horizontalHeader().setStretchLastSection(True)
    return view


def _years(store: Any, organs: set[str]) -> list[int]:
    return sorted({i.year for i in store.reports() if i.organ in organs})


def default_year(store: Any) -> int:
    """The year a 汇总 starts on when its units have no report yet: the latest year in the store, or last
    year (never the bottom of the range)."""
    years = [i.year for i in store.reports() if i.year]
    return max(years) if years else _dt.date.today().year - 1


class UnitCheckWorker(QThread):
    """Checks every unit's report (the rule engine, against its last year) off the UI thread: a district
    of a thousand units takes seconds."""

    checked = Signal(int, list)

    def __init__(self, store: Any, parent_organ: str, year: int, generation: int, parent=None):
        super().__init__(parent)
        self.store, self.parent_organ, self.year, self.generation = store, parent_organ, year, generation

    def run(self) -> None:
        try:
            units = unit_status(self.store, self.parent_organ, self.year, check=True)
        except Exception:  # the table keeps the unchecked states
            return
        self.checked.emit(self.generation, units)


class SummaryDialog(QDialog):
    """The 汇总 of a parent for a year."""

    #: the units table now shows each unit's errors (after the check in the background)
    unitsChecked = Signal()

    def __init__(self, store: Any, parent_organ: str = "", year: int | None = None, parent=None):
        super().__init__(parent)
        self.store = store
        self.summary: Summary | None = None
        self.generation = 0
        self.workers: list[UnitCheckWorker] = []
        self.setWindowTitle(self.tr("汇总报告"))
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self.resize(1000, 720)

        self.parent_box = QComboBox(self)
        self.parent_box.setObjectName("summary_parent")
        self.parent_box.addItems(parents(store))
        if parent_organ:
            self.parent_box.setCurrentText(parent_organ)
        self.year_box = QSpinBox(self)
        self.year_box.setRange(1990, 2100)
        self.refresh_btn = QPushButton(self.tr("重新汇总"), self)
        self.refresh_btn.setToolTip(self.tr("按各单位报告的当前内容重新计算"))
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("上级机关："), self))
        top.addWidget(self.parent_box, 1)
        top.addWidget(QLabel(self.tr("年度："), self))
        top.addWidget(self.year_box)
        top.addWidget(self.refresh_btn)

        self.banner = QLabel(self)
        self.banner.setObjectName("computed_banner")
        self.banner.setStyleSheet(BANNER)
        self.banner.setWordWrap(True)

        self.cells_model = SummaryCellsModel(self._who, self)
        self.cells_view = _table(self.cells_model, self)
        self.grids: dict[str, SummaryGridModel] = {}
        numbers = QTabWidget(self)
        for table in CURRENT_FORM.tables:
            model = SummaryGridModel(table, self)
            view = _table(model, self)
            view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
            view.horizontalHeader().hide()
            view.horizontalHeader().setStretchLastSection(False)
            view.setWordWrap(True)
            for r, c, rs, cs in model.spans():
                view.setSpan(r, c, rs, cs)
            self.grids[table.key] = model
            numbers.addTab(
                view, self.tr("%1 %2").replace("%1", table_name(table.key)).replace("%2", table.title)
            )
        numbers.addTab(self.cells_view, self.tr("逐格说明"))
        self.numbers = numbers
        self.units_model = UnitsModel(self)
        self.units_view = _table(self.units_model, self)
        self.units_label = QLabel(self)
        units_page = QWidget(self)
        ul = QVBoxLayout(units_page)
        ul.addWidget(self.units_label)
        ul.addWidget(self.units_view, 1)

        self.texts: dict[str, QPlainTextEdit] = {}
        prose = QWidget(self)
        pl = QVBoxLayout(prose)
        for key, section in CURRENT_FORM.text_sections.items():
            pl.addWidget(QLabel(f"<b>{section.heading}</b>", prose))
            edit = QPlainTextEdit(prose)
            edit.setObjectName(f"text_{key}")
            self.texts[key] = edit
            pl.addWidget(edit, 1)
        self.save_text_btn = QPushButton(self.tr("保存正文"), prose)
        self.save_text_btn.clicked.connect(self.save_texts)
        pl.addWidget(self.save_text_btn, 0, Qt.AlignmentFlag.AlignRight)

        self.findings = QListWidget(self)
        self.findings.setObjectName("parent_findings")
        self.findings.setWordWrap(True)

        self.tabs = QTabWidget(self)
        self.tabs.addTab(numbers, self.tr("汇总数字（计算值）"))
        self.tabs.addTab(prose, self.tr("正文（可编辑）"))
        self.tabs.addTab(units_page, self.tr("各单位报送情况"))
        self.tabs.addTab(self.findings, self.tr("与本机关报告核对"))

        self.export_btn = QPushButton(self.tr("导出交换文件…"), self)
        self.sync_btn = QPushButton(self.tr("存为汇总报告（可打印）"), self)
        self.sync_btn.setToolTip(
            self.tr("把计算出的数字和正文存入数据库中的“（汇总）”报告，之后可在起始页打开、导出 PDF")
        )
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(self.sync_btn)
        bottom.addWidget(self.export_btn)

        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.banner)
        lay.addWidget(self.tabs, 1)
        lay.addLayout(bottom)

        self.refresh_btn.clicked.connect(self.refresh)
        self.export_btn.clicked.connect(lambda: self.export())
        self.sync_btn.clicked.connect(self.sync)
        self.parent_box.currentTextChanged.connect(self._parent_changed)
        self._parent_changed(self.parent_box.currentText(), year)

    def _parent_changed(self, name: str, year: int | None = None) -> None:
        years = _years(self.store, set(units_of(self.store, name))) if name else []
        self.year_box.blockSignals(True)
        self.year_box.setValue(year or (years[-1] if years else default_year(self.store)))
        self.year_box.blockSignals(False)
        self.refresh()

    def _who(self, key: str) -> dict[str, list[str]]:
        if self.summary is None:
            return {}
        return cell_units(self.store, self.summary.parent, self.summary.year, key)

    @property
    def parent_organ(self) -> str:
        return self.parent_box.currentText().strip()

    def unsaved(self) -> bool:
        """Prose typed but not yet in the store."""
        if self.summary is None:
            return False
        return any(
            e.document().isModified() or e.toPlainText() != self.summary.report.text.get(k, "")
            for k, e in self.texts.items()
        )

    def _keep_prose(self, doing: str) -> bool:
        """Before the editors are reloaded or closed: save typed prose first. True when it is saved (or there
        was none), or when the clerk chose to discard it after it could not be saved."""
        if not self.unsaved():
            return True
        problem = self._save()
        if problem is None:
            return True
        answer = QMessageBox.question(
            self,
            self.tr("正文未能保存"),
            self.tr(
                "您修改的正文未能保存：\n%1\n\n仍要%2吗？（未保存的正文将丢失；选“否”可先复制您的文字。）"
            )
            .replace("%1", problem)
            .replace("%2", doing),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def _parent_or_year_back(self) -> None:
        """After a refused refresh: show again the parent and year whose prose is in the editors."""
        if self.summary is None:
            return
        for box, value in ((self.parent_box, self.summary.parent), (self.year_box, self.summary.year)):
            box.blockSignals(True)
            if box is self.parent_box:
                box.setCurrentText(value)
            else:
                box.setValue(value)
            box.blockSignals(False)

    def refresh(self) -> None:
        """Recompute the summary of the parent and year shown; typed prose of the summary shown so far is
        saved first (or, when it cannot be saved, kept unless the clerk chooses to discard it)."""
        if not self._keep_prose(self.tr("重新汇总")):
            self._parent_or_year_back()
            return
        name, year = self.parent_organ, self.year_box.value()
        if not name:
            self.summary = None
            self.banner.setText(
                self.tr("数据库中还没有带所属单位的上级机关。请先在“汇总”菜单中批量导入所属单位的年报。")
            )
            self.cells_model.set_summary(None)
            for model in self.grids.values():
                model.set_summary(None)
            self.units_model.set_units([])
            return
        try:
            self.summary = summarize(self.store, name, year)
            units = unit_status(self.store, name, year, check=False)
            findings = check_parent(self.store, name, year, self.summary)
        except StoreError as err:
            QMessageBox.warning(self, self.tr("无法汇总"), str(err))
            return
        self.banner.setText(
            self.tr("%1 %2年度汇总 — %3")
            .replace("%1", name)
            .replace("%2", str(year))
            .replace("%3", self.summary.banner)
        )
        self.cells_model.set_summary(self.summary)
        self.cells_view.resizeColumnsToContents()
        for key, model in self.grids.items():
            model.set_summary(self.summary)
            view = self.numbers.widget(list(self.grids).index(key))
            unit = 900 / sum(model.layout.widths)  # the printed proportions, about 900 px wide
            for col, w in enumerate(model.layout.widths):
                view.setColumnWidth(col, max(48, int(w * unit)))
            view.resizeRowsToContents()
        self._show_units(units, checked=False)
        self.generation += 1
        worker = UnitCheckWorker(self.store, name, year, self.generation, self)
        worker.checked.connect(self._checked)
        worker.finished.connect(lambda w=worker: self.workers.remove(w) if w in self.workers else None)
        self.workers.append(worker)
        worker.start()
        for key, edit in self.texts.items():
            edit.setPlainText(self.summary.report.text.get(key, ""))
            edit.document().setModified(False)
        self.findings.clear()
        if not findings:
            own = self.store.find(name, year)
            self.findings.addItem(
                self.tr("本机关自身报告中的数字与所属单位合计一致。")
                if own
                else self.tr("本机关没有%1年度自己的报告，无从核对。").replace("%1", str(year))
            )
        for f in findings:
            mark = "⚠ " if f.severity is Severity.WARNING else "ⓘ "
            note = self.tr("（说明：%1）").replace("%1", f.explanation) if f.explanation else ""
            self.findings.addItem(mark + f.message + note)

    def _show_units(self, units: list, checked: bool) -> None:
        self.units_model.set_units(units)
        chase = sum(1 for u in units if u.needs_chasing)
        text = (
            self.tr("共 %1 个所属单位，需要跟进 %2 个（未报送、有错误或尚未定稿）。")
            .replace("%1", str(len(units)))
            .replace("%2", str(chase))
        )
        if not checked:
            text += self.tr("正在检查各单位的报告…")
        self.units_label.setText(text)
        self.units_view.resizeColumnsToContents()

    def _checked(self, generation: int, units: list) -> None:
        if generation != self.generation:
            return  # a later refresh is under way
        self._show_units(units, checked=True)
        self.unitsChecked.emit()

    @property
    def checking(self) -> bool:
        return any(w.isRunning() for w in self.workers)

    def _save(self) -> str | None:
        """Save the typed prose with the record's version as read (another window's save in between is a
        conflict, not a silent overwrite); None when saved, else the reason (Chinese)."""
        s = self.summary
        if s is None:
            return self.tr("还没有汇总。")
        try:
            for key, edit in self.texts.items():
                text, seen = edit.toPlainText(), s.report.text.get(key, "")
                if edit.document().isModified() or text != seen:
                    s.record_version = save_summary_text(
                        self.store, s.parent, s.year, key, text, s.record_version or 0, seen
                    )
                    s.report.text[key] = text
                edit.document().setModified(False)
        except ConflictError as err:
            return (
                self.tr(
                    "这份汇总报告的正文已被其他窗口或其他用户修改。为免覆盖对方的修改，您的修改没有保存。"
                    "请先复制您的文字，再点“重新汇总”载入最新的正文。"
                )
                + f"\n（{err}）"
            )
        except StoreError as err:
            return str(err)
        return None

    def save_texts(self) -> bool:
        problem = self._save()
        if problem is not None:
            QMessageBox.warning(self, self.tr("无法保存正文"), problem)
            return False
        return True

    def sync(self) -> None:
        if self.summary is None or not self.save_texts():
            return
        try:
            s = sync_summary(self.store, self.summary.parent, self.summary.year)
        except StoreError as err:
            QMessageBox.warning(self, self.tr("无法保存汇总报告"), str(err))
            return
        self.summary.record_id, self.summary.record_version = s.record_id, s.record_version
        QMessageBox.information(
            self,
            self.tr("汇总报告"),
            self.tr("已存为“%1”的报告，可在起始页打开、导出 PDF。").replace("%1", summary_organ(s.parent)),
        )

    def export(self, path: Path | None = None) -> Path | None:
        if self.summary is None:
            return None
        self.save_texts()
        report = self.summary.report.copy()
        report.text = {k: e.toPlainText() for k, e in self.texts.items()}  # what is typed, saved or not
        if path is None:
            name, _ = QFileDialog.getSaveFileName(
                self,
                self.tr("导出汇总报告"),
                self.tr("%1%2年度汇总.nianbao.json")
                .replace("%1", self.summary.parent)
                .replace("%2", str(self.summary.year)),
                self.tr("年报交换文件 (*.json)"),
            )
            if not name:
                return None
            path = Path(name)
        try:
            write_bytes_atomic(path, (report.to_json() + "\n").encode("utf-8"), self.tr("导出汇总报告"))
        except StoreError as err:
            QMessageBox.warning(self, self.tr("无法导出"), str(err))
            return None
        return path

    def done(self, r: int) -> None:
        if not self._keep_prose(self.tr("关闭")):
            return
        for w in list(self.workers):
            w.wait()
        super().done(r)

    def closeEvent(self, e) -> None:
        for w in list(self.workers):
            w.wait()
        super().closeEvent(e)


SUMMARY, ORGAN = "summary", "organ"


class CompareDialog(QDialog):
    """This year against earlier years for one organ or a summary: per cell, and the charts."""

    def __init__(self, store: Any, organ: str = "", parent=None):
        super().__init__(parent)
        self.store = store
        self.reports: dict = {}
        self.setWindowTitle(self.tr("历年比较与图表"))
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self.resize(1100, 760)

        self.subject = QComboBox(self)
        self.subject.setObjectName("compare_subject")
        for p in parents(store):
            self.subject.addItem(self.tr("%1（所属单位汇总）").replace("%1", p), (SUMMARY, p))
        for o in store.organs():
            if not is_summary_organ(o) and store.reports(o.name):
                self.subject.addItem(o.name, (ORGAN, o.name))
        if organ:
            i = self.subject.findData((ORGAN, organ))
            if i >= 0:
                self.subject.setCurrentIndex(i)
        self.year_box = QComboBox(self)
        self.year_box.setObjectName("compare_year")
        self.span_box = QSpinBox(self)
        self.span_box.setRange(2, 8)
        self.span_box.setValue(3)
        self.span_box.setSuffix(self.tr(" 年"))
        self.changed_only = QCheckBox(self.tr("只显示有变化的格"), self)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("机关："), self))
        top.addWidget(self.subject, 1)
        top.addWidget(QLabel(self.tr("年度："), self))
        top.addWidget(self.year_box)
        top.addWidget(QLabel(self.tr("比较："), self))
        top.addWidget(self.span_box)
        top.addWidget(self.changed_only)

        self.banner = QLabel(self)
        self.banner.setObjectName("compare_banner")
        self.banner.setWordWrap(True)
        self.model = ComparisonModel(self)
        self.view = _table(self.model, self)
        self.view.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.view.horizontalHeader().setStretchLastSection(False)
        self.charts = ChartsView(self)
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self.view, self.tr("逐格比较"))
        self.tabs.addTab(self.charts, self.tr("图表"))

        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.banner)
        lay.addWidget(self.tabs, 1)

        self.subject.currentIndexChanged.connect(self.load)
        self.year_box.currentIndexChanged.connect(self.update_view)
        self.span_box.valueChanged.connect(self.update_view)
        self.changed_only.toggled.connect(self.update_view)
        self.load()

    @property
    def name(self) -> str:
        data = self.subject.currentData()
        return "" if not data else (self.subject.currentText() if data[0] == SUMMARY else data[1])

    def load(self) -> None:
        data = self.subject.currentData()
        try:
            if not data:
                self.reports = {}
            elif data[0] == SUMMARY:
                self.reports = {y: s.report for y, s in summary_years(self.store, data[1]).items()}
            else:
                self.reports = organ_years(self.store, data[1])
        except StoreError as err:
            QMessageBox.warning(self, self.tr("无法读取报告"), str(err))
            self.reports = {}
        self.year_box.blockSignals(True)
        self.year_box.clear()
        for y in sorted(self.reports, reverse=True):
            self.year_box.addItem(self.tr("%1年度").replace("%1", str(y)), y)
        self.year_box.blockSignals(False)
        self.update_view()

    def update_view(self) -> None:
        year = self.year_box.currentData()
        if not self.reports or year is None:
            self.model.set_comparison(None)
            self.charts.set_data(None)
            self.banner.setStyleSheet(BANNER)
            self.banner.setText(self.tr("没有可以比较的报告。"))
            return
        self.charts.set_data(chart_data({y: r for y, r in self.reports.items() if y <= year}, self.name))
        c = compare(self.reports, year, self.name, self.span_box.value())
        self.model.set_comparison(c, self.changed_only.isChecked())
        self.view.resizeColumnsToContents()
        if c.identical:
            self.banner.setStyleSheet(ALARM)
            self.banner.setText("⚠ " + c.findings[0].message)
        elif year - 1 not in self.reports:
            self.banner.setStyleSheet(BANNER)
            self.banner.setText(self.tr("没有%1年度的报告，无法计算变化。").replace("%1", str(year - 1)))
        else:
            self.banner.setStyleSheet(BANNER)
            big = len(c.big)
            self.banner.setText(
                self.tr("与%1年度相比，%2 个格变化较大（已用橙色标出），请核对或在正文中说明原因。")
                .replace("%1", str(year - 1))
                .replace("%2", str(big))
                if big
                else self.tr("与%1年度相比没有较大变化。").replace("%1", str(year - 1))
            )
