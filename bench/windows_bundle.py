"""The Windows one-folder bundle, laid out and checked here, without Windows: ``python -m bench --only
windows_bundle``.

1. Downloads the win_amd64 / CPython 3.11 wheels of the runtime dependencies (``pip download --platform
   win_amd64 --python-version 3.11 --only-binary=:all:``, the versions installed here where there are some, so
   the layout matches the Linux build) and PyInstaller's Windows wheel (for its bootloaders), into a cache
   (``NIANBAO_WHEEL_CACHE``, default ``~/.cache/nianbao/windows-wheels``); a second run downloads nothing.
2. Lays out ``build/windows-layout/nianbao/`` as PyInstaller would on Windows, with the *same* rules the spec
   uses (``packaging/bundle_rules.py``): the modules the program imports (followed from ``main.py`` with
   ``modulefinder``, excluded modules left out), their extension modules, the DLLs those import (followed
   through their PE import tables, as PyInstaller's dependency analysis does), the Qt plugins and translations
   kept, the data files PyInstaller's hooks collect, the program's own resources and migrations, the two
   programs (``nianbao.exe`` windowed, ``nianbao-cli.exe`` console: PyInstaller's bootloaders, each carrying
   the compiled Python code).
3. Walks every PE file's imports (``pefile``) and reports those that are neither shipped nor Windows' own
   (system DLLs, API sets): ``windows_missing_dlls`` must be ``[]``.

What it cannot see: the Python runtime (python311.dll, the DLLs\\ folder of python.org's installer) is not on
PyPI; it is counted from a table (names, sizes of 3.11.9, what each links) and not walked. Nothing here
proves the program *runs* on Windows — see packaging/README.md.

Budget (issue 11): ≤ 120 MB (decimal megabytes) on disk, 4 KiB clusters.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import io
import marshal
import modulefinder
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
import zlib
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

ROOT = Path(__file__).resolve().parents[1]
BUDGET_MB = 120.0
MB = 1000 * 1000
CLUSTER = 4096
LAYOUT = ROOT / "build" / "windows-layout" / "nianbao"
PYTHON_TAG = "cp311"


def _load(name: str):
    path = ROOT / "packaging" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"nianbao_packaging_{name}", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


rules = _load("bundle_rules")
qtmodules = _load("qtmodules")


def cache_dir() -> Path:
    env = os.environ.get("NIANBAO_WHEEL_CACHE")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "nianbao" / "windows-wheels"


# --- 1. the wheels --------------------------------------------------------------------------------------------
def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[; ]", requirement.strip(), maxsplit=1)[0]


def requirements() -> list[str]:
    """pyproject.toml's runtime dependencies, pinned to the version installed here when there is one."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    out = []
    for dep in project["dependencies"]:
        dep = dep.split(";", 1)[0].strip()
        name = _name(dep)
        try:
            version = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            out.append(dep)
            continue
        extras = re.search(r"\[[^\]]*\]", dep)
        out.append(f"{name}{extras.group(0) if extras else ''}=={version}")
    return out


def _pip(args: list[str]) -> None:
    cmd = [sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check"]
    cmd += ["--platform", "win_amd64", "--python-version", "3.11", "--implementation", "cp"]
    cmd += ["--only-binary=:all:", *args]
    proc = subprocess.run(cmd, capture_output=True, text=True, encoding="utf-8", errors="replace")
    if proc.returncode != 0:
        raise RuntimeError(f"pip download failed: {proc.stderr.strip()[-1500:]}")


def download(cache: Path | None = None) -> Path:
    """The folder of wheels for these requirements (downloaded once; a marker names what it holds)."""
    cache = cache or cache_dir()
    reqs = requirements()
    try:
        pyinstaller = f"pyinstaller=={importlib.metadata.version('pyinstaller')}"
    except importlib.metadata.PackageNotFoundError:
        pyinstaller = "pyinstaller>=6.5"
    key = hashlib.sha256("\n".join([*reqs, pyinstaller]).encode()).hexdigest()[:16]
    folder = cache / key
    if (folder / "complete").is_file():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    # the same file is downloaded once for every key that needs it: pip finds it in --find-links
    links = [f"--find-links={d}" for d in cache.iterdir() if d.is_dir() and d != folder]
    _pip(["-d", str(folder), *links, *reqs])
    _pip(["-d", str(folder), "--no-deps", pyinstaller])
    (folder / "complete").write_text("\n".join([*reqs, pyinstaller]) + "\n", encoding="utf-8")
    return folder


def extract(wheels: Path) -> Path:
    """The wheels unpacked into one site-packages folder (once)."""
    site = wheels / "site-packages"
    if (site / ".complete").is_file():
        return site
    if site.exists():
        shutil.rmtree(site)
    site.mkdir()
    for wheel in sorted(wheels.glob("*.whl")):
        with zipfile.ZipFile(wheel) as z:
            for info in z.infolist():
                name = info.filename
                # what no bundle takes: Qt's tools and QML, headers, PyInstaller's own Python code
                if (
                    name.endswith((".exe", ".lib", ".h", ".pyi"))
                    and "bootloader/Windows-64bit-intel/run" not in name
                ):
                    continue
                if name.startswith("PySide6/qml/") or "/include/" in name:
                    continue
                z.extract(info, site)
    (site / ".complete").write_text("", encoding="utf-8")
    return site


# --- 2. the layout --------------------------------------------------------------------------------------------
#: CPython 3.11 for Windows (python.org's amd64 installer, 3.11.9): what PyInstaller takes from the build
#: machine's Python — name → (bytes, DLLs it links besides Windows' own). Not on PyPI, so not walked.
PYTHON_RUNTIME = {
    "python311.dll": (5_785_000, ["vcruntime140.dll"]),
    "python3.dll": (67_000, ["python311.dll"]),
    "vcruntime140.dll": (109_000, []),
    "vcruntime140_1.dll": (49_000, ["vcruntime140.dll"]),
}
#: the extension modules of the standard library (DLLs\\ folder): module → (file, bytes, DLLs it links)
PYTHON_EXTENSIONS = {
    "_asyncio": ("_asyncio.pyd", 65_000, []),
    "_bz2": ("_bz2.pyd", 86_000, []),
    "_ctypes": ("_ctypes.pyd", 130_000, ["libffi-8.dll"]),
    "_decimal": ("_decimal.pyd", 266_000, []),
    "_elementtree": ("_elementtree.pyd", 131_000, []),
    "_hashlib": ("_hashlib.pyd", 64_000, ["libcrypto-3.dll"]),
    "_lzma": ("_lzma.pyd", 160_000, []),
    "_multiprocessing": ("_multiprocessing.pyd", 33_000, []),
    "_overlapped": ("_overlapped.pyd", 50_000, []),
    "_queue": ("_queue.pyd", 31_000, []),
    "_socket": ("_socket.pyd", 81_000, []),
    "_sqlite3": ("_sqlite3.pyd", 91_000, ["sqlite3.dll"]),
    "_ssl": ("_ssl.pyd", 179_000, ["libssl-3.dll", "libcrypto-3.dll"]),
    "_uuid": ("_uuid.pyd", 25_000, []),
    "_wmi": ("_wmi.pyd", 37_000, []),
    "_zoneinfo": ("_zoneinfo.pyd", 44_000, []),
    "pyexpat": ("pyexpat.pyd", 196_000, []),
    "select": ("select.pyd", 30_000, []),
    "unicodedata": ("unicodedata.pyd", 1_121_000, []),
}
PYTHON_EXTENSION_DLLS = {
    "libffi-8.dll": 39_000,
    "libcrypto-3.dll": 5_100_000,
    "libssl-3.dll": 780_000,
    "sqlite3.dll": 1_550_000,
}
#: built into python311.dll on Windows (no file): imports of these are found, not missing
WINDOWS_BUILTINS = {
    "nt",
    "winreg",
    "msvcrt",
    "_winapi",
    "_codecs_cn",
    "_codecs_hk",
    "_codecs_tw",
    "_codecs_jp",
    "_codecs_kr",
    "_codecs_iso2022",
    "_multibytecodec",
    "_opcode",
    "_lsprof",
    "_json",
    "_pickle",
    "_datetime",
    "_random",
    "_bisect",
    "_heapq",
    "_sha1",
    "_sha256",
    "_sha512",
    "_sha3",
    "_md5",
    "_blake2",
    "_struct",
    "_csv",
    "_contextvars",
    "_statistics",
    "_posixsubprocess",
    "array",
    "audioop",
    "binascii",
    "cmath",
    "math",
    "mmap",
    "zlib",
    "_zoneinfo_builtin",
}

#: data files PyInstaller's hooks collect (``collect_data_files``/``collect_dynamic_libs``), by package —
#: they are PyInstaller's decisions, not ours, mirrored here
HOOK_DATA = ("certifi", "dateutil", "docx", "pypdfium2", "pypdfium2_raw", "tzdata")
#: loaded with ctypes (no import table names them): collected whole by their hooks
HOOK_BINARIES = ("pypdfium2_raw",)
#: the hidden imports of PyInstaller's hooks for the libraries used (``pkg.*``: every submodule), mirrored
HOOK_HIDDEN_IMPORTS = (
    "lxml.*",  # hook-lxml: collect_submodules("lxml")
    "lxml._elementpath",
    "_cffi_backend",  # hook-cryptography
    "cryptography.hazmat.backends.*",
    "cryptography.hazmat.bindings.openssl.*",
    "tzdata.*",  # hook-tzdata (and hook-zoneinfo on Windows)
    "reportlab.rl_settings",  # hook-reportlab.lib.utils
    "reportlab.pdfbase.*",  # hook-reportlab.pdfbase._fontdata (its _fontdata_* modules)
    "sqlalchemy.ext.baked",  # hook-sqlalchemy
    "sqlalchemy.sql.default_comparator",
)

#: Windows' own DLLs (System32 of Windows 10 1809 and later) that the shipped files import
WINDOWS_DLLS = {
    n.lower()
    for n in (
        "kernel32 kernelbase ntdll bcryptprimitives user32 gdi32 gdiplus advapi32 shell32 shlwapi ole32 oleaut32 combase comdlg32 "
        "comctl32 winspool.drv ws2_32 wsock32 mswsock iphlpapi dnsapi netapi32 userenv uxtheme dwmapi imm32 "
        "winmm version setupapi cfgmgr32 crypt32 bcrypt ncrypt secur32 sspicli rpcrt4 msvcrt ucrtbase d3d9 "
        "d3d11 d3d12 dxgi dcomp d2d1 dwrite opengl32 glu32 mpr authz wtsapi32 psapi dbghelp winhttp wininet "
        "normaliz shcore propsys uiautomationcore oleacc usp10 powrprof wintrust msimg32 urlmon credui "
        "d3dcompiler_47 dxva2 wldap32 hid winusb mfplat mf mfreadwrite evr icu icuuc icuin"
    ).split()
}
_API_SET = re.compile(r"^(api|ext)-ms-win-", re.I)


class _Finder(modulefinder.ModuleFinder):
    """modulefinder over the Windows wheels: finds ``.pyd`` extension modules (the running Python only knows
    its own ``.so`` suffixes) and leaves out what the rules exclude."""

    def __init__(self, path: list[str], excluded: set[str]) -> None:
        super().__init__(path=path)
        self.excluded_qt = excluded
        self.stdlib_extensions: set[str] = set()

    def find_module(self, name, path, parent=None):
        fullname = f"{parent.__name__}.{name}" if parent is not None else name
        if rules.module_excluded(fullname) or fullname in self.excluded_qt:
            raise ImportError(name)
        if path is None:
            if name in PYTHON_EXTENSIONS:
                self.stdlib_extensions.add(name)
                return None, f"<python>/{PYTHON_EXTENSIONS[name][0]}", ("", "", modulefinder._C_BUILTIN)
            if name in WINDOWS_BUILTINS or name in sys.builtin_module_names:
                return None, None, ("", "", modulefinder._C_BUILTIN)
            path = self.path
        for folder in path:  # in the import system's order: package, extension module, source
            base = Path(folder)
            if (base / name / "__init__.py").is_file():
                return None, str(base / name), ("", "", modulefinder._PKG_DIRECTORY)
            for suffix in (f".{PYTHON_TAG}-win_amd64.pyd", ".pyd"):
                ext = base / f"{name}{suffix}"
                if ext.is_file():
                    return None, str(ext), (suffix, "rb", modulefinder._C_EXTENSION)
            source = base / f"{name}.py"
            if source.is_file():
                return io.open_code(str(source)), str(source), (".py", "rb", modulefinder._PY_SOURCE)
        raise ImportError(name)


def _modules(site: Path) -> _Finder:
    stdlib = sysconfig.get_paths()["stdlib"]
    qt_excluded = {
        f"PySide6.{m}"
        for m in set(qtmodules.ESSENTIALS) | set(qtmodules.LARGE) | set(qtmodules.DEPENDS)
        if m not in qtmodules.needed(ROOT)
    }
    finder = _Finder([str(ROOT), str(site), stdlib], qt_excluded)
    finder.run_script(str(ROOT / "main.py"))
    hidden = list(rules.HIDDEN_IMPORTS) + [f"PySide6.{m}" for m in sorted(qtmodules.needed(ROOT))]
    packages = [
        (p, ROOT if p.split(".")[0] in ("model", "gui", "cli") else site) for p in rules.COLLECTED_PACKAGES
    ]
    for name in HOOK_HIDDEN_IMPORTS:
        if name.endswith(".*"):
            packages.append((name[:-2], site))
        else:
            hidden.append(name)
    for package, top in packages:
        folder = top.joinpath(*package.split("."))
        for path in sorted(folder.rglob("*.py")) + sorted(folder.rglob("*.pyd")):
            rel = path.relative_to(top)
            parts = [*rel.parts[:-1], path.name.split(".", 1)[0]]
            parts = parts[:-1] if parts[-1] == "__init__" else parts
            if "migrations" not in parts and "__pycache__" not in parts and "tests" not in parts:
                hidden.append(".".join(parts))
    for name in hidden:
        if rules.module_excluded(name):
            continue
        try:
            finder.import_hook(name)
        except ImportError:
            pass
    return finder


def _pyz_size(modules: Iterable[modulefinder.Module]) -> int:
    """What the PYZ archive in each program takes: every pure module compiled, zlib-compressed (level 6)."""
    total = 0
    for m in modules:
        code = getattr(m, "__code__", None)
        if code is not None:
            total += len(zlib.compress(marshal.dumps(code), 6)) + 64
    return total


def _pe_imports(path: Path) -> list[str]:
    import pefile

    try:
        pe = pefile.PE(str(path), fast_load=True)
    except pefile.PEFormatError:
        return []
    try:
        pe.parse_data_directories(
            directories=[
                pefile.DIRECTORY_ENTRY["IMAGE_DIRECTORY_ENTRY_IMPORT"],
                pefile.DIRECTORY_ENTRY["IMAGE_DIRECTORY_ENTRY_DELAY_IMPORT"],
            ]
        )
        names = [e.dll.decode("ascii", "replace") for e in getattr(pe, "DIRECTORY_ENTRY_IMPORT", [])]
        names += [e.dll.decode("ascii", "replace") for e in getattr(pe, "DIRECTORY_ENTRY_DELAY_IMPORT", [])]
        return names
    finally:
        pe.close()


def _on_disk(size: int) -> int:
    return -(-size // CLUSTER) * CLUSTER


class Layout:
    """The files of the Windows bundle: destination (POSIX, relative to ``_internal``) → source."""

    def __init__(self, site: Path) -> None:
        self.site = site
        self.files: dict[str, Path] = {}
        self.virtual: dict[str, tuple[int, list[str]]] = {}  # the Python runtime's files: size, links
        self.dropped: list[str] = []
        self.qt_libs = rules.qt_libs_needed(qtmodules.needed(ROOT))
        by_name: dict[str, list[Path]] = {}
        for path in site.rglob("*.dll"):
            by_name.setdefault(path.name.lower(), []).append(path)
        self.dlls = by_name

    def add(self, dest: str, src: Path) -> bool:
        if not rules.kept(dest, str(src), qt_libs=self.qt_libs, linux=False):
            self.dropped.append(dest)
            return False
        self.files[dest] = src
        return True

    def add_site_file(self, src: Path) -> bool:
        return self.add(src.relative_to(self.site).as_posix(), src)

    def resolve(self, name: str, importer: Path | None) -> str | None:
        """The destination of the DLL ``name`` an importer links, adding it (PyInstaller's search order: the
        importer's folder, then the packages' DLL folders); None when it is not shipped."""
        low = name.lower()
        for dest in list(self.files) + list(self.virtual):
            if PurePosixPath(dest).name.lower() == low:
                return dest
        candidates = self.dlls.get(low, [])
        if importer is not None:
            candidates = sorted(candidates, key=lambda p: p.parent != importer.parent)
        for src in candidates:
            if self.add_site_file(src):
                return src.relative_to(self.site).as_posix()
        if low in PYTHON_RUNTIME:
            self.virtual[low] = (PYTHON_RUNTIME[low][0], PYTHON_RUNTIME[low][1])
            return low
        if low in PYTHON_EXTENSION_DLLS:
            self.virtual[low] = (PYTHON_EXTENSION_DLLS[low], [])
            return low
        return None


def build_layout(site: Path) -> tuple[Layout, _Finder]:
    finder = _modules(site)
    layout = Layout(site)
    for m in finder.modules.values():
        file = getattr(m, "__file__", None) or ""
        if file.endswith(".pyd") and not file.startswith("<python>"):
            layout.add_site_file(Path(file))
    for name in finder.stdlib_extensions:
        file, size, links = PYTHON_EXTENSIONS[name]
        layout.virtual[file] = (size, links)
    for dll in ("python311.dll", "python3.dll", "vcruntime140.dll", "vcruntime140_1.dll"):
        layout.resolve(dll, None)
    # Qt: the plugins and translations the rules keep
    pyside = site / "PySide6"
    for path in sorted((pyside / "plugins").rglob("*.dll")):
        layout.add_site_file(path)
    for path in sorted((pyside / "translations").glob("*.qm")):
        layout.add_site_file(path)
    # the data (and ctypes-loaded DLLs) PyInstaller's hooks collect
    for package in HOOK_DATA + HOOK_BINARIES:
        folder = site / package
        for path in sorted(folder.rglob("*")) if folder.is_dir() else []:
            if (
                path.is_file()
                and path.suffix not in (".py", ".pyc", ".pyd", ".pyi")
                and "__pycache__" not in path.parts
            ):
                if path.suffix != ".dll" or package in HOOK_BINARIES:
                    layout.add_site_file(path)
    # the DLLs every shipped PE file links, followed to the end (PyInstaller's binary dependency analysis)
    done: set[str] = set()
    while True:
        todo = [d for d in layout.files if d not in done and d.lower().endswith((".dll", ".pyd"))]
        if not todo:
            break
        for dest in todo:
            done.add(dest)
            for name in _pe_imports(layout.files[dest]):
                layout.resolve(name, layout.files[dest])
    for _name, (_size, links) in list(layout.virtual.items()):
        for link in links:
            layout.resolve(link, None)
    return layout, finder


def write_layout(layout: Layout, finder: _Finder, out: Path = LAYOUT) -> dict[str, int]:
    """The bundle on disk (``build/windows-layout/nianbao/``), for the import walk and for signing; the
    Python runtime's files are named in ``_internal/PYTHON-RUNTIME.txt`` (not on PyPI). Returns the sizes of
    what cannot be written here (file → bytes on disk)."""
    if out.exists():
        shutil.rmtree(out)
    internal = out / "_internal"
    internal.mkdir(parents=True)
    for dest, src in layout.files.items():
        target = internal / dest
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, target)
    for src, dest in rules.program_datas(ROOT, windows=True) + rules.library_datas(layout.site):
        target = internal / dest / Path(src).name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, target)
    # the two programs: PyInstaller's bootloaders, with the icon; each carries the PKG with the PYZ
    boot = layout.site / "PyInstaller" / "bootloader" / "Windows-64bit-intel"
    icon = (ROOT / "resources" / "icons" / "nianbao.ico").stat().st_size
    virtual: dict[str, int] = {}
    for name, options in rules.PROGRAMS.items():
        loader = boot / ("run.exe" if options["console"] else "runw.exe")
        shutil.copyfile(loader, out / f"{name}.exe")
        if options["script"] == "main.py":
            pyz = _pyz_size(finder.modules.values())
        else:  # the launcher: its own small analysis, the standard library only
            launcher = _Finder([sysconfig.get_paths()["stdlib"]], {"PySide6", "model", "gui", "cli"})
            launcher.run_script(str(ROOT / options["script"]))
            pyz = _pyz_size(launcher.modules.values())
        virtual[f"{name}.exe (PKG: compiled Python code, icon, version resource)"] = pyz + icon + 4096
    lines = [f"{n}\t{size}" for n, (size, _links) in sorted(layout.virtual.items())]
    (internal / "PYTHON-RUNTIME.txt").write_text(
        "# CPython 3.11 for Windows (python.org): taken by PyInstaller from the build machine's Python\n"
        + "\n".join(lines)
        + "\n",
        encoding="utf-8",
    )
    for name, (size, _links) in layout.virtual.items():
        virtual[f"_internal/{name}"] = size
    return virtual


def missing_dlls(folder: Path, layout: Layout) -> dict[str, list[str]]:
    """Every import of every PE file in ``folder`` that is neither shipped nor Windows' own → its importers."""
    shipped = {p.name.lower() for p in folder.rglob("*") if p.is_file()} | set(layout.virtual)
    missing: dict[str, list[str]] = {}
    pes = [p for p in folder.rglob("*") if p.suffix.lower() in (".dll", ".pyd", ".exe")]
    for path in pes:
        for name in _pe_imports(path):
            low = name.lower()
            if low in shipped or _API_SET.match(low) or low.removesuffix(".dll") in WINDOWS_DLLS:
                continue
            missing.setdefault(name, []).append(path.relative_to(folder).as_posix())
    for name, (_size, links) in layout.virtual.items():
        for link in links:
            if link.lower() not in shipped:
                missing.setdefault(link, []).append(f"_internal/{name}")
    return missing


def _part(rel: str) -> str:
    low = rel.lower()
    name = low.rsplit("/", 1)[-1]
    if low.startswith("_internal/pyside6/plugins/"):
        return "qt_plugins"
    if low.startswith("_internal/pyside6/translations/"):
        return "qt_translations"
    if low.startswith(("_internal/pyside6/", "_internal/shiboken6/")):
        return "qt"
    if low.startswith("_internal/resources/fonts/"):
        return "fonts"
    if low.startswith("_internal/resources/"):
        return "resources"
    if ".exe" in name:
        return "programs_and_python_code"
    if low.startswith("_internal/") and "/" not in low[len("_internal/") :]:
        runtime = (
            {f for f, _s, _l in PYTHON_EXTENSIONS.values()} | set(PYTHON_RUNTIME) | set(PYTHON_EXTENSION_DLLS)
        )
        return "python_runtime" if name in runtime else "top_level_extension_modules"
    return low.split("/")[1]


def run() -> dict:
    wheels = download()
    site = extract(wheels)
    layout, finder = build_layout(site)
    virtual = write_layout(layout, finder)
    missing = missing_dlls(LAYOUT, layout)
    sizes: dict[str, int] = {}
    for path in LAYOUT.rglob("*"):
        if path.is_file() and path.name != "PYTHON-RUNTIME.txt":
            rel = path.relative_to(LAYOUT).as_posix()
            if rel.endswith(".exe"):
                continue  # counted with their PKG below
            sizes[rel] = _on_disk(path.stat().st_size)
    for name, size in virtual.items():
        sizes[name] = _on_disk(size) + (
            _on_disk((LAYOUT / name.split(" ")[0]).stat().st_size) if name.endswith(")") else 0
        )
    parts: dict[str, int] = {}
    for rel, size in sizes.items():
        key = _part(rel)
        parts[key] = parts.get(key, 0) + size
    total = sum(sizes.values())
    largest = sorted(sizes.items(), key=lambda kv: -kv[1])[:10]
    return {
        "windows_bundle_mb": round(total / MB, 1),
        "windows_bundle_budget_mb": BUDGET_MB,
        "windows_bundle_within_budget": total / MB <= BUDGET_MB,
        "windows_missing_dlls": sorted(missing),
        "windows_missing_dlls_importers": {k: sorted(v)[:5] for k, v in sorted(missing.items())},
        "windows_bundle_files": len(sizes),
        "windows_bundle_parts_mb": {
            k: round(v / MB, 2) for k, v in sorted(parts.items(), key=lambda kv: -kv[1])
        },
        "windows_bundle_largest_files_mb": {k: round(v / MB, 2) for k, v in largest},
        "windows_bundle_python_modules": sum(
            1 for m in finder.modules.values() if getattr(m, "__code__", None)
        ),
        "windows_bundle_dropped_by_rules": len(layout.dropped),
        "windows_bundle_layout": str(LAYOUT),
        "windows_bundle_wheels": sorted(p.name for p in wheels.glob("*.whl")),
        "windows_bundle_not_walked": "the Python runtime (python311.dll, DLLs\\*.pyd): counted from a table",
    }


if __name__ == "__main__":
    import json

    print(json.dumps(run(), ensure_ascii=False, indent=2))
