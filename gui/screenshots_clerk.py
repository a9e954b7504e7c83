"""Screenshots of the views changed for issue 13 (the clerk's first hour):
``xvfb-run -s "-screen 0 1366x768x24" python -m gui.screenshots_clerk docs [name…]``.

Each view is drawn from a throwaway store with the published fixture report, the way a clerk sees it.
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSettings

from .screenshots import FIXTURE, ROOT, save

SHOTS: dict[str, Callable] = {}


def shot(name: str):
    def register(fn: Callable) -> Callable:
        SHOTS[name] = fn
        return fn

    return register


def _process(app, rounds: int = 5) -> None:
    for _ in range(rounds):
        app.processEvents()


@shot("findings")
def findings(ctx) -> None:
    """A prose finding chosen in the panel: the span shown, the 说明 field saying why it is closed."""
    window, app = ctx.window, ctx.app
    doc = window.doc
    panel = window.view.findings
    row = next(i for i, f in enumerate(panel.model.findings) if f.text is not None and not f.explainable)
    panel.view.setCurrentIndex(panel.model.index(row, 2))
    panel.view.clicked.emit(panel.model.index(row, 2))  # (as a click: no QtTest in the program's modules)
    _process(app)
    assert doc is not None
    save(window, ctx.out / "clerk-1-findings-panel.png")


@shot("print")
def print_preview(ctx) -> None:
    from model.output.pdf import export_pdf

    from .print_preview import PrintPreviewDialog

    pdf = export_pdf(ctx.window.doc.report, ctx.tmp / "r.pdf", draft=False)
    dialog = PrintPreviewDialog(pdf, ctx.window)
    dialog.resize(1100, 740)
    dialog.show()
    _process(ctx.app)
    save(dialog, ctx.out / "clerk-2-print-preview.png")
    dialog.set_zoom(200)
    dialog.scroll.verticalScrollBar().setValue(300)
    _process(ctx.app)
    save(dialog, ctx.out / "clerk-2-print-preview-200.png")
    dialog.close()


@shot("batch")
def batch(ctx) -> None:
    """批量导入 with the seed (no organ named) failed, its 单位 being picked in its row."""
    import shutil

    from .summary.import_dialog import BatchImportDialog

    folder = ctx.tmp / "各单位"
    folder.mkdir()
    shutil.copy(FIXTURE, folder / "渭滨区年报.txt")
    shutil.copy(FIXTURE, folder / "第二份年报.txt")
    ctx.store.ensure_organ("示范区人民政府")
    ctx.store.ensure_organ("示范区财政局", parent="示范区人民政府")
    dialog = BatchImportDialog(ctx.store, "示范区人民政府", ctx.window)
    dialog.show()
    dialog.set_paths([folder])
    dialog.start()
    while dialog.running or not dialog.items:
        ctx.app.processEvents()
    _process(ctx.app)
    m = dialog.model
    m.setData(m.index(0, 3), "2024")
    index = m.index(0, 2)
    dialog.table.setCurrentIndex(index)
    dialog.table.edit(index)
    _process(ctx.app)
    save(dialog, ctx.out / "clerk-3-batch-import.png")
    dialog.table.closePersistentEditor(index)
    dialog.reject()


@shot("elsewhere")
def elsewhere(ctx) -> None:
    """Another window changed the report; a value typed here was refused: the banner offers both."""
    from PySide6.QtWidgets import QMessageBox

    from model.store import Store

    QMessageBox.warning = staticmethod(lambda *a, **k: QMessageBox.StandardButton.Ok)  # the box said once
    window, doc = ctx.window, ctx.window.doc
    other = Store.open(ctx.store.url) if hasattr(ctx.store, "url") else None
    (other or ctx.store).set_cells(doc.report_id, {"t3.new.commercial": 2})
    if other is not None:
        other.close()
    doc.check_elsewhere()
    page = window.view.show_tab("t3")
    page.model.setData(page.model.index_of("t3.new.natural_person"), "5")
    _process(ctx.app)
    save(window, ctx.out / "clerk-14-changed-elsewhere.png")
    doc.reload()


@shot("deleted")
def deleted(ctx) -> None:
    from .dialogs import DeletedReportsDialog

    info = ctx.store.new_year("示范县人民政府办公室", 2025)
    ctx.store.discard_draft(info.id)
    dialog = DeletedReportsDialog(ctx.store, ctx.window)
    dialog.show()
    dialog.view.selectRow(0)
    _process(ctx.app)
    save(dialog, ctx.out / "clerk-17-deleted-reports.png")
    dialog.close()


@shot("small")
def small_screen(ctx) -> None:
    """1366×768: the default window, table 3 scrolled down with its heading rows kept."""
    from .main_window import MainWindow

    window = MainWindow(
        ctx.store,
        ctx.window.settings.__class__(QSettings(str(ctx.tmp / "s2.ini"), QSettings.Format.IniFormat)),
    )
    window.show()
    _process(ctx.app)
    window.open_report(ctx.window.doc.report_id)
    page = window.view.show_tab("t3")
    _process(ctx.app)
    page.view.verticalScrollBar().setValue(page.view.verticalScrollBar().maximum())
    _process(ctx.app)
    save(window, ctx.out / "clerk-15-1366x768-table3-scrolled.png")
    window.close()


@shot("manual")
def manual(ctx) -> None:
    manual = ctx.window.show_manual("first-report.html")
    _process(ctx.app)
    save(manual, ctx.out / "clerk-18-manual.png")
    manual.show_page("rule-t3.outcome_sum.html")
    _process(ctx.app)
    save(manual, ctx.out / "clerk-18-manual-rule.png")
    manual.close()


@shot("hint")
def input_hint(ctx) -> None:
    page = ctx.window.view.show_tab("t3")
    page.view.verticalScrollBar().setValue(0)
    page.model.setData(page.model.index_of("t3.new.commercial"), "3.5")
    _process(ctx.app)
    save(ctx.window, ctx.out / "clerk-6-input-hint.png")


@shot("tint")
def tint(ctx) -> None:
    page = ctx.window.view.show_tab("t3")
    page.view.hint.hide()
    page.view.verticalScrollBar().setValue(page.view.verticalScrollBar().maximum())
    _process(ctx.app)
    save(ctx.window, ctx.out / "clerk-5-error-tint.png")


class Context:
    pass


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    out = Path(argv[0] if argv else ROOT / "docs")
    wanted = argv[1:] or list(SHOTS)
    out.mkdir(parents=True, exist_ok=True)
    from model.importer import import_file
    from model.store import Store, sqlite_url

    from .app import make_app
    from .main_window import MainWindow
    from .settings import Settings

    app = make_app([])
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(sqlite_url(Path(tmp) / "年报.db"))
        settings = Settings(QSettings(str(Path(tmp) / "s.ini"), QSettings.Format.IniFormat))
        report = import_file(FIXTURE).report
        info = store.save_report(
            report, organ=report.agency or "宝鸡市渭滨区人民政府办公室", year=report.year or 2024
        )
        window = MainWindow(store, settings)
        window.show()
        _process(app)
        window.open_report(info.id)
        _process(app)
        ctx = Context()
        ctx.app, ctx.window, ctx.store, ctx.out, ctx.tmp = app, window, store, out, Path(tmp)
        for name in wanted:
            SHOTS[name](ctx)
        window.close()
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
