"""Every check of a report: a small engine over declarative rules.

The rules are data:

* :data:`form.relations` — every sum relation of the official form (built in ``model/form.py``);
* each cell's kind — what it may hold (a non-negative whole count, a fee with at most four decimals, ``/``
  only where the form allows it);
* ``form.carry_forward`` and ``form.stocks`` — relations between this year's and last year's report;
* plausibility checks (hints): a township reporting 规章, section 六 silent on the 信息处理费;
* the prose checks in ``model/prose.py`` (their phrasings are a pattern table there).

:func:`check` runs them all and returns :class:`~model.findings.Finding` objects, with the explanations (说明)
the report carries attached to the findings they belong to.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from decimal import Decimal
from difflib import SequenceMatcher
from functools import lru_cache

from .findings import SEVERITY_ORDER, Finding, Severity, TextSpan
from .form import CellKind, Form, Relation, RowRole
from .report import SLASH, Report, Value, format_value, numeric, value_problem


def _fmt(v: object) -> str:
    return "空白" if v is None else format_value(v)  # type: ignore[arg-type]


# -------------------------------------------------------------------------------------------------
# relations of the form (errors)


def relation_findings(report: Report, form: Form) -> Iterator[Finding]:
    cells = report.cells
    for rel in form.relations:
        yield from _relation(rel, cells, form)


def _relation(rel: Relation, cells: dict[str, Value], form: Form) -> Iterator[Finding]:
    keys = rel.total + rel.parts
    values = [cells.get(k) for k in keys]
    nums = [numeric(v) for v in values]
    if all(n is None for n in nums):
        return  # nothing written yet: the blank-cell warning says so
    if any(isinstance(v, str) for v in values) or any(
        isinstance(n, Decimal) and n != n.to_integral_value() for n in nums
    ):
        return  # "/" or a malformed number: the cell check reports it, a sum would be meaningless
    total = sum((n or 0) for n in nums[: len(rel.total)])
    parts = sum((n or 0) for n in nums[len(rel.total) :])
    total_blank = all(n is None for n in nums[: len(rel.total)])
    if total == parts and not total_blank:
        return
    if total_blank and parts == 0:
        return  # only zeros and blanks: the blank-cell warning covers it
    blank = tuple(k for k, n in zip(keys, nums, strict=True) if n is None)
    name = rel.total_name or form.cell(rel.total[0]).name
    actual = None if total_blank else total
    msg = f"{name} 应为 {_fmt(parts)}（{rel.what}），实为 {_fmt(actual)}"
    if blank:
        msg += f"；其中 {len(blank)} 格空白，按 0 计"
    msg += "。请核对后改正。"
    yield Finding(rel.rule, Severity.ERROR, keys, msg, expected=parts, actual=actual, blank=blank)


# -------------------------------------------------------------------------------------------------
# what each cell may hold (errors) and blank cells (warning)


def cell_findings(report: Report, form: Form) -> Iterator[Finding]:
    for cell in form.cells.values():
        v = report.cells.get(cell.key)
        problem = value_problem(v, cell.kind, cell.slash_allowed)
        if problem:
            yield Finding(
                f"cell.{_problem_rule(v, cell.kind)}",
                Severity.ERROR,
                (cell.key,),
                f"{cell.name}：{problem}（现为“{_fmt(v)}”）。",
                actual=v,
            )


def _problem_rule(v: object, kind: CellKind) -> str:
    if v == SLASH:
        return "slash"
    if isinstance(v, str):
        return "not_a_number"
    if v < 0:  # type: ignore[operator]
        return "negative"
    return "decimals" if kind is CellKind.AMOUNT else "fraction"


def bound_findings(report: Report, form: Form) -> Iterator[Finding]:
    """What cells cannot be together (``form.bounds``): the 2019 edition's 本年新公开数量 within 对外公开总数量,
    上一年项目数量 加 本年增/减 not below zero."""
    for b in form.bounds:
        small = [numeric(report.cells.get(k)) for k in b.small]
        large = [numeric(report.cells.get(k)) for k in b.large]
        if any(n is None for n in small + large):
            continue
        lo, hi = sum(small), sum(large)  # type: ignore[arg-type]
        if lo <= hi:
            continue
        keys = b.small + b.large
        names = "、".join(form.cell(k).name for k in keys)
        yield Finding(
            b.rule,
            Severity.ERROR,
            keys,
            f"{b.what}（{names}）。请核对后改正。",
            expected=hi if b.small else 0,
            actual=lo if b.small else hi,
        )


def blank_findings(report: Report, form: Form) -> Iterator[Finding]:
    for table in form.tables:
        blank = tuple(k for k in table.cell_keys if report.cells.get(k) is None)
        if not blank:
            continue
        section = form.section_of_table(table.key)
        yield Finding(
            "cell.blank",
            Severity.WARNING,
            blank,
            f"表{section.numeral}（{table.title}）有 {len(blank)} 个空白单元格。官方格式要求没有数据的格填写 0"
            "（可用“空白填 0”一次填好）。",
            blank=blank,
            explainable=True,
        )


# -------------------------------------------------------------------------------------------------
# across years (warnings; need last year's report)


def cross_year_findings(report: Report, previous: Report | None, form: Form) -> Iterator[Finding]:
    if previous is None:
        return
    if report.year and previous.year and previous.year != report.year - 1:
        yield Finding(
            "year.previous_mismatch",
            Severity.WARNING,
            (),
            f"用作对比的“上年报告”是 {previous.year} 年度的，而本报告是 {report.year} 年度的。"
            f"跨年核对需要 {report.year - 1} 年度的报告，本次未做跨年核对。",
            expected=report.year - 1,
            actual=previous.year,
        )
        return
    if report.agency.strip() and previous.agency.strip() and report.agency.strip() != previous.agency.strip():
        yield Finding(
            "year.previous_mismatch",
            Severity.WARNING,
            (),
            f"用作对比的上年报告是“{previous.agency}”的，而本报告是“{report.agency}”的。"
            "跨年核对需要同一机关的报告，本次未做跨年核对。",
            expected=report.agency,
            actual=previous.agency,
        )
        return
    last_year = f"{previous.year}年" if previous.year else "上年"
    for co in form.carry_forward:
        this, last = numeric(report.cells.get(co.this)), numeric(previous.cells.get(co.last))
        if this is None or last is None or this == last:
            continue
        yield Finding(
            "year.carry_over",
            Severity.WARNING,
            (co.this,),
            f"{form.cell(co.this).name} 为 {_fmt(this)}，但{last_year}报告的“{form.cell(co.last).name}”为 "
            f"{_fmt(last)}。上年结转应等于上年的结转下年度数，请核对，确有原因请填写说明。",
            expected=last,
            actual=this,
            explainable=True,
            extra={"previous_cells": [co.last]},
        )
    for st in form.stocks:
        base = numeric(previous.cells.get(st.in_force))
        this = numeric(report.cells.get(st.in_force))
        issued = numeric(report.cells.get(st.issued))
        repealed = numeric(report.cells.get(st.repealed))
        if None in (base, this, issued, repealed):
            continue
        expected = base + issued - repealed  # type: ignore[operator]
        if expected == this:
            continue
        yield Finding(
            "year.stock",
            Severity.WARNING,
            (st.in_force, st.issued, st.repealed),
            f"{form.cell(st.in_force).name} 为 {_fmt(this)}，按{last_year}的 {_fmt(base)} 件加本年制发 "
            f"{_fmt(issued)} 件、减本年废止 {_fmt(repealed)} 件应为 {_fmt(expected)}。文件也可能因到期失效，"
            "如属此类情况请填写说明。",
            expected=expected,
            actual=this,
            explainable=True,
        )
    for t in form.tallies:
        this = numeric(report.cells.get(t.this))
        parts = [numeric(previous.cells.get(k)) for k in t.last]
        if this is None or any(p is None for p in parts):
            continue
        expected = sum(parts)  # type: ignore[arg-type,unused-ignore]
        if expected == this:
            continue
        said = "加".join(f"“{form.cell(k).name}” {_fmt(v)}" for k, v in zip(t.last, parts, strict=True))
        yield Finding(
            "year.items",
            Severity.WARNING,
            (t.this,),
            f"{form.cell(t.this).name} 为 {_fmt(this)}，按{last_year}报告的{said}应为 {_fmt(expected)}。"
            "请核对，确有原因请填写说明。",
            expected=expected,
            actual=this,
            explainable=True,
            extra={"previous_cells": list(t.last)},
        )
    same = _same_content(report, previous)
    if same:
        what = "完全相同" if same == "identical" else "几乎相同（只改了年份或个别字句）"
        yield Finding(
            "year.identical",
            Severity.WARNING,
            (),
            f"本报告的表格与{last_year}报告完全相同，正文{what}。重复发布上年报告曾被依条例第四十七条追责，"
            "请确认填写的是本年度的数据和情况。",
            explainable=True,
        )


#: prose at least this similar to last year's (after years are set aside) counts as republished
SIMILAR_PROSE = 0.95
_YEARS = re.compile(r"(19|20)\d{2}|[二两][〇零○][一二三四五六七八九〇零○]{2}")
_SPACE = re.compile(r"\s+")


def _prose_key(text: dict[str, str]) -> str:
    return _SPACE.sub("", _YEARS.sub("Y", "\n".join(text.get(k, "") for k in sorted(text))))


@lru_cache(maxsize=16)
def _similar(a: str, b: str) -> float:
    if not a or not b or abs(len(a) - len(b)) > 0.1 * max(len(a), len(b)):
        return 0.0
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    return matcher.ratio() if matcher.quick_ratio() >= SIMILAR_PROSE else 0.0


def _same_content(report: Report, previous: Report) -> str | None:
    """ "identical", "similar" (tables equal, prose equal but for years or a few words) or ``None``.

    Tables alone are not enough: a small organ may rightly report all zeros year after year."""
    if report.cells != previous.cells or not any(v is not None for v in report.cells.values()):
        return None
    if not any(report.text.values()):
        return None
    if report.text == previous.text:
        return "identical"
    a, b = _prose_key(report.text), _prose_key(previous.text)
    return "similar" if a == b or _similar(a, b) >= SIMILAR_PROSE else None


# -------------------------------------------------------------------------------------------------
# plausibility (hints)

#: organs that cannot make 规章 (only ministries and provincial / larger-city governments can)
_NO_RULE_MAKING = re.compile(
    r"(镇|乡|街道|街道办事处|社区|村)(人民政府|政府|办事处)?$|(局|委员会|办公室|中心|所|站|队)$"
)


def _fee_stated(report: Report) -> bool:
    return bool(re.search(r"(信息)?处理费|收费", report.text.get("other", "")))


def plausibility_findings(report: Report, previous: Report | None, form: Form) -> Iterator[Finding]:
    t2 = form.table.get("t2")
    agency = report.agency.strip()
    if t2 and agency and _NO_RULE_MAKING.search(agency):
        rule_row = t2.row_for(RowRole.RULE_MAKING)
        rule_cells = tuple(c.key for c in t2.row_cells(rule_row.key))
        issued = [k for k in rule_cells if (numeric(report.cells.get(k)) or 0) > 0]
        if issued:
            others = "、".join(
                f"“{r.label}”" for r in t2.rows if r.group == rule_row.group and r is not rule_row
            )
            yield Finding(
                "plausibility.rules",
                Severity.HINT,
                tuple(issued),
                f"“{agency}”一般没有制定{rule_row.label}的权限，表二“{rule_row.label}”一行通常填 0 或“/”。"
                f"请确认是否应填在{others}一行。",
            )
    other = report.text.get("other", "")
    if other.strip() and not _fee_stated(report):
        yield Finding(
            "plausibility.fee_statement",
            Severity.HINT,
            (),
            "第六部分应说明本年度是否收取信息处理费（依《政府信息公开信息处理费管理办法》），目前未见相关表述。",
        )


# -------------------------------------------------------------------------------------------------
# the engine

Rule = Callable[[Report, "Report | None", Form], Iterator[Finding]]


def date_findings(report: Report, final: bool = False) -> Iterator[Finding]:
    """The 成文日期 under the organ's name (GB/T 9704 7.3.5): a report without it is not finished. A hint
    while the report is written; an error when it is to be finalised or signed (``final``)."""
    if not (report.date or "").strip():
        yield Finding(
            "meta.date",
            Severity.ERROR if final else Severity.HINT,
            (),
            "报告没有成文日期。落款处的成文日期（如“2025年1月20日”）是公文的必备要素，填写后才能定稿和签章。",
        )


def _prose(report: Report, previous: Report | None, form: Form) -> Iterator[Finding]:
    from .prose import check_prose  # part of every build: a missing module is a loud failure

    yield from check_prose(report)


_CLAUSE = re.compile(r"[^。；！？\n]+")
_FIGURE = re.compile(r"\d+(?:\.\d+)?|[二两][〇零○][一二三四五六七八九〇零○]{2}")


def carried_prose_findings(report: Report, previous: Report | None, form: Form) -> Iterator[Finding]:
    """Prose copied from last year's report (新建 with its text carried over): every year and figure in a
    clause that stands unchanged from last year's text is flagged with its span — “2024年度…4件” in the
    2025 report is most likely last year's fact."""
    if previous is None or not report.year or previous.year != report.year - 1:
        return
    for section, text in report.text.items():
        before = previous.text.get(section) or ""
        if not text or not before:
            continue
        old_clauses = {m.group().strip() for m in _CLAUSE.finditer(before)}
        for clause in _CLAUSE.finditer(text):
            body = clause.group().strip()
            if len(body) < 6 or body not in old_clauses:
                continue
            for figure in _FIGURE.finditer(clause.group()):
                start = clause.start() + figure.start()
                end = clause.start() + figure.end()
                yield Finding(
                    "prose.carried_over",
                    Severity.WARNING,
                    (),
                    f"“{body[:30]}{'…' if len(body) > 30 else ''}”与{previous.year}年度报告一字不差，其中的"
                    f"“{figure.group()}”可能是上年的数字或年份。请改为本年度的，或附加说明。",
                    text=TextSpan(section, start, end),
                    explainable=True,
                )


def _punctuation(report: Report, previous: Report | None, form: Form) -> Iterator[Finding]:
    from .punctuation import punctuation_findings  # half-width marks in Chinese prose (hint, with its fix)

    yield from punctuation_findings(report)


RULES: tuple[Rule, ...] = (
    lambda r, p, f: cell_findings(r, f),
    lambda r, p, f: relation_findings(r, f),
    lambda r, p, f: bound_findings(r, f),
    lambda r, p, f: blank_findings(r, f),
    lambda r, p, f: date_findings(r),
    cross_year_findings,
    _prose,
    plausibility_findings,
    _punctuation,
    carried_prose_findings,
)


def check(report: Report, previous: Report | None = None, *, final: bool = False) -> list[Finding]:
    """Every finding on ``report`` (optionally against last year's), errors first. ``final``: the report is
    about to be finalised or signed — what it must then have (the 成文日期) is an error, not a warning."""
    form = report.form
    findings = [f for rule in RULES for f in rule(report, previous, form)]
    if final:
        findings = [f for f in findings if f.rule != "meta.date"] + list(date_findings(report, final=True))
    for f in findings:
        if f.explainable:
            e = report.explanation_for(*f.identity)
            f.explanation = e.text if e else None
    findings.sort(key=lambda f: SEVERITY_ORDER[f.severity])
    return findings


def has_errors(findings: list[Finding]) -> bool:
    return any(f.severity is Severity.ERROR for f in findings)


def counts(findings: list[Finding]) -> dict[Severity, int]:
    out = dict.fromkeys(Severity, 0)
    for f in findings:
        out[f.severity] += 1
    return out
