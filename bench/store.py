"""The store: one cell edit saved (median, p99), one report loaded, 1,000 reports listed and summed per cell —
on SQLite (a temporary file) and, when ``NIANBAO_TEST_PG_URL`` is set and reachable, on PostgreSQL (the
test database: its ``public`` schema is dropped and recreated)."""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from bench._postgres import fresh_postgres
from model.sample import sample_report
from model.store import Store, sqlite_url

REPORTS = 1000
EDITS = 300
LOADS = 100
#: one edit must be saved well within a keystroke
EDIT_BUDGET_MS = 20.0


def _ms(t0: float) -> float:
    return (time.perf_counter() - t0) * 1000


def _p99(times: list[float]) -> float:
    s = sorted(times)
    return s[max(0, int(len(s) * 0.99) - 1)]


def measure(store: Store, reports: int = REPORTS, edits: int = EDITS, loads: int = LOADS) -> dict:
    base = sample_report()
    info = store.save_report(base, organ="基准机关", year=2024)
    key = "t3.new.natural_person" if "t3.new.natural_person" in base.cells else next(iter(base.cells))
    version = info.version
    times = []
    for i in range(edits):
        t0 = time.perf_counter()
        version = store.set_cell(info.id, key, 1000 + i, expected_version=version)
        times.append(_ms(t0))
    load_times = []
    for _ in range(loads):
        t0 = time.perf_counter()
        store.load(info.id)
        load_times.append(_ms(t0))
    t0 = time.perf_counter()
    for i in range(reports - 1):
        r = base.copy()
        r.cells[key] = i % 17
        store.ensure_organ(f"基准单位{i:04d}", parent="基准机关")
        store.save_report(r, organ=f"基准单位{i:04d}", year=2024)
    populate_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    listed = store.reports()
    list_ms = _ms(t0)
    t0 = time.perf_counter()
    totals = store.unit_sums("基准机关", 2024).cells  # the 汇总's sum over the units, in SQL
    sum_ms = _ms(t0)
    assert len(listed) == reports and len(totals) > 100
    return {
        "cell_edit_ms_median": round(statistics.median(times), 3),
        "cell_edit_ms_p99": round(_p99(times), 3),
        "cell_edit_budget_ms": EDIT_BUDGET_MS,
        "report_load_ms_median": round(statistics.median(load_times), 3),
        "reports": reports,
        "import_per_report_ms": round(populate_s * 1000 / (reports - 1), 3),
        "list_reports_ms": round(list_ms, 3),
        "sum_per_cell_ms": round(sum_ms, 3),
    }


def _postgres() -> dict | None:
    url, why = fresh_postgres()
    if url is None:
        return None if why and "skipped" in why else why
    with tempfile.TemporaryDirectory() as tmp, Store.open(url, archive_root=Path(tmp)) as store:
        return measure(store)


def run() -> dict:
    out: dict = {}
    with tempfile.TemporaryDirectory(prefix="nianbao-bench-") as tmp:
        with Store.open(sqlite_url(Path(tmp) / "bench.sqlite"), archive_root=Path(tmp) / "归档") as store:
            out["sqlite"] = measure(store)
    pg = _postgres()
    out["postgresql"] = pg if pg is not None else {"skipped": "NIANBAO_TEST_PG_URL is not set"}
    return out


if __name__ == "__main__":
    import json

    print(json.dumps(run(), ensure_ascii=False, indent=2))
