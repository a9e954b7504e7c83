"""The official form, described once, as data.

《中华人民共和国政府信息公开工作年度报告格式》 — the 2021 edition (国办公开办函〔2021〕30号) in full, and
the 2019 trial edition (国办公开办函〔2019〕60号) as far as the exchange format maps it (tables 3 and 4).

Everything else in the program — the grid, the checks, the importer, the PDF and the store — reads this
module.  No other module spells a row label or a cell key on its own: they ask a :class:`Form` for them.

The description has two layers:

* the semantic layer: sections, tables, rows, columns, cells (key, kind, whether ``/`` is allowed) and
  the relations between cells;
* the layout layer (:attr:`Table.layout`): the printed grid of every table — header rows, label columns,
  group labels spanning their rows, merged cells — from which both the Qt grid and the PDF draw.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from functools import cached_property

__all__ = [
    "AMOUNT_DECIMALS",
    "Cell",
    "CellKind",
    "Column",
    "Form",
    "FORM_2019",
    "FORM_2021",
    "FORMS",
    "GridCell",
    "Layout",
    "Relation",
    "Row",
    "Section",
    "Table",
    "TEXT_KEYS",
    "form_for",
]

#: a fee in 万元 may carry at most this many decimals (1 元 = 0.0001 万元)
AMOUNT_DECIMALS = 4


class CellKind(enum.Enum):
    COUNT = "count"  # a non-negative whole number
    AMOUNT = "amount"  # 万元, non-negative, at most AMOUNT_DECIMALS decimals


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    #: other spellings seen in published copies (normalised, see importer)
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    #: the short name used in messages, e.g. "（七）总计" or "（三）1.属于国家秘密"
    short: str
    #: key of the group this row belongs to ("" for none) — groups are label-only rows
    group: str = ""
    aliases: tuple[str, ...] = ()
    #: number of label columns this row's own label spans in the printed grid
    label_span: int = 1
    #: the first label column this row's label occupies
    label_col: int = 0


@dataclass(frozen=True)
class Group:
    """A label-only row of the printed form (``三、本年度办理结果``, ``（三）不予公开`` …)."""

    key: str
    label: str
    #: label column in which the group label stands, spanning the rows of the group
    label_col: int
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Cell:
    key: str
    table: str
    row: str
    column: str
    kind: CellKind
    slash_allowed: bool
    #: how a clerk names the cell, e.g. "（七）总计 自然人"
    name: str


@dataclass(frozen=True)
class Relation:
    """``sum(total) == sum(parts)`` — a total and its parts, or the balance of table 3.

    ``rule`` is the rule id findings carry; ``total`` holds the cell(s) whose value should equal the
    sum of ``parts``; ``what`` names that sum in messages ("各项办理结果之和").
    """

    rule: str
    total: tuple[str, ...]
    parts: tuple[str, ...]
    what: str
    #: a name for the total side when it is more than one cell
    total_name: str = ""


@dataclass(frozen=True)
class CarryForward:
    """Across years: this year's ``this`` starts from last year's ``last`` (上年结转 ← 结转下年度继续办理)."""

    last: str
    this: str


@dataclass(frozen=True)
class Stock:
    """Across years: 现行有效件数 = last year's 现行有效件数 + 本年制发件数 − 本年废止件数 (plausibility)."""

    in_force: str
    issued: str
    repealed: str


@dataclass(frozen=True)
class GridCell:
    """One cell of the printed grid of a table; ``key`` is set for a value cell."""

    row: int
    col: int
    text: str = ""
    key: str | None = None
    rowspan: int = 1
    colspan: int = 1
    #: "title" (a block title across the table), "head" (column heading), "label" (row label), "value"
    role: str = "label"


@dataclass(frozen=True)
class Layout:
    rows: int
    cols: int
    #: the number of leading grid rows that are heading rows (repeat them on a new page)
    header_rows: int
    #: the number of leading grid columns that hold labels
    label_cols: int
    cells: tuple[GridCell, ...]
    #: relative column widths (label columns wider) — for the grid and the PDF
    widths: tuple[float, ...]
    #: groups of grid rows that must not be split across pages (table 2's blocks)
    blocks: tuple[tuple[int, int], ...] = ()

    @cached_property
    def by_key(self) -> dict[str, GridCell]:
        return {c.key: c for c in self.cells if c.key}

    @cached_property
    def at(self) -> dict[tuple[int, int], GridCell]:
        """Every grid position covered by a cell (spans included) → that cell."""
        out: dict[tuple[int, int], GridCell] = {}
        for c in self.cells:
            for r in range(c.row, c.row + c.rowspan):
                for k in range(c.col, c.col + c.colspan):
                    out[(r, k)] = c
        return out


@dataclass(frozen=True)
class Table:
    key: str  # "t2", "t3", "t4"
    number: int  # 表二 → 2
    title: str
    cells: tuple[Cell, ...]
    layout: Layout
    rows: tuple[Row, ...] = ()
    columns: tuple[Column, ...] = ()
    groups: tuple[Group, ...] = ()
    #: table 3's corner note
    note: str = ""

    @cached_property
    def cell_keys(self) -> tuple[str, ...]:
        return tuple(c.key for c in self.cells)


@dataclass(frozen=True)
class Section:
    numeral: str  # 一 … 六
    title: str
    text_key: str | None = None  # overview / problems / other for prose sections
    table: str | None = None  # t2 / t3 / t4 for table sections
    #: customary sub-points offered as a skeleton
    subpoints: tuple[str, ...] = ()

    @property
    def heading(self) -> str:
        return f"{self.numeral}、{self.title}"


# --------------------------------------------------------------------------------------------------
# Sections

TEXT_KEYS = ("overview", "problems", "other")

SECTIONS = (
    Section(
        "一",
        "总体情况",
        text_key="overview",
        subpoints=(
            "（一）主动公开",
            "（二）依申请公开",
            "（三）政府信息管理",
            "（四）政府信息公开平台建设",
            "（五）监督保障",
        ),
    ),
    Section("二", "主动公开政府信息情况", table="t2"),
    Section("三", "收到和处理政府信息公开申请情况", table="t3"),
    Section("四", "政府信息公开行政复议、行政诉讼情况", table="t4"),
    Section("五", "存在的主要问题及改进情况", text_key="problems"),
    Section("六", "其他需要报告的事项", text_key="other"),
)

# --------------------------------------------------------------------------------------------------
# Table 2 — 主动公开政府信息情况: four blocks, no totals


@dataclass(frozen=True)
class _T2Block:
    title: str
    heads: tuple[tuple[str, str], ...]  # (column key, heading)
    rows: tuple[tuple[str, str], ...]  # (row key, label)
    kind: CellKind = CellKind.COUNT


T2_CONTENT_HEAD = "信息内容"
#: the row only organs with rule-making power fill (ministries, provinces, larger cities)
T2_RULE_MAKING_ROW = "rules"

T2_BLOCKS = (
    _T2Block(
        "第二十条第（一）项",
        (("issued", "本年制发件数"), ("repealed", "本年废止件数"), ("in_force", "现行有效件数")),
        (("rules", "规章"), ("normative_docs", "行政规范性文件")),
    ),
    _T2Block("第二十条第（五）项", (("decisions", "本年处理决定数量"),), (("licensing", "行政许可"),)),
    _T2Block(
        "第二十条第（六）项",
        (("decisions", "本年处理决定数量"),),
        (("penalty", "行政处罚"), ("coercion", "行政强制")),
    ),
    _T2Block(
        "第二十条第（八）项",
        (("amount", "本年收费金额（单位：万元）"),),
        (("fees", "行政事业性收费"),),
        kind=CellKind.AMOUNT,
    ),
)


#: column headings only the 2019 trial edition's table 2 has — how an importer tells that edition apart
T2_2019_HEADS = (
    "本年新制作数量",
    "本年新公开数量",
    "对外公开总数量",
    "上一年项目数量",
    "采购项目数量",
    "政府集中采购",
)


def _table2() -> Table:
    cells: list[Cell] = []
    rows: list[Row] = []
    grid: list[GridCell] = []
    blocks: list[tuple[int, int]] = []
    r = 0
    for block in T2_BLOCKS:
        start = r
        grid.append(GridCell(r, 0, block.title, colspan=4, role="title"))
        r += 1
        grid.append(GridCell(r, 0, T2_CONTENT_HEAD, role="head"))
        span = 3 // len(block.heads)
        for i, (_, head) in enumerate(block.heads):
            grid.append(GridCell(r, 1 + i * span, head, colspan=span, role="head"))
        r += 1
        for row_key, label in block.rows:
            rows.append(Row(row_key, label, label, group=block.title))
            grid.append(GridCell(r, 0, label, role="label"))
            for i, (col_key, head) in enumerate(block.heads):
                key = f"t2.{row_key}.{col_key}"
                cells.append(Cell(key, "t2", row_key, col_key, block.kind, True, f"{label} {head}"))
                grid.append(GridCell(r, 1 + i * span, key=key, colspan=span, role="value"))
            r += 1
        blocks.append((start, r - 1))
    layout = Layout(r, 4, 0, 1, tuple(grid), (2.2, 1.0, 1.0, 1.0), tuple(blocks))
    return Table("t2", 2, "主动公开政府信息情况", tuple(cells), layout, tuple(rows))


# --------------------------------------------------------------------------------------------------
# Table 3 — 收到和处理政府信息公开申请情况

T3_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
T3_APPLICANT = "申请人情况"
T3_ORGS = "法人或其他组织"

T3_COLUMNS = (
    Column("natural_person", "自然人"),
    Column("commercial", "商业企业"),
    Column("research", "科研机构"),
    Column("social_welfare", "社会公益组织", aliases=("社会公益",)),
    Column("legal_service", "法律服务机构"),
    Column("other_org", "其他"),
    Column("total", "总计"),
)
T3_ORG_COLUMNS = ("commercial", "research", "social_welfare", "legal_service", "other_org")
T3_PART_COLUMNS = ("natural_person", *T3_ORG_COLUMNS)

G_RESULTS = Group("results", "三、本年度办理结果", 0)
G_REFUSED = Group("refused", "（三）不予公开", 1)
G_UNABLE = Group("unable", "（四）无法提供", 1)
G_NOT_PROCESSED = Group("not_processed", "（五）不予处理", 1)
G_OTHER_HANDLING = Group("other_handling", "（六）其他处理", 1)


def _sub(group: Group, key: str, label: str, *aliases: str) -> Row:
    short = f"{group.label[:3]}{label}"
    return Row(f"{group.key}.{key}", label, short, group=group.key, aliases=aliases, label_col=2)


_T3_BEFORE = (
    Row("new", "一、本年新收政府信息公开申请数量", "一、本年新收", label_span=3),
    Row("carried_in", "二、上年结转政府信息公开申请数量", "二、上年结转", label_span=3),
)
_T3_HEAD_RESULTS = (
    Row("granted", "（一）予以公开", "（一）予以公开", group="results", label_col=1, label_span=2),
    Row(
        "partial",
        "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
        "（二）部分公开",
        group="results",
        label_col=1,
        label_span=2,
    ),
    _sub(G_REFUSED, "state_secret", "1.属于国家秘密"),
    _sub(G_REFUSED, "law_prohibited", "2.其他法律行政法规禁止公开", "2.其他法律行政止公开"),
    _sub(G_REFUSED, "security_stability", "3.危及“三安全一稳定”"),
    _sub(G_REFUSED, "third_party", "4.保护第三方合法权益"),
    _sub(G_REFUSED, "internal_affairs", "5.属于三类内部事务信息"),
    _sub(G_REFUSED, "process_info", "6.属于四类过程性信息"),
    _sub(G_REFUSED, "enforcement_file", "7.属于行政执法案卷"),
    _sub(G_REFUSED, "inquiry", "8.属于行政查询事项"),
    _sub(G_UNABLE, "not_held", "1.本机关不掌握相关政府信息"),
    _sub(G_UNABLE, "needs_creation", "2.没有现成信息需要另行制作"),
    _sub(G_UNABLE, "unclear", "3.补正后申请内容仍不明确"),
    _sub(G_NOT_PROCESSED, "petition", "1.信访举报投诉类申请"),
    _sub(G_NOT_PROCESSED, "duplicate", "2.重复申请"),
    _sub(G_NOT_PROCESSED, "publication", "3.要求提供公开出版物"),
    _sub(G_NOT_PROCESSED, "excessive", "4.无正当理由大量反复申请"),
    _sub(G_NOT_PROCESSED, "confirmation", "5.要求行政机关确认或重新出具已获取信息"),
)
_T3_OTHER_HANDLING_2021 = (
    _sub(
        G_OTHER_HANDLING,
        "no_correction",
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    ),
    _sub(
        G_OTHER_HANDLING,
        "no_fee",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    ),
    _sub(G_OTHER_HANDLING, "other", "3.其他"),
)
#: the 2019 edition's single （六） row — its cells are the exchange keys of （六）3.其他
_T3_OTHER_HANDLING_2019 = (
    Row(
        "other_handling.other", "（六）其他处理", "（六）其他处理", group="results", label_col=1, label_span=2
    ),
)
_T3_AFTER = (
    Row("total", "（七）总计", "（七）总计", group="results", label_col=1, label_span=2),
    Row("carried_over", "四、结转下年度继续办理", "四、结转下年度", label_span=3),
)


def _table3(edition: str) -> Table:
    handling = _T3_OTHER_HANDLING_2021 if edition == "2021" else _T3_OTHER_HANDLING_2019
    rows = (*_T3_BEFORE, *_T3_HEAD_RESULTS, *handling, *_T3_AFTER)
    groups = [G_RESULTS, G_REFUSED, G_UNABLE, G_NOT_PROCESSED]
    if edition == "2021":
        groups.append(G_OTHER_HANDLING)
    cells = tuple(
        Cell(f"t3.{r.key}.{c.key}", "t3", r.key, c.key, CellKind.COUNT, False, f"{r.short} {c.label}")
        for r in rows
        for c in T3_COLUMNS
    )
    # header: 3 rows; label columns 0–2, data columns 3–9
    h = 3
    grid = [
        GridCell(0, 0, T3_NOTE, rowspan=3, colspan=3, role="head"),
        GridCell(0, 3, T3_APPLICANT, colspan=7, role="head"),
        GridCell(1, 3, T3_COLUMNS[0].label, rowspan=2, role="head"),
        GridCell(1, 4, T3_ORGS, colspan=5, role="head"),
        GridCell(1, 9, T3_COLUMNS[6].label, rowspan=2, role="head"),
    ]
    grid += [GridCell(2, 4 + i, c.label, role="head") for i, c in enumerate(T3_COLUMNS[1:6])]
    # body: the group labels span the rows of their group
    index = {r.key: h + i for i, r in enumerate(rows)}
    for g in groups:
        members = [index[r.key] for r in rows if r.group == g.key or (g.key == "results" and r.group)]
        grid.append(GridCell(min(members), g.label_col, g.label, rowspan=len(members), role="label"))
    for r in rows:
        grid.append(GridCell(index[r.key], r.label_col, r.label, colspan=r.label_span, role="label"))
        for i, c in enumerate(T3_COLUMNS):
            grid.append(GridCell(index[r.key], 3 + i, key=f"t3.{r.key}.{c.key}", role="value"))
    widths = (1.1, 1.3, 3.4) + (1.0,) * 7
    layout = Layout(h + len(rows), 10, h, 3, tuple(grid), widths)
    return Table(
        "t3", 3, "收到和处理政府信息公开申请情况", cells, layout, rows, T3_COLUMNS, tuple(groups), T3_NOTE
    )


# --------------------------------------------------------------------------------------------------
# Table 4 — 政府信息公开行政复议、行政诉讼情况

T4_REVIEW = "行政复议"
T4_LITIGATION = "行政诉讼"
T4_GROUPS = (
    Row("review", T4_REVIEW, T4_REVIEW),
    Row("litigation_direct", "未经复议直接起诉", "行政诉讼（未经复议直接起诉）"),
    Row("litigation_after_review", "复议后起诉", "行政诉讼（复议后起诉）"),
)
T4_COLUMNS = (
    Column("upheld", "结果维持"),
    Column("corrected", "结果纠正"),
    Column("other", "其他结果"),
    Column("pending", "尚未审结"),
    Column("total", "总计"),
)


def _table4() -> Table:
    cells = tuple(
        Cell(f"t4.{g.key}.{c.key}", "t4", g.key, c.key, CellKind.COUNT, False, f"{g.short} {c.label}")
        for g in T4_GROUPS
        for c in T4_COLUMNS
    )
    grid = [
        GridCell(0, 0, T4_REVIEW, rowspan=2, colspan=5, role="head"),
        GridCell(0, 5, T4_LITIGATION, colspan=10, role="head"),
        GridCell(1, 5, T4_GROUPS[1].label, colspan=5, role="head"),
        GridCell(1, 10, T4_GROUPS[2].label, colspan=5, role="head"),
    ]
    grid += [GridCell(2, i, c.label, role="head") for i, c in enumerate(T4_COLUMNS * 3)]
    grid += [GridCell(3, i, key=cell.key, role="value") for i, cell in enumerate(cells)]
    layout = Layout(4, 15, 3, 0, tuple(grid), (1.0,) * 15)
    return Table("t4", 4, "政府信息公开行政复议、行政诉讼情况", cells, layout, T4_GROUPS, T4_COLUMNS)


# --------------------------------------------------------------------------------------------------
# Relations


def _relations(t3: Table) -> tuple[Relation, ...]:
    rel: list[Relation] = []
    parts_cols = T3_PART_COLUMNS
    for r in t3.rows:
        rel.append(
            Relation(
                "t3.row_total",
                (f"t3.{r.key}.total",),
                tuple(f"t3.{r.key}.{c}" for c in parts_cols),
                "各类申请人之和",
            )
        )
    outcome_rows = [r.key for r in t3.rows if r.group and r.key != "total"]
    for c in T3_COLUMNS:
        rel.append(
            Relation(
                "t3.outcome_sum",
                (f"t3.total.{c.key}",),
                tuple(f"t3.{r}.{c.key}" for r in outcome_rows),
                "各项办理结果之和",
            )
        )
    for c in T3_COLUMNS:
        rel.append(
            Relation(
                "t3.balance",
                (f"t3.total.{c.key}", f"t3.carried_over.{c.key}"),
                (f"t3.new.{c.key}", f"t3.carried_in.{c.key}"),
                "一、本年新收加二、上年结转之和",
                total_name=f"（七）总计加四、结转下年度 {c.label}",
            )
        )
    for g in T4_GROUPS:
        rel.append(
            Relation(
                "t4.group_total",
                (f"t4.{g.key}.total",),
                tuple(f"t4.{g.key}.{c.key}" for c in T4_COLUMNS if c.key != "total"),
                "结果维持、结果纠正、其他结果、尚未审结之和",
            )
        )
    return tuple(rel)


def _carry_forward(t3: Table) -> tuple[CarryForward, ...]:
    second, last = t3.rows[1].key, t3.rows[-1].key  # 二、上年结转 … 四、结转下年度继续办理
    return tuple(CarryForward(f"t3.{last}.{c.key}", f"t3.{second}.{c.key}") for c in t3.columns)


def _stocks(t2: Table) -> tuple[Stock, ...]:
    heads = [k for k, _ in T2_BLOCKS[0].heads]  # 本年制发件数 · 本年废止件数 · 现行有效件数
    return tuple(
        Stock(*(f"t2.{row}.{h}" for h in (heads[2], heads[0], heads[1]))) for row, _ in T2_BLOCKS[0].rows
    )


# --------------------------------------------------------------------------------------------------
# Editions


@dataclass(frozen=True)
class Form:
    edition: str  # "2021" or "2019"
    name: str
    sections: tuple[Section, ...]
    tables: tuple[Table, ...]
    relations: tuple[Relation, ...] = field(default=())
    carry_forward: tuple[CarryForward, ...] = field(default=())
    stocks: tuple[Stock, ...] = field(default=())

    @cached_property
    def table(self) -> dict[str, Table]:
        return {t.key: t for t in self.tables}

    @cached_property
    def cells(self) -> dict[str, Cell]:
        return {c.key: c for t in self.tables for c in t.cells}

    @cached_property
    def cell_keys(self) -> tuple[str, ...]:
        return tuple(self.cells)

    def cell(self, key: str) -> Cell:
        return self.cells[key]

    def section_of_table(self, table: str) -> Section:
        return next(s for s in self.sections if s.table == table)

    @cached_property
    def text_sections(self) -> dict[str, Section]:
        return {s.text_key: s for s in self.sections if s.text_key}


def _form_2021() -> Form:
    t2, t3 = _table2(), _table3("2021")
    return Form(
        "2021",
        "《中华人民共和国政府信息公开工作年度报告格式》（国办公开办函〔2021〕30号）",
        SECTIONS,
        (t2, t3, _table4()),
        _relations(t3),
        _carry_forward(t3),
        _stocks(t2),
    )


def _form_2019() -> Form:
    t3 = _table3("2019")
    sections = tuple(s for s in SECTIONS if s.table != "t2")
    return Form(
        "2019",
        "政府信息公开工作年度报告格式（国办公开办函〔2019〕60号，试行）",
        sections,
        (t3, _table4()),
        _relations(t3),
        _carry_forward(t3),
    )


FORM_2021 = _form_2021()
FORM_2019 = _form_2019()
FORMS = {"2021": FORM_2021, "2019": FORM_2019}

#: every cell key the exchange format knows (the 2021 edition's; the 2019 keys are a subset)
ALL_CELL_KEYS = FORM_2021.cell_keys


def form_for(edition: str | None) -> Form:
    return FORMS.get(edition or "2021", FORM_2021)
