"""The 汇总 of a parent organ for a year: the units' cells summed in the database, the notes on '/' and
blank unit cells, the units still missing, draft or with errors, and the check of the parent's own figures.

The summed cells are computed on demand, in one SQL query over the units' stored cells, so the summary is
always as current as the units' reports. Its own prose (and its title and date) are kept in the store as a
report of the organ ``"<parent>（汇总）"`` (organ code :data:`SUMMARY_CODE`, no parent of its own, so it is
never counted as a unit); :func:`sync_summary` also writes the computed cells there, so that the window can
print or export it like any report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from types import ModuleType

from ..findings import Finding, Severity
from ..form import CURRENT_FORM, TEXT_KEYS
from ..report import SLASH, Report, format_value, numeric
from ..store import Store
from ..store.sums import SUMMARY_CODE

__all__ = [
    "SUMMARY_CODE",
    "SUMMARY_SUFFIX",
    "Summary",
    "UnitStatus",
    "cell_units",
    "check_parent",
    "is_summary_organ",
    "parents",
    "summary_organ",
    "summarize",
    "summary_years",
    "sync_summary",
    "resync_record",
    "save_summary_text",
    "summary_parent",
    "unit_status",
    "units_of",
]

SUMMARY_SUFFIX = "（汇总）"

#: rule id of the findings of :func:`check_parent`
PARENT_RULE = "summary.parent_total"


def summary_organ(parent: str) -> str:
    """The name under which the summary of ``parent`` keeps its prose in the store."""
    return f"{parent.strip()}{SUMMARY_SUFFIX}"


def is_summary_organ(organ: object) -> bool:  # an Organ
    return getattr(organ, "code", None) == SUMMARY_CODE


@dataclass
class Summary:
    """The summed report of ``parent``'s units for ``year`` — every cell computed, the prose its own."""

    parent: str
    year: int
    report: Report
    #: units (organs under the parent) that have a report for the year, and those that have none
    units: list[str]
    missing: list[str]
    #: per cell key: how many contributing units wrote a number, "/" or left it blank
    numbers: dict[str, int] = field(default_factory=dict)
    slashes: dict[str, int] = field(default_factory=dict)
    #: the stored record of the summary's prose (None before it was first saved)
    record_id: int | None = None
    computed: bool = True
    #: the stored record's version when it was read (for the optimistic check of prose saves)
    record_version: int | None = None

    def blanks(self, key: str) -> int:
        return len(self.units) - self.numbers.get(key, 0) - self.slashes.get(key, 0)

    def note(self, key: str) -> str:
        """A Chinese note on a cell: how many units wrote "/" or left it blank ("" when none did)."""
        parts = []
        if self.slashes.get(key):
            parts.append(f"{self.slashes[key]} 个单位填“/”")
        if self.units and self.blanks(key):
            parts.append(f"{self.blanks(key)} 个单位空白")
        return "，".join(parts)

    @property
    def banner(self) -> str:
        n = len(self.units)
        miss = f"，{len(self.missing)} 个单位尚未报送" if self.missing else ""
        return f"本报告的表格数字由 {n} 个所属单位的报告自动汇总计算（计算值，不可直接修改）{miss}。"


# -------------------------------------------------------------------------------------------------
# organs


def units_of(store: Store, parent: str) -> list[str]:
    """The organs directly under ``parent`` (by name), sorted."""
    return store.units_of(parent)


def parents(store: Store) -> list[str]:
    """Organs that have units under them."""
    return store.parents()


# -------------------------------------------------------------------------------------------------
# the sum


def _as_value(s: object) -> int | Decimal:
    """A sum as read from either database (float on SQLite, maybe Decimal on PostgreSQL) → a cell value."""
    d = Decimal(str(round(float(s), 4)))  # type: ignore[arg-type]
    return int(d) if d == d.to_integral_value() else d.normalize()


def summarize(store: Store, parent: str, year: int) -> Summary:
    """The 汇总 of ``parent`` for ``year``, computed now from the units' reports in the store.

    Each cell is the sum of the units' numbers ("/" and blanks count nothing and are counted in the notes);
    a cell no unit wrote a number in stays blank, or "/" when every unit wrote "/". The prose, title and
    date come from the summary's stored record (empty before it is first saved)."""
    parent = parent.strip()
    sums = store.unit_sums(parent, year)
    reporting = sums.reporting
    all_units = units_of(store, parent)
    present = set(reporting)
    report = Report(agency=parent, year=year)
    numbers: dict[str, int] = {}
    slashes: dict[str, int] = {}
    for c in sums.cells:
        key, total, count, slash = c.key, c.total, c.numbers, c.slashes
        if key not in CURRENT_FORM.cells:
            continue
        numbers[key] = count
        slashes[key] = slash
        if count:
            report.cells[key] = _as_value(total)
        elif slash and slash == len(reporting):
            report.cells[key] = SLASH
    record = store.find(summary_organ(parent), year)
    if record is not None:
        stored, _ = store.load(record.id)
        report.text = {k: stored.text.get(k, "") for k in TEXT_KEYS}
        report.title, report.date = stored.title, stored.date
    if not report.title:
        report.title = f"{parent}{year}年政府信息公开工作年度报告（汇总）"
    return Summary(
        parent,
        year,
        report,
        reporting,
        [u for u in all_units if u not in present],
        numbers,
        slashes,
        record.id if record else None,
        record_version=record.version if record else None,
    )


def cell_units(store: Store, parent: str, year: int, key: str) -> dict[str, list[str]]:
    """Which units wrote "/" in a cell and which left it blank: ``{"slash": [...], "blank": [...]}``."""
    rows = store.unit_cells(parent, year, key)
    return {
        "slash": [n for n, v in rows if v == SLASH],
        "blank": [n for n, v in rows if v is None],
    }


def summary_years(store: Store, parent: str) -> dict[int, Summary]:
    """The summary of every year for which a unit of ``parent`` has a report."""
    units = set(units_of(store, parent))
    years = sorted({i.year for i in store.reports() if i.organ in units})
    return {y: summarize(store, parent, y) for y in years}


# -------------------------------------------------------------------------------------------------
# the stored record: prose, and the cells for printing


def _record(store: Store, parent: str, year: int) -> int:
    name = summary_organ(parent)
    info = store.find(name, year)
    if info is not None:
        return info.id
    store.ensure_organ(name, code=SUMMARY_CODE)
    report = Report(agency=parent, year=year)
    report.title = f"{parent}{year}年政府信息公开工作年度报告（汇总）"
    return store.save_report(report, organ=name, year=year).id


def save_summary_text(
    store: Store,
    parent: str,
    year: int,
    section: str,
    text: str,
    expected_version: int | None = None,
    seen: str | None = None,
) -> int:
    """Save the summary's own prose of one section (一、五、六); returns the record's new version.

    ``expected_version``: the record's version the caller read (``Summary.record_version``); when the record
    has changed since, :class:`~model.store.ConflictError` — unless ``seen`` (the section's text as the caller
    read it) is given and the section is still exactly that: then only the computed cells were re-synced
    meanwhile, and the prose is saved. ``expected_version=0``: the caller saw no record yet (one made since
    by someone else is then checked the same way). Without a stored record yet, one is made."""
    from ..store import ConflictError

    existing = store.find(summary_organ(parent), year)
    if existing is None:
        return store.set_text(_record(store, parent, year), section, text)
    try:
        return store.set_text(existing.id, section, text, expected_version=expected_version)
    except ConflictError:
        if seen is None:
            raise
        stored, info = store.load(existing.id)
        if (stored.text.get(section) or "") != (seen or ""):
            raise
        return store.set_text(existing.id, section, text, expected_version=info.version)


def sync_summary(store: Store, parent: str, year: int) -> Summary:
    """Compute the summary and write its cells into the stored record (only changed cells are written, each
    recorded in the record's history); a final record is left as it is."""
    summary = summarize(store, parent, year)
    rid = _record(store, parent, year)
    stored, info = store.load(rid)
    if not info.is_final:
        changed = {k: v for k, v in summary.report.cells.items() if stored.cells.get(k) != v}
        if changed:
            store.set_cells(rid, changed)
    summary.record_id = rid
    summary.record_version = store.info(rid).version
    return summary


def summary_parent(store: Store, report_id: int) -> str | None:
    """The parent whose 汇总 the stored report ``report_id`` is (the “<parent>（汇总）” record), else None."""
    found = store.organ_of(report_id)
    if found is None:
        return None
    name, code = found
    if code != SUMMARY_CODE or not name.endswith(SUMMARY_SUFFIX):
        return None
    return name[: -len(SUMMARY_SUFFIX)] or None


def resync_record(store: Store, report_id: int) -> bool:
    """When ``report_id`` is a 汇总 record (a draft), write the units' current sums into its cells; returns
    whether a cell changed. Any other report is left alone (False)."""
    parent = summary_parent(store, report_id)
    if parent is None:
        return False
    info = store.info(report_id)
    if info.is_final:
        return False
    sync_summary(store, parent, info.year)
    return store.info(report_id).version != info.version


# -------------------------------------------------------------------------------------------------
# the parent's own figures against the sum, and the units' state


def check_parent(
    store: Store, parent: str, year: int, summary: Summary | None = None, as_total: bool | None = None
) -> list[Finding]:
    """Where the parent's own report gives its figures as a total of its units, do they agree with the sum?

    ``as_total``: whether the parent's report gives totals; ``None`` decides from the report itself — when
    most of its figures are below the units' sums it gives only the parent's own cases, and one hint says
    so instead of a finding per cell. Otherwise, per cell: a figure below the units' sum cannot be their
    total — a warning (explainable); a figure above it may include the parent's own cases — a hint. Nothing
    when the parent has no report of the year or no unit reported; blank and "/" cells are not compared."""
    info = store.find(parent, year)
    summary = summary or summarize(store, parent, year)
    if info is None or not summary.units:
        return []
    own, _ = store.load(info.id)
    n = len(summary.units)
    pairs = []
    for key in CURRENT_FORM.cell_keys:
        mine, total = numeric(own.cells.get(key)), numeric(summary.report.cells.get(key))
        if mine is not None and total is not None:
            pairs.append((key, mine, total))
    compared = [p for p in pairs if p[2]]
    below = sum(1 for _, mine, total in compared if mine < total)
    if as_total is None:
        as_total = below * 2 <= len(compared)
    if not as_total:
        return [
            Finding(
                PARENT_RULE,
                Severity.HINT,
                (),
                f"本机关报告中多数数字（{len(compared)} 格中 {below} 格）小于所属 {n} 个单位的合计，应是本机关自身的"
                "数字而不是汇总数，未逐格核对。如本机关报告的应是全部所属单位的合计数，请核对。",
                extra={"below": below, "compared": len(compared)},
            )
        ]
    out: list[Finding] = []
    for key, mine, total in pairs:
        if mine == total:
            continue
        cell = CURRENT_FORM.cell(key)
        diff = mine - total
        if diff < 0:
            severity = Severity.WARNING
            text = (
                f"{cell.name}：本机关报告填 {format_value(mine)}，比所属 {n} 个单位的合计 {format_value(total)} "
                f"少 {format_value(-diff)}，不可能是合计数。请核对；确有原因请填写说明。"
            )
        else:
            severity = Severity.HINT
            text = (
                f"{cell.name}：本机关报告填 {format_value(mine)}，比所属 {n} 个单位的合计 {format_value(total)} "
                f"多 {format_value(diff)}（可能含本机关自身办理的件数，或有单位尚未录入）。"
            )
        f = Finding(PARENT_RULE, severity, (key,), text, expected=total, actual=mine, explainable=True)
        e = own.explanation_for(f.rule, f.cells)
        f.explanation = e.text if e else None
        out.append(f)
    return out


STATE_LABEL = {"missing": "未报送", "draft": "草稿", "final": "已定稿"}


@dataclass
class UnitStatus:
    organ: str
    state: str  # missing / draft / final
    report_id: int | None = None
    errors: int = 0
    warnings: int = 0
    #: the first error's message ("" when none)
    first_error: str = ""

    @property
    def state_label(self) -> str:
        return STATE_LABEL[self.state]

    @property
    def needs_chasing(self) -> bool:
        return self.state != "final" or self.errors > 0

    @property
    def remark(self) -> str:
        if self.state == "missing":
            return "尚未报送本年度报告"
        if self.errors:
            return f"有 {self.errors} 处错误：{self.first_error}"
        if self.state == "draft":
            return "尚未定稿"
        return ""


def unit_status(store: Store, parent: str, year: int, check: bool = True) -> list[UnitStatus]:
    """Every unit of ``parent``: missing, draft or final, and (``check``) its errors and warnings under the
    rule engine (against its previous year's report). Units to chase first: missing, then with errors,
    then drafts."""
    infos = {i.organ: i for i in store.reports() if i.year == year}
    out: list[UnitStatus] = []
    rules: ModuleType | None = None
    if check:
        from .. import rules as rules_module

        rules = rules_module
    for organ in units_of(store, parent):
        info = infos.get(organ)
        if info is None:
            out.append(UnitStatus(organ, "missing"))
            continue
        st = UnitStatus(organ, "final" if info.is_final else "draft", info.id)
        if rules is not None:
            report, _ = store.load(info.id)
            findings = rules.check(report, store.previous_report(info.id))
            errors = [f for f in findings if f.severity is Severity.ERROR]
            st.errors = len(errors)
            st.warnings = sum(1 for f in findings if f.severity is Severity.WARNING and not f.explanation)
            st.first_error = errors[0].message if errors else ""
        out.append(st)
    order = {"missing": 0, "draft": 2, "final": 3}
    out.sort(key=lambda s: (order[s.state] if not s.errors else 1, s.organ))
    return out
