"""The print preview (Ctrl+P): the report's PDF pages as they will be printed, crisp at the screen's
resolution and re-rendered at every zoom level (PDFium through :mod:`model.output.render`); the printer, page
setup, grayscale and 打印 in one window. The last printer is remembered only while it still exists."""

from __future__ import annotations

import tempfile
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtPrintSupport import QPageSetupDialog, QPrinter, QPrinterInfo
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from . import output_dialogs as od
from .output_dialogs import _off_thread, _printer_from_settings, _save_printer_settings, paint_pdf

#: the zoom levels offered (per cent of the page's real size on the screen)
ZOOMS = (50, 75, 100, 125, 150, 200, 300)
#: the combo box entry that prints into a PDF file (a printer given that writes PDF: tests, 打印到文件)
TO_FILE = "\x00file"


def page_image(pdf_path: Path, index: int, dpi: float, gray: bool) -> QImage:
    from model.output.render import render_page

    im = render_page(pdf_path, index, dpi)
    if gray:
        im = im.convert("L")
        data = im.tobytes("raw", "L")
        return QImage(data, im.width, im.height, im.width, QImage.Format.Format_Grayscale8).copy()
    data = im.tobytes("raw", "RGB")
    return QImage(data, im.width, im.height, im.width * 3, QImage.Format.Format_RGB888).copy()


class PrintPreviewDialog(QDialog):
    def __init__(
        self, pdf_path: str | Path, parent: QWidget | None = None, *, printer: QPrinter | None = None
    ):
        super().__init__(parent)
        from model.output.render import page_sizes

        self.pdf_path = Path(pdf_path)
        self.sizes = page_sizes(self.pdf_path)  # points
        self.printer = printer or _printer_from_settings()
        self.setWindowTitle(self.tr("打印预览"))
        self.zoom = 100
        # the tool row: zoom, printer, page setup, grayscale, print
        self.zoom_box = QComboBox(self)
        for z in ZOOMS:
            self.zoom_box.addItem(f"{z}%", z)
        self.zoom_box.setCurrentIndex(ZOOMS.index(100))
        self.zoom_box.currentIndexChanged.connect(lambda i: self.set_zoom(self.zoom_box.itemData(i)))
        self.zoom_out = QPushButton(self.tr("缩小"), self)
        self.zoom_out.setShortcut("Ctrl+-")
        self.zoom_out.clicked.connect(lambda: self.step_zoom(-1))
        self.zoom_in = QPushButton(self.tr("放大"), self)
        self.zoom_in.setShortcut("Ctrl+=")
        self.zoom_in.clicked.connect(lambda: self.step_zoom(1))
        self.printer_box = QComboBox(self)
        self.printer_box.setMinimumWidth(220)
        self._fill_printers()
        self.setup_button = QPushButton(self.tr("页面设置…"), self)
        self.setup_button.clicked.connect(self.page_setup)
        self.gray = QCheckBox(self.tr("黑白（灰度）打印"), self)
        self.gray.setChecked(self.printer.colorMode() == QPrinter.ColorMode.GrayScale)
        self.gray.toggled.connect(lambda _on: self.render())
        self.print_button = QPushButton(self.tr("打印"), self)
        self.print_button.setDefault(True)
        self.print_button.clicked.connect(self.print_now)
        self.close_button = QPushButton(self.tr("关闭"), self)
        self.close_button.clicked.connect(self.reject)
        self.paper = QLabel(self)
        tools = QHBoxLayout()
        tools.addWidget(QLabel(self.tr("缩放："), self))
        tools.addWidget(self.zoom_out)
        tools.addWidget(self.zoom_box)
        tools.addWidget(self.zoom_in)
        tools.addSpacing(16)
        tools.addWidget(QLabel(self.tr("打印机："), self))
        tools.addWidget(self.printer_box)
        tools.addWidget(self.setup_button)
        tools.addWidget(self.gray)
        tools.addStretch(1)
        tools.addWidget(self.paper)
        tools.addWidget(self.print_button)
        tools.addWidget(self.close_button)
        # the pages, one under the other on a grey desk
        self.pages_widget = QWidget(self)
        self.pages_layout = QVBoxLayout(self.pages_widget)
        self.pages_layout.setSpacing(16)
        self.pages_layout.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.labels: list[QLabel] = []
        for _ in self.sizes:
            label = QLabel(self.pages_widget)
            label.setStyleSheet("background:white; border:1px solid #888;")
            self.pages_layout.addWidget(label, 0, Qt.AlignmentFlag.AlignHCenter)
            self.labels.append(label)
        self.scroll = QScrollArea(self)
        self.scroll.setWidget(self.pages_widget)
        self.scroll.setWidgetResizable(True)
        self.scroll.setStyleSheet(
            "QScrollArea { background:#777; } QScrollArea > QWidget > QWidget { background:#777; }"
        )
        lay = QVBoxLayout(self)
        lay.addLayout(tools)
        lay.addWidget(self.scroll, 1)
        screen = self.screen().availableGeometry() if self.screen() else None
        self.resize(
            min(1000, screen.width() - 40) if screen else 1000,
            min(900, screen.height() - 60) if screen else 900,
        )
        self._update_paper()
        self.render()

    # ---------------------------------------------------------------------------------------------

    def _fill_printers(self) -> None:
        names = od.available_printers()
        current = od.remembered_printer() or self.printer.printerName()
        for name in names:
            self.printer_box.addItem(name, name)
        if self.printer.outputFormat() == QPrinter.OutputFormat.PdfFormat and self.printer.outputFileName():
            self.printer_box.addItem(
                self.tr("打印到文件：%1").replace("%1", Path(self.printer.outputFileName()).name), TO_FILE
            )
        if self.printer_box.count() == 0:
            self.printer_box.addItem(self.tr("（本机没有安装打印机）"), None)
            self.printer_box.setEnabled(False)
            return
        i = self.printer_box.findData(current) if current in names else -1
        if i < 0 and self.printer.outputFormat() == QPrinter.OutputFormat.PdfFormat:
            i = self.printer_box.findData(TO_FILE)
        if i < 0:
            default = QPrinterInfo.defaultPrinterName()
            i = max(0, self.printer_box.findData(default))
        self.printer_box.setCurrentIndex(i)

    def chosen_printer(self) -> str | None:
        return self.printer_box.currentData()

    def _update_paper(self) -> None:
        layout = self.printer.pageLayout()
        orientation = (
            self.tr("横向") if layout.orientation() == layout.Orientation.Landscape else self.tr("纵向")
        )
        self.paper.setText(
            self.tr("纸张：%1 %2").replace("%1", layout.pageSize().name()).replace("%2", orientation)
        )

    def dpi(self) -> float:
        """Pixels per inch of the rendered pages: the screen's logical DPI × the zoom × its device pixel
        ratio (on a 150 % Windows screen a page is rendered with 1.5 times the pixels, not stretched)."""
        screen = self.screen()
        logical = screen.logicalDotsPerInch() if screen is not None else 96.0
        return logical * self.zoom / 100.0 * self.devicePixelRatioF()

    def render(self) -> None:
        """Render every page at the current zoom (PDFium, on a worker thread while the window paints)."""
        dpi, ratio, gray = self.dpi(), self.devicePixelRatioF(), self.gray.isChecked()
        for i, label in enumerate(self.labels):
            image = _off_thread(lambda i=i: page_image(self.pdf_path, i, dpi, gray))
            pixmap = QPixmap.fromImage(image)
            pixmap.setDevicePixelRatio(ratio)
            label.setPixmap(pixmap)
            label.setFixedSize(round(image.width() / ratio), round(image.height() / ratio))
        self.rendered_dpi = dpi

    def set_zoom(self, zoom: int) -> None:
        if zoom == self.zoom:
            return
        self.zoom = int(zoom)
        i = self.zoom_box.findData(self.zoom)
        if i >= 0 and self.zoom_box.currentIndex() != i:
            self.zoom_box.blockSignals(True)
            self.zoom_box.setCurrentIndex(i)
            self.zoom_box.blockSignals(False)
        self.render()

    def step_zoom(self, step: int) -> None:
        i = ZOOMS.index(self.zoom) if self.zoom in ZOOMS else ZOOMS.index(100)
        self.set_zoom(ZOOMS[max(0, min(len(ZOOMS) - 1, i + step))])

    def page_setup(self) -> None:
        self._apply_printer()
        if QPageSetupDialog(self.printer, self).exec() == QDialog.DialogCode.Accepted:
            self._update_paper()

    def _apply_printer(self) -> None:
        name = self.chosen_printer()
        if name and name != TO_FILE:
            self.printer.setOutputFormat(QPrinter.OutputFormat.NativeFormat)
            self.printer.setPrinterName(name)
        self.printer.setColorMode(
            QPrinter.ColorMode.GrayScale if self.gray.isChecked() else QPrinter.ColorMode.Color
        )

    def print_now(self) -> bool:
        if self.chosen_printer() is None:
            QMessageBox.warning(
                self, self.tr("打印"), self.tr("本机没有安装打印机。可以先导出 PDF，再在别的电脑上打印。")
            )
            return False
        self._apply_printer()
        bar = QProgressDialog(self.tr("正在打印…"), "", 0, len(self.sizes), self)
        bar.setCancelButton(None)
        bar.setWindowModality(Qt.WindowModality.NonModal)
        bar.setMinimumDuration(400)
        gray = self.gray.isChecked()
        try:
            n = paint_pdf(
                self.printer, self.pdf_path, progress=lambda done, _t: bar.setValue(done), gray=gray
            )
        except OSError as err:
            QMessageBox.warning(self, self.tr("打印"), str(err))
            return False
        finally:
            bar.close()
        if n == 0:
            QMessageBox.warning(
                self,
                self.tr("打印"),
                self.tr("打印机“%1”无法使用。").replace("%1", self.printer.printerName()),
            )
            return False
        if self.chosen_printer() != TO_FILE:
            _save_printer_settings(self.printer)
        self.accept()
        return True


def print_pdf(parent: QWidget | None, pdf_path: str | Path) -> bool:
    """The preview of exactly the PDF's pages; printing from there."""
    dialog = PrintPreviewDialog(pdf_path, parent)
    return dialog.exec() == QDialog.DialogCode.Accepted


def print_report(parent: QWidget | None, report, previous=None) -> bool:
    """Ctrl+P on an open report: its PDF made in a temporary folder (on a worker thread, the window
    painting), then the preview. Nothing is asked and no file is left behind."""
    from model.output.pdf import export_pdf, report_has_errors

    with tempfile.TemporaryDirectory(prefix="nianbao-print-") as folder:
        out = Path(folder) / "report.pdf"
        bar = QProgressDialog(
            QCoreApplication.translate("PrintPreview", "正在准备打印预览…"), "", 0, 0, parent
        )
        bar.setCancelButton(None)
        bar.setWindowModality(Qt.WindowModality.NonModal)
        bar.setMinimumDuration(300)
        try:
            _off_thread(
                lambda: export_pdf(report, out, previous=previous, draft=report_has_errors(report, previous))
            )
        except Exception as err:  # noqa: BLE001 - said to the clerk, never a traceback
            QMessageBox.warning(
                parent,
                QCoreApplication.translate("PrintPreview", "打印"),
                QCoreApplication.translate("PrintPreview", "无法生成打印的页面：%1").replace("%1", str(err)),
            )
            return False
        finally:
            bar.close()
        return print_pdf(parent, out)
