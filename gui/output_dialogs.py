"""Dialogs of the printed report: export PDF, sign, create an organ certificate, verify, print.

Thin: the work is done by :mod:`model.output`; long steps run on a worker thread (QThreadPool) with progress.
The main window calls the plain functions at the end of this module.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QCoreApplication,
    QEventLoop,
    QObject,
    QRect,
    QRectF,
    QRunnable,
    QSettings,
    Qt,
    QThreadPool,
    Signal,
)
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QProgressDialog,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from .settings import default_qsettings

__all__ = [
    "ExportDialog",
    "OfficeExportDialog",
    "export_docx_dialog",
    "export_xlsx_dialog",
    "SignDialog",
    "CertificateDialog",
    "VerifyDialog",
    "export_pdf_dialog",
    "sign_dialog",
    "verify_dialog",
    "print_dialog",
    "create_certificate_dialog",
]


def _settings() -> QSettings:
    """The program's settings (the same QSettings as :class:`gui.settings.Settings`)."""
    return default_qsettings()


# -------------------------------------------------------------------------------------------------
# a task on the thread pool


class _Signals(QObject):
    progress = Signal(float, str)
    done = Signal(object)
    failed = Signal(str)


class _Task(QRunnable):
    """Runs ``fn(progress)`` on the pool; reports through Qt signals (queued to the UI thread)."""

    def __init__(self, fn: Callable[[Callable[[float, str], None]], Any]):
        super().__init__()
        self.fn = fn
        self.signals = _Signals()
        self.setAutoDelete(True)

    def run(self) -> None:
        from model.output.pdf import ExportError
        from model.output.sign import SigningError, VerifyError
        from model.store.errors import StoreError

        try:
            result = self.fn(lambda f, m: self.signals.progress.emit(float(f), str(m)))
        except (ExportError, SigningError, VerifyError, StoreError, OSError) as err:
            self.signals.failed.emit(str(err))
        except Exception as err:  # the last line of defence: a message, not a crash of the thread
            traceback.print_exc()
            self.signals.failed.emit(
                QCoreApplication.translate("output_dialogs", "操作失败：{0}").format(
                    f"{err.__class__.__name__}: {err}"
                )
            )
        else:
            self.signals.done.emit(result)


class _TaskDialog(QDialog):
    """A dialog with a progress bar, a message line and a worker task."""

    finished_ok = Signal(object)
    finished_error = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setVisible(False)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.result_value: Any = None
        self.error: str | None = None
        self._running = False

    def start(self, fn: Callable[[Callable[[float, str], None]], Any]) -> None:
        self._running = True
        self.error = None
        self.progress.setVisible(True)
        self.progress.setValue(0)
        self.message.setStyleSheet("")
        self._set_busy(True)
        task = _Task(fn)
        task.signals.progress.connect(self._on_progress)
        task.signals.done.connect(self._on_done)
        task.signals.failed.connect(self._on_failed)
        self._task_signals = task.signals  # keep the signal object alive until the task reports
        QThreadPool.globalInstance().start(task)

    def _set_busy(self, busy: bool) -> None:
        pass

    def _on_progress(self, fraction: float, text: str) -> None:
        self.progress.setValue(int(fraction * 100))
        self.message.setText(text)

    def _on_done(self, value: Any) -> None:
        self._running = False
        self._set_busy(False)
        self.result_value = value
        self.progress.setValue(100)
        self.done_message(value)
        self.finished_ok.emit(value)

    def _on_failed(self, text: str) -> None:
        self._running = False
        self._set_busy(False)
        self.error = text
        self.progress.setVisible(False)
        self.message.setStyleSheet("color: #b00020;")
        self.message.setText(text)
        self.finished_error.emit(text)

    def done_message(self, value: Any) -> None:
        self.message.setText(self.tr("完成。"))

    def reject(self) -> None:
        if self._running:
            return  # the task cannot be interrupted half-way; it is short
        super().reject()

    @property
    def running(self) -> bool:
        return self._running


def _path_row(edit: QLineEdit, browse: Callable[[], None]) -> QWidget:
    w = QWidget()
    lay = QHBoxLayout(w)
    lay.setContentsMargins(0, 0, 0, 0)
    lay.addWidget(edit, 1)
    b = QPushButton(QCoreApplication.translate("output_dialogs", "浏览…"))
    b.clicked.connect(browse)
    lay.addWidget(b)
    return w


# -------------------------------------------------------------------------------------------------
# export


class ExportDialog(_TaskDialog):
    """Choose where the PDF (and optionally the web page) go; export on the worker thread."""

    def __init__(
        self, report, previous=None, parent: QWidget | None = None, *, default_dir: Path | None = None
    ):
        super().__init__(parent)
        from model.output.fonts import report_title

        self.report, self.previous = report, previous
        self.setWindowTitle(self.tr("导出 PDF"))
        base = default_dir or Path(_settings().value("output/last_dir", str(Path.home())))
        name = report_title(report).replace("/", "／").replace("\\", "＼")
        self.pdf_edit = QLineEdit(str(base / f"{name}.pdf"))
        self.html_box = QCheckBox(self.tr("同时导出网页版（.html，供网站发布）"))
        form = QFormLayout()
        form.addRow(self.tr("PDF 文件："), _path_row(self.pdf_edit, self._browse))
        form.addRow("", self.html_box)
        self.draft_note = QLabel()
        self.draft_note.setWordWrap(True)
        self.buttons = QDialogButtonBox()
        self.export_button = self.buttons.addButton(self.tr("导出"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.close_button = self.buttons.addButton(self.tr("关闭"), QDialogButtonBox.ButtonRole.RejectRole)
        self.export_button.clicked.connect(self.run_export)
        self.close_button.clicked.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.draft_note)
        lay.addWidget(self.progress)
        lay.addWidget(self.message)
        lay.addWidget(self.buttons)
        self.resize(560, 200)
        self._check_characters()

    def _check_characters(self) -> None:
        from model.output.fonts import unprintable_characters

        try:
            missing = unprintable_characters(self.report)
        except (FileNotFoundError, RuntimeError) as err:
            self.draft_note.setText(str(err))
            return
        if missing:
            where = "；".join(f"“{ch}”（{'、'.join(p)}）" for ch, p in missing.items())
            self.draft_note.setText(self.tr("以下字符没有可用的字体，打印出来将是空框：{0}").format(where))
            self.draft_note.setStyleSheet("color: #b00020;")

    def _browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("导出 PDF"), self.pdf_edit.text(), self.tr("PDF 文件 (*.pdf)")
        )
        if path:
            self.pdf_edit.setText(path)

    def _set_busy(self, busy: bool) -> None:
        self.export_button.setEnabled(not busy)
        self.close_button.setEnabled(not busy)

    def run_export(self) -> None:
        text = self.pdf_edit.text().strip()
        if not text:
            self._on_failed(self.tr("请选择 PDF 文件的位置。"))
            return
        out = Path(text)
        if out.suffix.lower() != ".pdf":
            out = out.with_name(out.name + ".pdf")
        html = self.html_box.isChecked()
        report, previous = self.report, self.previous
        checking = self.tr("检查报告")

        def work(progress):
            from model.output.html import render_html
            from model.output.pdf import export_pdf, report_has_errors, write_atomic

            progress(0.0, checking)
            draft = report_has_errors(report, previous)
            path = export_pdf(report, out, previous=previous, draft=draft, progress=progress)
            if html:
                write_atomic(out.with_suffix(".html"), render_html(report).encode("utf-8"))
            return path, draft

        _settings().setValue("output/last_dir", str(out.parent))
        self.start(work)

    def done_message(self, value) -> None:
        path, draft = value
        text = self.tr("已导出：{0}").format(path)
        if draft:
            text += self.tr("\n报告仍有错误，导出的是草稿（每页印有“草稿”），不能签章或归档。")
        self.message.setText(text)


class OfficeExportDialog(_TaskDialog):
    """Where the Word document (``kind`` "docx") or the Excel workbook of tables 二–四 ("xlsx") goes; written
    on the worker thread with progress, like the PDF."""

    KINDS = {
        "docx": (
            QT_TRANSLATE_NOOP("OfficeExportDialog", "导出 Word"),
            QT_TRANSLATE_NOOP("OfficeExportDialog", "Word 文件："),
            QT_TRANSLATE_NOOP("OfficeExportDialog", "Word 文档 (*.docx)"),
        ),
        "xlsx": (
            QT_TRANSLATE_NOOP("OfficeExportDialog", "导出 Excel"),
            QT_TRANSLATE_NOOP("OfficeExportDialog", "Excel 文件："),
            QT_TRANSLATE_NOOP("OfficeExportDialog", "Excel 工作簿 (*.xlsx)"),
        ),
    }

    def __init__(
        self,
        report,
        kind: str,
        previous=None,
        parent: QWidget | None = None,
        *,
        default_dir: Path | None = None,
    ):
        super().__init__(parent)
        from model.output.fonts import report_title

        self.report, self.previous, self.kind = report, previous, kind
        title, label, self._filter = (self.tr(x) for x in self.KINDS[kind])
        suffix = ""
        if kind == "xlsx":  # the workbook holds the tables only: （表二、表三、表四）
            tables = "、".join(
                self.tr("表%1").replace("%1", s.numeral) for s in report.form.sections if s.table
            )
            suffix = f"（{tables}）"
        self.setWindowTitle(title)
        base = default_dir or Path(_settings().value("output/last_dir", str(Path.home())))
        name = report_title(report).replace("/", "／").replace("\\", "＼") + suffix
        self.path_edit = QLineEdit(str(base / f"{name}.{kind}"))
        form = QFormLayout()
        form.addRow(label, _path_row(self.path_edit, self._browse))
        self.buttons = QDialogButtonBox()
        self.export_button = self.buttons.addButton(self.tr("导出"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.close_button = self.buttons.addButton(self.tr("关闭"), QDialogButtonBox.ButtonRole.RejectRole)
        self.export_button.clicked.connect(self.run_export)
        self.close_button.clicked.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.progress)
        lay.addWidget(self.message)
        lay.addWidget(self.buttons)
        self.resize(560, 160)

    def _browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.windowTitle(), self.path_edit.text(), self._filter)
        if path:
            self.path_edit.setText(path)

    def _set_busy(self, busy: bool) -> None:
        self.export_button.setEnabled(not busy)
        self.close_button.setEnabled(not busy)

    def run_export(self) -> None:
        text = self.path_edit.text().strip()
        if not text:
            self._on_failed(self.tr("请选择文件的位置。"))
            return
        out = Path(text)
        if out.suffix.lower() != f".{self.kind}":
            out = out.with_name(f"{out.name}.{self.kind}")
        report, previous, kind = self.report, self.previous, self.kind
        checking = self.tr("检查报告")

        def work(progress):
            from model.output.pdf import report_has_errors

            progress(0.0, checking)
            draft = report_has_errors(report, previous)
            if kind == "docx":
                from model.output.docx import export_docx

                return export_docx(report, out, progress=progress, draft=draft), draft
            from model.output.xlsx import export_xlsx

            return export_xlsx(report, out, progress=progress), draft

        _settings().setValue("output/last_dir", str(out.parent))
        self.start(work)

    def done_message(self, value) -> None:
        path, draft = value
        text = self.tr("已导出：{0}").format(path)
        if draft:
            text += self.tr("\n注意：报告仍有错误，请改正后再报送。")
        self.message.setText(text)


# -------------------------------------------------------------------------------------------------
# sign


class SignDialog(_TaskDialog):
    def __init__(self, pdf_path: str | Path, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("数字签章"))
        self.pdf_path = Path(pdf_path)
        s = _settings()
        self.key_edit = QLineEdit(str(s.value("sign/last_key", "")))
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.seal_edit = QLineEdit(str(s.value("sign/last_seal", "")))
        default_out = self.pdf_path.with_name(self.tr("{0}（签章）.pdf").format(self.pdf_path.stem))
        self.out_edit = QLineEdit(str(default_out))
        form = QFormLayout()
        form.addRow(self.tr("文件："), QLabel(str(self.pdf_path)))
        form.addRow(self.tr("证书（.p12/.pfx）："), _path_row(self.key_edit, self._browse_key))
        form.addRow(self.tr("证书密码："), self.password_edit)
        form.addRow(self.tr("印章图片（PNG）："), _path_row(self.seal_edit, self._browse_seal))
        form.addRow(self.tr("签章后的文件："), _path_row(self.out_edit, self._browse_out))
        note = QLabel(self.tr("密码只用于这一次签章，程序不会保存。"))
        note.setStyleSheet("color: #555;")
        self.buttons = QDialogButtonBox()
        self.sign_button = self.buttons.addButton(self.tr("签章"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.close_button = self.buttons.addButton(self.tr("关闭"), QDialogButtonBox.ButtonRole.RejectRole)
        self.sign_button.clicked.connect(self.run_sign)
        self.close_button.clicked.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(note)
        lay.addWidget(self.progress)
        lay.addWidget(self.message)
        lay.addWidget(self.buttons)
        self.resize(600, 260)
        from model.output.sign import NO_DATE, report_facts

        self.facts = report_facts(self.pdf_path)
        if self.facts.get("date") == "":  # the report has no 成文日期: signing is refused, say so at once
            self.message.setText(NO_DATE)
            self.sign_button.setEnabled(False)

    def _browse_key(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("选择证书"), self.key_edit.text(), self.tr("证书 (*.p12 *.pfx)")
        )
        if path:
            self.key_edit.setText(path)

    def _browse_seal(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("选择印章图片"), self.seal_edit.text(), self.tr("PNG 图片 (*.png)")
        )
        if path:
            self.seal_edit.setText(path)

    def _browse_out(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("签章后的文件"), self.out_edit.text(), self.tr("PDF 文件 (*.pdf)")
        )
        if path:
            self.out_edit.setText(path)

    def _set_busy(self, busy: bool) -> None:
        self.sign_button.setEnabled(not busy)
        self.close_button.setEnabled(not busy)

    def run_sign(self) -> None:
        key = self.key_edit.text().strip()
        if not key:
            self._on_failed(self.tr("请选择证书文件（.p12/.pfx）。"))
            return
        seal = self.seal_edit.text().strip() or None
        out = Path(self.out_edit.text().strip() or self.pdf_path)
        password = self.password_edit.text()
        self.password_edit.clear()  # never kept longer than needed
        if not self._confirm(key, password, seal):
            return
        src = self.pdf_path
        s = _settings()
        s.setValue("sign/last_key", key)
        s.setValue("sign/last_seal", seal or "")
        signing = self.tr("签章中")

        def work(progress):
            from model.output.sign import sign_pdf

            progress(0.2, signing)
            return sign_pdf(src, out, key, password, seal)

        self.start(work)

    def _confirm(self, key: str, password: str, seal: str | None) -> bool:
        """Before signing: say when the certificate's signer is not the report's organ, and when the seal image
        is too coarse for print; the clerk decides whether to sign all the same."""
        from model.output.sign import SigningError, seal_warnings, signer_of

        try:
            who = signer_of(key, password)
            notes = seal_warnings(seal) if seal else []
        except SigningError as err:
            self._on_failed(str(err))
            return False
        organ = self.facts.get("organ", "")
        if organ and who != organ:
            notes.insert(0, self.tr("证书的签章人“{0}”不是报告的机关“{1}”。").format(who, organ))
        if not notes:
            return True
        self.message.setText("\n".join(notes))
        answer = QMessageBox.question(
            self,
            self.tr("数字签章"),
            "\n\n".join(notes) + "\n\n" + self.tr("仍要签章吗？"),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def done_message(self, value) -> None:
        self.message.setText(self.tr("已签章：{0}").format(value))


# -------------------------------------------------------------------------------------------------
# certificates


class CertificateDialog(QDialog):
    """Create a self-signed organ certificate (.p12 protected by a password the clerk chooses)."""

    def __init__(self, parent: QWidget | None = None, *, organ: str = "", folder: Path | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("创建机关证书"))
        folder = folder or Path.home()
        self.organ_edit = QLineEdit(organ)
        self.person_edit = QLineEdit()
        self.person_edit.setPlaceholderText(self.tr("可不填，例如签章人姓名"))
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.confirm_edit = QLineEdit()
        self.confirm_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.years = QSpinBox()
        self.years.setRange(1, 20)
        self.years.setValue(5)
        self.years.setSuffix(self.tr(" 年"))
        self.out_edit = QLineEdit(str(folder / self.tr("机关证书.p12")))
        self.trust_box = QCheckBox(self.tr("在本机把此证书设为受信任"))
        self.trust_box.setChecked(True)
        form = QFormLayout()
        form.addRow(self.tr("机关名称："), self.organ_edit)
        form.addRow(self.tr("签章人："), self.person_edit)
        form.addRow(self.tr("密码："), self.password_edit)
        form.addRow(self.tr("再次输入密码："), self.confirm_edit)
        form.addRow(self.tr("有效期："), self.years)
        form.addRow(self.tr("保存为："), _path_row(self.out_edit, self._browse))
        form.addRow("", self.trust_box)
        self.message = QLabel(self.tr("请牢记密码：程序不保存密码，忘记后证书无法使用。"))
        self.message.setWordWrap(True)
        buttons = QDialogButtonBox()
        self.create_button = buttons.addButton(self.tr("创建"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.tr("取消"), QDialogButtonBox.ButtonRole.RejectRole).clicked.connect(
            self.reject
        )
        self.create_button.clicked.connect(self.create)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.message)
        lay.addWidget(buttons)
        self.created: tuple[Path, Path] | None = None

    def _browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("保存证书"), self.out_edit.text(), self.tr("证书 (*.p12)")
        )
        if path:
            self.out_edit.setText(path)

    def create(self) -> None:
        from model.output.sign import SigningError, create_organ_certificate, import_trusted_certificate

        if self.password_edit.text() != self.confirm_edit.text():
            self._error(self.tr("两次输入的密码不一致。"))
            return
        try:
            p12, cer = create_organ_certificate(
                self.out_edit.text().strip(),
                self.organ_edit.text(),
                self.password_edit.text(),
                person=self.person_edit.text() or None,
                years=self.years.value(),
            )
            if self.trust_box.isChecked():
                import_trusted_certificate(cer)
        except SigningError as err:
            self._error(str(err))
            return
        finally:
            self.password_edit.clear()
            self.confirm_edit.clear()
        self.created = (p12, cer)
        self.accept()

    def _error(self, text: str) -> None:
        self.message.setStyleSheet("color: #b00020;")
        self.message.setText(text)


# -------------------------------------------------------------------------------------------------
# verify


class VerifyDialog(QDialog):
    #: column headings (translated where they are shown)
    COLUMNS = (
        QT_TRANSLATE_NOOP("VerifyDialog", "签名人"),
        QT_TRANSLATE_NOOP("VerifyDialog", "签名时间"),
        QT_TRANSLATE_NOOP("VerifyDialog", "结果"),
        # every fact of SignatureStatus.facts(), in its order
        QT_TRANSLATE_NOOP("VerifyDialog", "签名完整"),
        QT_TRANSLATE_NOOP("VerifyDialog", "覆盖整个文件"),
        QT_TRANSLATE_NOOP("VerifyDialog", "证书来源"),
        QT_TRANSLATE_NOOP("VerifyDialog", "证书有效期"),
        QT_TRANSLATE_NOOP("VerifyDialog", "签章机关"),
    )

    def __init__(self, path: str | Path, parent: QWidget | None = None, *, trust_folder: Path | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("核验数字签名"))
        self.path = Path(path)
        self.trust_folder = trust_folder
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        # one column per signature, one row per fact: every fact visible without scrolling sideways
        self.table = QTableWidget(len(self.COLUMNS), 0)
        self.table.setVerticalHeaderLabels([self.tr(c) for c in self.COLUMNS])
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.setWordWrap(True)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        buttons = QDialogButtonBox()
        trust = buttons.addButton(self.tr("导入受信任证书…"), QDialogButtonBox.ButtonRole.ActionRole)
        trust.clicked.connect(self._import_trusted)
        buttons.addButton(self.tr("关闭"), QDialogButtonBox.ButtonRole.RejectRole).clicked.connect(
            self.reject
        )
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel(str(self.path)))
        lay.addWidget(self.summary)
        lay.addWidget(self.table)
        lay.addWidget(buttons)
        self.resize(820, 420)
        self.results: list = []
        self.refresh()

    def refresh(self) -> None:
        from model.output.sign import VerifyError, verify_pdf

        self.table.setColumnCount(0)
        try:
            self.results = verify_pdf(self.path, trust_folder=self.trust_folder)
        except VerifyError as err:
            self.results = []
            self.summary.setText(str(err))
            self.summary.setStyleSheet("color: #b00020;")
            return
        if not self.results:
            self.summary.setText(self.tr("文件中没有数字签名。"))
            self.summary.setStyleSheet("")
            return
        ok = all(s.ok for s in self.results)
        self.summary.setText(
            self.tr("所有签名完好，签名后文件未被修改，证书在有效期内。")
            if ok
            else self.tr("有签名已损坏、文件在签名后被修改，或证书已过期、尚未生效！")
        )
        self.summary.setStyleSheet("color: #1b5e20;" if ok else "color: #b00020; font-weight: bold;")
        self.table.setColumnCount(len(self.results))
        self.table.setHorizontalHeaderLabels(
            [self.tr("签名 %1").replace("%1", str(i)) for i in range(1, len(self.results) + 1)]
        )
        for c, s in enumerate(self.results):
            cells = [(s.signer, True), (s.time_text(), True), (s.message, s.ok)]
            cells += [(said, good) for _, good, said in s.facts()]
            for r, (text, good) in enumerate(cells):
                item = QTableWidgetItem(("" if r < 3 else "✓ " if good else "✗ ") + text)
                if not good:
                    item.setForeground(QColor("#b00020"))
                self.table.setItem(r, c, item)

    def _import_trusted(self) -> None:
        from model.output.sign import SigningError, import_trusted_certificate

        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("导入受信任证书"), "", self.tr("证书 (*.cer *.crt *.pem *.der)")
        )
        if not path:
            return
        try:
            import_trusted_certificate(path, self.trust_folder)
        except SigningError as err:
            QMessageBox.warning(self, self.tr("导入证书"), str(err))
            return
        self.refresh()


# -------------------------------------------------------------------------------------------------
# print


def _printer_from_settings():
    from PySide6.QtGui import QPageLayout, QPageSize
    from PySide6.QtPrintSupport import QPrinter

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    s = _settings()
    name = s.value("print/printer", "")
    if name:
        printer.setPrinterName(str(name))
    page_id = s.value("print/page_size")
    size = (
        QPageSize(QPageSize.PageSizeId(int(page_id)))
        if page_id is not None
        else QPageSize(QPageSize.PageSizeId.A4)
    )
    printer.setPageSize(size)
    printer.setPageOrientation(QPageLayout.Orientation.Portrait)
    duplex = s.value("print/duplex")
    if duplex is not None:
        printer.setDuplex(QPrinter.DuplexMode(int(duplex)))
    color = s.value("print/color")
    if color is not None:
        printer.setColorMode(QPrinter.ColorMode(int(color)))
    printer.setFullPage(True)
    return printer


def _save_printer_settings(printer) -> None:
    s = _settings()
    s.setValue("print/printer", printer.printerName())
    s.setValue("print/page_size", int(printer.pageLayout().pageSize().id().value))
    s.setValue("print/duplex", int(printer.duplex().value))
    s.setValue("print/color", int(printer.colorMode().value))


def fit_rect(target: QRect, width: float, height: float) -> QRectF:
    """The largest rectangle of ``width``:``height`` inside ``target``, centred (the page keeps its shape on
    any paper: A4 on Letter gets a margin, never a stretch)."""
    scale = min(target.width() / width, target.height() / height)
    w, h = width * scale, height * scale
    return QRectF(target.x() + (target.width() - w) / 2, target.y() + (target.height() - h) / 2, w, h)


def _off_thread(fn: Callable[[], Any]) -> Any:
    """``fn()`` on a worker thread; the UI thread keeps painting meanwhile (user input waits)."""
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["value"] = fn()
        except BaseException as err:  # handed back to the caller below
            box["error"] = err

    worker = threading.Thread(target=run, name="nianbao-render", daemon=True)
    worker.start()
    while worker.is_alive():
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents, 30)
        worker.join(0.02)
    if "error" in box:
        raise box["error"]
    return box["value"]


def _page_image(pdf_path: str | Path, index: int, dpi: float, rotate: int) -> QImage:
    from model.output.render import render_page

    im = render_page(pdf_path, index, dpi, rotate=rotate)
    data = im.tobytes("raw", "RGB")
    return QImage(data, im.width, im.height, im.width * 3, QImage.Format.Format_RGB888).copy()


def paint_pdf(
    printer, pdf_path: str | Path, *, max_dpi: int = 300, progress: Callable[[int, int], None] | None = None
) -> int:
    """Draw the PDF's pages onto ``printer`` (or any QPagedPaintDevice-like printer), one page each, fitted to
    the paper with their shape kept and centred; landscape pages are turned to fit portrait paper. Each page
    is rasterised on a worker thread while the window keeps painting; ``progress(done, total)`` after each.
    Returns the number of pages drawn."""
    from model.output.render import page_sizes

    sizes = page_sizes(pdf_path)
    dpi = min(max_dpi, max(printer.resolution(), 72))
    painter = QPainter()
    if not painter.begin(printer):
        return 0
    try:
        for i, (w, h) in enumerate(sizes):
            if i:
                printer.newPage()
            target = painter.viewport()
            paper_landscape = target.width() > target.height()
            rotate = 90 if (w > h) != paper_landscape else 0
            pw, ph = (h, w) if rotate else (w, h)
            qimg = _off_thread(lambda i=i, rotate=rotate: _page_image(pdf_path, i, dpi, rotate))
            painter.drawImage(fit_rect(target, pw, ph), qimg)
            if progress:
                progress(i + 1, len(sizes))
    finally:
        painter.end()
    return len(sizes)


# -------------------------------------------------------------------------------------------------
# the functions the main window calls


def export_pdf_dialog(parent: QWidget | None, report, previous=None) -> Path | None:
    """Export the report as PDF (and optionally HTML); returns the PDF path or ``None``."""
    dlg = ExportDialog(report, previous, parent)
    dlg.exec()
    return dlg.result_value[0] if dlg.result_value else None


def export_docx_dialog(parent: QWidget | None, report, previous=None) -> Path | None:
    """Export the report as a Word document; returns its path or ``None``."""
    dlg = OfficeExportDialog(report, "docx", previous, parent)
    dlg.exec()
    return dlg.result_value[0] if dlg.result_value else None


def export_xlsx_dialog(parent: QWidget | None, report, previous=None) -> Path | None:
    """Export tables 二–四 as an Excel workbook; returns its path or ``None``."""
    dlg = OfficeExportDialog(report, "xlsx", previous, parent)
    dlg.exec()
    return dlg.result_value[0] if dlg.result_value else None


class ArchivePdfDialog(_TaskDialog):
    """After finalising: the final report's PDF goes into its archive folder (on the worker thread)."""

    def __init__(self, store, report_id: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("归档 PDF"))
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel(self.tr("正在生成定稿报告的 PDF 并存入归档文件夹…")))
        lay.addWidget(self.progress)
        lay.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.finished_ok.connect(lambda _: self.accept())

        from model.finalize import archive_pdf

        self.start(lambda progress: archive_pdf(store, report_id, progress))


def archive_pdf_dialog(parent: QWidget | None, store, report_id: int) -> Path | None:
    """Archive the PDF of the final report ``report_id``, with progress; returns the archived file or
    ``None`` (the dialog then shows why, and the report stays final)."""
    dlg = ArchivePdfDialog(store, report_id, parent)
    dlg.exec()
    return dlg.result_value


def sign_dialog(parent: QWidget | None, pdf_path: str | Path) -> Path | None:
    dlg = SignDialog(pdf_path, parent)
    dlg.exec()
    return dlg.result_value


def verify_dialog(parent: QWidget | None, path: str | Path) -> list:
    dlg = VerifyDialog(path, parent)
    dlg.exec()
    return dlg.results


def create_certificate_dialog(parent: QWidget | None, organ: str = "") -> tuple[Path, Path] | None:
    dlg = CertificateDialog(parent, organ=organ)
    if dlg.exec() == QDialog.DialogCode.Accepted and dlg.created:
        QMessageBox.information(
            parent,
            QCoreApplication.translate("output_dialogs", "创建机关证书"),
            QCoreApplication.translate(
                "output_dialogs", "已创建证书：{0}\n可发给他人导入为受信任证书的公开证书：{1}"
            ).format(*dlg.created),
        )
        return dlg.created
    return None


def print_dialog(parent: QWidget | None, pdf_path: str | Path) -> bool:
    """Print preview of exactly the PDF's pages; printing from there. Paper and printer are remembered."""
    from PySide6.QtPrintSupport import QPrintPreviewDialog

    printer = _printer_from_settings()
    preview = QPrintPreviewDialog(printer, parent)
    preview.setWindowTitle(
        QCoreApplication.translate("output_dialogs", "打印预览 — {0}").format(Path(pdf_path).name)
    )

    def paint(p) -> None:
        bar = QProgressDialog(
            QCoreApplication.translate("output_dialogs", "正在准备打印的页面…"), "", 0, 0, preview
        )
        bar.setCancelButton(None)
        # not modal: a modal bar would let user input in (and a second paint) from setValue()
        bar.setWindowModality(Qt.WindowModality.NonModal)
        bar.setMinimumDuration(400)
        try:
            paint_pdf(p, pdf_path, progress=lambda done, total: (bar.setMaximum(total), bar.setValue(done)))
        except OSError as err:
            QMessageBox.warning(preview, QCoreApplication.translate("output_dialogs", "打印"), str(err))
        finally:
            bar.close()

    preview.paintRequested.connect(paint)
    accepted = preview.exec() == QDialog.DialogCode.Accepted
    if accepted:
        _save_printer_settings(printer)
    return accepted
