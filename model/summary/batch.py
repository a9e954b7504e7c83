"""Batch import: many units' files (exchange JSON or published reports) into the store under a parent organ.

Each file is all-or-nothing: it is read and validated completely before anything is written, and stored in
one transaction; a file that fails leaves the store as it was (a unit newly created for it is removed again,
a replaced draft is restored). The result is one :class:`ImportItem` per file — imported, replaced or failed
and why, in Chinese.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..importer import import_file
from ..report import ReportError
from ..store import ReportInfo, Store, StoreError
from ..store.changes import slots
from .core import SUMMARY_SUFFIX

__all__ = ["IMPORT_SUFFIXES", "ImportItem", "collect_files", "import_batch", "import_fixed", "summary_line"]

#: the kinds of file a folder is searched for
IMPORT_SUFFIXES = (".json", ".txt", ".htm", ".html", ".docx")

IMPORTED, REPLACED, FAILED = "imported", "replaced", "failed"
OUTCOME_LABEL = {IMPORTED: "已导入", REPLACED: "已替换", FAILED: "失败"}

#: progress(done, total, path being read or None at the end)
Progress = Callable[[int, int, Path | None], None]


@dataclass
class ImportItem:
    path: Path
    outcome: str  # imported / replaced / failed
    organ: str = ""
    year: int | None = None
    #: why it failed, or a remark on a success (Chinese)
    reason: str = ""
    #: what the importer could not read from a published report
    missing: list[str] = field(default_factory=list)
    report_id: int | None = None

    @property
    def ok(self) -> bool:
        return self.outcome != FAILED

    @property
    def label(self) -> str:
        return OUTCOME_LABEL[self.outcome]

    @property
    def message(self) -> str:
        """One line for the result list."""
        who = f"{self.organ} {self.year} 年度" if self.organ and self.year else ""
        if not self.ok:
            return f"{self.path.name}：{self.reason}"
        extra = f"；{self.reason}" if self.reason else ""
        if self.missing:
            extra += f"；有 {len(self.missing)} 项未能从文件中读出，请补填"
        return f"{self.path.name}：{self.label} {who}{extra}"


def collect_files(paths: Iterable[str | Path], recursive: bool = True) -> list[Path]:
    """Files given, and in the folders given, the files of a kind the importer reads — sorted, no
    duplicates, hidden and temporary files (``~$…``, ``.…``) skipped."""
    out: list[Path] = []
    seen: set[Path] = set()
    for p in paths:
        p = Path(p)
        if p.is_dir():
            found = p.rglob("*") if recursive else p.glob("*")
            files = sorted(
                f
                for f in found
                if f.is_file() and f.suffix.lower() in IMPORT_SUFFIXES and not f.name.startswith(("~$", "."))
            )
        else:
            files = [p]
        for f in files:
            key = f.resolve()
            if key not in seen:
                seen.add(key)
                out.append(f)
    return out


def import_batch(
    store: Store,
    paths: Iterable[str | Path],
    parent: str,
    year: int | None = None,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> list[ImportItem]:
    """Import every file (folders are searched) as a unit's report under ``parent``.

    ``year`` is used for a file that does not say its year. The parent's own report may be among the files:
    it is stored as the parent's. Stops early (the rest not touched) when ``cancelled()`` becomes true."""
    parent = (parent or "").strip()
    if not parent:
        raise StoreError("请指定上级机关（汇总单位）。")
    files = collect_files(paths)
    store.ensure_organ(parent)
    items: list[ImportItem] = []
    done: dict[tuple[str, int], Path] = {}
    total = len(files)
    for i, path in enumerate(files):
        if cancelled is not None and cancelled():
            break
        if progress is not None:
            progress(i, total, path)
        item = _import_one(store, path, parent, year, done)
        if item.ok and item.year is not None:
            done[(item.organ, item.year)] = path
        items.append(item)
    if progress is not None:
        progress(len(items), total, None)
    return items


def import_fixed(
    store: Store,
    item: ImportItem,
    parent: str,
    organ: str,
    year: int,
    others: Iterable[ImportItem] = (),
) -> ImportItem:
    """A failed file of a batch again, with the organ and year the clerk typed or picked (what the file does
    not say: a published report that does not name its organ). ``others``: the batch's other items (a unit
    and year imported from another file is not imported twice). Returns the file's new item."""
    done = {(i.organ, i.year): i.path for i in others if i.ok and i.year is not None and i.path != item.path}
    return _import_one(store, item.path, (parent or "").strip(), None, done, organ=organ, the_year=year)


def _import_one(
    store: Store,
    path: Path,
    parent: str,
    year: int | None,
    done: dict[tuple[str, int], Path],
    *,
    organ: str | None = None,
    the_year: int | None = None,
) -> ImportItem:
    """``organ`` / ``the_year``: given by the clerk for a file that does not say them (they win)."""
    try:
        result = import_file(path)
    except ReportError as err:
        return ImportItem(path, FAILED, reason=str(err))
    except (OSError, ValueError, RecursionError) as err:  # the importer should say it in Chinese itself
        return ImportItem(path, FAILED, reason=f"无法读取此文件（{err}）")
    report = result.report
    if organ and organ.strip():
        organ = organ.strip()
        if not (report.agency or "").strip():
            report.agency = organ
    else:
        organ = (report.agency or "").strip()
    if the_year is not None:
        report.year = the_year
    else:
        the_year = report.year if report.year is not None else year
    item = ImportItem(path, FAILED, organ, the_year, missing=list(result.missing or []))
    if not organ:
        item.reason = "文件中没有写明机关名称，无法确定是哪个单位的报告：请在“单位”一栏填写或选择"
        return item
    if the_year is None:
        item.reason = f"文件中没有写明年度（{organ}）：请在“年度”一栏填写，或在导入时指定年度"
        return item
    if organ.endswith(SUMMARY_SUFFIX):
        item.reason = "这是一份汇总报告，不是单位的报告"
        return item
    if (organ, the_year) in done:
        item.reason = f"与本批的“{done[(organ, the_year)].name}”是同一单位同一年度的报告，未重复导入"
        return item
    try:
        slots(report)  # every value checked before anything is written
    except StoreError as err:
        item.reason = str(err)
        return item
    own = organ == parent
    try:
        current = {o.name: o for o in store.organs()}
        unit = current.get(organ)
        if not own and unit is not None and unit.parent_id is not None:
            owner = next((o.name for o in current.values() if o.id == unit.parent_id), "")
            if owner and owner != parent:
                item.reason = f"“{organ}”在数据库中属于“{owner}”，不属于“{parent}”；未导入"
                return item
        before = store.find(organ, the_year)
        if before is not None and before.is_final:
            item.reason = f"{organ} {the_year} 年度的报告已定稿，不能用导入的文件替换"
            return item
        info = store.save_report(report, organ=organ, year=the_year)
    except StoreError as err:
        item.reason = str(err)
        return item
    if not own:
        try:
            store.ensure_organ(organ, parent=parent)
        except StoreError as err:
            _undo(store, info.id, before)
            item.reason = f"无法登记为“{parent}”的所属单位（{err}）"
            return item
    item.outcome = REPLACED if before is not None else IMPORTED
    item.report_id = info.id
    if own:
        item.reason = "上级机关自身的报告"
    return item


def _undo(store: Store, report_id: int, before: ReportInfo | None) -> None:
    """Take back a stored file whose second step failed: a new report is deleted, a replaced one restored."""
    try:
        if before is None:
            store.delete_report(report_id)
        else:
            store.restore(report_id, before.version)
    except StoreError:
        pass


def summary_line(items: list[ImportItem]) -> str:
    """“已导入 3 份，替换 1 份，失败 1 份” for the end of a batch."""
    n = {k: sum(1 for i in items if i.outcome == k) for k in OUTCOME_LABEL}
    return f"已导入 {n[IMPORTED]} 份，替换 {n[REPLACED]} 份，失败 {n[FAILED]} 份"
