"""A glance into a SQLite store with the standard library alone — no SQLAlchemy — for the window's first moment.

The window reopens last year's report at start. Opening the store means importing SQLAlchemy (~0.15–0.4 s),
which the window does in a thread after it shows; :func:`peek` reads that one report (and the report of the
year before, for the checks) straight from the SQLite file meanwhile, read-only, so that the report is on
screen at once. The store proper takes over as soon as it is open (``gui/app.py``): every write goes through
it, with its revision checks.

Only a SQLite file of exactly the schema revision this reader knows (:data:`REVISION`, kept equal to
``model.store.db.HEAD`` by a test) is read; anything else — another database, an older or newer schema, a
damaged file, a report not there — is ``None``, and the window waits for the store as before.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from ..form import ALL_CELL_KEYS, TEXT_KEYS
from ..report import Explanation, Report, parse_value

#: the schema revision read here (``model.store.db.HEAD``)
REVISION = "0004"
FINAL = "final"


@dataclass
class PeekInfo:
    """What the window shows of a report's record before the store is open (a part of ``ReportInfo``)."""

    id: int
    organ: str
    year: int
    template: str
    status: str
    version: int
    organ_id: int
    revision_no: int = 1

    @property
    def is_final(self) -> bool:
        return self.status == FINAL


@dataclass
class Peek:
    report: Report
    info: PeekInfo
    previous: Report | None


def sqlite_file(url: str) -> Path | None:
    """The file of a plain ``sqlite:///PATH`` URL (no query options), else None."""
    prefix = "sqlite:///"
    if not url.startswith(prefix) or "?" in url:
        return None
    path = url[len(prefix) :]
    return Path(path) if path and path != ":memory:" else None


def _load(conn: sqlite3.Connection, report_id: int, info: PeekInfo) -> Report:
    agency, title, date = conn.execute(
        "SELECT agency, title, date FROM reports WHERE id = ?", (report_id,)
    ).fetchone()
    cells = {
        k: parse_value(v)
        for k, v in conn.execute("SELECT key, value FROM cells WHERE report_id = ?", (report_id,))
        if k in ALL_CELL_KEYS and v is not None
    }
    text = dict(conn.execute("SELECT section, body FROM texts WHERE report_id = ?", (report_id,)).fetchall())
    report = Report(
        template=info.template,
        agency=agency,
        year=info.year,
        title=title,
        date=date,
        text={k: text.get(k) or "" for k in TEXT_KEYS},
        cells=cells,
    )
    for rule, keys, body in conn.execute(
        "SELECT rule, cells, body FROM explanations WHERE report_id = ? ORDER BY id", (report_id,)
    ):
        report.explanations.append(Explanation(rule, list(json.loads(keys)), body))
    return report


def _info(conn: sqlite3.Connection, report_id: int) -> PeekInfo | None:
    row = conn.execute(
        "SELECT r.id, o.name, r.year, r.template, r.status, r.version, r.organ_id, r.revision_no "
        "FROM reports r JOIN organs o ON o.id = r.organ_id WHERE r.id = ?",
        (report_id,),
    ).fetchone()
    return PeekInfo(*row) if row else None


def peek(url: str, report_id: int) -> Peek | None:
    """Report ``report_id`` of the SQLite store at ``url``, its record and last year's report — or None when
    that cannot be read this way (see the module's doc). Never writes, never raises."""
    path = sqlite_file(url)
    if path is None or not path.is_file():
        return None
    try:
        conn = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True, timeout=0.2)
    except (sqlite3.Error, ValueError, OSError):
        return None
    try:
        (revision,) = conn.execute("SELECT version_num FROM alembic_version").fetchone() or (None,)
        if revision != REVISION:
            return None
        info = _info(conn, report_id)
        if info is None:
            return None
        report = _load(conn, report_id, info)
        prev = conn.execute(
            "SELECT id FROM reports WHERE organ_id = ? AND year = ?", (info.organ_id, info.year - 1)
        ).fetchone()
        previous = None
        if prev is not None:
            prev_info = _info(conn, prev[0])
            previous = _load(conn, prev[0], prev_info) if prev_info else None
        return Peek(report, info, previous)
    except Exception:  # a damaged or unexpected file: the store will say what is wrong
        return None
    finally:
        conn.close()
