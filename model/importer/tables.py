"""Reading tables 2, 3 and 4 out of mangled text.

The text of a table region is cut into tokens — label fragments (``TEXT``), values (``VALUE``: a number,
``/`` or a dash) and blank cells (``BLANK``, only where a separator shows them) — whatever the page did
to the grid: ``|``-separated rows, one cell per line, blank lines between cells, pdftotext columns.
Runs of values are then given to rows of the form: the label fragments before a run are matched
(fuzzily, by their normalised characters) against the row labels the form defines, and rows are taken
in form order only.  A run whose label is lost fits the single unlabelled row between two matched rows.

Nothing is guessed: a run with fewer cells than the row has is left unread, and a blank cell is only
read as 0 where the row prints its total and the printed parts already add up to it.  Tables 2 and 3 are
read by :mod:`.rows`; table 4 here.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from ..form import T4_GROUPS, T4_LITIGATION, Form, Row, Table
from ..report import SLASH, Value, parse_value
from .normalize import fold, has_marker, key, similarity, split_inner_markers, split_marker


class Kind(enum.Enum):
    """What a token of a table region is."""

    TEXT = "text"  # a label fragment
    VALUE = "value"  # a number, "/" or a dash
    BLANK = "blank"  # an empty cell a separator shows
    #: empty cells where no value can stand (a line of labels only, a lone "|"): the labels before them
    #: are not the ones that name the values after
    PAD = "pad"


TEXT, VALUE, BLANK, PAD = Kind.TEXT, Kind.VALUE, Kind.BLANK, Kind.PAD
DASH = "-"

#: minimal score for a label fragment to name a row
THRESHOLD = 0.75
#: the score of a label's first words alone (its first line, the rest printed after the values; or its
#: numbering and first words: "（二）部分公开")
WRAPPED_LABEL = 0.85
#: added where the fragment's numbering is the label's ("（三）" for "（三）不予公开") …
MARK_AGREES = 0.15
#: … taken off where it is another's
MARK_DISAGREES = 0.3
#: a label body this short must also carry its numbering to match ("3.其他", "(七)总计")
SHORT = 3


@dataclass
class Token:
    kind: Kind
    text: str
    value: Value = None
    line: int = 0
    #: from a line with "|" between cells (a copied web table: cells in reading order, no label floats)
    piped: bool = False
    #: a value laid out in columns by spaces (pdftotext -layout): the middle of its characters on the line
    col: float | None = None
    #: the page (form feeds before it in the text given to :func:`tokenize`)
    page: int = 0


_NUMBER = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
_NUMBERS = re.compile(r"^(?:[+-]?\d+(?:\.\d+)?\s+)+[+-]?\d+(?:\.\d+)?$")
_DASHES = re.compile(r"^-{1,3}$")
#: a change in words (the 2019 edition's 本年增/减): 减4, 增加2
_CHANGE_WORDS = re.compile(r"^(?:增加?|减少?)\s*\d+$")
_LABEL_THEN_NUMBERS = re.compile(r"^(.*[\u3400-\u9fff)\"”])\s+((?:\d+(?:\.\d+)?\s*)+)$")
_PAGE_NUMBER = re.compile(r"^\s*(?:-+\s*\d{1,3}\s*-+|第\s*\d{1,3}\s*页(?:\s*[,/]?\s*共\s*\d{1,3}\s*页)?)\s*$")
_MD_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
_MD_HEADING = re.compile(r"^\s*#{1,6}\s+")


def is_page_number(line: str) -> bool:
    return bool(_PAGE_NUMBER.match(fold(line)))


def _value_of(text: str) -> Value | str:
    if _DASHES.match(text):
        return DASH
    try:
        return parse_value(text)
    except ValueError:
        return None


def _cell_tokens(cell: str, n: int) -> list[Token]:
    c = cell.strip()
    if not c:
        return [Token(BLANK, "", None, n)]
    if c == SLASH or _NUMBER.match(c) or _DASHES.match(c) or _CHANGE_WORDS.match(c):
        return [Token(VALUE, c, _value_of(c), n)]
    if _NUMBERS.match(c):
        return [Token(VALUE, x, _value_of(x), n) for x in c.split()]
    m = _LABEL_THEN_NUMBERS.match(c)
    out: list[Token] = []
    if m:
        c = m.group(1)
    for part in split_inner_markers(c):
        out.append(Token(TEXT, part.strip(), None, n))
    if m:
        out += [Token(VALUE, x, _value_of(x), n) for x in m.group(2).split()]
    return out


def _place(line: str, tokens: list[Token]) -> None:
    """Where the values of a space-separated line stand (for lines whose folding kept every position)."""
    numbers = [m for m in re.finditer(r"\S+", line) if _value_of(m.group(0)) is not None]
    values = [t for t in tokens if t.kind == VALUE]
    if not values or len(numbers) < len(values):
        return
    for t, m in zip(values, numbers[len(numbers) - len(values) :], strict=True):
        if m.group(0) != t.text:
            return
    for t, m in zip(values, numbers[len(numbers) - len(values) :], strict=True):
        t.col = (m.start() + m.end() - 1) / 2


def tokenize(lines: list[str], first_line: int = 0) -> list[Token]:
    tokens: list[Token] = []
    page = 0
    for i, raw in enumerate(lines):
        n = first_line + i
        page += raw.count("\f")
        line = fold(raw).rstrip()
        if not line.strip() or is_page_number(line) or _MD_RULE.match(line):
            continue
        line = _MD_HEADING.sub("", line)
        if "|" in line:
            cells = line.split("|")
            if line.lstrip().startswith("|"):
                cells = cells[1:]
            if line.endswith("|"):
                cells = cells[:-1]
        elif "\t" in line:
            # cells copied from a spreadsheet or a Word table: every tab separates two cells
            cells = [
                c for part in line.strip(" ").split("\t") for c in (re.split(r"\s{2,}", part.strip()) or [""])
            ]
        else:
            cells = re.split(r"\s{2,}", line.strip())
        line_tokens: list[Token] = []
        for cell in cells:
            line_tokens += _cell_tokens(cell, n)
        # empty cells before a label stand where a merged label column was: padding
        first = next((t for t in line_tokens if t.kind != BLANK), None)
        if first is not None and first.kind == TEXT:
            while line_tokens and line_tokens[0].kind == BLANK:
                line_tokens.pop(0)
        # empty cells on a line of labels only (a heading row, a row left all blank): no cell to read
        if not any(t.kind == VALUE for t in line_tokens) and (
            "|" in line and not line_tokens or any(t.kind == BLANK for t in line_tokens)
        ):
            line_tokens = [t for t in line_tokens if t.kind != BLANK] + [Token(PAD, "", None, n)]
        if "|" in line:
            for t in line_tokens:
                t.piped = True
        elif "\t" not in line and len(line) == len(raw.rstrip()):
            _place(line, line_tokens)
        for t in line_tokens:
            t.page = page
        tokens += line_tokens
    return tokens


@dataclass
class Run:
    """Label fragments and the value cells that follow them."""

    labels: list[Token] = field(default_factory=list)
    slots: list[Token] = field(default_factory=list)
    #: label fragments before this index stood before blank cells
    floor: int = 0

    @property
    def blank_only(self) -> bool:
        return all(t.kind == BLANK for t in self.slots)


def runs(tokens: list[Token]) -> list[Run]:
    out: list[Run] = []
    cur = Run()
    for t in tokens:
        if t.kind == PAD:
            if not cur.slots:
                cur.floor = len(cur.labels)
            continue
        if t.kind == TEXT:
            if cur.slots:
                if cur.blank_only:
                    # padding between label fragments (or a row of blank cells): labels before it are not
                    # the ones that name the values after
                    cur = Run(labels=cur.labels, floor=len(cur.labels))
                else:
                    out.append(cur)
                    cur = Run()
            cur.labels.append(t)
        else:
            cur.slots.append(t)
    if cur.slots and not cur.blank_only:
        out.append(cur)
    return out


def fit(slots: list[Token], n: int) -> list[Token] | None:
    """The ``n`` cells of a row from a run of slots: padding blanks trimmed; ``None`` if it cannot be said."""
    s = list(slots)
    while len(s) > n and s[-1].kind == BLANK:
        s.pop()
    while len(s) > n and s[0].kind == BLANK:
        s.pop(0)
    return s if len(s) == n else None


def fit_checked(slots: list[Token], n: int, check: RowCheck, has_total: bool) -> list[Token] | None:
    """:func:`fit` for a row with its own relation: where blanks at both edges leave more than one way to
    take ``n`` cells (a blank label cell before the values, a blank total after them), only the one way
    the row's relation proves."""
    s = list(slots)
    ways = []
    for lead in range(len(s) - n + 1):
        trail = len(s) - n - lead
        if all(t.kind == BLANK for t in s[:lead]) and all(t.kind == BLANK for t in s[len(s) - trail :]):
            ways.append(s[lead : lead + n])
    if len(ways) <= 1:
        return ways[0] if ways else None
    proven = [w for w in ways if check.holds(resolve(w, has_total))]
    return proven[0] if len(proven) == 1 else None


def resolve(cells: list[Token], has_total: bool) -> list[Value]:
    """Values of a row's cells; blanks and dashes become 0 only where the printed total proves it."""
    raw: list[Value] = [None if t.kind == BLANK else t.value for t in cells]
    if has_total and any(v is None or v == DASH for v in raw[:-1]):
        total = raw[-1]
        parts = raw[:-1]
        known = [v for v in parts if v is not None and v != DASH]
        if (
            isinstance(total, (int, Decimal))
            and not isinstance(total, bool)
            and all(isinstance(v, (int, Decimal)) and v >= 0 for v in known)
            and sum(known) == total
        ):
            raw = [0 if (v is None or v == DASH) else v for v in parts] + [total]
    return [None if v == DASH else v for v in raw]


# --------------------------------------------------------------------------------------------------
# label matching


@dataclass(frozen=True)
class Target:
    """A row (or a label-only group row) that label fragments may name."""

    index: int  # position in form order; groups share the index of their first member row
    row: str  # row key, or "" for a group
    group: str  # group key for a group target
    marks: tuple[str, ...]
    bodies: tuple[str, ...]


def _target(index: int, row: str, group: str, labels: tuple[str, ...]) -> Target:
    marks, bodies = [], []
    for label in labels:
        mark, body = split_marker(label)
        marks.append(mark)
        bodies.append(key(body))
    return Target(index, row, group, tuple(marks), tuple(bodies))


def row_targets(table: Table) -> list[Target]:
    targets: list[Target] = []
    rows = list(table.rows)
    for i, r in enumerate(rows):
        targets.append(_target(i, r.key, "", (r.label, *r.aliases)))
    for g in table.groups:
        first = next((i for i, r in enumerate(rows) if r.group == g.key), None)
        if first is None:
            first = next(i for i, r in enumerate(rows) if r.group)
        targets.append(_target(first, "", g.key, (g.label, *g.aliases)))
    return targets


@lru_cache(maxsize=65536)
def score(text: str, target: Target) -> float:
    mark, body = split_marker(text)
    k = key(body)
    best = 0.0
    for tmark, tbody in zip(target.marks, target.bodies, strict=True):
        s = similarity(k, tbody)
        if (len(k) >= 6 or (len(k) >= 4 and mark and mark == tmark)) and tbody.startswith(k):
            # the first line of a wrapped label, the rest printed after the values; or the label's
            # numbering and its first words only: "（二）部分公开"
            s = max(s, WRAPPED_LABEL)
        if tmark and mark:
            s += MARK_AGREES if mark == tmark else -MARK_DISAGREES
        if len(tbody) <= SHORT and (not mark or mark != tmark) and tmark:
            continue
        if len(tbody) <= SHORT and not tmark and k != tbody:
            continue
        best = max(best, s)
    return best


@dataclass
class Match:
    target: Target
    start: int
    end: int  # exclusive, in fragments
    score: float


def matches(fragments: list[str], targets: list[Target], window: int = 14, span: int = 6) -> list[Match]:
    """Spans of the last ``window`` fragments that name a target: each span with the target it names best."""
    base = max(0, len(fragments) - window)
    frags = fragments[base:]
    out: list[Match] = []
    for i in range(len(frags)):
        text = ""
        for j in range(i, min(len(frags), i + span)):
            # a span starts with its first fragment's numbering; later fragments must not start a new label
            if j > i and has_marker(frags[j]):
                break
            text += frags[j]
            scored = sorted(((score(text, t), n) for n, t in enumerate(targets)), reverse=True)
            best, n = scored[0]
            if best >= THRESHOLD:
                out.append(Match(targets[n], base + i, base + j + 1, best))
    return out


# --------------------------------------------------------------------------------------------------
# reading a table


@dataclass
class TableRead:
    values: dict[str, Value] = field(default_factory=dict)
    #: row keys whose label was found but whose cells could not be read
    unreadable: list[str] = field(default_factory=list)
    found: bool = False
    #: （六）其他处理 printed as a single row
    single_other_handling: bool = False


def row_width(table: Table, row: Row) -> list[str]:
    return [c.key for c in table.cells if c.row == row.key]


@dataclass(frozen=True)
class RowCheck:
    """A row's own relation: the cell at ``total`` equals the sum of the cells at ``parts``."""

    total: int
    parts: tuple[int, ...]

    def holds(self, values: list[Value]) -> bool:
        if not all(isinstance(v, (int, Decimal)) and not isinstance(v, bool) for v in values):
            return False
        return sum(values[i] for i in self.parts) == values[self.total]


def row_checks(form: Form, table: Table) -> dict[str, RowCheck]:
    """The rows of ``table`` whose cells are exactly a total and its parts (from ``form.relations``)."""
    out: dict[str, RowCheck] = {}
    for row in table.rows:
        keys = row_width(table, row)
        for rel in form.relations:
            if (
                len(rel.total) == 1
                and set(rel.total) | set(rel.parts) == set(keys)
                and len(rel.parts) == len(keys) - 1
            ):
                out[row.key] = RowCheck(keys.index(rel.total[0]), tuple(keys.index(k) for k in rel.parts))
                break
    return out


def _t4_group_of(text: str) -> str | None:
    k = key(text)
    # longest labels first: 未经复议直接起诉 and 复议后起诉 both contain 复议
    for g in sorted(T4_GROUPS, key=lambda g: -len(g.label)):
        if key(g.label) in k:
            return g.key
    return None


def _heading_runs_joined(table: Table, rs: list[Run]) -> list[Run]:
    """Runs split only by a column heading floating among the values (pdftotext without -layout prints
    "总计" between the last two values of the row) are one run: a heading names no group."""
    columns = [key(c.label) for c in table.columns]
    out: list[Run] = []
    for r in rs:
        words = [key(t.text) for t in r.labels if key(t.text)]
        if out and words and all(any(w in c for c in columns) for w in words):
            out[-1] = Run(out[-1].labels, out[-1].slots + r.slots, out[-1].floor)
        else:
            out.append(r)
    return out


def read_table4(table: Table, tokens: list[Token], cut_off: bool) -> TableRead:
    """Table 4: one row of 15 cells, or three runs of five each under its group's name."""
    result = TableRead()
    groups = [g.key for g in table.rows]
    width = len([c for c in table.cells if c.row == groups[0]])
    rs = runs(tokens)
    # the values must stand under table 4's own headings (not the tail of table 3)
    heads = [
        key(x) for x in (*(g.label for g in table.rows), *(c.label for c in table.columns), T4_LITIGATION)
    ]
    if rs and not any(h in key(t.text) for t in rs[0].labels for h in heads):
        rs = []
    rs = _heading_runs_joined(table, rs)
    assigned: dict[str, list[Token]] = {}
    every = [t for r in rs for t in r.slots]
    fitted = fit(every, width * len(groups)) if rs else None
    named = [(_t4_group_of("".join(t.text for t in r.labels[-4:])), r) for r in rs]
    if fitted is not None and len(rs) in (1, len(groups)):
        for gi, g in enumerate(groups):
            assigned[g] = fitted[gi * width : (gi + 1) * width]
    elif len(rs) > 1 and all(g for g, _ in named) and len({g for g, _ in named}) == len(named):
        # each group under its own name (one small table per group)
        for g, r in named:
            cells = fit(r.slots, width)
            if cells is not None and g:
                assigned[g] = cells
    elif len(rs) == 1 and cut_off:
        # the text ends inside the row: its complete groups are certain
        slots = list(rs[0].slots)
        while slots and slots[-1].kind == BLANK:
            slots.pop()
        for gi, g in enumerate(groups):
            part = slots[gi * width : (gi + 1) * width]
            if len(part) == width:
                assigned[g] = part
    for g in groups:
        if g not in assigned:
            result.unreadable.append(g)
            continue
        keys = [c.key for c in table.cells if c.row == g]
        for k_, v in zip(keys, resolve(assigned[g], True), strict=True):
            result.values[k_] = v
    result.found = bool(assigned)
    return result


def read_tables(
    form: Form,
    t2: list[Token],
    t3: list[Token],
    t4: list[Token],
    t4_cut: bool,
    t3_bounds: tuple[bool, bool] = (False, False),
    edition: Form | None = None,
) -> dict:
    """Tables 3 and 4 by ``form``; table 2 by ``edition``'s form (its own table 2), ``form`` by default."""
    from .rows import read_rows  # the rows reader builds on this module

    out: dict[str, TableRead] = {}
    t2_form = edition or form
    if "t2" in t2_form.table:
        out["t2"] = read_rows(
            t2_form.table["t2"], t2, has_total=False, checks=row_checks(t2_form, t2_form.table["t2"])
        )
    out["t3"] = read_rows(
        form.table["t3"],
        t3,
        has_total=True,
        checks=row_checks(form, form.table["t3"]),
        opened=t3_bounds[0],
        closed=t3_bounds[1],
    )
    out["t4"] = read_table4(form.table["t4"], t4, t4_cut)
    return out
