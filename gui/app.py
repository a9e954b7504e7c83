"""Start the window: ``run(argv)`` (called by ``cli.main.main`` when there is no sub-command)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QLibraryInfo, QLocale, Qt, QTranslator
from PySide6.QtGui import QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from model.files import APP_DIR_NAME

if TYPE_CHECKING:
    from model.report import Report
    from model.store import Store
    from model.store.peek import Peek, PeekInfo

    from .main_window import MainWindow

APP_NAME = QT_TRANSLATE_NOOP("app", "年报")
#: the window's icon (a red seal with 年报); the .ico beside it is the executable's
ICON = Path(__file__).resolve().parents[1] / "resources" / "icons" / "nianbao.png"


def app_name() -> str:
    """The program's name as the clerk reads it (window and message box titles)."""
    return QCoreApplication.translate("app", str(APP_NAME))


def set_high_dpi_policy() -> None:
    """PassThrough rounding (125 % and 150 % displays stay sharp) unless the environment says otherwise."""
    if os.environ.get("QT_SCALE_FACTOR_ROUNDING_POLICY"):
        return  # Qt reads it itself
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)


def translations_dirs() -> list[Path]:
    dirs = [Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))]
    try:
        import PySide6

        dirs.append(Path(PySide6.__file__).resolve().parent / "Qt" / "translations")
        dirs.append(Path(PySide6.__file__).resolve().parent / "translations")
    except (ImportError, TypeError):  # pragma: no cover
        pass
    if getattr(sys, "frozen", False):  # PyInstaller
        base = Path(getattr(sys, "_MEIPASS", Path(sys.executable).parent))
        dirs += [base / "PySide6" / "Qt" / "translations", base / "translations"]
    return dirs


class Wording(QTranslator):
    """A few of Qt's own Chinese words put the way a clerk says them (the file dialog's 体积 is 大小)."""

    WORDS = {
        ("QFileSystemModel", "Size"): "大小",
        ("QFileDialog", "Size"): "大小",
    }

    def translate(self, context, source, disambiguation=None, n=-1):  # noqa: ARG002
        return self.WORDS.get((context, source))  # None: not translated here (an empty string would blank it)

    def isEmpty(self) -> bool:  # noqa: N802
        return False


def install_translations(app: QApplication) -> list[QTranslator]:
    """Qt's own zh_CN translations, so that standard dialogs and buttons are Chinese."""
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    installed = []
    for name in ("qtbase_zh_CN",):
        for d in translations_dirs():
            t = QTranslator(app)
            if t.load(name, str(d)):
                app.installTranslator(t)
                installed.append(t)
                break
    wording = Wording(app)  # installed last: asked first
    app.installTranslator(wording)
    installed.append(wording)
    return installed


def make_app(argv: list[str] | None = None) -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        app = existing
    else:
        set_high_dpi_policy()
        app = QApplication([sys.argv[0] if sys.argv else "nianbao", *(argv or [])])
    # one name everywhere: no organisation, so that Qt's own folders are …\Nianbao, as model.files' are
    app.setOrganizationName("")
    app.setApplicationName(APP_DIR_NAME)
    icon = QIcon(str(ICON))
    if not icon.isNull():
        app.setWindowIcon(icon)  # every window of the program, and the task bar
    if not getattr(app, "_nianbao_translators", None):
        app._nianbao_translators = install_translations(app)  # type: ignore[attr-defined]
    app.setApplicationDisplayName(app_name())
    return app


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="main.py", add_help=False)
    parser.add_argument("--db", metavar="URL")
    parser.add_argument("files", nargs="*")
    args, _unknown = parser.parse_known_args(argv)
    return args


class OpeningStore:
    """Stands in for the store while it opens: the window is shown first, SQLAlchemy (~0.2 s to import) and
    the database come right after, off the UI thread, so the window answers input meanwhile. Lists are
    empty; anything else says the database is still opening (the actions that need it are disabled)."""

    #: the store proper is not open yet (``gui/summary/record.py`` asks no 汇总 question of it)
    opening = True

    def organs(self) -> list[Any]:
        return []

    def reports(self, *_args: object, **_kwargs: object) -> list[Any]:
        return []

    def close(self) -> None:
        pass

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return _still_opening


def _still_opening(*_args: object, **_kwargs: object) -> NoReturn:
    from model.store.errors import StoreError

    raise StoreError(QCoreApplication.translate("OpeningStore", "数据库正在打开，请稍候再试。"))


class PeekStore(OpeningStore):
    """The store while it opens, when last year's report could be read straight from the SQLite file
    (:func:`model.store.peek.peek`): that report and the one before it are there to show and check; anything
    else — every write among it — says the database is still opening, until the store proper takes over
    (:func:`_adopt`)."""

    def __init__(self, peeked: Peek) -> None:
        self._peeked = peeked

    def load(self, report_id: int) -> tuple[Report, PeekInfo]:
        if report_id != self._peeked.info.id:
            _still_opening()
        import copy

        return copy.deepcopy(self._peeked.report), self._peeked.info

    def previous_report(self, report_id: int) -> Report | None:
        if report_id != self._peeked.info.id:
            _still_opening()
        import copy

        return copy.deepcopy(self._peeked.previous)


def _peek_last(window: MainWindow, url: str | None) -> bool:
    """Last year's report on screen from the SQLite file while the store opens (read-only until then)."""
    from model.store.paths import default_db_url
    from model.store.peek import peek

    last = window.settings.last_report
    if not last:
        return False
    try:
        peeked = peek(default_db_url(url), last)
    except Exception:  # no glance: the window waits for the store as before
        peeked = None
    if peeked is None:
        return False
    window.store = PeekStore(peeked)
    return window.open_report(last)


def _adopt(window: MainWindow, store: Store) -> None:
    """The store is open: the report read from the file at start goes on with it when the store holds the same
    version and it is an ordinary report (not a 汇总 record, whose cells are summed on opening); otherwise the
    report is opened again from the store. Prose typed meanwhile (it could not be saved) is saved now."""
    from .backend import StoreError
    from .summary.record import computed_parent

    window.store = store
    doc = window.doc
    if doc is None or not getattr(doc.store, "opening", False):
        return
    try:
        report, info = store.load(doc.report_id)
    except StoreError:
        window.show_start()
        return
    if info.version != doc.version or computed_parent(store, doc.report_id):
        window.open_report(doc.report_id)
        return
    typed = {s: t for s, t in doc.report.text.items() if t != report.text.get(s, "")}
    doc.store = store
    doc.info = info
    for section, text in typed.items():
        doc.write_text(section, text)
    doc.infoChanged.emit()


def _store_actions(window: MainWindow) -> list[Any]:
    """What needs the store besides the report (which opens only after it): 新建, 导入, 选择数据库, the 汇总 menu."""
    from PySide6.QtWidgets import QMenu, QWidget

    out: list[Any] = [getattr(window, "act_new", None), getattr(window, "act_import", None)]
    out.append(getattr(window, "act_database", None))  # choosing another database waits for the first one
    start = getattr(window, "start", None)
    out += [getattr(start, "new_button", None), getattr(start, "import_button", None)]
    out.append(window.findChild(QMenu, "menu_summary"))
    return [w for w in out if w is not None and (isinstance(w, QWidget) or hasattr(w, "setEnabled"))]


#: what the checks of the reopened report import, then what opening the store imports: loaded in the thread
CHECKS = ("model.prose", "model.rules")
PRELOADED = (*CHECKS, "model.store.core")


def _import_store_code(names: tuple[str, ...] = PRELOADED) -> None:
    """The store's code and SQLAlchemy, and what the checks of the reopened report import — only imports,
    safe in any thread (the import lock serialises them)."""
    import importlib

    for name in names:
        importlib.import_module(name)


def after_open(window: MainWindow, store: Store, files: list[str]) -> None:
    """Once the store is open: the file given on the command line (else the last report), and what the
    clerk should know — a database on a network share, data moved from an earlier version's folder, a
    backup that is due."""
    from model.store import paths as paths_mod

    from .maintenance import remind_backup

    if files:
        window.import_path(Path(files[0]))
    elif window.doc is not None and getattr(window.doc.store, "opening", False):
        _adopt(window, store)  # the report read from the SQLite file at start goes on with the store
    else:
        window.reopen_last()
    notes: list[str] = []
    note = getattr(store, "network_note", None)
    if note:
        notes.append(note)
    moved = paths_mod._MIGRATED[0] if paths_mod._MIGRATED else []
    if moved:
        notes.append(
            QCoreApplication.translate("app", "年报的数据已移到新的位置：\n%1").replace(
                "%1", "\n".join(moved)
            )
        )
    if notes:
        box = QMessageBox(QMessageBox.Icon.Information, app_name(), "\n\n".join(notes), parent=window)
        box.setObjectName("start_notes")
        window.start_notes = box  # type: ignore[attr-defined]  # kept for the tests
        box.open()
    remind_backup(window)


def run(argv: list[str] | None = None) -> int:
    """Show the window at once, then open the store: the imports run in a thread while the event loop turns (a
    click is handled meanwhile) — first what the checks need, then (the UI thread has shown last year's report
    read from the SQLite file meanwhile, :func:`_peek_last`) SQLAlchemy and the store's code; opening the
    database, refreshing the start page and handing the report to the store happen on the UI thread when it
    is done. The two threads take turns rather than compete for the interpreter."""
    import threading

    from PySide6.QtCore import QObject, QTimer, Signal, Slot

    args = parse_args(list(argv or []))
    app = make_app([])
    from .crash import install as install_crash_reporting

    install_crash_reporting(app)
    from .backend import StoreError, open_store
    from .main_window import MainWindow

    window = MainWindow(OpeningStore())
    waiting = _store_actions(window)
    for w in waiting:
        w.setEnabled(False)
    window.start.set_opening(True)  # “正在打开数据库…” on the start page meanwhile
    drops = window.acceptDrops()
    window.setAcceptDrops(False)
    state: dict[str, Any] = {"status": 0, "store": None}

    def store_code_ready(error: str) -> None:
        try:
            if error:
                raise StoreError(error)
            store = open_store(args.db)
        except (StoreError, OSError, ValueError) as err:
            QMessageBox.critical(
                window,
                app_name(),
                QCoreApplication.translate("app", "无法打开数据库：%1").replace("%1", str(err)),
            )
            state["status"] = 2
            app.exit(2)
            return
        state["store"] = store
        window.store = store
        window.start.store = store
        window.start.refresh()
        for w in waiting:
            w.setEnabled(True)
        window.start.set_opening(False)
        window.setAcceptDrops(drops)
        QTimer.singleShot(0, lambda: after_open(window, store, args.files))  # after a turn of the event loop

    peeked = threading.Event()

    def peek() -> None:
        # last year's report from the SQLite file (a few ms, no SQLAlchemy), checked, on screen — unless a
        # file to import was given on the command line
        try:
            if not args.files:
                _peek_last(window, args.db)
        finally:
            peeked.set()

    class Relay(QObject):
        """Lives on the UI thread: the worker's signals reach it queued."""

        checks = Signal()
        imported = Signal(str)

        @Slot()
        def checks_ready(self) -> None:
            peek()

        @Slot(str)
        def done(self, error: str) -> None:
            store_code_ready(error)

    relay = Relay()
    relay.checks.connect(relay.checks_ready)
    relay.imported.connect(relay.done)

    def import_in_thread() -> None:
        try:
            try:
                _import_store_code(CHECKS)
            finally:
                relay.checks.emit()
            peeked.wait(10)  # the UI thread reads and shows the report meanwhile: no contest for the GIL
            _import_store_code()
        except Exception as err:  # a broken installation: said on the UI thread
            relay.imported.emit(f"{err.__class__.__name__}: {err}")
            return
        relay.imported.emit("")

    window.show()
    threading.Thread(target=import_in_thread, name="nianbao-store-import", daemon=True).start()
    status = app.exec()
    if state["store"] is not None:
        window.store.close()  # the store in use at the end: 选择数据库 may have replaced the first one
    return int(state["status"] or status)
