"""Linux: a smaller ICU data library for the bundle (``libicudata.so.73``: 32 MB in the PySide6 wheel).

QtCore in the Linux wheel links ICU (``libicuuc``, ``libicui18n``, ``libicudata``); that cannot go without
rebuilding Qt. Its *data* library holds one ICU "common data" package (``icudt73_dat``): the locale data of
every language (names of languages, regions, currencies, units, time zones, number spellings), collation
rules of every language, word-break dictionaries, transliterators and the character set converters. Qt uses
ICU for collation (QCollator, localeAwareCompare), case mapping, the converters of QStringConverter and time
zone names; the program is Chinese (and Qt falls back to English and the root locale).

So the package is rewritten with the same header, in the same sorted order, keeping:
- everything that is not one locale's data (converters, alias tables, normalisation, properties,
  supplemental data, time zone rules, collation base ``ucadata.icu``, break rules …);
- the locale data of ``root``, ``en*`` and ``zh*`` in every tree (main, coll, curr, lang, region, unit,
  zone, rbnf, brkitr);
and leaving out the other languages' locale data, the transliterators (``translit/``: Qt has no API for
them), the word-break dictionaries (``brkitr/*.dict``: Qt breaks text with its own tables) and the large
converter tables of encodings other than the Chinese ones (see ``KEPT_CONVERTERS``). A lookup of
what is left out fails the way ICU's own data-filtered builds do (U_MISSING_RESOURCE_ERROR → ICU's fallback to
the parent locale and root).

The package is then assembled into a shared library exporting the same symbol with the same soname; that
takes a C compiler (``cc``) — without one the wheel's library is bundled as it is, and the build says so.

Not a package module: loaded by path (``packaging`` is also the name of a well-known library).
``python packaging/icudata.py`` prints what would be kept.
"""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

#: locales kept in every tree (the program is Chinese; English and root are ICU's and Qt's fallbacks)
KEPT_LOCALES = re.compile(r"^(?:root|en|zh)(?:_\w+)?$")
#: a locale resource: ``zh.res``, ``zh_Hans_CN.res``, ``sr_Latn_BA.res``, ``ars.res``, ``en_001.res``
LOCALE_RES = re.compile(r"^([a-z]{2,3}(?:_[A-Za-z0-9]*)*)\.res$")
#: trees left out whole / item kinds left out
DROPPED_TREES = ("translit",)
DROPPED_SUFFIXES = (".dict",)
#: converter tables kept whatever their size: the Chinese encodings (GB 18030, GBK, GB 2312/EUC-CN and its
#: ISO-2022-CN forms, Big5, Big5-HKSCS). Other tables above ``SMALL_CONVERTER`` bytes — the multi-byte ones of
#: Japanese, Korean, EUC-TW, mainframe (EBCDIC) DBCS encodings and X11 compound text — are left out (Qt 6
#: reads and writes UTF-8 itself; the program decodes imported files with Python's codecs). The single-byte
#: tables (2–5 KB each) all stay.
KEPT_CONVERTERS = re.compile(
    r"^(?:gb18030|windows-936-2000|ibm-1383_P110-1999|ibm-1386_P100-2001|ibm-5478_P100-1995|iso-ir-165"
    r"|cns-11643-1992|windows-950-2000|ibm-950_P110-1999|ibm-1373_P100-2002|ibm-1375_P100-2008"
    r"|ibm-5471_P100-2006)\.cnv$"
)
SMALL_CONVERTER = 16 * 1024


def _elf_symbol(data: bytes) -> tuple[bytes, int, int]:
    """(name, file offset, size) of the ``icudt*_dat`` symbol of an ELF64 little-endian shared library."""
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        raise ValueError("not an ELF64 little-endian file")
    (e_shoff,) = struct.unpack_from("<Q", data, 0x28)
    e_shentsize, e_shnum = struct.unpack_from("<HH", data, 0x3A)
    sections = [struct.unpack_from("<IIQQQQIIQQ", data, e_shoff + i * e_shentsize) for i in range(e_shnum)]
    for _name, typ, _flags, _addr, off, size, link, _info, _align, entsize in sections:
        if typ != 11:  # SHT_DYNSYM
            continue
        strtab = sections[link][4]
        for j in range(size // (entsize or 24)):
            st_name, _info2, _other, shndx, value, st_size = struct.unpack_from("<IBBHQQ", data, off + j * 24)
            end = data.index(b"\0", strtab + st_name)
            name = data[strtab + st_name : end]
            if re.fullmatch(rb"icudt\d+_dat", name):
                sec = sections[shndx]
                return name, sec[4] + value - sec[3], st_size
    raise ValueError("no icudt*_dat symbol")


def read_package(blob: bytes) -> tuple[bytes, list[tuple[str, bytes]]]:
    """(header, [(item name, item bytes)]) of an ICU common data package (offset-TOC format)."""
    (header_size,) = struct.unpack_from("<H", blob, 0)
    if blob[2:4] != b"\xda\x27" or blob[12:16] != b"CmnD":
        raise ValueError("not an ICU common data package")
    toc = blob[header_size:]
    (count,) = struct.unpack_from("<I", toc, 0)
    entries = [struct.unpack_from("<II", toc, 4 + 8 * i) for i in range(count)]
    items = []
    for i, (name_off, data_off) in enumerate(entries):
        name = toc[name_off : toc.index(b"\0", name_off)].decode("ascii")
        end = entries[i + 1][1] if i + 1 < count else len(toc)
        items.append((name, toc[data_off:end]))
    return blob[:header_size], items


def write_package(header: bytes, items: list[tuple[str, bytes]]) -> bytes:
    """The package with these items (in the given, sorted order), items aligned to 16 bytes as icupkg does."""
    count = len(items)
    names = b""
    name_offsets = []
    base = 4 + 8 * count
    for name, _ in items:
        name_offsets.append(base + len(names))
        names += name.encode("ascii") + b"\0"
    pos = base + len(names)
    pos += -pos % 16
    body = bytearray()
    data_offsets = []
    for _, data in items:
        data_offsets.append(pos + len(body))
        body += data
        body += b"\0" * (-len(body) % 16)
    toc = struct.pack("<I", count)
    toc += b"".join(struct.pack("<II", n, d) for n, d in zip(name_offsets, data_offsets, strict=True))
    toc += names
    toc += b"\0" * (pos - len(toc))
    return header + toc + bytes(body)


def kept(name: str, size: int = 0) -> bool:
    """Whether an item (``icudt73l/coll/zh.res``, ``size`` bytes) stays in the package."""
    parts = name.split("/")[1:]
    if not parts:
        return True
    tree, leaf = (parts[0] if len(parts) > 1 else ""), parts[-1]
    if tree in DROPPED_TREES or leaf.endswith(DROPPED_SUFFIXES):
        return False
    if leaf.endswith(".cnv"):
        return size <= SMALL_CONVERTER or bool(KEPT_CONVERTERS.match(leaf))
    m = LOCALE_RES.match(leaf)
    if m and m.group(1) not in ("pool",):
        return bool(KEPT_LOCALES.match(m.group(1)))
    return True


def reduced_package(library: Path) -> tuple[bytes, bytes, int]:
    """(symbol name, reduced package, original package size) from a ``libicudata`` file."""
    data = library.read_bytes()
    symbol, offset, size = _elf_symbol(data)
    header, items = read_package(data[offset : offset + size])
    return symbol, write_package(header, [(n, d) for n, d in items if kept(n, len(d))]), size


def build_library(library: Path, out_dir: Path, cc: str | None = None) -> Path | None:
    """A reduced copy of ``library`` (same file name, soname and symbol) in ``out_dir``; None (with the
    reason printed) when there is no C compiler or the library is not what is expected."""
    cc = cc or shutil.which("cc") or shutil.which("gcc") or shutil.which("clang")
    if not cc:
        print("icudata: no C compiler (cc); the full ICU data library is bundled")
        return None
    try:
        symbol, package, original = reduced_package(library)
    except (ValueError, struct.error, IndexError) as err:
        print(f"icudata: {library.name} not reduced ({err})")
        return None
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / library.name
    with tempfile.TemporaryDirectory(prefix="nianbao-icu-") as tmp:
        dat = Path(tmp) / "icudt.dat"
        dat.write_bytes(package)
        asm = Path(tmp) / "icudt.S"
        sym = symbol.decode("ascii")
        asm.write_text(
            f'\t.section .rodata\n\t.globl {sym}\n\t.type {sym}, @object\n\t.balign 16\n{sym}:\n\t.incbin "{dat}"\n'
            f"\t.size {sym}, .-{sym}\n"
            '\t.section .note.GNU-stack,"",@progbits\n',
            encoding="ascii",
        )
        cmd = [cc, "-shared", "-nostdlib", f"-Wl,-soname,{library.name}", "-o", str(out), str(asm)]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            print(
                f"icudata: {cc} failed ({proc.stderr.strip()[-300:]}); the full ICU data library is bundled"
            )
            return None
    print(f"icudata: {library.name} {original / 1e6:.1f} MB → {out.stat().st_size / 1e6:.1f} MB")
    return out


def main() -> int:
    import PySide6

    lib = next((Path(PySide6.__file__).parent / "Qt" / "lib").glob("libicudata.so.*"), None)
    if lib is None:
        print("no libicudata in this PySide6 (Windows and macOS wheels use the system's ICU)")
        return 0
    data = lib.read_bytes()
    _symbol, offset, size = _elf_symbol(data)
    _header, items = read_package(data[offset : offset + size])
    kept_items = [(n, d) for n, d in items if kept(n, len(d))]
    print(f"{len(kept_items)} of {len(items)} items, {sum(len(d) for _, d in kept_items) / 1e6:.1f} MB")
    if "--list" in sys.argv:
        for name, data in kept_items:
            print(len(data), name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
