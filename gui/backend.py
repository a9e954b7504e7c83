"""Where the window gets its store from.

``model.store`` is the real thing (SQLAlchemy). Until it is part of the build, :class:`MemoryStore` — a
small in-memory stand-in with the same calls — lets the window run (nothing is kept after closing).
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, replace
from typing import Any

from model.report import Report

try:  # the real store
    from model.store import ConflictError, FrozenError, Store, StoreError  # type: ignore[attr-defined]

    HAVE_STORE = True
except ImportError:  # pragma: no cover - depends on the build
    HAVE_STORE = False

    class StoreError(Exception):  # type: ignore[no-redef]
        pass

    class ConflictError(StoreError):  # type: ignore[no-redef]
        pass

    class FrozenError(StoreError):  # type: ignore[no-redef]
        pass

    Store = None  # type: ignore[assignment,misc]


FINAL = "final"


@dataclass(frozen=True)
class MemReportInfo:
    id: int
    organ: str
    year: int | None
    template: str
    status: str
    created_at: _dt.datetime
    updated_at: _dt.datetime
    version: int


@dataclass(frozen=True)
class MemRevision:
    id: int
    at: _dt.datetime
    what: str
    key: str | None
    old: Any
    new: Any
    version: int


class MemoryStore:
    """An in-memory stand-in for ``model.store.Store`` (the calls the window makes)."""

    def __init__(self) -> None:
        self._reports: dict[int, tuple[Report, MemReportInfo]] = {}
        self._snapshots: dict[int, dict[int, Report]] = {}
        self._history: dict[int, list[MemRevision]] = {}

    @classmethod
    def open(cls, url: str | None = None) -> MemoryStore:
        return cls()

    def close(self) -> None:
        pass

    def organs(self) -> list[str]:
        return sorted({i.organ for _, i in self._reports.values()})

    def reports(self, organ: str | None = None) -> list[MemReportInfo]:
        out = [i for _, i in self._reports.values() if organ is None or i.organ == organ]
        return sorted(out, key=lambda i: i.updated_at, reverse=True)

    def find(self, organ: str, year: int) -> MemReportInfo | None:
        return next((i for _, i in self._reports.values() if i.organ == organ and i.year == year), None)

    def load(self, report_id: int) -> tuple[Report, MemReportInfo]:
        try:
            report, info = self._reports[report_id]
        except KeyError:
            raise StoreError(f"没有编号为 {report_id} 的报告。") from None
        return report.copy(), info

    def save_report(self, report: Report, organ: str | None = None, year: int | None = None) -> MemReportInfo:
        organ = organ or report.agency
        year = year if year is not None else report.year
        if self.find(organ, year):
            raise StoreError(f"{organ} {year} 年度的报告已存在。")
        now = _dt.datetime.now()
        rid = max(self._reports, default=0) + 1
        r = report.copy()
        r.agency, r.year = organ, year
        info = MemReportInfo(rid, organ, year, r.template, "draft", now, now, 1)
        self._reports[rid] = (r, info)
        self._snapshots[rid] = {1: r.copy()}
        self._history[rid] = [MemRevision(1, now, "create", None, None, None, 1)]
        return info

    def new_year(self, organ: str, year: int, copy_prose: bool = False) -> MemReportInfo:
        r = Report(agency=organ, year=year)
        prev = self.find(organ, year - 1)
        if prev and copy_prose:
            r.text = dict(self._reports[prev.id][0].text)
        return self.save_report(r, organ, year)

    def previous_report(self, report_id: int) -> Report | None:
        _, info = self._reports[report_id]
        prev = self.find(info.organ, info.year - 1) if info.year else None
        return self._reports[prev.id][0].copy() if prev else None

    def _change(self, report_id: int, expected_version: int | None, what: str, changes: list[tuple]) -> int:
        report, info = self._reports[report_id]
        if info.status == FINAL:
            raise FrozenError("报告已定稿，不能修改。")
        if expected_version is not None and expected_version != info.version:
            raise ConflictError("报告已在别处被修改，请重新打开。")
        version = info.version + 1
        now = _dt.datetime.now()
        for key, old, new in changes:
            self._history[report_id].append(
                MemRevision(len(self._history[report_id]) + 1, now, what, key, old, new, version)
            )
        self._reports[report_id] = (report, replace(info, version=version, updated_at=now))
        self._snapshots[report_id][version] = report.copy()
        return version

    def set_cells(self, report_id: int, values: dict[str, Any], expected_version: int | None = None) -> int:
        report, _ = self._reports[report_id]
        old = {k: report.cells.get(k) for k in values}
        if self._reports[report_id][1].status == FINAL:
            raise FrozenError("报告已定稿，不能修改。")
        report.cells.update(values)
        return self._change(report_id, expected_version, "cell", [(k, old[k], v) for k, v in values.items()])

    def set_cell(self, report_id: int, key: str, value: Any, expected_version: int | None = None) -> int:
        return self.set_cells(report_id, {key: value}, expected_version)

    def set_text(self, report_id: int, section: str, text: str, expected_version: int | None = None) -> int:
        report, _ = self._reports[report_id]
        old = report.text.get(section, "")
        if self._reports[report_id][1].status == FINAL:
            raise FrozenError("报告已定稿，不能修改。")
        report.text[section] = text
        return self._change(report_id, expected_version, "text", [(section, old, text)])

    def explain(
        self, report_id: int, rule: str, cells, text: str, expected_version: int | None = None
    ) -> int:
        report, _ = self._reports[report_id]
        report.explain(rule, list(cells), text)
        return self._change(report_id, expected_version, "explanation", [(rule, None, text)])

    def history(self, report_id: int) -> list[MemRevision]:
        return list(reversed(self._history[report_id]))

    def restore(self, report_id: int, version: int) -> int:
        snap = self._snapshots[report_id][version].copy()
        _, info = self._reports[report_id]
        self._reports[report_id] = (snap, info)
        return self._change(report_id, None, "restore", [(None, None, version)])

    def finalize(self, report_id: int) -> MemReportInfo:
        report, info = self._reports[report_id]
        self._reports[report_id] = (report, replace(info, status=FINAL))
        return self._reports[report_id][1]

    def reopen(self, report_id: int) -> MemReportInfo:
        report, info = self._reports[report_id]
        self._reports[report_id] = (report, replace(info, status="draft"))
        return self._reports[report_id][1]


def open_store(url: str | None = None):
    """The real store when the build has one, else the in-memory stand-in."""
    if HAVE_STORE:
        return Store.open(url)
    return MemoryStore.open(url)


def is_final(info: Any) -> bool:
    return str(getattr(info, "status", "")).lower() in (FINAL, "finalized", "finalised", "frozen")


STATUS_LABELS = {"draft": "草稿", "final": "已定稿", "finalized": "已定稿", "finalised": "已定稿"}


def status_label(info: Any) -> str:
    status = str(getattr(info, "status", "") or "")
    return STATUS_LABELS.get(status.lower(), status or "草稿")


def previous_of(store: Any, report_id: int) -> Report | None:
    """Last year's report of the same organ, whatever shape the store returns it in."""
    try:
        prev = store.previous_report(report_id)
    except (StoreError, AttributeError, KeyError):
        return None
    if isinstance(prev, tuple):
        prev = prev[0]
    return prev if isinstance(prev, Report) else None
