"""ASCII punctuation inside Chinese prose (“2024年,我办”): a hint, with the correction offered, never made
silently.

:func:`punctuation_findings` gives one hint a prose section: the half-width marks found there that stand
next to Chinese text, and in ``extra["fix"]`` the replacements that make them full-width. :func:`apply_fix`
gives the section's text with a finding's replacements made (the window applies it as one undoable edit).
"""

from __future__ import annotations

import re

from .findings import Finding, Severity, TextSpan
from .form import TEXT_KEYS
from .report import Report

__all__ = ["RULE", "FULL_WIDTH", "find_ascii_punctuation", "punctuation_findings", "apply_fix"]

RULE = "prose.ascii_punctuation"

#: the half-width marks and their full-width forms in Chinese text
FULL_WIDTH = {
    ",": "，",
    ";": "；",
    ":": "：",
    "?": "？",
    "!": "！",
    "(": "（",
    ")": "）",
    ".": "。",
    '"': "“”",
}

#: Chinese text: hanzi and the full-width punctuation and brackets around them
_CJK = r"[\u3400-\u9fff\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\u201c\u201d\u2018\u2019\u2014\u2026]"
_MARK = re.compile(
    rf"(?<={_CJK})[,;:?!)] *"  # after Chinese text (the spaces that follow go too)
    rf"|[,;:?!)] *(?={_CJK})"  # or before it
    rf"|(?<={_CJK}) *\((?! )"  # an opening bracket after Chinese text
    rf"|\((?={_CJK})"  # or before it
    rf"|(?<={_CJK[:-1]}\"])\.(?=\n|$|{_CJK})"  # a full stop after Chinese text (not "1.属于", not "2.5")
)
#: a heading number in Chinese numerals at a line's start (“一.总体情况”): its full stop becomes 、
_HEADING_NUMBER = re.compile(r"(?:^|\n)[ \t\u3000]*[一二三四五六七八九十]+$")
_QUOTE = re.compile(rf'(?<={_CJK})"|"(?={_CJK})')
_FIX_LIMIT = 200


def find_ascii_punctuation(text: str) -> list[tuple[int, int, str, str]]:
    """``(start, end, old, new)`` for each half-width mark in Chinese text (a list marker "1." is left)."""
    out = []
    for m in _MARK.finditer(text):
        old = m.group(0)
        mark = old.strip(" ")
        new = FULL_WIDTH[mark]
        if mark == "." and _HEADING_NUMBER.search(text, 0, m.start()):
            new = "、"
        out.append((m.start(), m.end(), old, new))
    # straight double quotes: opening and closing in turn, in a paragraph where every one of them is by
    # Chinese text and they pair up
    start = 0
    for para in text.split("\n"):
        quotes = [m.start() for m in _QUOTE.finditer(para)]
        if quotes and len(quotes) == para.count('"') and len(quotes) % 2 == 0:
            out += [(start + q, start + q + 1, '"', "“”"[i % 2]) for i, q in enumerate(quotes)]
        start += len(para) + 1
    return sorted(out)


def _section_name(report: Report, section: str) -> str:
    s = report.form.text_sections.get(section)
    return f"第{s.numeral}部分" if s else "正文"


def punctuation_findings(report: Report) -> list[Finding]:
    findings = []
    for section in TEXT_KEYS:
        text = report.text.get(section) or ""
        edits = find_ascii_punctuation(text)
        if not edits:
            continue
        start, end, old, new = edits[0]
        a, b = max(0, start - 6), min(len(text), end + 6)
        example = re.sub(r"\s+", "", text[a:b])
        marks = "".join(dict.fromkeys(e[2].strip(" ") for e in edits))
        news = "".join(dict.fromkeys(e[3] for e in edits))  # what the fix writes (一. → 一、)
        message = (
            f"{_section_name(report, section)}有 {len(edits)} 处中文里的半角标点 {' '.join(marks)}"
            f"（如“{example}”），应为全角标点“{news}”。"
            "可在检查结果中点“一键改正”。"
        )
        findings.append(
            Finding(
                RULE,
                Severity.HINT,
                (),
                message,
                actual=len(edits),
                text=TextSpan(section, start, end),
                extra={"fix": {"section": section, "edits": [list(e) for e in edits[:_FIX_LIMIT]]}},
            )
        )
    return findings


def apply_fix(report: Report, finding: Finding) -> tuple[str, str] | None:
    """``(section, new text)`` with the finding's replacements made, or ``None`` when it carries none or the
    text has changed since (a replacement no longer finds what it replaces)."""
    fix = finding.extra.get("fix") if finding.extra else None
    if not fix:
        return None
    section = fix["section"]
    text = report.text.get(section) or ""
    pieces = []
    pos = 0
    for start, end, old, new in sorted(fix["edits"]):
        if start < pos or text[start:end] != old:
            return None
        pieces += [text[pos:start], new]
        pos = end
    pieces.append(text[pos:])
    return section, "".join(pieces)
