"""The output dialogs, offscreen: export on the worker thread, sign, certificate, verify, print rendering."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("PySide6.QtWidgets")
pytest.importorskip("pypdfium2")

from PySide6.QtCore import QSettings

from gui import output_dialogs as od
from model.output.pdf import export_pdf
from model.output.sign import create_organ_certificate, verify_pdf
from model.sample import sample_report

SEAL = Path(__file__).resolve().parent / "fixtures" / "seal.png"


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    """Every QSettings of these tests lives in the test's folder, never in the user's real settings."""
    ini = tmp_path / "settings.ini"
    monkeypatch.setattr(od, "_settings", lambda: QSettings(str(ini), QSettings.Format.IniFormat))
    monkeypatch.setenv("NIANBAO_DATA_DIR", str(tmp_path / "data"))
    scoped = tmp_path / "qsettings"
    before = []
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        for scope in (QSettings.Scope.UserScope, QSettings.Scope.SystemScope):
            where = Path(QSettings(fmt, scope, "o", "a").fileName())
            if where.suffix:  # a file (not the Windows registry): its folder is the path to restore
                before.append((fmt, scope, str(where.parent.parent)))
            QSettings.setPath(fmt, scope, str(scoped))
    yield ini
    for fmt, scope, path in before:
        QSettings.setPath(fmt, scope, path)


@pytest.fixture(scope="module")
def key(tmp_path_factory):
    d = tmp_path_factory.mktemp("key")
    return create_organ_certificate(d / "k.p12", "示范县人民政府办公室", "pass-word")[0]


def test_export_dialog_runs_off_the_ui_thread(qtbot, tmp_path):
    dlg = od.ExportDialog(sample_report(), None, default_dir=tmp_path)
    qtbot.addWidget(dlg)
    out = tmp_path / "导出.pdf"
    dlg.pdf_edit.setText(str(out))
    dlg.html_box.setChecked(True)
    with qtbot.waitSignal(dlg.finished_ok, timeout=30000) as blocker:
        dlg.export_button.click()
        assert dlg.running and not dlg.export_button.isEnabled()
    path, draft = blocker.args[0]
    assert path == out and out.is_file() and out.with_suffix(".html").is_file() and not draft
    assert "已导出" in dlg.message.text() and dlg.progress.value() == 100
    assert dlg.export_button.isEnabled()


def test_export_dialog_reports_errors_and_drafts(qtbot, tmp_path):
    r = sample_report()
    r.cells["t3.new.total"] = 777
    dlg = od.ExportDialog(r, None, default_dir=tmp_path)
    qtbot.addWidget(dlg)
    dlg.pdf_edit.setText(str(tmp_path / "没有的文件夹" / "a.pdf"))
    with qtbot.waitSignal(dlg.finished_error, timeout=30000):
        dlg.export_button.click()
    assert "不存在" in dlg.message.text()
    dlg.pdf_edit.setText(str(tmp_path / "draft.pdf"))
    with qtbot.waitSignal(dlg.finished_ok, timeout=30000):
        dlg.export_button.click()
    assert "草稿" in dlg.message.text()


def test_export_dialog_names_unprintable_characters(qtbot, tmp_path):
    r = sample_report()
    r.text["other"] += "𠀀"
    dlg = od.ExportDialog(r, None, default_dir=tmp_path)
    qtbot.addWidget(dlg)
    assert "𠀀" in dlg.draft_note.text()


def test_sign_dialog(qtbot, tmp_path, key, monkeypatch):
    asked: list[str] = []

    def question(parent, title, text, *args):
        asked.append(text)
        return od.QMessageBox.StandardButton.Yes

    monkeypatch.setattr(od.QMessageBox, "question", question)
    pdf = export_pdf(sample_report(), tmp_path / "r.pdf", draft=False)
    dlg = od.SignDialog(pdf)
    qtbot.addWidget(dlg)
    dlg.key_edit.setText(str(key))
    dlg.seal_edit.setText(str(SEAL))
    dlg.password_edit.setText("wrong!!")
    out = Path(dlg.out_edit.text())
    with qtbot.waitSignal(dlg.finished_error, timeout=30000):
        dlg.sign_button.click()
    assert "密码错误" in dlg.message.text() and not out.exists()
    assert dlg.password_edit.text() == ""  # never kept
    dlg.password_edit.setText("pass-word")
    with qtbot.waitSignal(dlg.finished_ok, timeout=30000):
        dlg.sign_button.click()
    assert [s.ok for s in verify_pdf(out)] == [True]
    # asked first: the 240-pixel seal is too coarse for print at 42 mm (issue 12)
    assert len(asked) == 1 and "145 dpi" in asked[0] and "签章人" not in asked[0]
    assert od._settings().value("sign/last_key") == str(key)
    assert "pass-word" not in (tmp_path / "settings.ini").read_text(encoding="utf-8")


def test_certificate_dialog(qtbot, tmp_path):
    dlg = od.CertificateDialog(organ="某某局", folder=tmp_path)
    qtbot.addWidget(dlg)
    dlg.password_edit.setText("abcdef1")
    dlg.confirm_edit.setText("abcdef2")
    dlg.create_button.click()
    assert "不一致" in dlg.message.text() and dlg.created is None
    dlg.password_edit.setText("abcdef1")
    dlg.confirm_edit.setText("abcdef1")
    dlg.create_button.click()
    assert dlg.created and dlg.created[0].is_file() and dlg.created[1].is_file()
    trusted = list((tmp_path / "data" / "trusted-certificates").iterdir())
    assert len(trusted) == 1


def test_verify_dialog(qtbot, tmp_path, key):
    from model.output.sign import sign_pdf

    pdf = export_pdf(sample_report(), tmp_path / "r.pdf", draft=False)
    signed = sign_pdf(pdf, tmp_path / "s.pdf", key, "pass-word", SEAL)
    dlg = od.VerifyDialog(signed, trust_folder=tmp_path / "trust")
    qtbot.addWidget(dlg)
    assert dlg.table.columnCount() == 1
    assert dlg.table.item(0, 0).text() == "示范县人民政府办公室"
    assert dlg.table.item(5, 0).text().startswith("✓ 自签名")
    assert "完好" in dlg.summary.text()
    broken = tmp_path / "b.pdf"
    data = bytearray(signed.read_bytes())
    i = data.index(b"stream", 2000) + 20
    data[i] ^= 1
    broken.write_bytes(bytes(data))
    dlg2 = od.VerifyDialog(broken, trust_folder=tmp_path / "trust")
    qtbot.addWidget(dlg2)
    assert "损坏" in dlg2.summary.text()
    dlg3 = od.VerifyDialog(tmp_path / "none.pdf")
    qtbot.addWidget(dlg3)
    assert "找不到" in dlg3.summary.text()


def test_print_renders_exactly_the_pdf_pages(qtbot, tmp_path):
    from PySide6.QtPrintSupport import QPrinter

    from model.output.render import page_count

    pdf = export_pdf(sample_report(), tmp_path / "r.pdf", draft=False)
    printer = od._printer_from_settings()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    printer.setResolution(72)
    n = od.paint_pdf(printer, pdf, max_dpi=40)
    assert n == page_count(pdf) == page_count(tmp_path / "printed.pdf")
    od._save_printer_settings(printer)
    again = od._printer_from_settings()
    assert again.pageLayout().pageSize().id() == printer.pageLayout().pageSize().id()


def test_print_settings_stay_in_the_test_folder(isolated, tmp_path):
    from PySide6.QtGui import QPageSize

    printer = od._printer_from_settings()
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A5))
    od._save_printer_settings(printer)
    assert isolated.is_file() and "page_size" in isolated.read_text(encoding="utf-8")
    assert od._printer_from_settings().pageLayout().pageSize().id() == QPageSize.PageSizeId.A5


def test_print_keeps_the_page_shape_on_other_paper(qtbot, tmp_path, monkeypatch):
    import threading

    from PySide6.QtGui import QPageSize, QPainter
    from PySide6.QtPrintSupport import QPrinter

    import model.output.render as render
    from model.output.render import page_sizes

    drawn: list = []
    done: list[tuple[int, int]] = []

    class Painter(QPainter):
        def drawImage(self, target, image):  # Qt's name
            drawn.append((target, image.width(), image.height(), self.viewport()))
            return super().drawImage(target, image)

    threads: list[str] = []
    real_render = render.render_page

    def spy(*args, **kwargs):
        threads.append(threading.current_thread().name)
        return real_render(*args, **kwargs)

    monkeypatch.setattr(od, "QPainter", Painter)
    monkeypatch.setattr(render, "render_page", spy)
    pdf = export_pdf(sample_report(), tmp_path / "r.pdf", draft=False)
    sizes = page_sizes(pdf)
    for paper in (QPageSize.PageSizeId.Letter, QPageSize.PageSizeId.A5, QPageSize.PageSizeId.Legal):
        drawn.clear()
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(tmp_path / "printed.pdf"))
        printer.setPageSize(QPageSize(paper))
        printer.setFullPage(True)
        printer.setResolution(72)
        done.clear()
        assert od.paint_pdf(printer, pdf, max_dpi=30, progress=lambda a, b: done.append((a, b))) == len(sizes)
        assert done == [(i + 1, len(sizes)) for i in range(len(sizes))]
        assert len(drawn) == len(sizes)
        for (w, h), (target, iw, ih, view) in zip(sizes, drawn, strict=True):
            pw, ph = (h, w) if w > h else (w, h)  # landscape pages are turned onto portrait paper
            assert abs(target.width() / target.height() - pw / ph) < 0.005  # the page keeps its shape
            assert abs(iw / ih - pw / ph) < 0.02
            # as large as the paper allows, centred
            assert min(abs(target.width() - view.width()), abs(target.height() - view.height())) < 1
            assert abs((target.left() + target.right()) / 2 - (view.left() + view.right()) / 2) < 1
            assert abs((target.top() + target.bottom()) / 2 - (view.top() + view.bottom()) / 2) < 1
    assert threads and all(t != threading.main_thread().name for t in threads)  # rendered off the UI thread


def test_fit_rect():
    from PySide6.QtCore import QRect

    r = od.fit_rect(QRect(0, 0, 200, 400), 100, 100)
    assert (r.x(), r.y(), r.width(), r.height()) == (0, 100, 200, 200)
    r = od.fit_rect(QRect(10, 0, 400, 100), 210, 297)
    assert abs(r.height() - 100) < 1e-9 and abs(r.center().x() - 210) < 1e-9


def test_sign_dialog_says_when_the_signer_is_not_the_organ(qtbot, tmp_path, monkeypatch):
    asked: list[str] = []

    def question(parent, title, text, *args):
        asked.append(text)
        return od.QMessageBox.StandardButton.No

    monkeypatch.setattr(od.QMessageBox, "question", question)
    other = create_organ_certificate(tmp_path / "o.p12", "另一个县人民政府", "pass-word")[0]
    pdf = export_pdf(sample_report(), tmp_path / "r.pdf", draft=False)
    dlg = od.SignDialog(pdf)
    qtbot.addWidget(dlg)
    dlg.key_edit.setText(str(other))
    dlg.password_edit.setText("pass-word")
    out = Path(dlg.out_edit.text())
    dlg.sign_button.click()
    assert len(asked) == 1 and "另一个县人民政府" in asked[0] and sample_report().agency in asked[0]
    assert not out.exists() and not dlg.running  # the clerk said no: nothing signed


def test_sign_dialog_refuses_a_report_without_date(qtbot, tmp_path):
    r = sample_report()
    r.date = None
    pdf = export_pdf(r, tmp_path / "r.pdf", draft=False)
    dlg = od.SignDialog(pdf)
    qtbot.addWidget(dlg)
    assert not dlg.sign_button.isEnabled() and "成文日期" in dlg.message.text()
