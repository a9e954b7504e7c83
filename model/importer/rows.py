"""Tables 2 and 3: rows of values, each after its label — read in four phases (see :func:`read_rows`).

Runs of values (:mod:`.tables`) are given to rows of the form: the label fragments before a run are
matched against the row labels the form defines, rows taken in form order only; anchors (where a row's
values start in the stream of values) let blocks of values whose labels floated away be read where their
count fits exactly and every row satisfies its own relation; text laid out in columns places a row's
values under its columns.  Nothing is guessed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..form import T2_CONTENT_HEAD, Row, Table
from ..report import Value
from .normalize import key
from .tables import (
    BLANK,
    TEXT,
    VALUE,
    Match,
    RowCheck,
    Run,
    TableRead,
    Target,
    Token,
    fit,
    fit_checked,
    matches,
    resolve,
    row_targets,
    row_width,
    runs,
)


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
        return cls(table, rows, [len(row_width(table, r)) for r in rows], checks, has_total, titles)


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
        for k_, v in zip(row_width(table, rs.rows[idx]), vals, strict=True):
            result.values[k_] = v
    result.unreadable = [rs.rows[q.idx].key for q in placed if q.idx is not None and q.idx not in read]
    return result
