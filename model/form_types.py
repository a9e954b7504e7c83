"""The vocabulary the form is described in: cell kinds, columns, rows, groups, cells, relations, the printed
grid, tables, sections and an edition (:class:`Form`).  :mod:`model.form` describes the official form in it."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from functools import cached_property

#: a fee in 万元 may carry at most this many decimals (1 元 = 0.0001 万元)
AMOUNT_DECIMALS = 4


class CellKind(enum.Enum):
    COUNT = "count"  # a non-negative whole number
    AMOUNT = "amount"  # 万元, non-negative, at most AMOUNT_DECIMALS decimals
    CHANGE = "change"  # a whole number that may be negative: the 2019 edition's 本年增/减 ("减4" is -4)


class RowRole(enum.Enum):
    """What a row is for, so that no module finds it by its position or spells its key."""

    NEW = "new"  # 一、本年新收
    CARRIED_IN = "carried_in"  # 二、上年结转
    TOTAL = "total"  # （七）总计
    CARRIED_OVER = "carried_over"  # 四、结转下年度继续办理
    RULE_MAKING = "rule_making"  # 表二 规章: only organs with rule-making power fill it


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    #: other spellings seen in published copies (normalised, see importer)
    aliases: tuple[str, ...] = ()
    #: how prose names the column (a regular expression), for the prose checks; "" for none
    spoken: str = ""


@dataclass(frozen=True)
class ColumnGroup:
    """Columns printed under one heading (法人或其他组织 over five), and how prose names them together."""

    label: str
    columns: tuple[str, ...]
    spoken: str = ""


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
    role: RowRole | None = None
    #: how prose names the row (a regular expression), for the prose checks; "" for none
    spoken: str = ""


@dataclass(frozen=True)
class Group:
    """A label-only row of the printed form (``三、本年度办理结果``, ``（三）不予公开`` …)."""

    key: str
    label: str
    #: label column in which the group label stands, spanning the rows of the group
    label_col: int
    aliases: tuple[str, ...] = ()
    #: the group this group stands in ("" for a top-level group)
    parent: str = ""
    #: the row whose cells a copy printing the group as one row of values fills (（六）其他处理 printed
    #: without its sub-rows → （六）3.其他); "" where the group never carries values of its own
    single_row: str = ""


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
    #: the heading of the cell's column ("本年制发件数", "自然人")
    heading: str = ""


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
class Bound:
    """``sum(small) <= sum(large)`` within a report (``small`` empty: ``sum(large) >= 0``) — an error."""

    rule: str
    small: tuple[str, ...]
    large: tuple[str, ...]
    #: the Chinese rule, for the message
    what: str


@dataclass(frozen=True)
class Tally:
    """Across years: this year's ``this`` = the sum of last year's ``last`` cells (上一年项目数量 ← 上年的
    上一年项目数量 + 本年增/减)."""

    this: str
    last: tuple[str, ...]


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
    #: the key of the column holding each row's total ("" for a table without totals)
    total_column: str = ""
    column_groups: tuple[ColumnGroup, ...] = ()

    @cached_property
    def cell_keys(self) -> tuple[str, ...]:
        return tuple(c.key for c in self.cells)

    @property
    def name(self) -> str:
        """How the clerk names the table: 表二, 表三, 表四."""
        return f"表{NUMERALS[self.number]}"

    def row_for(self, role: RowRole) -> Row:
        """The row that plays ``role`` (KeyError if this table has none)."""
        for r in self.rows:
            if r.role is role:
                return r
        raise KeyError(f"{self.key} has no row for {role}")

    def row_cells(self, row: str) -> tuple[Cell, ...]:
        return tuple(c for c in self.cells if c.row == row)

    def cell_key(self, row: str, column: str) -> str:
        """The exchange key of the cell at ``row`` × ``column`` (KeyError if the table has no such cell)."""
        key = f"{self.key}.{row}.{column}"
        if key not in self.cell_keys:
            raise KeyError(key)
        return key


@dataclass(frozen=True)
class Section:
    numeral: str  # 一 … 六
    title: str
    text_key: str | None = None  # overview / problems / other for prose sections
    table: str | None = None  # t2 / t3 / t4 for table sections
    #: customary sub-points offered as a skeleton
    subpoints: tuple[str, ...] = ()
    #: how copies word the title otherwise: each a set of words that all stand in such a title
    #: ("存在问题及改进措施" has 问题 and 改进)
    title_words: tuple[tuple[str, ...], ...] = ()

    @property
    def heading(self) -> str:
        return f"{self.numeral}、{self.title}"


#: 1 → 一 … 9 → 九 (section numerals, table names)
NUMERALS = dict(enumerate("〇一二三四五六七八九"))


@dataclass(frozen=True)
class Form:
    edition: str  # "2021" or "2019"
    name: str
    #: the first reporting year written in this edition
    first_year: int
    sections: tuple[Section, ...]
    tables: tuple[Table, ...]
    relations: tuple[Relation, ...] = field(default=())
    carry_forward: tuple[CarryForward, ...] = field(default=())
    stocks: tuple[Stock, ...] = field(default=())
    bounds: tuple[Bound, ...] = field(default=())
    tallies: tuple[Tally, ...] = field(default=())

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

    def cell_key(self, table: str, row: str, column: str) -> str:
        """The exchange key of a cell of this edition (KeyError if the edition has no such cell)."""
        return self.table[table].cell_key(row, column)

    def section_of_table(self, table: str) -> Section:
        return next(s for s in self.sections if s.table == table)

    @cached_property
    def text_sections(self) -> dict[str, Section]:
        return {s.text_key: s for s in self.sections if s.text_key}

    @cached_property
    def heads(self) -> frozenset[str]:
        """Every column heading of the tables (tells editions apart on a printed copy)."""
        return frozenset(h for t in self.tables for h in heads_of(t))


def heads_of(t: Table) -> list[str]:
    return [c.text for c in t.layout.cells if c.role == "head" and c.text]


@dataclass(frozen=True)
class T2Block:
    title: str
    heads: tuple[tuple[str, str], ...]  # (column key, heading)
    #: (row key, label, *other spellings)
    rows: tuple[tuple[str, ...], ...]
    kind: CellKind = CellKind.COUNT
    #: (column key, kind) where a column's kind differs from the block's
    kinds: tuple[tuple[str, CellKind], ...] = ()

    def kind_of(self, column: str) -> CellKind:
        return dict(self.kinds).get(column, self.kind)


def heading_spans(n: int, width: int) -> list[int]:
    """Grid columns each of ``n`` headings spans across ``width`` value columns (the last takes the rest)."""
    span = width // n
    return [span] * (n - 1) + [width - span * (n - 1)]


def group_members(group: Group, rows: tuple[Row, ...], groups: tuple[Group, ...]) -> list[int]:
    """Positions of the rows under ``group``, its sub-groups' rows included."""
    keys = {group.key} | {g.key for g in groups if g.parent == group.key}
    return [i for i, r in enumerate(rows) if r.group in keys]


# --------------------------------------------------------------------------------------------------
# Relations, carry-overs and checks that follow from an edition's tables


def derive_relations(t3: Table) -> tuple[Relation, ...]:
    rel: list[Relation] = []
    total_col = t3.total_column
    parts_cols = tuple(c.key for c in t3.columns if c.key != total_col)
    for r in t3.rows:
        rel.append(
            Relation(
                "t3.row_total",
                (t3.cell_key(r.key, total_col),),
                tuple(t3.cell_key(r.key, c) for c in parts_cols),
                "各类申请人之和",
            )
        )
    total_row = t3.row_for(RowRole.TOTAL).key
    results = next(g for g in t3.groups if not g.parent)
    outcome_rows = [
        t3.rows[i].key for i in group_members(results, t3.rows, t3.groups) if t3.rows[i].key != total_row
    ]
    new, carried_in = t3.row_for(RowRole.NEW).key, t3.row_for(RowRole.CARRIED_IN).key
    carried_over = t3.row_for(RowRole.CARRIED_OVER).key
    for c in t3.columns:
        rel.append(
            Relation(
                "t3.outcome_sum",
                (t3.cell_key(total_row, c.key),),
                tuple(t3.cell_key(r, c.key) for r in outcome_rows),
                "各项办理结果之和",
            )
        )
    for c in t3.columns:
        rel.append(
            Relation(
                "t3.balance",
                (t3.cell_key(total_row, c.key), t3.cell_key(carried_over, c.key)),
                (t3.cell_key(new, c.key), t3.cell_key(carried_in, c.key)),
                "一、本年新收加二、上年结转之和",
                total_name=f"（七）总计加四、结转下年度 {c.label}",
            )
        )
    return tuple(rel)


def derive_t4_relations(t4: Table) -> tuple[Relation, ...]:
    return tuple(
        Relation(
            "t4.group_total",
            (t4.cell_key(g.key, t4.total_column),),
            tuple(t4.cell_key(g.key, c.key) for c in t4.columns if c.key != t4.total_column),
            "结果维持、结果纠正、其他结果、尚未审结之和",
        )
        for g in t4.rows
    )


def derive_carry_forward(t3: Table) -> tuple[CarryForward, ...]:
    carried_in = t3.row_for(RowRole.CARRIED_IN).key
    carried_over = t3.row_for(RowRole.CARRIED_OVER).key
    return tuple(
        CarryForward(t3.cell_key(carried_over, c.key), t3.cell_key(carried_in, c.key)) for c in t3.columns
    )


def derive_stocks(t2: Table) -> tuple[Stock, ...]:
    """现行有效件数 = last year's + 本年制发件数 − 本年废止件数, for each row that has those three columns."""
    out = []
    for r in t2.rows:
        cols = {c.column for c in t2.row_cells(r.key)}
        if {"in_force", "issued", "repealed"} <= cols:
            out.append(Stock(*(t2.cell_key(r.key, c) for c in ("in_force", "issued", "repealed"))))
    return tuple(out)


def derive_bounds(t2: Table) -> tuple[Bound, ...]:
    """The 2019 edition's table 2: what a row's cells cannot be."""
    out: list[Bound] = []
    for r in t2.rows:
        cols = {c.column for c in t2.row_cells(r.key)}
        if {"published", "public_total"} <= cols:
            out.append(
                Bound(
                    "t2.published_within_total",
                    (t2.cell_key(r.key, "published"),),
                    (t2.cell_key(r.key, "public_total"),),
                    "本年新公开数量不能大于对外公开总数量",
                )
            )
        if {"prior_items", "change"} <= cols:
            out.append(
                Bound(
                    "t2.items_not_negative",
                    (),
                    (t2.cell_key(r.key, "prior_items"), t2.cell_key(r.key, "change")),
                    "上一年项目数量加本年增/减后不能为负数",
                )
            )
    return tuple(out)


def derive_tallies(t2: Table) -> tuple[Tally, ...]:
    """The 2019 edition: this year's 上一年项目数量 = last year's 上一年项目数量 + 本年增/减."""
    out: list[Tally] = []
    for r in t2.rows:
        cols = {c.column for c in t2.row_cells(r.key)}
        if {"prior_items", "change"} <= cols:
            items = t2.cell_key(r.key, "prior_items")
            out.append(Tally(items, (items, t2.cell_key(r.key, "change"))))
    return tuple(out)
