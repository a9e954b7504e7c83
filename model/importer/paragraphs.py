"""The prose of a published report: source lines → paragraphs.

A web page, a converted document or ``pdftotext`` breaks a paragraph into lines where the page was narrow,
not where the author started a new paragraph (“…努力让政务信息“看” / “得懂、用得上、易监督”。”).  Lines are
joined back; a paragraph starts only where the source starts one:

* a heading (a Markdown ``#`` line, or a short line that begins with a numbering such as ``（一）`` ``一是`` ``1.``
  and ends without finishing a sentence in the middle), and the line after it;
* a line that begins with such a numbering;
* after a finished sentence (``。`` ``！`` ``？`` ``；`` ``：`` a closing quote or bracket), when the source says so:
  a blank line, an indented line (where the text's paragraphs are indented), a short last line (text
  wrapped at a fixed width, from a PDF) or, in text that is not wrapped at a fixed width (a web page),
  simply the next line.

A line that stops in the middle of a sentence (on a character, ``，`` ``、`` an opening quote …) is always
continued by the next one, across blank lines and page numbers: that is a wrap, never a paragraph.
"""

from __future__ import annotations

import re
import unicodedata

from .tables import is_page_number

_SENTENCE_END = re.compile(r"[。！？!?:：;；]\s*$")
_PARA_START = re.compile(
    r"^\s*(?:[(（][一二三四五六七八九十]+[)）]|[一二三四五六七八九十]+[、是]|\d+[.、．](?!\d))"
)
_MD_HEADING = re.compile(r"^\s*#{1,6}\s*")
_INDENTED = re.compile(r"^(?:\s{2,}|\u3000)\S")
#: how a line that stops in the middle of a sentence ends (besides a letter, digit or hanzi)
_OPEN_END = "，,、“‘（(《〈【[—-/"
#: a short numbered line that is a heading: at most this many characters
HEADING_MAX = 30
#: the narrowest width (in half-width characters) text is wrapped at; lines all shorter than this are not
#: wrapped text, and each finished sentence on them ends its paragraph
MIN_FULL = 20


def is_wrapped(lines: list[str]) -> bool:
    """Whether prose lines are a paragraph broken into short lines (text from a PDF)."""
    nonblank = [x for x in lines if x.strip() and not is_page_number(x)]
    if len(nonblank) < 3:
        return False
    lengths = sorted(len(x.strip()) for x in nonblank)
    median = lengths[len(lengths) // 2]
    unended = sum(1 for x in nonblank if not _SENTENCE_END.search(x))
    return median <= 45 and unended >= 0.5 * len(nonblank)


def _width(s: str) -> int:
    """Display width: a hanzi or full-width character 2, anything else 1."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def is_open(text: str) -> bool:
    """Whether ``text`` stops in the middle of a sentence (so the next line continues it)."""
    t = text.rstrip()
    if not t:
        return False
    last = t[-1]
    return last.isalnum() or last in _OPEN_END


def _is_heading(line: str, markdown: bool, full_line: bool) -> bool:
    """A heading line; ``full_line``: the line fills the width the text is wrapped at (then it is the first
    line of a numbered paragraph when it stops mid-sentence)."""
    s = line.strip()
    if markdown:
        return True
    if not _PARA_START.match(s) or len(s) > HEADING_MAX or (full_line and is_open(s)):
        return False
    if s[-1] in _OPEN_END:
        return False  # "一是拓宽主动公开渠道，" goes on on the next line
    # （一）主动公开情况 / 一是从严日常管理。 — a numbered line that is all one short phrase
    body = s.rstrip("。.:：")
    return not re.search(r"[。！？!?；;]", body)


def prose(lines: list[str], wrapped: bool | None = None) -> str:
    """The paragraphs of a prose section, one a line."""
    body = [x.rstrip() for x in lines if not is_page_number(x)]
    nonblank = [x for x in body if x.strip()]
    if not nonblank:
        return ""
    if wrapped is None:
        wrapped = is_wrapped(body)
    cleaned = [_MD_HEADING.sub("", x) for x in nonblank]
    indented = wrapped and any(_INDENTED.match(x) for x in cleaned)
    widths = sorted(_width(x.strip()) for x in cleaned)
    full = widths[(len(widths) * 3) // 4] if widths else 0  # a full line of text wrapped at a fixed width

    paras: list[str] = []
    cur = ""
    cur_last = ""  # the last source line of the paragraph being built
    cur_heading = False
    blank = False
    for raw in body:
        if not raw.strip():
            blank = True
            continue
        markdown = bool(_MD_HEADING.match(raw))
        line = _MD_HEADING.sub("", raw)
        s = line.strip().strip("\u3000").strip()
        if not s:
            continue
        heading = _is_heading(s, markdown, wrapped and full >= MIN_FULL and _width(s) >= full - 4)
        if not cur:
            new_para = True
        elif cur_heading or heading or _PARA_START.match(s):
            new_para = True
        elif is_open(cur):
            new_para = False  # a wrap, whatever blank lines or indentation come between
        elif blank:
            new_para = True
        elif indented:
            new_para = bool(_INDENTED.match(line))
        elif wrapped and full >= MIN_FULL:
            # a finished sentence on a short line, or a line that lost its indentation: a paragraph's first
            # line, two characters short of the full width, that goes on on the next line
            new_para = _width(cur_last) < full - 4 or (is_open(s) and _width(s) <= full - 3)
        else:
            new_para = True
        if new_para:
            if cur:
                paras.append(cur)
            cur = s
        else:
            cur += s
        cur_last, cur_heading, blank = s, heading, False
    if cur:
        paras.append(cur)
    return "\n".join(p for p in paras if p)
