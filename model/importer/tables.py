"""Reading tables 2, 3 and 4 out of mangled text.

The text of a table region is cut into tokens — label fragments (``TEXT``), values (``VALUE``: a number,
``/`` or a dash) and blank cells (``BLANK``, only where a separator shows them) — whatever the page did
to the grid: ``|``-separated rows, one cell per line, blank lines between cells, pdftotext columns.
Runs of values are then given to rows of the form: the label fragments before a run are matched
(fuzzily, by their normalised characters) against the row labels the form defines, and rows are taken
in form order only.  A run whose label is lost fits the single unlabelled row between two matched rows.

Nothing is guessed: a run with fewer cells than the row has is left unread, and a blank cell is only
read as 0 where the row prints its total and the printed parts already add up to it.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from ..form import T2_CONTENT_HEAD, T4_GROUPS, T4_LITIGATION, Form, Row, Table
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


def _row_width(table: Table, row: Row) -> list[str]:
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
        keys = _row_width(table, row)
        for rel in form.relations:
            if (
                len(rel.total) == 1
                and set(rel.total) | set(rel.parts) == set(keys)
                and len(rel.parts) == len(keys) - 1
            ):
                out[row.key] = RowCheck(keys.index(rel.total[0]), tuple(keys.index(k) for k in rel.parts))
                break
    return out


@dataclass
class _Placed:
    idx: int | None
    run: Run
    #: the rows named by the label right before the values (none of other text in between)
    adjacent: set[int] = field(default_factory=set)
    #: other text between the chosen label and the values, or labels of other rows not yet read before
    #: them: labels may float away from their values (pdftotext)
    crowded: bool = False
    #: the label right before the values is the only row label (not yet read) of its run
    strong: bool = False
    #: every row its label fragments name
    named: set[int] = field(default_factory=set)
    #: another block's title stands between the chosen label and the values (table 2): they are not its
    past_block: bool = False


def _trimmed(slots: list[Token]) -> list[Token]:
    s = list(slots)
    while s and s[-1].kind == BLANK:
        s.pop()
    while s and s[0].kind == BLANK:
        s.pop(0)
    return s


def _block(values: list[Value], widths: list[int], checks: list[RowCheck]) -> list[list[Value]] | None:
    """Rows read in order from a block of values whose count fits them exactly — only where certain.

    Every row must satisfy its own relation (total = sum of parts), and the block must not read as well
    column by column with other values (pdftotext dumps some blocks column-wise).
    """
    rows: list[list[Value]] = []
    at = 0
    for w in widths:
        rows.append(values[at : at + w])
        at += w
    if not all(c.holds(r) for c, r in zip(checks, rows, strict=True)):
        return None
    n = len(rows)
    if n > 1 and len(set(widths)) == 1:
        w = widths[0]
        by_column = [[values[c * n + r] for c in range(w)] for r in range(n)]
        if by_column != rows and all(c.holds(r) for c, r in zip(checks, by_column, strict=True)):
            return None
    return rows


def _loose(run: Run) -> bool:
    """Values one to a line with no "|" grid (pdftotext without -layout, cells copied one per paragraph)."""
    lines = [t.line for t in run.slots if t.kind == VALUE]
    return len(lines) == len(set(lines)) and not any(t.piped for t in run.slots)


def _without_stray(run: Run, n: int, check: RowCheck | None, has_total: bool) -> list[Token] | None:
    """The ``n`` cells of a row whose line of values follows a stray line (a lone digit or footnote mark
    left between a wrapped label's last line and the values): the stray alone on its line, right after the
    label, then exactly ``n`` values on one line — and the row's own relation holds, where it has one."""
    s = _trimmed(run.slots)
    if len(s) != n + 1 or any(t.kind != VALUE or t.piped or t.col is None for t in s[1:]):
        return None
    stray, rest = s[0], s[1:]
    if stray.kind != VALUE or stray.piped or len({t.line for t in rest}) != 1 or rest[0].line <= stray.line:
        return None
    if any(t.line == stray.line for t in run.labels) or not run.labels or run.labels[-1].line >= stray.line:
        return None
    if check is not None and not check.holds(resolve(rest, has_total)):
        return None
    return rest


def _header(run: Run) -> list[str] | None:
    """The column headings of a piped header line among the run's labels ("| 信息内容 | 本年制发件数 | … |"),
    the last one; ``None`` if there is none."""
    content = key(T2_CONTENT_HEAD)
    heads: list[str] | None = None
    for i, t in enumerate(run.labels):
        if t.piped and key(t.text) == content:
            heads = [x.text for x in run.labels[i + 1 :] if x.line == t.line]
    return heads


def _by_header(run: Run, heads: list[str] | None, table: Table, row: Row) -> list[Token] | None:
    """A piped row with fewer values than its row has cells, under a header naming exactly as many of the
    row's columns, each once: each value under the column its heading names, the others left blank.
    A header naming every column over a row of fewer values proves nothing (which column the page dropped
    is not said) and reads nothing."""
    slots = _trimmed(run.slots)
    cells = [c for c in table.cells if c.row == row.key]
    if not heads or not slots or len(heads) != len(slots) or len(slots) >= len(cells):
        return None
    if any(t.kind != VALUE or not t.piped for t in slots):
        return None
    at: list[int] = []
    for h in heads:
        named = [i for i, c in enumerate(cells) if key(c.heading) == key(h)]
        if len(named) != 1 or named[0] in at:
            return None
        at.append(named[0])
    if at != sorted(at):
        return None
    out = [Token(BLANK, "")] * len(cells)
    for i, t in zip(at, slots, strict=True):
        out[i] = t
    return out


def _line_trimmed(run: Run, after_label: bool = True) -> list[Token]:
    """The run's slots without blank cells at the edges of each line (padding where labels were);
    ``after_label=False``: a blank cell right after a label on its line is kept (a cell, or the cell of
    a lost sub-row label after a group label)."""
    labelled = {t.line for t in run.labels} if not after_label else set()
    out: list[Token] = []
    line: list[Token] = []

    def flush() -> None:
        s = list(line)
        while s and s[-1].kind == BLANK:
            s.pop()
        while s and s[0].kind == BLANK and s[0].line not in labelled:
            s.pop(0)
        out.extend(s)

    for t in run.slots:
        if line and t.line != line[-1].line:
            flush()
            line = []
        line.append(t)
    flush()
    return out


def _between_anchors(
    rows: list[Row],
    widths: list[int],
    checks: dict[str, RowCheck],
    stream: list[Token],
    anchors: dict[tuple[int, int], bool],
) -> dict[int, list[Value]]:
    """The rows between two anchors, where the values between them fit those rows exactly and check.

    An anchor is a row whose values start at a position of the stream of values.  A block between two
    sure anchors may hold unsure ones (labels floating in the values) that disagree with it; any other
    block must agree with every anchor inside it.  A row given different values by two blocks is not read.
    """
    proposals: dict[int, set[tuple]] = {}
    ordered = sorted(anchors, key=lambda a: (a[1], a[0]))
    start = [0]
    for w in widths:
        start.append(start[-1] + w)
    for ai, (i, p) in enumerate(ordered):
        for j, q in ordered[ai + 1 :]:
            if q - p > start[-1]:
                break  # farther than the whole table
            if j <= i or q <= p or j > len(rows) or start[j] - start[i] != q - p:
                continue
            span_rows = rows[i:j]
            if not all(r.key in checks for r in span_rows):
                continue
            seg = stream[p:q]
            if any(t.kind != VALUE for t in seg):
                continue
            sure = anchors[(i, p)] and anchors[(j, q)]
            if not all(
                i <= k <= j and start[k] - start[i] == r - p
                for (k, r), sure_inner in anchors.items()
                if p < r < q and (sure_inner or not sure)
            ):
                continue
            block = _block([t.value for t in seg], widths[i:j], [checks[r.key] for r in span_rows])
            if block is None:
                continue
            for n, vals in enumerate(block):
                proposals.setdefault(i + n, set()).add(tuple(vals))
    return {i: list(next(iter(v))) for i, v in proposals.items() if len(v) == 1}


#: how far (in characters) a value may stand from its column's middle, and the least distance between two
#: columns, in text laid out by pdftotext -layout: values on a line with a blank cell were seen up to 3.5
#: characters off, so two columns must stand far enough apart that such a value is near neither
COLUMN_SLACK = 1.0
COLUMN_GAP = 5.0


def _one_line(q: _Placed) -> list[Token] | None:
    """The values of a run, if they all stand on one line laid out in columns (and nothing else is there)."""
    slots = _trimmed(q.run.slots)
    if not slots or any(t.kind != VALUE or t.col is None for t in slots):
        return None
    if len({(t.line, t.page) for t in slots}) != 1:
        return None
    return slots


def _by_columns(
    placed: list[_Placed], widths: list[int], has_total: bool, read: dict[int, list[Value]]
) -> dict[int, list[Value]]:
    """Rows with blank cells in text laid out in columns: each value under the column it stands in.

    The columns of a page are where the values of its complete rows stand — only where those agree to
    within :data:`COLUMN_SLACK`; a value is placed only where it stands that close to one column.
    """
    full: dict[tuple[int, int], list[list[float]]] = {}
    for q in placed:
        vals = _one_line(q)
        if q.idx is not None and q.idx in read and vals and len(vals) == widths[q.idx]:
            full.setdefault((vals[0].page, len(vals)), []).append([t.col for t in vals])
    columns: dict[tuple[int, int], list[float]] = {}
    for key_, lines in full.items():
        if len(lines) < 2:
            continue
        middles = [sorted(c)[len(c) // 2] for c in zip(*lines, strict=True)]
        if all(
            abs(x - m) <= COLUMN_SLACK for line in lines for x, m in zip(line, middles, strict=True)
        ) and all(b - a >= COLUMN_GAP for a, b in zip(middles, middles[1:], strict=False)):
            columns[key_] = middles
    out: dict[int, list[Value]] = {}
    for q in placed:
        if q.idx is None or q.idx in read or q.crowded:
            continue
        vals = _one_line(q)
        middles = columns.get((vals[0].page, widths[q.idx])) if vals else None
        if not vals or middles is None or len(vals) >= widths[q.idx]:
            continue
        cells: list[Token | None] = [None] * len(middles)
        last = -1
        for t in vals:
            near = sorted(range(len(middles)), key=lambda j: abs(t.col - middles[j]))
            j = near[0]
            if abs(t.col - middles[j]) > COLUMN_SLACK or j <= last:
                break
            cells[j] = t
            last = j
        else:
            out[q.idx] = resolve([c or Token(BLANK, "") for c in cells], has_total)
    return out


@dataclass(frozen=True)
class _Rows:
    """The rows of the table being read: their widths and their own relations."""

    table: Table
    rows: list[Row]
    widths: list[int]
    checks: dict[str, RowCheck]
    has_total: bool
    #: the titles of the table's blocks (table 2's 第二十条第（X）项), by their key
    titles: dict[str, str]

    @classmethod
    def of(cls, table: Table, has_total: bool, checks: dict[str, RowCheck]) -> _Rows:
        rows = list(table.rows)
        titles = {key(c.text): c.text for c in table.layout.cells if c.role == "title"}
        return cls(table, rows, [len(_row_width(table, r)) for r in rows], checks, has_total, titles)


def _place_run(
    run: Run,
    targets: list[Target],
    cursor: int,
    single: dict[str, str],
    rows: list[Row],
    titles: dict[str, str],
) -> tuple[_Placed, Match | None]:
    """Phase 1 for one run: the row its labels name (after ``cursor``, in form order) and how sure that is."""
    frags = [t.text for t in run.labels]
    found: Match | None = None
    candidates = all_candidates = matches(frags, targets)
    # a label right before the values: nothing but group labels (floating beside it) after it
    tail = len(frags)
    while tail > 0 and any(m.target.group and m.start == tail - 1 and m.end == tail for m in candidates):
        tail -= 1
    adjacent = {m.target.index for m in candidates if m.end >= tail and not m.target.group}
    if any(not m.target.group and m.target.index > cursor for m in candidates):
        # a row's own label wins over a group label floating beside it
        candidates = [m for m in candidates if not m.target.group]
    for m in candidates:
        # of the groups, only one that may be printed as one row (（六）其他处理) followed directly by
        # values: that single row (the 2019 edition), or its first sub-row with that label lost (told
        # apart once every run is placed)
        if m.target.group and m.target.group not in single:
            continue
        if m.target.index <= cursor:
            continue
        # the label ending nearest the values wins, then the better score
        if found is None or (m.end, m.score) > (found.end, found.score):
            found = m
    # labels of rows not yet read before the values, other than the one chosen (pdftotext floats them)
    others = {
        m.target.index
        for m in matches(frags, targets)
        if m.start >= run.floor
        and not m.target.group
        and m.target.index > cursor
        and not all(t.piped for t in run.labels[m.start : m.end])
    }
    crowded = found is not None and (found.end < tail or bool(others - {found.target.index}))
    if found is not None and not found.target.group:
        # a later group that may be printed as one row named after the chosen row's label: the values may
        # be that single row's (（六）其他处理 after （五）5.…) — the row's label does not prove them its own
        crowded = crowded or any(
            m.target.group in single and m.start >= found.end and m.target.index > found.target.index
            for m in all_candidates
        )
    p = _Placed(None, run, adjacent, crowded=crowded, strong=len(adjacent) == 1 and others <= adjacent)
    p.named = {m.target.index for m in candidates if not m.target.group}
    if found is not None:
        p.idx = found.target.index
        block = rows[found.target.index].group
        p.past_block = any(key(f) in titles and titles[key(f)] != block for f in frags[found.end :])
    return p, found


def _place_runs(rs: _Rows, all_runs: list[Run]) -> tuple[list[_Placed], bool]:
    """Phase 1, place runs: each run with the row its labels name; whether a group printed as one row."""
    targets = row_targets(rs.table)
    #: groups the form says may be printed as one row of values (（六）其他处理 of the 2019 edition)
    single = {g.key: g.single_row for g in rs.table.groups if g.single_row}
    placed: list[_Placed] = []
    cursor = -1
    group_run: tuple[_Placed, str] | None = None
    for run in all_runs:
        p, found = _place_run(run, targets, cursor, single, rs.rows, rs.titles)
        if found is not None:
            cursor = found.target.index
            if found.target.group:
                group_run = (p, found.target.group)
        placed.append(p)
    if group_run is None:
        return placed, False
    p, group = group_run
    later = placed[placed.index(p) + 1 :]
    first = min(i for i, r in enumerate(rs.rows) if r.group == group)
    if any(q.idx is not None and q.idx > first and rs.rows[q.idx].group == group for q in later):
        return placed, False
    # no sub-row of the group named after it: the group printed as a single row
    p.idx = next(i for i, r in enumerate(rs.rows) if r.key == single[group])
    return placed, True


def _stream(placed: list[_Placed]) -> tuple[list[Token], list[int]]:
    """Every run's values in order (the stream anchors point into), and where each run's start."""
    stream: list[Token] = []
    starts: list[int] = []
    for q in placed:
        starts.append(len(stream))
        stream += _line_trimmed(q.run)
    return stream, starts


def _label_anchors(
    rs: _Rows, placed: list[_Placed], starts: list[int], stream: list[Token], opened: bool, closed: bool
) -> dict[tuple[int, int], bool]:
    """Phase 2, add anchors: (row, position in the stream of values) where a row's values start, from the
    labels right before values (sure where that label is the only one) and the table's own bounds."""
    anchors: dict[tuple[int, int], bool] = {}
    if closed:
        anchors[(len(rs.rows), len(stream))] = False
    if opened and stream:
        anchors.setdefault((0, 0), False)
    for q, start in zip(placed, starts, strict=True):
        for a in q.adjacent:
            anchors[(a, start)] = anchors.get((a, start), False) or q.strong
    return anchors


def _unlabelled_row(placed: list[_Placed], pos: int) -> int | None:
    """The row of a run no label names: only the single row between two matched rows, one run for it."""
    prev = placed[pos - 1].idx if pos else -1
    nxt = placed[pos + 1].idx if pos + 1 < len(placed) else None
    if prev is None or nxt is None or nxt - prev != 2:
        return None
    if pos and max(x.idx for x in placed[:pos] if x.idx is not None) != prev:
        return None
    return prev + 1


def _under_heading(rs: _Rows, q: _Placed, after: list[Token]) -> int | None:
    """The row of a run no label names, in a table of blocks (table 2) whose labels follow their values
    (pdftotext without -layout): the values stand right under the headings of a block of one row and right
    before that row's own label — they are that row's."""
    if rs.checks or not after:
        return None
    words = [key(t.text) for t in q.run.labels if key(t.text)]
    label = key(after[0].text)
    for i, row in enumerate(rs.rows):
        if sum(1 for r in rs.rows if r.group == row.group) != 1:
            continue
        heads = [key(c.heading) for c in rs.table.cells if c.row == row.key]
        if words[-len(heads) :] != heads or label not in {key(x) for x in (row.label, *row.aliases)}:
            continue
        return i if fit(q.run.slots, rs.widths[i]) is not None else None
    return None


def _row_cells(rs: _Rows, q: _Placed, idx: int, heads: list[str] | None) -> list[Token] | None:
    """A run's cells for row ``idx``: exactly its width, after a stray line, or under a header naming them;
    none where one value a line might hold a value of another row."""
    width, check = rs.widths[idx], rs.checks.get(rs.rows[idx].key)
    cells = fit(q.run.slots, width) if check is None else fit_checked(q.run.slots, width, check, rs.has_total)
    if cells is None:
        cells = _without_stray(q.run, width, check, rs.has_total)
    if cells is None and not rs.has_total:
        cells = _by_header(q.run, heads, rs.table, rs.rows[idx])
    if (
        cells is not None
        and check is not None
        and _loose(q.run)
        and not check.holds(resolve(cells, rs.has_total))
    ):
        # one value a line and no grid (pdftotext): a value of another row may have slipped in
        return None
    return cells


def _read_runs(
    rs: _Rows,
    placed: list[_Placed],
    starts: list[int],
    anchors: dict[tuple[int, int], bool],
    trailing: list[Token],
) -> dict[int, list[Value]]:
    """Phase 3, read runs: each run's values as its row's; a run read so anchors its row (and the next)."""
    labelled = [q.idx for q in placed if q.idx is not None]
    named = set().union(*(x.named for x in placed))
    read: dict[int, list[Value]] = {}
    heads: list[str] | None = None
    for pos, q in enumerate(placed):
        start = starts[pos]
        heads = _header(q.run) or heads
        idx = q.idx if q.idx is not None else _unlabelled_row(placed, pos)
        if idx is None:
            after = placed[pos + 1].run.labels if pos + 1 < len(placed) else trailing
            idx = _under_heading(rs, q, after)
            if idx is None or any(x.idx == idx for x in placed):
                continue
        cells = _row_cells(rs, q, idx, heads)
        if q.crowded and (rs.checks.get(rs.rows[idx].key) is not None or q.past_block):
            continue
        if cells is not None:
            read[idx] = resolve(cells, rs.has_total)
            anchors[(idx, start)] = True
            if len(_line_trimmed(q.run)) == rs.widths[idx]:
                anchors[(idx + 1, start + rs.widths[idx])] = True
            continue
        # where the labels of the next rows are lost (named nowhere): exactly as many rows as fit before
        # the next matched row — for a table without row relations (table 2) only
        nxt = next((i for i in labelled if i > idx), None)
        if nxt is None or nxt - idx <= 1 or rs.rows[idx].key in rs.checks or named & set(range(idx + 1, nxt)):
            continue
        span = list(range(idx, nxt))
        cells = fit(_line_trimmed(q.run, after_label=False), sum(rs.widths[i] for i in span))
        if cells is not None:
            at = 0
            for i in span:
                read[i] = resolve(cells[at : at + rs.widths[i]], rs.has_total)
                at += rs.widths[i]
    return read


def read_rows(
    table: Table,
    tokens: list[Token],
    has_total: bool,
    checks: dict[str, RowCheck] | None = None,
    opened: bool = False,
    closed: bool = False,
) -> TableRead:
    """Tables 2 and 3: rows of values, each after its label — in four phases.

    1. *Place runs*: each run of values gets the row its labels name, in form order (:func:`_place_runs`).
    2. *Add anchors*: where in the stream of values a row's values start (:func:`_label_anchors`).
    3. *Read runs and blocks*: a run of values right after its row's label is that row's (or, where the
       labels of the next rows are lost, as many rows as fit before the next labelled row); where labels
       float away from their values (pdftotext without ``-layout``), the values between two anchors are
       those rows in order when their count fits exactly and every row satisfies its own relation
       (:func:`_read_runs`, :func:`_between_anchors`).
    4. *Read columns*: rows with blank cells in text laid out in columns, each value under its column
       (:func:`_by_columns`).

    ``opened``/``closed``: the tokens start/end where the table does (its section's heading before, the
    next section's heading after).
    """
    rs = _Rows.of(table, has_total, checks or {})
    result = TableRead()
    placed, result.single_other_handling = _place_runs(rs, runs(tokens))
    result.found = any(q.idx is not None for q in placed)
    stream, starts = _stream(placed)
    anchors = _label_anchors(rs, placed, starts, stream, opened, closed)
    last = max((i for i, t in enumerate(tokens) if t.kind in (VALUE, BLANK)), default=len(tokens))
    trailing = [t for t in tokens[last + 1 :] if t.kind == TEXT]
    read = _read_runs(rs, placed, starts, anchors, trailing)
    for idx, vals in _between_anchors(rs.rows, rs.widths, rs.checks, stream, anchors).items():
        if idx not in read or read[idx] == vals:
            read[idx] = vals
    for idx, vals in _by_columns(placed, rs.widths, has_total, read).items():
        read.setdefault(idx, vals)
    for idx, vals in read.items():
        for k_, v in zip(_row_width(table, rs.rows[idx]), vals, strict=True):
            result.values[k_] = v
    result.unreadable = [rs.rows[q.idx].key for q in placed if q.idx is not None and q.idx not in read]
    return result


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
