"""Ctrl+P opens a real print preview (issue 13, item 2): no 导出 PDF dialog first, pages rendered by PDFium
at the screen's resolution and re-rendered at each zoom, printer choice, page setup, grayscale, 打印; the
printer last used is remembered only while it still exists."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

pytest.importorskip("pytestqt")
pytest.importorskip("pypdfium2")

from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtPrintSupport import QPrinter  # noqa: E402
from PySide6.QtWidgets import QDialog, QFileDialog  # noqa: E402

from gui import output_dialogs as od  # noqa: E402
from gui import print_preview as pp  # noqa: E402
from gui.main_window import MainWindow  # noqa: E402
from gui.settings import Settings  # noqa: E402
from model.output.pdf import export_pdf  # noqa: E402
from model.output.render import page_count, page_sizes, render_page  # noqa: E402
from model.sample import sample_report  # noqa: E402
from model.store import Store, sqlite_url  # noqa: E402

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    ini = tmp_path / "output.ini"
    monkeypatch.setattr(od, "_settings", lambda: QSettings(str(ini), QSettings.Format.IniFormat))
    return ini


@pytest.fixture
def pdf(tmp_path):
    return export_pdf(sample_report(), tmp_path / "r.pdf", draft=False)


def test_ctrl_p_opens_the_preview_without_an_export_dialog(qtbot, tmp_path, monkeypatch):
    shown = []
    monkeypatch.setattr(pp.PrintPreviewDialog, "exec", lambda self: shown.append(self) or 0)
    monkeypatch.setattr(od.ExportDialog, "exec", lambda self: pytest.fail("导出 PDF asked on Ctrl+P"))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: pytest.fail("a file asked on Ctrl+P"))
    store = Store.open(sqlite_url(tmp_path / "年报.db"))
    w = MainWindow(store, Settings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)))
    qtbot.addWidget(w)
    info = store.save_report(sample_report())
    assert w.open_report(info.id)
    w.act_print.trigger()
    assert len(shown) == 1
    dialog = shown[0]
    assert dialog.windowTitle() == "打印预览"
    assert len(dialog.labels) >= 3 and dialog.pdf_path.name == "report.pdf"
    assert not dialog.pdf_path.exists()  # the temporary PDF is gone with the preview
    store.close()


def test_pages_are_rendered_at_the_screen_resolution_and_again_at_each_zoom(qtbot, pdf):
    dialog = pp.PrintPreviewDialog(pdf)
    qtbot.addWidget(dialog)
    ratio = dialog.devicePixelRatioF()
    width_pt = page_sizes(pdf)[0][0]
    logical = dialog.screen().logicalDotsPerInch()
    pixmap = dialog.labels[0].pixmap()
    assert pixmap.devicePixelRatio() == ratio
    # 100 %: the page's real width on the screen, in device pixels (never a scaled-down big image)
    assert abs(pixmap.width() - width_pt / 72 * logical * ratio) <= 1
    assert abs(dialog.labels[0].width() - width_pt / 72 * logical) <= 1
    dialog.zoom_box.setCurrentIndex(dialog.zoom_box.findData(200))
    pixmap = dialog.labels[0].pixmap()
    assert abs(pixmap.width() - 2 * width_pt / 72 * logical * ratio) <= 2  # rendered again, not stretched
    dialog.zoom_out.click()
    assert dialog.zoom == 150 and abs(dialog.labels[0].pixmap().width() - 1.5 * width_pt / 72 * logical) <= 2


def _colourful(image) -> int:
    rgb = image.convert("RGB")
    data = rgb.tobytes()
    return sum(1 for i in range(0, len(data), 3) if max(data[i : i + 3]) - min(data[i : i + 3]) > 40)


def test_print_to_the_chosen_printer_in_grayscale(qtbot, tmp_path, isolated):
    from PIL import Image, ImageDraw

    from model.output.sign import create_organ_certificate, sign_pdf

    # a signed PDF with a red seal: colour to lose in grayscale
    seal = tmp_path / "seal.png"
    im = Image.new("RGBA", (200, 200), (0, 0, 0, 0))
    ImageDraw.Draw(im).ellipse((5, 5, 195, 195), outline=(220, 0, 0, 255), width=12)
    im.save(seal)
    key = create_organ_certificate(tmp_path / "k.p12", "示范县人民政府办公室", "pass-word")[0]
    src = export_pdf(sample_report(), tmp_path / "r.pdf", draft=False)
    signed = sign_pdf(src, tmp_path / "signed.pdf", key, "pass-word", seal)
    last = page_count(signed) - 1
    assert _colourful(render_page(signed, last, 40)) > 0

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    out = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(out))
    printer.setResolution(72)
    dialog = pp.PrintPreviewDialog(signed, printer=printer)
    qtbot.addWidget(dialog)
    assert dialog.chosen_printer() == pp.TO_FILE
    dialog.gray.setChecked(True)
    gray_preview = dialog.labels[last].pixmap().toImage()
    assert gray_preview.isGrayscale()
    assert dialog.print_now()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert page_count(out) == page_count(signed)
    assert printer.colorMode() == QPrinter.ColorMode.GrayScale
    assert _colourful(render_page(out, last, 40)) == 0


def test_the_last_printer_is_remembered_only_while_it_exists(qtbot, pdf, isolated, monkeypatch):
    QSettings(str(isolated), QSettings.Format.IniFormat).setValue("print/printer", "办公室的旧打印机")
    monkeypatch.setattr(od, "available_printers", lambda: ["办公室的旧打印机", "三楼打印机"])
    assert od.remembered_printer() == "办公室的旧打印机"
    dialog = pp.PrintPreviewDialog(pdf)
    qtbot.addWidget(dialog)
    assert dialog.chosen_printer() == "办公室的旧打印机"
    # the printer removed since: forgotten, another one offered
    monkeypatch.setattr(od, "available_printers", lambda: ["三楼打印机"])
    assert od.remembered_printer() is None
    dialog = pp.PrintPreviewDialog(pdf)
    qtbot.addWidget(dialog)
    assert dialog.chosen_printer() == "三楼打印机"
    assert [dialog.printer_box.itemText(i) for i in range(dialog.printer_box.count())] == ["三楼打印机"]


def test_no_printer_is_said_not_a_crash(qtbot, pdf, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    said = []
    monkeypatch.setattr(od, "available_printers", lambda: [])
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: said.append(a[2]))
    printer = QPrinter()
    dialog = pp.PrintPreviewDialog(pdf, printer=printer)
    qtbot.addWidget(dialog)
    if dialog.chosen_printer() is None:
        assert not dialog.print_now() and "没有安装打印机" in said[0]


# -------------------------------------------------------------------------------------------------
# 13. no PDF or signed file is overwritten without asking


def test_export_and_sign_ask_before_replacing_a_file(qtbot, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from model.output.sign import create_organ_certificate

    answers, asked = [QMessageBox.StandardButton.No], []

    def question(parent, title, text, *a, **k):
        asked.append(text)
        return answers[-1]

    monkeypatch.setattr(QMessageBox, "question", question)
    out = tmp_path / "年报.pdf"
    out.write_bytes(b"the clerk's earlier PDF")
    dlg = od.ExportDialog(sample_report(), None, default_dir=tmp_path)
    qtbot.addWidget(dlg)
    dlg.pdf_edit.setText(str(out))
    dlg.run_export()
    assert asked and "年报.pdf" in asked[-1] and "替换" in asked[-1]
    assert not dlg.running and out.read_bytes() == b"the clerk's earlier PDF"
    answers.append(QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(dlg.finished_ok, timeout=30000):
        dlg.run_export()
    assert out.read_bytes().startswith(b"%PDF")
    # the signed copy
    key = create_organ_certificate(tmp_path / "k.p12", "示范县人民政府办公室", "pass-word")[0]
    signed = tmp_path / "年报（签章）.pdf"
    signed.write_bytes(b"signed yesterday")
    sign = od.SignDialog(out)
    qtbot.addWidget(sign)
    sign.key_edit.setText(str(key))
    sign.password_edit.setText("pass-word")
    sign.out_edit.setText(str(signed))
    answers.append(QMessageBox.StandardButton.No)
    n = len(asked)
    sign.run_sign()
    assert len(asked) == n + 1 and "年报（签章）.pdf" in asked[-1]
    assert not sign.running and signed.read_bytes() == b"signed yesterday"
    assert sign.password_edit.text() == "pass-word"  # nothing done: the password is still there to go on
