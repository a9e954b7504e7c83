"""Folding of published text: brackets, quotes, commas, spaces — and fuzzy label comparison.

Published copies write ``(一)`` for ``（一）``, straight or missing quotes, ``，`` for ``、``, split a label
with spaces or over lines.  :func:`fold` brings a line into one canonical shape (NFKC: full-width
brackets, commas and digits become ASCII); :func:`split_marker` separates a label's numbering
(``一、`` ``（三）`` ``2.``) from its body; :func:`key` reduces a body to the characters that carry meaning
(CJK, digits, letters) so that labels compare regardless of punctuation and spacing.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

CN_DIGITS = "〇一二三四五六七八九十"

_EXTRA = str.maketrans(
    {
        "\u3000": " ",
        "\xa0": " ",
        "\u200b": "",
        "\ufeff": "",
        "〔": "(",
        "〕": ")",
        "【": "(",
        "】": ")",
        "﹝": "(",
        "﹞": ")",
        "—": "-",
        "–": "-",
        "─": "-",
        "－": "-",
    }
)


def fold(text: str) -> str:
    """NFKC plus the few foldings NFKC leaves alone (ideographic space, dashes, odd brackets)."""
    return unicodedata.normalize("NFKC", text).translate(_EXTRA)


_KEEP = re.compile(r"[^0-9A-Za-z\u3400-\u9fff]+")


def key(text: str) -> str:
    """The characters of a label that carry meaning: no spaces, brackets, quotes or punctuation."""
    return _KEEP.sub("", fold(text))


# a label's numbering: 一、  (三)  1.  2、  — spaces allowed inside (pdftotext spreads them)
_MARKER = re.compile(
    r"^\s*(?:\(\s*([一二三四五六七八九十])\s*\)|([一二三四五六七八九十])\s*[、.,．]|(\d{1,2})\s*[.、,．](?!\d))\s*"
)


def split_marker(text: str) -> tuple[str, str]:
    """``("(3)", "不予公开")`` for ``（三）不予公开``: a normalised marker ("" if none) and the body."""
    t = fold(text)
    m = _MARKER.match(t)
    if not m:
        return "", t
    if m.group(1):
        mark = f"({m.group(1)})"
    elif m.group(2):
        mark = f"{m.group(2)}、"
    else:
        mark = f"{int(m.group(3))}."
    return mark, t[m.end() :]


def has_marker(text: str) -> bool:
    return bool(_MARKER.match(fold(text)))


# where a second label starts inside one cell: "(四)无法提供1.本机关…", "三、本年度办理结果(一)予以公开"
_INNER_MARKER = re.compile(r"(?<=[\u3400-\u9fff)])(?=\(\s*[一二三四五六七]\s*\)|\d[.、．][\u3400-\u9fff])")


def split_inner_markers(text: str) -> list[str]:
    parts = [p for p in _INNER_MARKER.split(text) if p.strip()]
    return parts or [text]


def lcs(a: str, b: str) -> int:
    """Length of the longest common subsequence."""
    if len(a) < len(b):
        a, b = b, a
    if not b:
        return 0
    prev = [0] * (len(b) + 1)
    for ca in a:
        cur = [0]
        for j, cb in enumerate(b):
            if ca == cb:
                cur.append(prev[j] + 1)
            else:
                cur.append(cur[j] if cur[j] > prev[j + 1] else prev[j + 1])
        prev = cur
    return prev[-1]


@lru_cache(maxsize=65536)
def similarity(found: str, label: str) -> float:
    """F-measure of the common subsequence of two keys (1.0 equal, 0.0 nothing in common)."""
    if not found or not label:
        return 0.0
    # cheap upper bound first: characters in common (as multisets)
    common = sum(min(found.count(c), label.count(c)) for c in set(label))
    if common == 0 or 2 * common / (len(found) + len(label)) < 0.5:
        return 0.0
    n = lcs(found, label)
    return 2 * n / (len(found) + len(label))


def cn_number(text: str) -> int | None:
    """``二〇二五`` → 2025 (digit by digit), ``二十三`` → 23, ``12`` → 12; ``None`` if not a number."""
    t = fold(text).strip()
    if t.isdigit():
        return int(t)
    if not t or any(c not in CN_DIGITS + "零○" for c in t):
        return None
    t = t.replace("零", "〇").replace("○", "〇")
    if "十" not in t:
        return int("".join(str(CN_DIGITS.index(c)) for c in t))
    tens, _, ones = t.partition("十")
    value = (CN_DIGITS.index(tens) if tens else 1) * 10
    if ones:
        value += CN_DIGITS.index(ones)
    return value
