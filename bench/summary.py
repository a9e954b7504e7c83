"""Summing 1,000 units' reports into a 汇总 (issue 7: "well under a second", summed in the database)."""

from __future__ import annotations

import datetime as dt
import statistics
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

from bench._postgres import fresh_postgres
from model.form import CURRENT_EDITION
from model.sample import sample_report
from model.store import Store, sqlite_url
from model.store.changes import encode
from model.store.schema import cells as cells_table
from model.store.schema import organs, reports
from model.summary import summarize

#: the budget for one summary of UNITS reports
BUDGET_S = 0.5
UNITS = 1000
PARENT = "示范市人民政府"
VARIED = "t3.new.natural_person"


def populate(store: Store, units: int = UNITS, year: int = 2024) -> None:
    """``units`` reports under :data:`PARENT` (the sample report with varied figures), written in one bulk
    transaction (the store's own ``save_report`` commits and syncs each one: minutes for a benchmark's set-up).
    The sums themselves are read only through :func:`model.summary.summarize`."""
    base = sample_report()
    cells = {k: encode(v, k) for k, v in base.cells.items()}
    cells = {k: v for k, v in cells.items() if v is not None}
    parent = store.ensure_organ(PARENT)
    t = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    with store.engine.begin() as conn:
        organ_ids = [
            conn.execute(
                sa.insert(organs).values(name=f"示范单位{i:04d}", parent_id=parent.id).returning(organs.c.id)
            ).scalar_one()
            for i in range(units)
        ]
        rows = []
        for i, oid in enumerate(organ_ids):
            rid = conn.execute(
                sa.insert(reports)
                .values(organ_id=oid, year=year, template=CURRENT_EDITION, created_at=t, updated_at=t)
                .returning(reports.c.id)
            ).scalar_one()
            for k, v in cells.items():
                if k == VARIED:
                    v = str(i % 17)
                rows.append({"report_id": rid, "key": k, "value": v, "num": None if v == "/" else float(v)})
        conn.execute(sa.insert(cells_table), rows)
    if store.engine.dialect.name == "postgresql":
        with store.engine.begin() as conn:
            conn.execute(sa.text("ANALYZE"))  # what autovacuum does after a bulk load


def measure(url: str, archive_root: Path, units: int = UNITS, rounds: int = 5) -> dict:
    """Populate the database at ``url`` with ``units`` reports and time :func:`summarize` ``rounds`` times."""
    store = Store.open(url, archive_root=archive_root)
    try:
        t0 = time.perf_counter()
        populate(store, units)
        setup = time.perf_counter() - t0
        times = []
        for _ in range(rounds):
            t0 = time.perf_counter()
            s = summarize(store, PARENT, 2024)
            times.append(time.perf_counter() - t0)
        assert len(s.units) == units
    finally:
        store.close()
    median = statistics.median(times)
    return {
        "summary_units": units,
        "summary_s_median": round(median, 4),
        "summary_s_max": round(max(times), 4),
        "summary_budget_s": BUDGET_S,
        "summary_within_budget": median <= BUDGET_S,
        "summary_setup_s": round(setup, 1),
    }


def _postgres(units: int, rounds: int) -> dict:
    """The same on the PostgreSQL test database (``NIANBAO_TEST_PG_URL``; its ``public`` schema is dropped
    and recreated, as in ``bench/store.py``)."""
    url, why = fresh_postgres()
    if url is None:
        return why
    with tempfile.TemporaryDirectory() as tmp:
        return measure(url, Path(tmp) / "归档", units, rounds)


def run(units: int = UNITS, rounds: int = 5) -> dict:
    """The summary of ``units`` reports on SQLite (a temporary file) and, when ``NIANBAO_TEST_PG_URL`` is
    set and reachable, on PostgreSQL."""
    with tempfile.TemporaryDirectory(prefix="nianbao-bench-") as tmp:
        sqlite = measure(sqlite_url(Path(tmp) / "bench.sqlite"), Path(tmp) / "归档", units, rounds)
    return {"sqlite": sqlite, "postgresql": _postgres(units, rounds)}


if __name__ == "__main__":
    import json

    print(json.dumps(run(), ensure_ascii=False, indent=2))
