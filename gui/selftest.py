"""``main.py --self-test``: does the installed program work? Exit 0 when it does, 1 with a message when not.

Runs offscreen (no window appears) and touches nothing of the user's: a temporary folder holds the store, the
settings, the certificate and the PDFs. The steps are those of a clerk's year — open a report from the store in
the window, check it, export the PDF/A, sign it, verify the signature — plus what a frozen build can lack
(Qt's Chinese translations, image format and print support plugins, the bundled fonts, the migrations,
PDFium for printing).
CI runs it on the PyInstaller build (``packaging/build.py --self-test``); a clerk's IT support can run it on
an installed copy (``nianbao.exe --self-test``; the exit status says it, the lines go to stdout when there is
one).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

#: the password of the throw-away certificate made for the test
_PASSWORD = "自检-nianbao-2024"


class SelfTestError(Exception):
    """A step found something wrong (the message says what, in Chinese)."""


#: where the lines go when the program has no console (a windowed build on Windows)
LOG_NAME = "nianbao-selftest.log"


def _log_path() -> Path:
    return Path(tempfile.gettempdir()) / LOG_NAME


def _say(line: str, *, error: bool = False) -> None:
    stream = sys.stderr if error else sys.stdout
    if stream is None:  # a windowed program on Windows has no console: the lines go to a log file
        try:
            with open(_log_path(), "a", encoding="utf-8") as log:
                log.write(line + "\n")
        except OSError:
            pass
        return
    try:
        stream.write(line + "\n")
        stream.flush()
    except (OSError, ValueError, UnicodeError):
        try:
            stream.write(line.encode("ascii", "backslashreplace").decode("ascii") + "\n")
        except (OSError, ValueError):
            pass


class _Run:
    def __init__(self) -> None:
        self.failed: list[str] = []

    def step(self, name: str, fn: Callable[[], Any]) -> Any:
        t0 = time.perf_counter()
        try:
            result = fn()
        except SelfTestError as err:
            self.failed.append(name)
            _say(f"自检失败：{name}：{err}", error=True)
            raise
        except Exception as err:  # every failure becomes a message and a non-zero exit
            self.failed.append(name)
            _say(f"自检失败：{name}：{err.__class__.__name__}: {err}", error=True)
            _say(traceback.format_exc(), error=True)
            raise SelfTestError(str(err)) from err
        _say(f"自检：{name} … 通过（{(time.perf_counter() - t0) * 1000:.0f} 毫秒）")
        return result


def _expect(condition: bool, message: str) -> None:
    if not condition:
        raise SelfTestError(message)


def _qt_environment(app) -> None:
    from PySide6.QtGui import QImageReader
    from PySide6.QtPrintSupport import QPrinter

    translators = getattr(app, "_nianbao_translators", None) or []
    _expect(bool(translators), "找不到 Qt 的中文翻译（qtbase_zh_CN.qm），标准对话框将显示英文。")
    formats = {
        bytes(f.data()).decode("ascii", "replace").lower() for f in QImageReader.supportedImageFormats()
    }
    missing = {"png", "jpg", "jpeg", "ico"} - formats
    _expect(not missing, f"缺少图片格式支持：{'、'.join(sorted(missing))}。")
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    _expect(printer.isValid() or printer.outputFormat() is not None, "打印支持不可用。")


#: the platform plugin a window needs on this system (the self-test itself runs offscreen, so Qt would start
#: without it: the file is looked for instead)
PLATFORM_PLUGIN = {"win32": "qwindows", "darwin": "qcocoa"}.get(sys.platform, "qxcb")
_PLATFORM_IID = "org.qt-project.Qt.QPA.QPlatformIntegrationFactoryInterface"


def _plugin_file(folder: Path, stem: str) -> Path | None:
    if not folder.is_dir():
        return None
    for path in folder.iterdir():
        name = path.stem[3:] if path.stem.startswith("lib") else path.stem
        if name == stem and path.suffix.lower() in (".dll", ".so", ".dylib"):
            return path
    return None


def _plugins(plugin_dir: Path | None = None) -> None:
    """What a frozen build can lack although Qt starts offscreen: the platform plugin that shows the window,
    the style plugin (Windows), the print support; and a printer query."""
    from PySide6.QtCore import QLibraryInfo, QPluginLoader
    from PySide6.QtPrintSupport import QPrinterInfo
    from PySide6.QtWidgets import QStyleFactory

    folder = plugin_dir or Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath))
    platform = _plugin_file(folder / "platforms", PLATFORM_PLUGIN)
    _expect(
        platform is not None,
        f"缺少 Qt 平台插件 {PLATFORM_PLUGIN}（{folder / 'platforms'}），程序无法显示窗口，请重新安装。",
    )
    loader = QPluginLoader(str(platform))
    iid = str(loader.metaData().get("IID", ""))
    _expect(
        iid.startswith(_PLATFORM_IID),
        f"Qt 平台插件 {platform.name} 无法读取（{loader.errorString()}），请重新安装。",
    )
    if sys.platform == "win32":  # everything it links is Windows' own or Qt's: it must load
        _expect(loader.load(), f"Qt 平台插件 {platform.name} 无法加载：{loader.errorString()}")
        styles = {k.lower() for k in QStyleFactory.keys()}
        _expect(
            bool(styles & {"windows11", "windowsvista"}),
            f"缺少 Qt 的 Windows 样式插件（{folder / 'styles'}），窗口将是旧式外观，请重新安装。",
        )
    else:
        _expect(
            _plugin_file(folder / "printsupport", "cupsprintersupport") is not None,
            f"缺少 Qt 的打印支持插件（{folder / 'printsupport'}），将无法打印，请重新安装。",
        )
    QPrinterInfo.availablePrinterNames()  # a printer query (none may be installed: the query must work)
    QPrinterInfo.defaultPrinterName()


def _fonts() -> None:
    from model.output import fonts

    faces = fonts.faces()
    _expect(bool(faces), "没有可用的中文字体。")


def _window_opens(app, store, report_id: int, folder: Path):
    """The main window, shown offscreen, opens the report; a dialog that pops up instead is a failure."""
    from PySide6.QtCore import QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    from .main_window import MainWindow
    from .settings import Settings

    settings = Settings(QSettings(str(folder / "设置.ini"), QSettings.Format.IniFormat))
    dialogs: list[str] = []

    def close_dialogs() -> None:  # a modal dialog would wait for a click that never comes
        w = QApplication.activeModalWidget()
        if w is not None:
            dialogs.append(getattr(w, "text", lambda: w.windowTitle())())
            w.close()

    guard = QTimer()
    guard.timeout.connect(close_dialogs)
    guard.start(200)
    try:
        window = MainWindow(store, settings)
        window.show()
        app.processEvents()
        opened = window.open_report(report_id)
        app.processEvents()
    finally:
        guard.stop()
    _expect(not dialogs, f"打开报告时弹出了对话框：{'；'.join(dialogs)}")
    _expect(bool(opened) and window.doc is not None, "窗口未能打开报告。")
    return window


def _run(run: _Run, folder: Path) -> None:
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from model.report import Report
    from model.rules import check
    from model.sample import sample_report
    from model.store import Store
    from model.store.paths import sqlite_url

    from .app import make_app

    app = run.step("启动 Qt（offscreen）", lambda: make_app([]))
    run.step("Qt 翻译、图片格式与打印支持", lambda: _qt_environment(app))
    run.step("Qt 插件（平台、样式、打印）与打印机查询", _plugins)

    def open_store():
        return Store.open(sqlite_url(folder / "年报自检.sqlite"), archive_root=folder / "归档")

    store = run.step("新建临时数据库（含迁移）", open_store)
    window = None
    try:
        sample = sample_report()
        info = run.step("示例报告存入数据库", lambda: store.save_report(sample))

        def load() -> tuple[Report, Any]:
            report, _info = store.load(info.id)
            _expect(report.cells == sample.cells, "从数据库读回的报告与存入的不一致。")
            return report, store.previous_report(info.id)

        report, previous = run.step("从数据库读取报告", load)
        window = run.step("主窗口打开报告", lambda: _window_opens(app, store, info.id, folder))

        def checked() -> None:
            errors = [
                f for f in check(report, previous) if str(getattr(f.severity, "value", f.severity)) == "error"
            ]
            _expect(not errors, "示例报告被判有错：" + "；".join(f.message for f in errors[:3]))

        run.step("核对报告", checked)
        run.step("载入内置字体", _fonts)

        from model.output import create_organ_certificate, export_pdf, sign_pdf, verify_pdf

        pdf = folder / "示范县2024年报.pdf"
        signed = folder / "示范县2024年报（已签章）.pdf"
        run.step("导出 PDF/A", lambda: export_pdf(report, pdf, previous=previous))
        _expect(pdf.stat().st_size > 1000, "导出的 PDF 为空。")
        p12, _cer = run.step(
            "生成机关证书",
            lambda: create_organ_certificate(folder / "自检证书.p12", report.agency, _PASSWORD),
        )
        run.step("签章", lambda: sign_pdf(pdf, signed, p12, _PASSWORD))

        def verified() -> None:
            trust = folder / "受信任证书"
            trust.mkdir(exist_ok=True)
            statuses = verify_pdf(signed, trust_folder=trust)
            _expect(len(statuses) == 1, f"应有 1 个签名，实有 {len(statuses)} 个。")
            _expect(statuses[0].ok, f"签名验证未通过：{statuses[0].message}")

        run.step("验证签名", verified)

        def rendered() -> None:  # printing and the print preview draw the PDF's pages with PDFium
            from model.output.render import page_count, render_page

            _expect(page_count(signed) >= 2, "签章后的 PDF 页数不对。")
            image = render_page(signed, 0, dpi=36)
            _expect(image.width > 100 and image.height > 100, "PDF 页面未能渲染（打印预览）。")

        run.step("渲染页面（打印预览）", rendered)
    finally:
        if window is not None:
            window.close()
            window.deleteLater()
        app.processEvents()
        store.close()


def run_self_test() -> int:
    """0 when every step passes; 1 (with ``自检失败：…`` on stderr) when one does not."""
    t0 = time.perf_counter()
    run = _Run()
    with tempfile.TemporaryDirectory(prefix="nianbao-自检-", ignore_cleanup_errors=True) as tmp:
        try:
            _run(run, Path(tmp))
        except SelfTestError:
            pass
        except Exception as err:  # outside any step: still a message, never a bare traceback
            run.failed.append("自检")
            _say(f"自检失败：{err.__class__.__name__}: {err}", error=True)
    seconds = time.perf_counter() - t0
    if run.failed:
        _say(f"自检未通过（{'、'.join(run.failed)}），用时 {seconds:.1f} 秒。", error=True)
        return 1
    _say(f"自检通过，用时 {seconds:.1f} 秒。")
    return 0
