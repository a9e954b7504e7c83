"""Summaries across units and years (no Qt).

A district or department office (the *parent*) collects its units' reports and publishes a report covering
all of them; every organ compares this year with the last ones.

API::

    import_batch(store, paths, parent, year=None, progress=None, cancelled=None) -> list[ImportItem]
        # files and folders; each file all-or-nothing; ImportItem(path, outcome imported/replaced/failed,
        # organ, year, reason (Chinese), missing, report_id); .label .message; summary_line(items)
    units_of(store, parent) -> [organ names];  parents(store) -> [organs with units]
    summarize(store, parent, year) -> Summary    # cells summed in SQL now; .report (exchange-ready Report,
        # prose from the stored record), .units, .missing, .note(key), .banner, .computed
    cell_units(store, parent, year, key) -> {"slash": [...], "blank": [...]}
    save_summary_text(store, parent, year, section, text, expected_version=None, seen=None) -> version
        # the summary's own prose (一、五、六); ConflictError when the record changed since it was read
    sync_summary(store, parent, year) -> Summary  # also writes the computed cells into the stored record
    summary_parent(store, report_id) -> parent | None   # is this stored report a “<parent>（汇总）” record?
    resync_record(store, report_id) -> bool       # a 汇总 record's cells re-summed from the units now
    summary_years(store, parent) -> {year: Summary}
    check_parent(store, parent, year) -> list[Finding]      # parent's own figures vs the sum of its units
    unit_status(store, parent, year, check=True) -> list[UnitStatus]  # missing / draft / final, errors
    compare(reports_by_year, year=None, name="", span=3) -> Comparison  # .lines (change, pct, big),
        # .identical; organ_years(store, organ) -> {year: Report}
    chart_data(reports_by_year, name="") -> ChartData  # applications, outcomes, appeals per year; .shares()
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .batch import ImportItem, collect_files, import_batch, summary_line
    from .charts import ChartData, Series, chart_data, outcome_categories
    from .compare import BIG_MIN, BIG_PCT, Comparison, Line, compare, organ_years
    from .core import (
        PARENT_RULE,
        SUMMARY_CODE,
        Summary,
        UnitStatus,
        cell_units,
        check_parent,
        is_summary_organ,
        parents,
        resync_record,
        save_summary_text,
        summarize,
        summary_organ,
        summary_parent,
        summary_years,
        sync_summary,
        unit_status,
        units_of,
    )

#: where each name lives — imported on first use, so that ``import model.summary`` (the command line's
#: ``--help``, the window's first paint) does not pay for the store (SQLAlchemy) or the importer
_WHERE = {
    **dict.fromkeys(("ImportItem", "collect_files", "import_batch", "summary_line"), "batch"),
    **dict.fromkeys(("ChartData", "Series", "chart_data", "outcome_categories"), "charts"),
    **dict.fromkeys(("BIG_MIN", "BIG_PCT", "Comparison", "Line", "compare", "organ_years"), "compare"),
}


def __getattr__(name: str) -> Any:
    if name in __all__ and not name.startswith("__"):
        from importlib import import_module

        where = _WHERE.get(name, "core")
        module = import_module(f".{where}", __name__)
        # every name of that module at once: importing ``.compare`` set ``compare`` to the module itself
        for other in __all__:
            if _WHERE.get(other, "core") == where:
                globals()[other] = getattr(module, other)
        return globals()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "BIG_MIN",
    "BIG_PCT",
    "PARENT_RULE",
    "SUMMARY_CODE",
    "ChartData",
    "Comparison",
    "ImportItem",
    "Line",
    "Series",
    "Summary",
    "UnitStatus",
    "cell_units",
    "chart_data",
    "check_parent",
    "collect_files",
    "compare",
    "import_batch",
    "is_summary_organ",
    "organ_years",
    "outcome_categories",
    "parents",
    "resync_record",
    "save_summary_text",
    "summarize",
    "summary_line",
    "summary_organ",
    "summary_parent",
    "summary_years",
    "sync_summary",
    "unit_status",
    "units_of",
]
