"""Chinese line breaking (禁则): no line starts with closing punctuation, no line ends with an opening one.

Pure Python, no reportlab: ``break_lines(text, width, measure)`` takes a function that measures a string.
"""

from __future__ import annotations

import re
from collections.abc import Callable

__all__ = ["NO_START", "NO_END", "break_lines", "units"]

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
