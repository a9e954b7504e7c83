"""The Windows build and its Linux twin: what the code imports from Qt, the self-test, and the built folder.

The tests of the built folder need ``python packaging/build.py`` first (``dist/nianbao/``, or the folder named
by ``NIANBAO_BUNDLE``); without one they skip — unless ``NIANBAO_REQUIRE_BUNDLE=1`` (CI's build step sets it),
where a missing build fails.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGING = ROOT / "packaging"


def _load(name: str, path: Path):
    # packaging/ is no package (``packaging`` is a well-known library's name): load its modules by path
    spec = importlib.util.spec_from_file_location(f"nianbao_packaging_{name}", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


qtmodules = _load("qtmodules", PACKAGING / "qtmodules.py")
build = _load("build", PACKAGING / "build.py")
icudata = _load("icudata", PACKAGING / "icudata.py")


def _env(**extra: str) -> dict[str, str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONIOENCODING="utf-8", **extra)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    return env


# --- the bundle's weight: ICU data, fonts -------------------------------------------------------------------


def _wheel_icudata() -> Path:
    import PySide6

    found = sorted((Path(PySide6.__file__).parent / "Qt" / "lib").glob("libicudata.so.*"))
    if not found:
        pytest.skip("this PySide6 wheel carries no ICU (Windows and macOS use the system's)")
    return found[0]


def test_icu_items_kept_and_left_out():
    k = icudata.kept
    for name in (
        "zh.res",
        "zh_Hans_CN.res",
        "root.res",
        "en_US.res",
        "coll/zh.res",
        "coll/ucadata.icu",
        "curr/pool.res",
        "cnvalias.icu",
        "nfkc.nrm",
        "supplementalData.res",
        "zoneinfo64.res",
        "brkitr/line.brk",
    ):
        assert k(f"icudt73l/{name}", 1000), name
    assert k("icudt73l/gb18030.cnv", 232_816) and k("icudt73l/windows-1252-2000.cnv", 3_000)
    for name in ("fr.res", "ja_JP.res", "ars.res", "coll/de_.res", "lang/ko.res", "translit/root.res"):
        assert not k(f"icudt73l/{name}", 1000), name
    assert not k("icudt73l/brkitr/cjdict.dict", 2_000_000)
    assert not k("icudt73l/ibm-943_P15A-2003.cnv", 90_000)  # Shift_JIS: a large non-Chinese table


def test_icu_package_round_trip_and_reduction():
    data = _wheel_icudata().read_bytes()
    _name, offset, size = icudata._elf_symbol(data)
    blob = data[offset : offset + size]
    header, items = icudata.read_package(blob)
    assert len(items) > 1000 and [n for n, _ in items] == sorted(n for n, _ in items)
    again = icudata.read_package(icudata.write_package(header, items))
    assert again == (header, items)
    symbol, reduced, original = icudata.reduced_package(_wheel_icudata())
    assert symbol.startswith(b"icudt") and original == size
    assert len(reduced) < size / 3
    kept_names = [n for n, _ in icudata.read_package(reduced)[1]]
    assert kept_names == sorted(kept_names)  # ICU looks items up by binary search


def test_shipped_faces_print_gbk_and_rare_characters():
    """The shipped faces (resources/fonts/make_fonts.py) together still print all of GBK and the
    rarer characters the full face had (㛃, CJK Ext. A)."""
    code = (
        "from model.output import fonts\n"
        "gbk = ''.join(c for c in (bytes([h, l]).decode('gbk', 'ignore') for h in range(0x81, 0xFF)"
        " for l in range(0x40, 0xFF)) if c.isprintable())\n"
        "print(repr(''.join(fonts.unprintable(gbk + '喆堃㛃'))))\n"
        "print(fonts.faces()['fang'][0].label)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code],
        env=_env(NIANBAO_BUNDLED_FONTS="1"),
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    missing, face = proc.stdout.splitlines()[-2:]
    assert missing == "''", missing
    if sys.platform != "win32":
        assert face == "Zhuque Fangsong"  # 朱雀仿宋, the bundled body face


# --- what the code imports ------------------------------------------------------------------------------------


def test_the_scanner_finds_every_form_of_qt_import():
    source = (
        "import PySide6.QtPdf as pdf\n"
        "from PySide6 import QtCore, QtSvg\n"
        "from PySide6.QtWidgets import QWidget\n"
        "import importlib\n"
        "def f():\n"
        "    from PySide6.QtPrintSupport import QPrinter\n"
        "    return importlib.import_module('PySide6.QtMultimedia')\n"
        "import PySide6\n"
        "import shiboken6\n"
    )
    assert qtmodules.imports_in(source) == {
        "QtPdf",
        "QtCore",
        "QtSvg",
        "QtWidgets",
        "QtPrintSupport",
        "QtMultimedia",
    }


def test_needed_includes_qt_dependencies():
    assert qtmodules.closure({"QtSvgWidgets"}) >= {"QtSvgWidgets", "QtSvg", "QtWidgets", "QtGui", "QtCore"}
    assert qtmodules.needed(ROOT) >= {"QtCore", "QtGui", "QtWidgets", "QtPrintSupport"}


def test_the_program_imports_only_modules_of_pyside6_essentials():
    used = qtmodules.imported(ROOT)
    assert "QtWidgets" in used, "the scanner found no Qt import at all: is it looking in the right place?"
    addons = {m: files for m, files in used.items() if m not in qtmodules.ESSENTIALS}
    assert not addons, f"modules of the PySide6-Addons wheel imported: {addons}"
    # and none of the large ones the bundle leaves out
    large = {m: files for m, files in used.items() if m in qtmodules.LARGE}
    assert not large, (
        f"a large Qt module is imported; the bundle and its budget must be reconsidered: {large}"
    )


def test_essentials_list_matches_the_installed_wheel():
    import PySide6

    listing = Path(PySide6.__file__).parent / "PySide6_Essentials.json"
    if not listing.is_file():
        pytest.skip("this PySide6 installation has no PySide6_Essentials.json")
    import json

    installed = {f"Qt{name}" for name in json.loads(listing.read_text(encoding="utf-8"))}
    assert installed <= qtmodules.ESSENTIALS | {"QtQmlFeatures"}, installed - qtmodules.ESSENTIALS


def test_dependency_is_pyside6_essentials_not_the_meta_package():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    names = [re.split(r"[<>=!~\[; ]", d, maxsplit=1)[0].lower() for d in project["dependencies"]]
    assert "pyside6-essentials" in names
    assert "pyside6" not in names and "pyside6-addons" not in names


# --- build files ----------------------------------------------------------------------------------------------


def test_version_info_and_installer_carry_the_project_version():
    build.check_version_info()  # raises SystemExit with a message when they differ
    version = build.project_version()
    # PyInstaller eval()s the file with its VSVersionInfo classes (importable on Windows only): mock them
    text = (PACKAGING / "version_info.txt").read_text(encoding="utf-8")
    names = set(re.findall(r"\b([A-Z]\w+)\(", text))
    calls: list[tuple] = []

    def recorder(name: str):
        def call(*args, **kwargs):
            calls.append((name, args, kwargs))
            return name, args, kwargs

        return call

    namespace = {n: recorder(n) for n in names}
    eval(compile(text, "version_info.txt", "eval"), namespace)
    strings = {a[0]: a[1] for n, a, _k in calls if n == "StringStruct"}
    assert strings["ProductVersion"] == version and strings["ProductName"] == "年报"
    assert strings["OriginalFilename"] == "nianbao.exe"
    raw = (PACKAGING / "nianbao.iss").read_bytes()
    assert raw.startswith(
        b"\xef\xbb\xbf"
    )  # Inno Setup reads a UTF-8 script with Chinese text only with a BOM
    iss = raw.decode("utf-8-sig")
    assert f'#define AppVersion "{version}"' in iss
    assert "PrivilegesRequired=lowest" in iss


def test_self_test_without_a_console_writes_its_lines_to_a_log(tmp_path, monkeypatch):
    """A windowed build on Windows has no sys.stdout/sys.stderr: the self-test's lines go to a log file."""
    from gui import selftest

    monkeypatch.setattr(selftest.tempfile, "gettempdir", lambda: str(tmp_path))
    monkeypatch.setattr(selftest.sys, "stdout", None)
    monkeypatch.setattr(selftest.sys, "stderr", None)
    selftest._say("自检失败：示例")
    assert (tmp_path / selftest.LOG_NAME).read_text(encoding="utf-8") == "自检失败：示例\n"


def test_spec_is_one_folder_and_windowed():
    spec = (PACKAGING / "nianbao.spec").read_text(encoding="utf-8")
    assert "COLLECT(" in spec and "exclude_binaries=True" in spec  # one folder, not --onefile
    assert "console=False" in spec
    assert "nianbao.ico" in spec and "version_info.txt" in spec
    compile(spec, "nianbao.spec", "exec")


def test_icon_has_every_windows_size():
    from PIL import Image

    with Image.open(ROOT / "resources" / "icons" / "nianbao.ico") as ico:
        assert {(16, 16), (32, 32), (48, 48), (256, 256)} <= set(ico.info["sizes"])
    with Image.open(ROOT / "resources" / "icons" / "nianbao.png") as png:
        assert png.size == (256, 256)
        r, g, b, a = png.getpixel((128, 20))  # the seal's red border
        assert r > 150 and g < 80 and b < 80 and a == 255


# --- the self-test --------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_self_test_passes():
    proc = subprocess.run(
        [sys.executable, "main.py", "--self-test"],
        cwd=ROOT,
        env=_env(),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=180,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for step in ("主窗口打开报告", "核对报告", "导出 PDF/A", "签章", "验证签名", "渲染页面"):
        assert f"自检：{step}" in proc.stdout
    assert "自检通过" in proc.stdout


@pytest.mark.slow
def test_self_test_fails_with_a_message_when_a_step_fails():
    code = (
        "import sys, model.rules\n"
        "from model.findings import Finding, Severity\n"
        "model.rules.check = lambda *a, **k: [Finding('injected', Severity.ERROR, (), '注入的错误')]\n"
        "from gui.selftest import run_self_test\n"
        "sys.exit(run_self_test())\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=_env(),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=180,
    )
    assert proc.returncode == 1
    assert "自检失败：核对报告：示例报告被判有错：注入的错误" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert "导出 PDF/A" not in proc.stdout  # it stops at the first failure


# --- the built folder -----------------------------------------------------------------------------------------


def _bundle() -> Path:
    from bench.bundle import bundle_dir

    folder = bundle_dir()
    if not (folder / "_internal").is_dir():
        if os.environ.get("NIANBAO_REQUIRE_BUNDLE") == "1":
            pytest.fail(f"no build at {folder} although NIANBAO_REQUIRE_BUNDLE=1")
        pytest.skip(
            f"no build at {folder}: run `python packaging/build.py` (CI does, in a step after the tests)"
        )
    return folder


@pytest.fixture(scope="module")
def bundle() -> Path:
    return _bundle()


def _qt_root(bundle: Path) -> Path:
    return bundle / "_internal" / "PySide6"


def _binding(bundle: Path, module: str) -> list[Path]:
    return [p for p in _qt_root(bundle).glob(f"{module}.*") if p.suffix in (".so", ".pyd")]


def _qt_library(bundle: Path, stem: str) -> list[Path]:
    return [
        p
        for p in (bundle / "_internal").rglob(f"*Qt6{stem}.*")
        if re.fullmatch(rf"(lib)?Qt6{stem}(\.so(\.\d+)*|\.dll)", p.name)
    ]


def test_bundle_has_every_qt_module_the_code_needs(bundle):
    missing = [m for m in sorted(qtmodules.needed(ROOT)) if not _binding(bundle, m)]
    assert not missing, f"Qt modules the code imports but the bundle lacks: {missing}"
    for m in qtmodules.needed(ROOT):
        assert _qt_library(bundle, m[2:]), f"the Qt library of {m} is missing"


def test_bundle_leaves_out_large_unused_qt(bundle):
    needed = qtmodules.needed(ROOT)
    present = [
        m
        for m, stem in qtmodules.LARGE.items()
        if m not in needed and (_binding(bundle, m) or _qt_library(bundle, stem))
    ]
    assert not present, f"unused Qt modules in the bundle: {present}"
    assert not list(_qt_root(bundle).rglob("qml")), "Qt's QML folder is in the bundle"
    web = [p.name for p in (bundle / "_internal").rglob("*WebEngine*")]
    assert not web, web


def test_bundle_has_plugins_translations_fonts_and_migrations(bundle):
    plugins = next(_qt_root(bundle).rglob("plugins"), None)
    assert plugins is not None
    platforms = {re.sub(r"^lib|\.(so|dll)$", "", p.name) for p in (plugins / "platforms").iterdir()}
    assert "qoffscreen" in platforms and ({"qxcb", "qwindows", "qcocoa"} & platforms), platforms
    # Windows printing is built into Qt6PrintSupport.dll; elsewhere it is a plugin
    if sys.platform != "win32":
        assert any((plugins / "printsupport").iterdir())
    formats = {re.sub(r"^lib|\.(so|dll)$", "", p.name) for p in (plugins / "imageformats").iterdir()}
    assert {"qjpeg", "qico"} <= formats, formats
    qms = sorted(p.name for p in _qt_root(bundle).rglob("*.qm"))
    assert "qtbase_zh_CN.qm" in qms, qms
    assert all("_zh_CN" in name for name in qms), qms
    internal = bundle / "_internal"
    fonts = ROOT / "resources" / "fonts"
    shipped = [p for p in fonts.iterdir() if p.suffix.lower() in (".ttf", ".ttc", ".otf", ".txt")]
    for font in shipped:
        assert (internal / "resources" / "fonts" / font.name).is_file(), font.name
    assert any("LICENSE" in p.name.upper() or "COPYRIGHT" in p.name.upper() for p in shipped)
    migrations = ROOT / "model" / "store" / "migrations"
    for script in [migrations / "env.py", *(migrations / "versions").glob("*.py")]:
        rel = script.relative_to(ROOT)
        assert (internal / rel).is_file(), f"{rel} is not in the bundle (Alembic reads it as a file)"


def test_bundle_leaves_out_the_desktops_libraries_but_not_pythons(bundle):
    if not sys.platform.startswith("linux"):
        pytest.skip("only Linux builds pick up the build machine's system libraries")
    top = {p.name for p in (bundle / "_internal").iterdir() if ".so" in p.name}
    desktop = {"libstdc++.so.6", "libX11.so.6", "libglib-2.0.so.0", "libfontconfig.so.1", "libcups.so.2"}
    assert not desktop & top, sorted(desktop & top)
    # (the wheels' own copies carry a hash in their names: libxcb-9065bb12.so.1.1.0 of pillow stays)
    system = re.compile(r"lib(?:xcb(?:-[a-z-]+)?|gnutls|krb5|dbus-1|xkbcommon)\.so(?:\.\d+)*")
    assert not [n for n in top if system.fullmatch(n)]
    # what the Python runtime's own modules link stays (OpenSSL, SQLite)
    assert {"libcrypto.so.3", "libsqlite3.so.0"} <= top or not (bundle / "_internal" / "python3.11").is_dir()


def test_bundle_carries_the_reduced_icu_data(bundle):
    """Linux: Qt's ICU data without other languages' locale data (packaging/icudata.py) — when the build
    machine had a C compiler, which CI's has."""
    found = list((bundle / "_internal").rglob("libicudata.so.*"))
    if not found:
        pytest.skip("no ICU in this build (Windows and macOS Qt use the system's)")
    if not (shutil.which("cc") or shutil.which("gcc")):
        pytest.skip("no C compiler here: the build keeps the full ICU data")
    assert found[0].stat().st_size < 12_000_000, found[0].stat().st_size
    _name, offset, size = icudata._elf_symbol(found[0].read_bytes())
    _header, items = icudata.read_package(found[0].read_bytes()[offset : offset + size])
    names = {n.split("/", 1)[1] for n, _ in items}
    assert {
        "coll/zh.res",
        "coll/ucadata.icu",
        "zh.res",
        "zh_Hans_CN.res",
        "gb18030.cnv",
        "cnvalias.icu",
    } <= names
    assert "fr.res" not in names and "coll/ja.res" not in names


def test_bundle_size_is_reported(bundle):
    from bench.bundle import run

    result = run()
    assert result["bundle_mb"] and result["bundle_mb"] > 20
    assert "qt" in result["bundle_largest_parts_mb"]


def test_frozen_program_passes_its_self_test(bundle):
    exe = build.executable(bundle)
    proc = subprocess.run(
        [str(exe), "--self-test"],
        env=dict(os.environ, QT_QPA_PLATFORM="offscreen"),
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "自检通过" in proc.stdout


def test_frozen_command_line_imports_checks_and_exports(bundle, tmp_path):
    """The sub-commands are imported by name (cli.main.COMMAND_MODULES): each must be in the bundle."""
    exe = str(build.executable(bundle))

    def nianbao(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [exe, *args],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=120,
        )

    help_text = nianbao("--help").stdout
    for command in ("import", "check", "store", "export", "verify"):
        assert f"    {command} " in help_text, f"sub-command {command} missing from the frozen program"
    sample = ROOT / "tests" / "fixtures" / "store_sample_2024.nianbao.json"
    published = ROOT / "tests" / "fixtures" / "000_e8e20449add4641b.txt"
    imported = nianbao("import", str(published))
    assert imported.returncode == 0, imported.stderr
    assert '"gov-info-disclosure-annual-report"' in imported.stdout
    exported = nianbao("export", str(sample), "-o", "样本.pdf", "--html", "样本.html")
    assert exported.returncode == 0, exported.stderr
    assert (tmp_path / "样本.pdf").read_bytes().startswith(b"%PDF")
    back = nianbao("import", "样本.html")  # lxml.html in the frozen program
    assert back.returncode == 0, back.stderr
    checked = nianbao("check", str(sample))
    assert checked.returncode in (0, 1), checked.stderr  # 1: findings with errors; 2 would be unreadable
    assert '"findings"' in checked.stdout
