"""What the one-folder bundle carries — written once, read by ``packaging/nianbao.spec`` (PyInstaller, on
Windows and Linux) and by ``bench/windows_bundle.py`` (the Windows layout made from the win_amd64 wheels and
checked here, without Windows).

Every decision is explained where it is made and summed up in ``packaging/README.md``. No Qt and no
PyInstaller are imported here: the benchmark reads it on any machine.

Not a package module (``packaging`` is also the name of a well-known library): load it by path.
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

ROOT = Path(__file__).resolve().parents[1]

#: the two programs of one build: ``nianbao`` the window (console=False: no console window flashes up) with
#: all the code, and ``nianbao-cli`` the command line (console=True: cmd shows its output and waits for its
#: exit status), a launcher (``packaging/cli_launcher.py``) that runs ``nianbao`` with the console's streams —
#: a second full program would carry the compiled Python code (11 MB) a second time
PROGRAMS = {
    "nianbao": {"console": False, "script": "main.py"},
    "nianbao-cli": {"console": True, "script": "packaging/cli_launcher.py"},
}

# --- Qt plugins -----------------------------------------------------------------------------------------------
#: plugins kept, by folder; a folder not listed is dropped whole. ``None`` keeps every plugin of that folder.
PLUGINS_KEPT: dict[str, set[str] | None] = {
    # Windows: qwindows; Linux: xcb (X11 and XWayland); offscreen for --self-test and CI. Left out: qdirect2d
    # (an experimental Direct2D back end nobody selects), qminimal (a test platform), Wayland/eglfs/linuxfb
    "platforms": {"qwindows", "qxcb", "qoffscreen", "qcocoa"},
    "printsupport": None,  # cups on Linux (Windows printing is built into Qt6PrintSupport.dll)
    "imageformats": {"qjpeg", "qico", "qgif"},  # PNG and BMP are built into QtGui; the program draws no SVG
    "styles": None,  # qmodernwindowsstyle on Windows 11/10
    # iconengines: only qsvgicon (SVG icons, with Qt6Svg): the program's icons are PNG/ICO — left out
    "platforminputcontexts": {"composeplatforminputcontextplugin", "ibusplatforminputcontextplugin"},
    "xcbglintegrations": None,
    "platformthemes": {"qxdgdesktopportal"},  # qgtk3 would pull GTK from the build machine into the bundle
    "generic": set(),  # evdev/libinput/tslib input: for the eglfs and linuxfb platforms, not xcb or Windows
    "tls": set(),  # the program opens no network connection through Qt
    "networkinformation": set(),
}
#: the plugins ``--self-test`` of a frozen build insists on (a bundle without them cannot show a window)
REQUIRED_PLUGINS = {"platforms": {"qwindows", "qxcb", "qcocoa"}, "styles": None}


def plugin_kept(dest: str) -> bool:
    """Is this file (its path in the bundle) no Qt plugin, or one that is kept?"""
    parts = PurePosixPath(dest.replace("\\", "/")).parts
    if "plugins" not in parts:
        return True
    i = parts.index("plugins")
    if len(parts) < i + 3:
        return True
    folder, stem = parts[i + 1], PurePosixPath(parts[-1]).stem
    stem = stem[3:] if stem.startswith("lib") else stem
    kept = PLUGINS_KEPT.get(folder, set())
    return kept is None or stem in kept


# --- Qt libraries and translations ----------------------------------------------------------------------------
#: Qt translations kept: Qt's own zh_CN catalogues (qt_zh_CN loads qtbase_zh_CN)
TRANSLATIONS_KEPT = re.compile(r"^(qt|qtbase)_zh_CN\.qm$")
#: a Qt library: ``Qt6Core.dll``, ``libQt6Core.so.6``
QT_LIB = re.compile(r"^(?:lib)?Qt6(\w+?)(?:\.so(?:\.\d+)*|\.dll)$")
#: Qt libraries a kept plugin links besides the modules the code imports (Linux: the xcb platform plugin and
#: its GL integrations; D-Bus for the portal theme and accessibility). Svg is no longer among them: the SVG
#: icon engine and image format are left out.
QT_LIBS_ALWAYS = {"Core", "Gui", "Widgets", "DBus", "XcbQpa", "OpenGL"}


def qt_libs_needed(qt_modules: set[str]) -> set[str]:
    """The Qt library stems (``Core``, ``PrintSupport`` …) the bundle keeps for these binding modules."""
    return {m[2:] for m in qt_modules} | QT_LIBS_ALWAYS


#: files never bundled. Windows: Qt's software OpenGL (20 MB) serves Qt Quick and OpenGL widgets on machines
#: without a GPU driver; a widgets program never loads it. The D3D shader compiler serves Qt Quick too.
DROPPED_FILES = {"opengl32sw.dll", "d3dcompiler_47.dll"}

# Linux: the libraries of the desktop itself are not bundled (PyInstaller would copy the build machine's):
# - the manylinux allow-list (PEP 600: the wheels themselves count on them): libstdc++, libgcc_s, X11, glib;
# - what Qt's xcb platform plugin requires of the system (Qt for X11 Requirements): xcb-*, xkbcommon, X11-xcb,
#   Xau, Xdmcp, fontconfig, freetype (with png16, z, brotli), dbus-1 (with systemd's libsystemd and its
#   cap, lz4, zstd, gcrypt, gpg-error), bsd/md;
# - CUPS, which the print support plugin loads: a desktop that prints has it (with gnutls, p11-kit,
#   unistring, idn2, nettle, hogweed, gmp, tasn1, Kerberos, avahi). Without it the plugin is not loaded and
#   printing offers no printers; the PDF export is unaffected.
# Kept: what the Python runtime's own modules link (OpenSSL, SQLite, lzma, bz2, ffi, uuid, expat), whose
# versions differ between distributions, and everything the wheels ship themselves (Qt, ICU, pillow.libs …).
SYSTEM_DIRS = ("/lib/", "/lib64/", "/usr/lib/", "/usr/lib64/", "/usr/local/lib/")
DESKTOP_LIBS = re.compile(
    r"^lib(?:stdc\+\+|gcc_s|X11|X11-xcb|Xau|Xdmcp|Xext|Xrender|ICE|SM|GL|glib-2\.0|gobject-2\.0|gthread-2\.0"
    r"|gio-2\.0|gmodule-2\.0|pcre2-8|xcb(?:-[\w-]+)?|xkbcommon(?:-x11)?|fontconfig|freetype|png16|z|brotli\w*"
    r"|dbus-1|systemd|cap|lz4|zstd|gcrypt|gpg-error|bsd|md|cups|gnutls|p11-kit|unistring|idn2|nettle|hogweed"
    r"|gmp|tasn1|krb5|krb5support|gssapi_krb5|k5crypto|com_err|keyutils|avahi-client|avahi-common)\.so(?:\.\d+)*$"
)


def desktop_library(dest: str, src: str, *, linux: bool) -> bool:
    """A library of the Linux desktop (see DESKTOP_LIBS) that PyInstaller found in a system folder."""
    dest = dest.replace("\\", "/")
    return (
        linux
        and "/" not in dest
        and str(src).startswith(SYSTEM_DIRS)
        and bool(DESKTOP_LIBS.match(PurePosixPath(dest).name))
    )


def kept(dest: str, src: str = "", *, qt_libs: set[str], linux: bool = False) -> bool:
    """Does the file that goes to ``dest`` (its path in the bundle) stay in it?"""
    dest = dest.replace("\\", "/")
    name = dest.rsplit("/", 1)[-1]
    if name.lower() in DROPPED_FILES or desktop_library(dest, src, linux=linux):
        return False
    if "/translations/" in f"/{dest}" and name.endswith(".qm"):
        return bool(TRANSLATIONS_KEPT.match(name))
    if not plugin_kept(dest):
        return False
    if "/qml/" in f"/{dest}/":
        return False
    m = QT_LIB.match(name)
    if m and ("PySide6" in dest or "Qt" in dest):
        return m.group(1) in qt_libs
    return True


# --- Python modules -------------------------------------------------------------------------------------------
#: Python modules (and everything under them) left out of the bundle
EXCLUDED_MODULES = [
    "PySide6.scripts",  # pyside6-* tools
    "tkinter",
    "_tkinter",
    "PyQt5",
    "PyQt6",
    "PySide2",
    "IPython",
    "matplotlib",
    "pytest",
    "hypothesis",
    "pytestqt",
    "setuptools",
    "pip",
    "pydoc_data",
    # the standard library's development tools, which modulegraph follows from optional imports (PyInstaller
    # would take them: 0.6 MB of compiled code); nothing of the program or its libraries uses them at run time
    "pydoc",
    "doctest",
    "pdb",
    "unittest",
    "lib2to3",
    "distutils",
    "test",
    "xmlrpc",
    "multiprocessing",  # only concurrent.futures.ProcessPoolExecutor, which nothing uses
    "curses",
    "numpy",  # optional in several libraries: 40 MB
    "pygments",  # only mako's syntax highlighting plugin
    "PIL.AvifImagePlugin",  # AVIF is no format a clerk's seal or logo comes in: 5 MB (Linux) / 8 MB (Windows)
    "PIL._avif",
    "PIL.WebPImagePlugin",  # nor WebP: 0.4 MB
    "PIL._webp",
    "PIL.ImageTk",  # no Tk
    "PIL._imagingtk",
    "PIL.ImageQt",
    # yarl (aiohttp, which pyHanko imports) supports pydantic models only when pydantic is there: 5 MB
    "pydantic",
    "pydantic_core",
    "readline",
    "lxml.objectify",  # pulled in by lxml's hook; python-docx and the HTML importer use lxml.etree/.html: 3 MB
    # lxml's hook takes every submodule: HTML diffing (0.6 MB), SAX, Schematron and doctest helpers are unused
    "lxml.html.diff",
    "lxml.html._difflib",
    "lxml.sax",
    "lxml.isoschematron",
    "lxml.doctestcompare",
    "lxml.usedoctest",
    "lxml.html.usedoctest",
    # only reportlab's paragraph parser (Platypus, left out) detects charsets with it: 0.3 MB of mypyc code
    "charset_normalizer",
    "_pydecimal",  # the pure-Python fallback of _decimal, which is there
    # only pyHanko's OpenType text stamps and pikepdf.pdfa (neither used: the seal is a static PDF stamp,
    # PDF/A is model/output/pdfa.py): 2 MB
    "fontTools",
    # SQLAlchemy's hook imports every dialect; the store speaks SQLite and PostgreSQL (pg8000) only
    "sqlalchemy.dialects.mssql",
    "sqlalchemy.dialects.mysql",
    "sqlalchemy.dialects.oracle",
    "sqlalchemy.connectors.pyodbc",
    "sqlalchemy.testing",
    # the store speaks SQLAlchemy Core (tests/test_packaging.py checks that no code of ours imports the ORM);
    # the ORM comes in only through the hook's ``sqlalchemy.ext.baked`` and the asyncio extension: 1 MB
    "sqlalchemy.orm",
    "sqlalchemy.ext.baked",
    "sqlalchemy.ext.asyncio",
    "sqlalchemy.ext.mypy",
    "MySQLdb",
    "psycopg2",
    "pysqlite2",
    # PostgreSQL goes through pg8000 (pure Python): psycopg[binary] brings 7.7 MB of libpq and OpenSSL
    "psycopg",
    "psycopg_binary",
    "psycopg_c",
    # reportlab: charts, barcodes and the renderers to bitmaps/PostScript/SVG are not used (the PDF is drawn
    # on a canvas); its standard Type 1 fonts are never embedded (every face is a TrueType one)
    "reportlab.graphics",
    "reportlab.platypus",
    "reportlab.lib.pygments2xpre",
]


def module_excluded(name: str) -> bool:
    return any(name == m or name.startswith(m + ".") for m in EXCLUDED_MODULES)


#: imported by name (importlib) or by SQLAlchemy's URL: the hidden imports besides the program's own packages
#: (SQLAlchemy imports a dialect's driver by name when the first engine is made: pg8000 must be named here)
HIDDEN_IMPORTS = [
    "sqlalchemy.dialects.sqlite",
    "sqlalchemy.dialects.postgresql.pg8000",
    "pg8000",
    "alembic.op",
]
#: what the program's own code must not import, because the bundle leaves it out (checked by a test)
NEVER_IMPORTED = (
    "sqlalchemy.orm",
    "sqlalchemy.ext.asyncio",
    "psycopg",
    "reportlab.platypus",
    "reportlab.graphics",
)
#: packages imported whole (the command modules and the window are imported by name; Alembic's by its config)
COLLECTED_PACKAGES = ["model", "gui", "cli", "alembic.ddl", "alembic.runtime"]


# --- data files -----------------------------------------------------------------------------------------------
#: files of libraries that must be in the bundle as files, (package, path in it): python-docx opens its
#: templates as ``docx/parts/../templates/…``, and Linux resolves such a path folder by folder — the
#: ``parts`` folder (whose modules are in the archive) must exist
LIBRARY_FILES = [("docx", "parts/__init__.py")]


def library_datas(site: Path) -> list[tuple[str, str]]:
    """(source file, destination folder) of :data:`LIBRARY_FILES`, from the folder the packages are in."""
    out = []
    for package, rel in LIBRARY_FILES:
        src = site / package / rel
        if src.is_file():
            out.append((str(src), str(PurePosixPath(package) / PurePosixPath(rel).parent)))
    return out


#: the shipped faces whose Windows equal every Chinese Windows has (model/output/fonts.py prefers those, and
#: accepts a missing shipped face only when its Windows equal is there — the same table,
#: ``fonts._WINDOWS_BUNDLE_LEAVES_OUT``, a test keeps them equal): left out of the Windows bundle with their
#: metrics. Noto Serif CJK SC Bold stays: 方正小标宋 (the title) is no Windows face.
FONTS_WINDOWS_HAS = {
    "zhuque-fangsong-gb2312.ttf": "simfang.ttf",
    "lxgw-wenkai-gb2312.ttf": "simkai.ttf",
    "wqy-microhei.ttf": "simhei.ttf",
    "uming-cn.ttf": "simsun.ttc",
}


def _left_out_on_windows(path: Path) -> bool:
    stems = {Path(n).stem for n in FONTS_WINDOWS_HAS}
    return path.name in FONTS_WINDOWS_HAS or (
        path.parent.name == "metrics" and path.stem.rsplit("-", 1)[0] in stems
    )


def program_datas(root: Path = ROOT, *, windows: bool = False) -> list[tuple[str, str]]:
    """(source file, destination folder) of the program's own data: resources/ (fonts and their licences,
    icons) and the Alembic migrations, which Alembic reads as files. ``windows``: without the faces
    Windows has (:data:`FONTS_WINDOWS_HAS`)."""

    def files(folder: Path, dest: str) -> list[tuple[str, str]]:
        out = []
        if folder.is_dir():
            for path in sorted(folder.rglob("*")):
                if path.is_file() and "__pycache__" not in path.parts and path.suffix not in (".pyc", ".py"):
                    out.append(
                        (str(path), str(PurePosixPath(dest) / path.parent.relative_to(folder).as_posix()))
                    )
        return out

    datas = files(root / "resources", "resources")
    if windows:
        datas = [(src, dest) for src, dest in datas if not _left_out_on_windows(Path(src))]
    migrations = root / "model" / "store" / "migrations"
    for path in sorted(migrations.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            rel = path.parent.relative_to(root).as_posix()
            datas.append((str(path), rel))
    for extra in ("LICENSE", "LICENSE.txt", "README.md"):
        if (root / extra).is_file():
            datas.append((str(root / extra), "."))
    return datas
