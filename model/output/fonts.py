r"""The faces the printed report uses, registered with reportlab once per process.

Roles (GB/T 9704-2012): ``fang`` 仿宋 (prose), ``hei`` 黑体 (headings 一、), ``kai`` 楷体 (sub-headings （一）),
``song`` 宋体 (tables, page numbers), ``title`` 小标宋 (the title).

On Windows the system faces come first when present — in ``%WINDIR%\Fonts`` or in the per-user font folder
``%LOCALAPPDATA%\Microsoft\Windows\Fonts`` (where a clerk without admin rights installs 方正小标宋) — and a face
whose licence forbids embedding (``fsType``) or that reportlab cannot read is skipped. The faces shipped in
``resources/fonts/`` stand in for whatever is missing: 朱雀仿宋 (body), LXGW WenKai (楷), Noto Serif CJK SC Bold
(title), WenQuanYi Micro Hei (黑), AR PL UMing (宋, and the characters beyond GB 2312). Every role's chain
ends with the others, so a character one face lacks (①, ⑴, ℃, full-width digits in 朱雀仿宋) prints from the
next face that has it, never as a box. All faces are TrueType (reportlab cannot embed CFF outlines); each is
embedded as a subset of what the pages use.

Speed: reportlab parses a whole TrueType file (cmap, widths, glyph offsets) in pure Python when a face is
registered — about 0.1 s a face. That work is done once: the shipped faces' metrics are made at build time
(``resources/fonts/metrics/``, by ``make_fonts.py``), a system face's are cached in the user's cache folder
keyed by the file's fingerprint (size and hashes of its table directory and its end). The font file itself is
read only when a subset of it is embedded.

reportlab is imported on first use only.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import struct
import sys
import threading
from array import array
from bisect import bisect_left
from collections.abc import Mapping, Sequence
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
    "embeddable",
    "cache_dir",
]

ROLES = ("fang", "hei", "kai", "song", "title")

FONT_DIR = Path(__file__).resolve().parents[2] / "resources" / "fonts"
METRICS_DIR = FONT_DIR / "metrics"

#: the shipped faces: file, subfont index, label
BUNDLED = {
    "fang": (FONT_DIR / "zhuque-fangsong-gb2312.ttf", 0, "Zhuque Fangsong"),
    "kai": (FONT_DIR / "lxgw-wenkai-gb2312.ttf", 0, "Nianbao Kai (LXGW WenKai)"),
    "title": (FONT_DIR / "noto-serif-sc-bold-gb2312.ttf", 0, "Noto Serif CJK SC Bold"),
    "hei": (FONT_DIR / "wqy-microhei.ttf", 0, "WenQuanYi Micro Hei"),
    "serif": (FONT_DIR / "uming-cn.ttf", 0, "AR PL UMing CN"),
}
_BUNDLED_FOR_ROLE = {"fang": "fang", "song": "serif", "title": "title", "kai": "kai", "hei": "hei"}

#: Windows faces per role, in order of preference (file name, matched without regard to case, subfont index)
WINDOWS = {
    "fang": (("FS_GB2312.ttf", 0), ("仿宋_GB2312.ttf", 0), ("simfang.ttf", 0)),
    "hei": (("simhei.ttf", 0),),
    "kai": (("KT_GB2312.ttf", 0), ("楷体_GB2312.ttf", 0), ("simkai.ttf", 0)),
    "song": (("simsun.ttc", 0),),
    "title": (("FZXBSJW.TTF", 0), ("方正小标宋简体.ttf", 0), ("FZXBSK.TTF", 0), ("方正小标宋_GBK.ttf", 0)),
}

#: the shipped faces the Windows bundle leaves out (packaging/bundle_rules.py) → the Windows face it relies on
#: instead; a missing shipped face is an error unless that face is there
_WINDOWS_BUNDLE_LEAVES_OUT = {
    "zhuque-fangsong-gb2312.ttf": "simfang.ttf",
    "lxgw-wenkai-gb2312.ttf": "simkai.ttf",
    "wqy-microhei.ttf": "simhei.ttf",
    "uming-cn.ttf": "simsun.ttc",
}

#: bumped when the cached metrics' form changes
_METRICS_VERSION = 2


@dataclass(frozen=True)
class Face:
    name: str  # the name registered with reportlab
    path: Path
    index: int
    label: str


_lock = threading.Lock()
_faces: dict[str, list[Face]] | None = None
_widths: dict[str, Mapping[int, float]] = {}
_cmaps: dict[str, Mapping[int, int]] = {}
#: remembered per process: role → character → the face it prints from; face → character → width
_run_font: dict[str, dict[str, str]] = {}
_char_w: dict[str, dict[str, float]] = {}
#: what was skipped while looking for faces: (path, reason) — the self-test and the log say it
skipped: list[tuple[Path, str]] = []


def _windows_font_dirs() -> list[Path]:
    """The system font folder and the per-user one (Windows 10 1809 and later), those that exist."""
    if sys.platform != "win32" or os.environ.get("NIANBAO_BUNDLED_FONTS"):
        return []
    dirs = [Path(os.environ.get("WINDIR") or os.environ.get("SystemRoot") or r"C:\Windows") / "Fonts"]
    local = os.environ.get("LOCALAPPDATA")
    if local:
        dirs.append(Path(local) / "Microsoft" / "Windows" / "Fonts")
    return [d for d in dirs if d.is_dir()]


def cache_dir() -> Path:
    """The user's cache folder for font metrics (``NIANBAO_CACHE_DIR`` overrides it)."""
    env = os.environ.get("NIANBAO_CACHE_DIR")
    if env:
        return Path(env) / "fonts"
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
        return base / "Nianbao" / "Nianbao" / "cache" / "fonts"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "Nianbao" / "fonts"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "Nianbao" / "fonts"


# -------------------------------------------------------------------------------------------------
# reading a font file's header only


def _sfnt_offset(data: bytes, index: int) -> int:
    if data[:4] == b"ttcf":
        (n,) = struct.unpack(">I", data[8:12])
        if not 0 <= index < n:
            raise ValueError("no such face in the collection")
        (off,) = struct.unpack(">I", data[12 + 4 * index : 16 + 4 * index])
        return off
    return 0


def embeddable(path: Path, index: int = 0) -> str | None:
    """Why the face cannot be embedded in a PDF (``None``: it can): not TrueType (CFF outlines), no ``OS/2``
    table, or an ``fsType`` that forbids embedding (restricted licence, bitmap only) or subsetting."""
    try:
        with open(path, "rb") as f:
            head = f.read(1 << 16)
            off = _sfnt_offset(head, index)
            f.seek(off)
            table_dir = f.read(12)
            (version,) = struct.unpack(">I", table_dir[:4])
            if table_dir[:4] == b"OTTO":
                return "PostScript (CFF) 轮廓，无法嵌入"
            if version not in (0x00010000, 0x74727565):
                return "不是 TrueType 字体"
            (num,) = struct.unpack(">H", table_dir[4:6])
            records = f.read(16 * num)
            for i in range(num):
                tag, _sum, t_off, _len = struct.unpack(">4sIII", records[16 * i : 16 * i + 16])
                if tag == b"OS/2":
                    f.seek(t_off + 8)
                    (fs_type,) = struct.unpack(">H", f.read(2))
                    break
            else:
                return "缺少 OS/2 表"
    except (OSError, ValueError, struct.error):
        return "无法读取"
    if fs_type & 0x000E == 0x0002:
        return "字体授权不允许嵌入（fsType 受限）"
    if fs_type & 0x0300:
        return "字体授权不允许子集化或只允许嵌入位图"
    return None


def _fingerprint(path: Path) -> str:
    """Size and hashes of the first and last 64 KB: the first holds the table directory with a checksum of
    every table, so a changed font gets a new fingerprint without hashing all of it."""
    with open(path, "rb") as f:
        size = os.fstat(f.fileno()).st_size
        h = hashlib.blake2b(digest_size=16)
        h.update(str(size).encode())
        h.update(f.read(1 << 16))
        if size > 1 << 17:
            f.seek(size - (1 << 16))
        h.update(f.read(1 << 16))
    return h.hexdigest()


# -------------------------------------------------------------------------------------------------
# metrics: parsed once, then loaded


_NAME_KEYS = ("name", "familyName", "styleName", "fullName", "uniqueFontID")
_DROP_KEYS = ("_ttf_data", "_pos", "filename", "_pdfScale", "glyphToChar", "validate")


def _rl_version() -> str:
    import reportlab

    return reportlab.Version


def _parse_state(path: Path, index: int) -> dict:
    """What reportlab's parser makes of the face (without the file's bytes), in a form marshal writes and
    reads fast: the big tables as packed arrays, the rest as it is."""
    from reportlab.pdfbase.ttfonts import TTFontFace

    face = TTFontFace(str(path), subfontIndex=index)
    state = {}
    for k, v in vars(face).items():
        if k in _DROP_KEYS or k in ("charToGlyph", "charWidths", "hmetrics", "glyphPos"):
            continue
        if k in _NAME_KEYS and isinstance(v, bytes):
            v = bytes(v)
        state[k] = v
    codes = sorted(face.charToGlyph)
    state["_codes"] = array("I", codes).tobytes()
    state["_gids"] = array("I", (face.charToGlyph[c] for c in codes)).tobytes()
    # reportlab gives the glyphs after the last full hmtx record the *scaled* advance of that record, which
    # its subset then writes as font units: widths off by the scale (AR PL UKai: 976.6 for 1000, PDF/A
    # 6.2.11.5). The unscaled advance it is.
    n_full = face.get_ushort(face.table["hhea"]["offset"] + 34)
    aws = [aw for aw, _ in face.hmetrics]
    if 0 < n_full < len(aws):
        aws[n_full:] = [aws[n_full - 1]] * (len(aws) - n_full)
    state["_aw"] = array("I", aws).tobytes()
    state["_lsb"] = array("i", (lsb for _, lsb in face.hmetrics)).tobytes()
    state["_glyph_pos"] = array("I", face.glyphPos).tobytes()
    k = 1000 / face.unitsPerEm
    state["_widths"] = {  # the few widths not those of the glyph (none, in the faces seen so far)
        c: w for c, w in face.charWidths.items() if w != face.hmetrics[face.charToGlyph[c]][0] * k
    }
    return state


class _Cmap(Mapping):
    """Character → glyph, looked up in the packed arrays (bisect, then remembered): nothing is built per
    character at load."""

    __slots__ = ("codes", "gids", "seen")

    def __init__(self, codes: array, gids: array) -> None:
        self.codes, self.gids = codes, gids
        self.seen: dict = {}  # code → glyph, or None when the face lacks it

    def get(self, code, default=None):
        try:
            g = self.seen[code]
        except KeyError:
            i = bisect_left(self.codes, code) if isinstance(code, int) else -1
            g = self.gids[i] if 0 <= i < len(self.codes) and self.codes[i] == code else None
            self.seen[code] = g
        return default if g is None else g

    def __getitem__(self, code):
        g = self.get(code)
        if g is None:
            raise KeyError(code)
        return g

    def __contains__(self, code) -> bool:
        return self.get(code) is not None

    def __len__(self) -> int:
        return len(self.codes)

    def __iter__(self):
        return iter(self.codes)


class _Widths(Mapping):
    """Character → advance width in thousandths of an em, from the glyph's advance (remembered)."""

    __slots__ = ("cmap", "aw", "k", "seen")

    def __init__(self, cmap: _Cmap, aw: array, k: float, extra: dict) -> None:
        self.cmap, self.aw, self.k = cmap, aw, k
        self.seen: dict = dict(extra)

    def get(self, code, default=None):
        try:
            w = self.seen[code]
        except KeyError:
            g = self.cmap.get(code)
            w = None if g is None else self.aw[g] * self.k
            self.seen[code] = w
        return default if w is None else w

    def __getitem__(self, code):
        w = self.get(code)
        if w is None:
            raise KeyError(code)
        return w

    def __contains__(self, code) -> bool:
        return code in self.cmap

    def __len__(self) -> int:
        return len(self.cmap)

    def __iter__(self):
        return iter(self.cmap)


class _Metrics(Sequence):
    """Glyph → (advance, left side bearing), as reportlab's ``hmetrics`` list, from the packed arrays."""

    __slots__ = ("aw", "lsb")

    def __init__(self, aw: array, lsb: array) -> None:
        self.aw, self.lsb = aw, lsb

    def __getitem__(self, i):
        return self.aw[i], self.lsb[i]

    def __len__(self) -> int:
        return len(self.aw)


def _unpack(state: dict) -> dict:
    """The packed state as reportlab's face uses it (mappings over the arrays, nothing built per glyph)."""
    out = {k: v for k, v in state.items() if not k.startswith("_") or k in ("_full_font",)}
    codes, gids = array("I"), array("I")
    codes.frombytes(state["_codes"])
    gids.frombytes(state["_gids"])
    aw, lsb, pos = array("I"), array("i"), array("I")
    aw.frombytes(state["_aw"])
    lsb.frombytes(state["_lsb"])
    pos.frombytes(state["_glyph_pos"])
    cmap = _Cmap(codes, gids)
    out["charToGlyph"] = cmap
    out["charWidths"] = _Widths(cmap, aw, 1000 / state["unitsPerEm"], state["_widths"])
    out["hmetrics"] = _Metrics(aw, lsb)
    out["glyphPos"] = pos
    return out


def _metrics_blob(key: str, state: dict) -> bytes:
    return marshal.dumps({"v": _METRICS_VERSION, "rl": _rl_version(), "key": key, "state": state})


def _read_metrics(file: Path, key: str) -> dict | None:
    try:
        data = marshal.loads(file.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return None
    if not isinstance(data, dict) or data.get("v") != _METRICS_VERSION or data.get("key") != key:
        return None
    if data.get("rl") != _rl_version():
        return None
    return data.get("state")


def _bundled_metrics_file(path: Path, index: int) -> Path:
    return METRICS_DIR / f"{path.stem}-{index}.bin"


def write_bundled_metrics(path: Path, index: int = 0) -> Path:
    """Write a shipped face's metrics beside it (``make_fonts.py`` calls this at build time)."""
    out = _bundled_metrics_file(path, index)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(_metrics_blob(f"{_fingerprint(path)}-{index}", _parse_state(path, index)))
    return out


def load_state(path: Path, index: int = 0) -> dict:
    """The face's metrics: from the build (shipped faces), the user's cache, or parsed now and cached."""
    key = f"{_fingerprint(path)}-{index}"
    for file in (_bundled_metrics_file(path, index), cache_dir() / f"{key}.bin"):
        state = _read_metrics(file, key)
        if state is not None:
            return _unpack(state)
    state = _parse_state(path, index)
    try:  # the cache is a convenience: a read-only or full disk only costs the parsing next time
        from model.files import atomic_write_bytes

        folder = cache_dir()
        folder.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(folder / f"{key}.bin", _metrics_blob(key, state))
    except OSError:
        pass
    return _unpack(state)


def _make_font(name: str, path: Path, state: dict):
    """A reportlab ``TTFont`` from cached metrics; the file is read only when a subset is embedded."""
    from weakref import WeakKeyDictionary

    from reportlab import rl_config
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTEncoding, TTFNameBytes, TTFont, TTFontFace

    class _Face(TTFontFace):
        def __init__(self) -> None:
            pdfmetrics.TypeFace.__init__(self, None)
            for k, v in state.items():
                setattr(self, k, TTFNameBytes(v) if k in _NAME_KEYS and isinstance(v, bytes) else v)
            self.filename = str(path)
            self._pos = 0
            upem = self.unitsPerEm
            self._pdfScale = (lambda x: x) if upem == 1000 else (lambda x, k=1000 / upem: x * k)

        def get_table(self, tag):
            # reportlab copies the whole glyf table out of the file's bytes for every 256-glyph subset of
            # every export (~20 ms an export with these faces); it is copied once and kept instead
            if tag != b"glyf" and tag != "glyf":
                return super().get_table(tag)
            glyf = self.__dict__.get("_glyf")
            if glyf is None:
                glyf = self._glyf = super().get_table(tag)
            return glyf

        def __getattr__(self, attr):
            if attr == "_ttf_data":  # read at the first embedding
                data = path.read_bytes()
                self._ttf_data = data
                return data
            raise AttributeError(attr)

    class _Font(TTFont):
        def __init__(self) -> None:
            self.fontName = name
            self.face = _Face()
            self.encoding = TTEncoding()
            self.state = WeakKeyDictionary()
            self._asciiReadable = rl_config.ttfAsciiReadable
            self.shapable = False

        def stringWidth(self, text, size, encoding="utf8"):  # reportlab's name
            # (reportlab's C accelerator wants a dict of widths; ours is a mapping over the packed arrays)
            widths, missing = self.face.charWidths, self.face.defaultWidth
            return sum(widths.get(ord(ch), missing) for ch in text) * 0.001 * size

    return _Font()


# -------------------------------------------------------------------------------------------------
# the chains


def _find_faces() -> tuple[dict[str, list[Face]], dict[str, dict]]:
    """Each role → its chain of faces (first = preferred), and each face's metrics; nothing registered."""
    by_file: dict[tuple[str, int], Face] = {}
    states: dict[str, dict] = {}

    def face(path: Path, index: int, label: str) -> Face | None:
        """The face, with its metrics loaded; None (and noted in :data:`skipped`) when it cannot be used."""
        key = (str(path).lower(), index)
        if key in by_file:
            return by_file[key]
        why = embeddable(path, index)
        state = None
        if why is None:
            try:
                state = load_state(path, index)
            except Exception as err:  # a face reportlab cannot read: use another
                why = f"无法读取（{err}）"
        if state is None:
            skipped.append((path, why or "无法读取"))
            return None
        digest = hashlib.blake2b(key[0].encode(), digest_size=4).hexdigest()
        stem = "".join(c for c in path.stem if c.isascii() and (c.isalnum() or c in "-_")) or "face"
        f = Face(f"NB-{stem}-{index}-{digest}", path, index, label)
        by_file[key] = f
        states[f.name] = state
        return f

    skipped.clear()
    dirs = _windows_font_dirs()
    listing: dict[str, Path] = {}
    for d in reversed(dirs):  # the system folder wins over the per-user one for the same name
        try:
            for p in d.iterdir():
                listing[p.name.lower()] = p
        except OSError:
            continue
    primary: dict[str, Face] = {}
    for role, candidates in WINDOWS.items() if dirs else ():
        for file, index in candidates:
            p = listing.get(file.lower())
            if p is not None and p.is_file():
                f = face(p, index, p.stem)
                if f is not None:
                    primary[role] = f
                    break
    bundled: dict[str, Face] = {}
    for key, (path, index, label) in BUNDLED.items():
        if not path.is_file():
            if _WINDOWS_BUNDLE_LEAVES_OUT.get(path.name) not in listing:
                raise FileNotFoundError(f"缺少字体文件 {path}，无法生成 PDF。")
            continue  # the Windows bundle leaves out a stand-in of a face Windows has (packaging/README.md)
        f = face(path, index, label)
        if f is None:
            raise RuntimeError(f"字体 {path} 无法使用。")
        bundled[key] = f
    for role in ROLES:
        if role not in primary:
            stand_in = bundled.get(_BUNDLED_FOR_ROLE[role]) or primary.get("song") or primary.get("fang")
            primary[role] = stand_in or next(iter(bundled.values()))
    chains: dict[str, list[Face]] = {}
    order = ("fang", "song", "title", "kai", "hei")
    for role in ROLES:
        chain = [primary[role]]
        for other in order:
            if primary[other] not in chain:
                chain.append(primary[other])
        for extra in (bundled.get("serif"), bundled.get("hei"), bundled.get(_BUNDLED_FOR_ROLE[role])):
            if extra is not None and extra not in chain:
                chain.append(extra)
        chains[role] = chain
    return chains, states


def faces() -> dict[str, list[Face]]:
    """Each role → its chain of faces, registered with reportlab (once per process)."""
    global _faces
    if _faces is not None:
        return _faces
    with _lock:
        if _faces is None:
            from reportlab.pdfbase import pdfmetrics

            chains, states = _find_faces()
            for fname, state in states.items():
                f = next(f for chain in chains.values() for f in chain if f.name == fname)
                pdfmetrics.registerFont(_make_font(f.name, f.path, state))
                _cmaps[f.name] = state["charToGlyph"]
                _widths[f.name] = state["charWidths"]
            _faces = chains
    return _faces


def reset() -> None:
    """Forget the faces found (tests, and after the clerk installs a font)."""
    global _faces
    with _lock:
        _faces = None
        _cmaps.clear()
        _widths.clear()
        _run_font.clear()
        _char_w.clear()


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
    known = _run_font.setdefault(role, {})
    runs: list[tuple[str, str]] = []
    cur_font, cur = "", []
    for ch in text:
        font = known.get(ch)
        if font is None:
            font = chain[0]
            if ch not in _IGNORED and ord(ch) not in _cmaps[chain[0]]:
                font = next((f for f in chain if ord(ch) in _cmaps[f]), chain[0])
            known[ch] = font
        if font != cur_font and cur:
            runs.append((cur_font, "".join(cur)))
            cur = []
        cur_font = font
        cur.append(ch)
    if cur:
        runs.append((cur_font, "".join(cur)))
    return runs


def glyph_ink(ch: str, fontname: str) -> tuple[float, float] | None:
    """The bottom and top of the character's outline in thousandths of an em above the baseline (None when
    the face lacks it or it has no outline). Read from the glyph's header, so the file is read here."""
    from reportlab.pdfbase import pdfmetrics

    faces()
    face = pdfmetrics.getFont(fontname).face
    gid = face.charToGlyph.get(ord(ch))
    if not gid or face.glyphPos[gid] == face.glyphPos[gid + 1]:
        return None
    at = face.table["glyf"]["offset"] + face.glyphPos[gid]
    _n, _x0, y0, _x1, y1 = struct.unpack(">hhhhh", face._ttf_data[at : at + 10])
    k = 1000 / face.unitsPerEm
    return y0 * k, y1 * k


def char_width(ch: str, fontname: str, size: float) -> float:
    known = _char_w.setdefault(fontname, {})
    w = known.get(ch)
    if w is None:
        widths = _widths[fontname]
        w = widths.get(ord(ch))
        if w is None:
            w = widths.get(0, 1000) if ord(ch) in _cmaps[fontname] else 1000
        known[ch] = w
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
