"""The official form, described once, as data (in the vocabulary of :mod:`model.form_types`, re-exported here).

《中华人民共和国政府信息公开工作年度报告格式》 — the 2021 edition (国办公开办函〔2021〕30号) in full, and
the 2019 trial edition (国办公开办函〔2019〕60号, used for the 2019 and 2020 reports) in full.

Everything else in the program — the grid, the checks, the importer, the PDF and the store — reads this
module.  No other module spells a row label or a cell key on its own: they ask a :class:`Form` for them.

The description has two layers:

* the semantic layer: sections, tables, rows, columns, cells (key, kind, whether ``/`` is allowed) and
  the relations between cells;
* the layout layer (:attr:`Table.layout`): the printed grid of every table — header rows, label columns,
  group labels spanning their rows, merged cells — from which both the Qt grid and the PDF draw.
"""

from __future__ import annotations

from .form_types import (
    AMOUNT_DECIMALS,
    NUMERALS,
    Bound,
    CarryForward,
    Cell,
    CellKind,
    Column,
    ColumnGroup,
    Form,
    GridCell,
    Group,
    Layout,
    Relation,
    Row,
    RowRole,
    Section,
    Stock,
    T2Block,
    Table,
    Tally,
    derive_bounds,
    derive_carry_forward,
    derive_relations,
    derive_stocks,
    derive_t4_relations,
    derive_tallies,
    group_members,
    heading_spans,
    heads_of,
)

__all__ = [
    "AMOUNT_DECIMALS",
    "CURRENT_EDITION",
    "CURRENT_FORM",
    "Cell",
    "CellKind",
    "Column",
    "Form",
    "FORM_2019",
    "FORM_2021",
    "FORMS",
    "Bound",
    "CarryForward",
    "ColumnGroup",
    "GridCell",
    "Group",
    "NUMERALS",
    "Stock",
    "Tally",
    "any_cell",
    "build_form",
    "edition_in_force",
    "exchange_keys",
    "T2Block",
    "heads_of",
    "Layout",
    "Relation",
    "Row",
    "RowRole",
    "Section",
    "Table",
    "TEXT_KEYS",
    "form_for",
]


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
    Section(
        "五",
        "存在的主要问题及改进情况",
        text_key="problems",
        title_words=(
            ("问题", "改进"),
            ("问题", "整改"),
            ("问题", "措施"),
            ("问题", "不足"),
            ("存在", "问题"),
        ),
    ),
    Section("六", "其他需要报告的事项", text_key="other", title_words=(("其他", "事项"), ("其他", "报告"))),
)

# --------------------------------------------------------------------------------------------------
# Table 2 — 主动公开政府信息情况: blocks under a full-width title, no totals


T2_CONTENT_HEAD = "信息内容"
#: the row only organs with rule-making power fill (ministries, provinces, larger cities)
T2_RULE_MAKING_ROW = "rules"

T2_BLOCKS_2021 = (
    T2Block(
        "第二十条第（一）项",
        (("issued", "本年制发件数"), ("repealed", "本年废止件数"), ("in_force", "现行有效件数")),
        (("rules", "规章"), ("normative_docs", "行政规范性文件", "规范性文件")),
    ),
    T2Block("第二十条第（五）项", (("decisions", "本年处理决定数量"),), (("licensing", "行政许可"),)),
    T2Block(
        "第二十条第（六）项",
        (("decisions", "本年处理决定数量"),),
        (("penalty", "行政处罚"), ("coercion", "行政强制")),
    ),
    T2Block(
        "第二十条第（八）项",
        (("amount", "本年收费金额（单位：万元）"),),
        (("fees", "行政事业性收费"),),
        kind=CellKind.AMOUNT,
    ),
)
#: the 2021 edition's blocks under their former name
T2_BLOCKS = T2_BLOCKS_2021

_T2_ITEMS_2019 = (("prior_items", "上一年项目数量"), ("change", "本年增/减"))
_T2_CHANGE = (("change", CellKind.CHANGE),)
#: the 2019 trial edition's table 2: five blocks; 本年增/减 is a signed count ("减4" is -4)
T2_BLOCKS_2019 = (
    T2Block(
        "第二十条第（一）项",
        (("made", "本年新制作数量"), ("published", "本年新公开数量"), ("public_total", "对外公开总数量")),
        (("rules", "规章"), ("normative_docs", "规范性文件", "行政规范性文件")),
    ),
    T2Block(
        "第二十条第（五）项",
        (*_T2_ITEMS_2019, ("decisions", "处理决定数量")),
        (("licensing", "行政许可"), ("other_services", "其他对外管理服务事项")),
        kinds=_T2_CHANGE,
    ),
    T2Block(
        "第二十条第（六）项",
        (*_T2_ITEMS_2019, ("decisions", "处理决定数量")),
        (("penalty", "行政处罚"), ("coercion", "行政强制")),
        kinds=_T2_CHANGE,
    ),
    T2Block("第二十条第（八）项", _T2_ITEMS_2019, (("fees", "行政事业性收费"),), kinds=_T2_CHANGE),
    T2Block(
        "第二十条第（九）项",
        (("items", "采购项目数量"), ("amount", "采购总金额")),
        (("procurement", "政府集中采购"),),
        kinds=(("amount", CellKind.AMOUNT),),
    ),
)


def _table2(blocks: tuple[T2Block, ...]) -> Table:
    cells: list[Cell] = []
    rows: list[Row] = []
    grid: list[GridCell] = []
    spans: list[tuple[int, int]] = []
    width = max(len(b.heads) for b in blocks)
    r = 0
    for block in blocks:
        start = r
        grid.append(GridCell(r, 0, block.title, colspan=1 + width, role="title"))
        r += 1
        grid.append(GridCell(r, 0, T2_CONTENT_HEAD, role="head"))
        cols, at = [], 1
        for (_, head), span in zip(block.heads, heading_spans(len(block.heads), width), strict=True):
            grid.append(GridCell(r, at, head, colspan=span, role="head"))
            cols.append((at, span))
            at += span
        r += 1
        for row_key, label, *aliases in block.rows:
            role = RowRole.RULE_MAKING if row_key == T2_RULE_MAKING_ROW else None
            rows.append(Row(row_key, label, label, group=block.title, aliases=tuple(aliases), role=role))
            grid.append(GridCell(r, 0, label, role="label"))
            for (col_key, head), (at, span) in zip(block.heads, cols, strict=True):
                key = f"t2.{row_key}.{col_key}"
                cells.append(
                    Cell(key, "t2", row_key, col_key, block.kind_of(col_key), True, f"{label} {head}", head)
                )
                grid.append(GridCell(r, at, key=key, colspan=span, role="value"))
            r += 1
        spans.append((start, r - 1))
    layout = Layout(r, 1 + width, 0, 1, tuple(grid), (2.2,) + (1.0,) * width, tuple(spans))
    return Table("t2", 2, "主动公开政府信息情况", tuple(cells), layout, tuple(rows))


# --------------------------------------------------------------------------------------------------
# Table 3 — 收到和处理政府信息公开申请情况

T3_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
T3_APPLICANT = "申请人情况"
T3_ORGS = "法人或其他组织"

T3_COLUMNS = (
    Column("natural_person", "自然人", spoken=r"自然人|公民"),
    Column("commercial", "商业企业", spoken=r"商业企业"),
    Column("research", "科研机构", spoken=r"科研机构"),
    Column("social_welfare", "社会公益组织", aliases=("社会公益",), spoken=r"社会公益组织"),
    Column("legal_service", "法律服务机构", spoken=r"法律服务机构"),
    Column("other_org", "其他"),
    Column("total", "总计"),
)
T3_ORG_COLUMNS = ("commercial", "research", "social_welfare", "legal_service", "other_org")
T3_PART_COLUMNS = ("natural_person", *T3_ORG_COLUMNS)
T3_TOTAL_COLUMN = "total"
T3_COLUMN_GROUPS = (
    ColumnGroup(T3_ORGS, T3_ORG_COLUMNS, spoken=r"法人(?:或者|或|和|及|与|、)?(?:其他)?(?:组织)?"),
)

G_RESULTS = Group("results", "三、本年度办理结果", 0)
G_REFUSED = Group("refused", "（三）不予公开", 1, parent="results")
G_UNABLE = Group("unable", "（四）无法提供", 1, parent="results")
G_NOT_PROCESSED = Group("not_processed", "（五）不予处理", 1, parent="results")
G_OTHER_HANDLING = Group(
    "other_handling", "（六）其他处理", 1, parent="results", single_row="other_handling.other"
)


def _sub(group: Group, key: str, label: str, *aliases: str) -> Row:
    short = f"{group.label[:3]}{label}"
    return Row(f"{group.key}.{key}", label, short, group=group.key, aliases=aliases, label_col=2)


_T3_BEFORE = (
    Row("new", "一、本年新收政府信息公开申请数量", "一、本年新收", label_span=3, role=RowRole.NEW),
    Row(
        "carried_in",
        "二、上年结转政府信息公开申请数量",
        "二、上年结转",
        label_span=3,
        role=RowRole.CARRIED_IN,
    ),
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
    Row("total", "（七）总计", "（七）总计", group="results", label_col=1, label_span=2, role=RowRole.TOTAL),
    Row("carried_over", "四、结转下年度继续办理", "四、结转下年度", label_span=3, role=RowRole.CARRIED_OVER),
)

T3_ROWS_2021 = (*_T3_BEFORE, *_T3_HEAD_RESULTS, *_T3_OTHER_HANDLING_2021, *_T3_AFTER)
T3_GROUPS_2021 = (G_RESULTS, G_REFUSED, G_UNABLE, G_NOT_PROCESSED, G_OTHER_HANDLING)
T3_ROWS_2019 = (*_T3_BEFORE, *_T3_HEAD_RESULTS, *_T3_OTHER_HANDLING_2019, *_T3_AFTER)
T3_GROUPS_2019 = (G_RESULTS, G_REFUSED, G_UNABLE, G_NOT_PROCESSED)


def _table3(rows: tuple[Row, ...], groups: tuple[Group, ...]) -> Table:
    cells = tuple(
        Cell(
            f"t3.{r.key}.{c.key}", "t3", r.key, c.key, CellKind.COUNT, False, f"{r.short} {c.label}", c.label
        )
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
    for g in groups:
        members = group_members(g, rows, groups)
        grid.append(GridCell(h + min(members), g.label_col, g.label, rowspan=len(members), role="label"))
    for i, r in enumerate(rows):
        grid.append(GridCell(h + i, r.label_col, r.label, colspan=r.label_span, role="label"))
        for j, c in enumerate(T3_COLUMNS):
            grid.append(GridCell(h + i, 3 + j, key=f"t3.{r.key}.{c.key}", role="value"))
    widths = (1.1, 1.3, 3.4) + (1.0,) * 7
    layout = Layout(h + len(rows), 10, h, 3, tuple(grid), widths)
    return Table(
        "t3",
        3,
        "收到和处理政府信息公开申请情况",
        cells,
        layout,
        rows,
        T3_COLUMNS,
        groups,
        T3_NOTE,
        total_column=T3_TOTAL_COLUMN,
        column_groups=T3_COLUMN_GROUPS,
    )


# --------------------------------------------------------------------------------------------------
# Table 4 — 政府信息公开行政复议、行政诉讼情况

T4_REVIEW = "行政复议"
T4_LITIGATION = "行政诉讼"
T4_GROUPS = (
    Row("review", T4_REVIEW, T4_REVIEW),
    Row(
        "litigation_direct",
        "未经复议直接起诉",
        "行政诉讼（未经复议直接起诉）",
        spoken=r"未经复议直接起诉|直接(?:提起)?(?:行政)?(?:起诉|诉讼)",
    ),
    Row(
        "litigation_after_review",
        "复议后起诉",
        "行政诉讼（复议后起诉）",
        spoken=r"复议后(?:提起)?(?:行政)?(?:起诉|诉讼)",
    ),
)
T4_COLUMNS = (
    Column("upheld", "结果维持", spoken=r"(?:结果)?维持"),
    Column("corrected", "结果纠正", spoken=r"(?:结果)?纠正"),
    Column("other", "其他结果", spoken=r"其他结果"),
    Column("pending", "尚未审结", spoken=r"尚未审结|未审结|未结案?"),
    Column("total", "总计"),
)


def _table4() -> Table:
    cells = tuple(
        Cell(
            f"t4.{g.key}.{c.key}", "t4", g.key, c.key, CellKind.COUNT, False, f"{g.short} {c.label}", c.label
        )
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
    return Table(
        "t4",
        4,
        "政府信息公开行政复议、行政诉讼情况",
        cells,
        layout,
        T4_GROUPS,
        T4_COLUMNS,
        total_column="total",
    )


# --------------------------------------------------------------------------------------------------
# Editions


def build_form(
    edition: str,
    name: str,
    first_year: int,
    t2_blocks: tuple[T2Block, ...],
    t3_rows: tuple[Row, ...],
    t3_groups: tuple[Group, ...],
    sections: tuple[Section, ...] = SECTIONS,
) -> Form:
    """An edition of the form from its definition: everything else (cells, grid, relations, checks) follows."""
    t2, t3, t4 = _table2(t2_blocks), _table3(t3_rows, t3_groups), _table4()
    return Form(
        edition,
        name,
        first_year,
        sections,
        (t2, t3, t4),
        derive_relations(t3) + derive_t4_relations(t4),
        derive_carry_forward(t3),
        derive_stocks(t2),
        derive_bounds(t2),
        derive_tallies(t2),
    )


FORM_2021 = build_form(
    "2021",
    "《中华人民共和国政府信息公开工作年度报告格式》（国办公开办函〔2021〕30号）",
    2021,
    T2_BLOCKS_2021,
    T3_ROWS_2021,
    T3_GROUPS_2021,
)
FORM_2019 = build_form(
    "2019",
    "政府信息公开工作年度报告格式（国办公开办函〔2019〕60号，试行）",
    2019,
    T2_BLOCKS_2019,
    T3_ROWS_2019,
    T3_GROUPS_2019,
)
#: every edition, newest first
FORMS = {f.edition: f for f in (FORM_2021, FORM_2019)}
#: the edition in force: new reports are written in it
CURRENT_EDITION = next(iter(FORMS))
CURRENT_FORM = FORMS[CURRENT_EDITION]

#: column headings only the 2019 trial edition's table 2 has — how an importer tells that edition apart
T2_2019_HEADS = tuple(
    dict.fromkeys(
        h for h in heads_of(FORM_2019.table["t2"]) if not any(h in x for x in heads_of(FORM_2021.table["t2"]))
    )
)


def exchange_keys(form: Form | None = None) -> tuple[str, ...]:
    """The cell keys an exchange file of ``form``'s edition carries: the current edition's, then its own."""
    current = CURRENT_FORM.cell_keys
    if form is None or form is CURRENT_FORM:
        return current
    return current + tuple(k for k in form.cell_keys if k not in CURRENT_FORM.cells)


#: every cell key the exchange format knows (every edition's; keys are added, never renamed)
ALL_CELL_KEYS = tuple(dict.fromkeys(k for f in FORMS.values() for k in f.cell_keys))


def any_cell(key: str) -> Cell | None:
    """The cell ``key`` names in the newest edition that has it."""
    return next((f.cells[key] for f in FORMS.values() if key in f.cells), None)


def edition_in_force(year: int) -> str:
    """The edition reports for ``year`` were written in (the newest one for years before any)."""
    editions = sorted(FORMS.values(), key=lambda f: f.first_year)
    return next((f.edition for f in reversed(editions) if f.first_year <= year), CURRENT_EDITION)


def form_for(edition: str | None) -> Form:
    return FORMS.get(edition or CURRENT_EDITION, CURRENT_FORM)
