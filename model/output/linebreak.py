"""Chinese line breaking (禁则): no line starts with closing punctuation, no line ends with an opening one.

Pure Python, no reportlab: ``break_lines(text, width, measure)`` takes a function that measures a string.
"""

from __future__ import annotations

import re
from collections.abc import Callable

__all__ = ["NO_START", "NO_END", "break_lines", "units", "title_lines"]

#: characters that must not begin a line
NO_START = frozenset("，。、；：！？）》”’」』】〕〉〗｝］…—～·％‰℃°,.;:!?)]}>%'\"”’‐-–々〃ゝゞヽヾー")
#: characters that must not end a line
NO_END = frozenset("（《“‘「『【〔〈〖｛［([{<")

# a run of Latin letters, digits and the marks inside numbers stays together (2024, 3.5, ISO-8601)
_WORD = re.compile(
    r"[A-Za-z0-9\uff10-\uff19][A-Za-z0-9\uff10-\uff19.,:%‰/_\-]*[A-Za-z0-9\uff10-\uff19%‰]|[A-Za-z0-9]"
)


def units(text: str) -> list[str]:
    """Break ``text`` into unbreakable units: one CJK character, or one Latin word / number."""
    out: list[str] = []
    i = 0
    while i < len(text):
        m = _WORD.match(text, i)
        if m:
            out.append(m.group())
            i = m.end()
        else:
            out.append(text[i])
            i += 1
    return out


def _split_unit(unit: str, width: float, measure: Callable[[str], float]) -> list[str]:
    """A unit wider than a whole line, cut into pieces that fit."""
    pieces, cur = [], ""
    for ch in unit:
        if cur and measure(cur + ch) > width:
            pieces.append(cur)
            cur = ""
        cur += ch
    if cur:
        pieces.append(cur)
    return pieces


def break_lines(text: str, width: float, measure: Callable[[str], float]) -> list[str]:
    """Lines of ``text`` (a single paragraph, no newlines) no wider than ``width``, obeying 禁则.

    A line that would start with a character of :data:`NO_START` takes the last unit of the line before
    with it (or, when that would empty the line, the punctuation hangs at the end of the line before);
    a line that would end with :data:`NO_END` passes that character on.
    """
    if not text:
        return [""]
    us: list[str] = []
    for u in units(text):
        us.extend(_split_unit(u, width, measure) if len(u) > 1 and measure(u) > width else [u])
    lines: list[list[str]] = []
    cur: list[str] = []
    cur_w = 0.0
    i = 0
    while i < len(us):
        u = us[i]
        w = measure(u)
        if not cur or cur_w + w <= width + 1e-6:
            cur.append(u)
            cur_w += w
            i += 1
            continue
        # u does not fit: the line ends before u
        carry: list[str] = []
        if u[0] in NO_START:
            # move units from the end of this line to the next until it does not start with NO_START
            while cur and len(cur) > 1 and (carry[0] if carry else u)[0] in NO_START:
                carry.insert(0, cur.pop())
            if (carry[0] if carry else u)[0] in NO_START:
                # cannot move: let the punctuation hang at the end of this line
                cur.extend(carry)
                carry = []
                cur.append(u)
                i += 1
                while i < len(us) and us[i][0] in NO_START:
                    cur.append(us[i])
                    i += 1
                lines.append(cur)
                cur, cur_w = [], 0.0
                continue
        while len(cur) > 1 and cur[-1][-1] in NO_END:
            carry.insert(0, cur.pop())
        lines.append(cur)
        cur = carry
        cur_w = sum(measure(x) for x in cur)
    if cur:
        lines.append(cur)
    return ["".join(line) for line in lines]


#: the words of a report's title that a line must not break inside (the form's vocabulary): the fixed end
#: 政府信息公开工作年度报告 and the parts of an organ's name
TITLE_SUFFIX = "政府信息公开工作年度报告"
TITLE_WORDS = (
    "政府信息公开",
    "工作",
    "年度报告",
    "人民政府",
    "办公室",
    "办公厅",
    "委员会",
    "管理委员会",
    "街道办事处",
    "办事处",
    "人民代表大会",
    "常务委员会",
)
#: the kinds of unit that end an organ's name: a line may end after one, never just before it (“监察 / 委员会”)
_UNIT_WORDS = ("人民政府", "办公室", "办公厅", "委员会", "管理委员会", "街道办事处", "办事处", "常务委员会")
#: one-character ends of the units of an organ's name (省, 市, 区, 县 …): a line may break after them
_NAME_ENDS = "省市区县旗州盟镇乡局厅委办院所队站处部署会"
_YEAR = re.compile(r"(?:19|20)\d\d\s*年(?:度)?")


def title_lines(text: str, agency: str, width: float, measure: Callable[[str], float]) -> list[str]:
    """A title in as few lines as fit ``width``, broken only between words: after the organ's name, before
    政府信息公开工作年度报告, around the year, or at a word boundary of :data:`TITLE_WORDS`. Of the breaks that
    give the fewest lines, the most important kind wins, then the most even lines; inside a long organ's
    name, anywhere but inside a word — only when no other breaks fit (a third line is better). Only a word wider than a line is broken by :func:`break_lines`."""
    if measure(text) <= width + 1e-6:
        return [text]
    n = len(text)
    # rank of a break before index i (lower is better); inside a word: not allowed
    rank: dict[int, int] = {}
    inside: set[int] = set()

    def allow(i: int, r: int) -> None:
        if 0 < i < n:
            rank[i] = min(rank.get(i, r), r)

    if agency and text.startswith(agency):
        allow(len(agency), 0)
    k = text.rfind(TITLE_SUFFIX)
    if k > 0:
        allow(k, 1)
    for m in _YEAR.finditer(text):
        allow(m.start(), 2)
        allow(m.end(), 2)
        inside.update(range(m.start() + 1, m.end()))
    for word in TITLE_WORDS:
        start = text.find(word)
        while start != -1:
            allow(start, 3)
            allow(start + len(word), 3)
            inside.update(range(start + 1, start + len(word)))
            if word in _UNIT_WORDS:
                inside.add(start)
            start = text.find(word, start + 1)
    for i, ch in enumerate(text[:-1]):
        if ch in _NAME_ENDS:
            allow(i + 1, 4)
    for i in range(1, n):  # last: anywhere that is not inside a word (a long organ's name)
        if text[i] not in NO_START and text[i - 1] not in NO_END:
            allow(i, 5)
    for i in inside:
        rank.pop(i, None)
    breaks = sorted(rank)

    # fewest lines, then the best (lowest) worst rank, then the most even lines: dynamic programming over
    # the allowed breaks (key of the best way to end a line before index i)
    ends = [*breaks, n]
    best: dict[int, tuple[int, int, int, float]] = {0: (0, 0, 0, 0.0)}
    back: dict[int, int] = {}
    for i in ends:
        for j in [0, *breaks]:
            if j >= i or j not in best:
                continue
            w = measure(text[j:i])
            if w > width + 1e-6:
                continue
            anywhere, lines_, worst, sq = best[j]
            r = rank.get(i, 0)
            # a line more rather than a break inside a name the vocabulary does not know (“监 / 察”)
            key = (anywhere + (r >= 5), lines_ + 1, max(worst, r), sq + (width - w) ** 2)
            if i not in best or key < best[i]:
                best[i], back[i] = key, j
    if n in best:
        out: list[str] = []
        i = n
        while i:
            j = back[i]
            out.append(text[j:i])
            i = j
        return out[::-1]
    return break_lines(text, width, measure)
