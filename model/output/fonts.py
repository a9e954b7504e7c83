"""The faces the printed report uses, registered with reportlab once per process.

Roles (GB/T 9704-2012): ``fang`` 仿宋 (prose), ``hei`` 黑体 (headings 一、), ``kai`` 楷体 (sub-headings （一）),
``song`` 宋体 (tables, page numbers), ``title`` 小标宋 (the title).

On Windows the system faces are used when present (simfang.ttf, simhei.ttf, simkai.ttf, simsun.ttc); the faces
shipped in ``resources/fonts/`` stand in for whatever is missing and are the last fallback of every role, so a
character missing from one face is printed from the next that has it. All faces are TrueType (reportlab cannot
embed CFF outlines); each is embedded as a subset.

reportlab is imported on first use only.
"""

from __future__ import annotations

import os
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "ROLES",
    "Face",
    "faces",
    "register_fonts",
    "font_chain",
    "split_runs",
    "text_width",
    "covered",
    "unprintable",
    "unprintable_characters",
]

ROLES = ("fang", "hei", "kai", "song", "title")

FONT_DIR = Path(__file__).resolve().parents[2] / "resources" / "fonts"

#: the shipped faces: file, subfont index, label
BUNDLED = {
    "serif": (FONT_DIR / "uming-cn.ttf", 0, "AR PL UMing CN"),
    "kai": (FONT_DIR / "ukai-cn-gb2312.ttf", 0, "AR PL UKai CN"),
    "hei": (FONT_DIR / "wqy-microhei.ttf", 0, "WenQuanYi Micro Hei"),
}
_BUNDLED_FOR_ROLE = {"fang": "serif", "song": "serif", "title": "serif", "kai": "kai", "hei": "hei"}

#: Windows faces per role, in order of preference (file name in %WINDIR%\Fonts, subfont index)
WINDOWS = {
    "fang": (("simfang.ttf", 0), ("SIMFANG.TTF", 0)),
    "hei": (("simhei.ttf", 0), ("SIMHEI.TTF", 0)),
    "kai": (("simkai.ttf", 0), ("SIMKAI.TTF", 0)),
    "song": (("simsun.ttc", 0), ("SIMSUN.TTC", 0)),
    "title": (("FZXBSJW.TTF", 0), ("fzxbsjw.ttf", 0), ("simsun.ttc", 0), ("SIMSUN.TTC", 0)),
}


@dataclass(frozen=True)
class Face:
    name: str  # the name registered with reportlab
    path: Path
    index: int
    label: str


_lock = threading.Lock()
_faces: dict[str, list[Face]] | None = None
_widths: dict[str, dict[int, float]] = {}
_cmaps: dict[str, frozenset[int]] = {}
#: whether the title face is a 宋体 stand-in that should be drawn a little heavier (no 小标宋 found)
fake_bold_title = True


def _windows_font_dir() -> Path | None:
    if sys.platform != "win32" or os.environ.get("NIANBAO_BUNDLED_FONTS"):
        return None
    d = Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts"
    return d if d.is_dir() else None


def _find_faces() -> dict[str, list[Face]]:
    """Each role → its chain of faces (first = preferred), without registering anything."""
    by_file: dict[tuple[str, int], Face] = {}

    def face(path: Path, index: int, label: str) -> Face:
        key = (str(path).lower(), index)
        if key not in by_file:
            by_file[key] = Face(f"NB{len(by_file)}-{path.stem}", path, index, label)
        return by_file[key]

    windir = _windows_font_dir()
    primary: dict[str, Face] = {}
    if windir:
        for role, candidates in WINDOWS.items():
            for file, index in candidates:
                p = windir / file
                if p.is_file():
                    primary[role] = face(p, index, p.stem)
                    break
    for role in ROLES:
        if role not in primary:
            path, index, label = BUNDLED[_BUNDLED_FOR_ROLE[role]]
            if not path.is_file():
                raise FileNotFoundError(f"缺少字体文件 {path}，无法生成 PDF。")
            primary[role] = face(path, index, label)
    serif = BUNDLED["serif"]
    last = face(serif[0], serif[1], serif[2]) if serif[0].is_file() else None
    chains: dict[str, list[Face]] = {}
    order = ("fang", "song", "title", "kai", "hei")
    for role in ROLES:
        chain = [primary[role]]
        for other in order:
            if primary[other] not in chain:
                chain.append(primary[other])
        if last and last not in chain:
            chain.append(last)
        chains[role] = chain
    return chains


def faces() -> dict[str, list[Face]]:
    """Each role → its chain of faces, registered with reportlab (once per process)."""
    global _faces, fake_bold_title
    if _faces is not None:
        return _faces
    with _lock:
        if _faces is None:
            from reportlab.pdfbase import pdfmetrics
            from reportlab.pdfbase.ttfonts import TTFont

            chains = _find_faces()
            done: set[str] = set()
            for chain in chains.values():
                for f in chain:
                    if f.name in done:
                        continue
                    try:
                        font = TTFont(f.name, str(f.path), subfontIndex=f.index)
                    except Exception as err:  # an unreadable or CFF face
                        raise RuntimeError(f"字体 {f.path} 无法使用：{err}") from None
                    pdfmetrics.registerFont(font)
                    _cmaps[f.name] = frozenset(font.face.charToGlyph)
                    _widths[f.name] = font.face.charWidths
                    done.add(f.name)
            fake_bold_title = "fzxbsjw" not in str(chains["title"][0].path).lower()
            _faces = chains
    return _faces


register_fonts = faces


def font_chain(role: str) -> list[str]:
    return [f.name for f in faces()[role]]


def covered(ch: str, fontname: str) -> bool:
    faces()
    return ord(ch) in _cmaps[fontname]


_IGNORED = frozenset("\n\r\t \u3000\u200b\ufeff")


def split_runs(text: str, role: str) -> list[tuple[str, str]]:
    """``text`` as runs ``(font name, text)``: each character from the first face of the role's chain
    that has it (a character no face has stays with the role's own face)."""
    chain = font_chain(role)
    runs: list[tuple[str, str]] = []
    cur_font, cur = "", []
    for ch in text:
        font = chain[0]
        if ch not in _IGNORED and ord(ch) not in _cmaps[chain[0]]:
            font = next((f for f in chain if ord(ch) in _cmaps[f]), chain[0])
        if font != cur_font and cur:
            runs.append((cur_font, "".join(cur)))
            cur = []
        cur_font = font
        cur.append(ch)
    if cur:
        runs.append((cur_font, "".join(cur)))
    return runs


def char_width(ch: str, fontname: str, size: float) -> float:
    widths = _widths[fontname]
    w = widths.get(ord(ch))
    if w is None:
        w = widths.get(0, 1000) if ord(ch) in _cmaps[fontname] else 1000
    return w * size / 1000.0


def text_width(text: str, role: str, size: float) -> float:
    return sum(char_width(ch, font, size) for font, run in split_runs(text, role) for ch in run)


def unprintable(text: str, roles: tuple[str, ...] = ROLES) -> list[str]:
    """The characters of ``text`` that no face of these roles has, in order of first appearance."""
    fs = faces()
    names = {f.name for r in roles for f in fs[r]}
    seen: dict[str, None] = {}
    for ch in text:
        if ch in _IGNORED or ch in seen or not ch.isprintable():
            continue
        if not any(ord(ch) in _cmaps[n] for n in names):
            seen[ch] = None
    return list(seen)


def unprintable_characters(report) -> dict[str, list[str]]:
    """Every character of ``report`` that cannot be printed → where it stands ("标题", "一、总体情况" …).

    Empty when everything prints. Call this before exporting and tell the clerk.
    """
    from model.form import form_for

    form = form_for(report.template)
    places: list[tuple[str, str]] = [
        ("标题", report_title(report)),
        ("发文机关", report.agency or ""),
    ]
    for key, section in form.text_sections.items():
        places.append((section.heading, report.text.get(key, "")))
    for table in form.tables:
        places.append((form.section_of_table(table.key).heading, "".join(c.text for c in table.layout.cells)))
    out: dict[str, list[str]] = {}
    for where, text in places:
        for ch in unprintable(text):
            out.setdefault(ch, [])
            if where not in out[ch]:
                out[ch].append(where)
    return out


def report_title(report) -> str:
    if report.title:
        return report.title
    year = f"{report.year}年" if report.year else ""
    return f"{report.agency or ''}{year}政府信息公开工作年度报告"
