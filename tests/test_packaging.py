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
rules = _load("bundle_rules", PACKAGING / "bundle_rules.py")
signing = _load("sign", PACKAGING / "sign.py")
WINDOWS_LAYOUT = ROOT / "build" / "windows-layout" / "nianbao"
#: the JSON of ``python -m bench --only windows_bundle`` that CI writes before these tests
WINDOWS_BUNDLE_JSON = ROOT / "build" / "windows_bundle.json"


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
    # two programs from one build: the window without a console, the command line with one
    assert "console=console" in spec and '_program("nianbao", False, a, pyz)' in spec
    assert '_program("nianbao-cli", True, cli, ' in spec
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


def test_frozen_self_test_fails_on_a_bundle_without_the_platform_plugin(bundle, tmp_path):
    """Qt starts offscreen without it, but the clerk's window could not open: the self-test must say so."""
    copy = tmp_path / "nianbao"
    shutil.copytree(bundle, copy, symlinks=True)
    name = "qwindows.dll" if sys.platform == "win32" else "libqxcb.so"
    plugins = [p for p in (copy / "_internal").rglob(name) if p.parent.name == "platforms"]
    assert plugins, f"{name} is not in the build"
    for plugin in plugins:
        plugin.unlink()
    proc = subprocess.run(
        [str(build.executable(copy)), "--self-test"],
        env=dict(os.environ, QT_QPA_PLATFORM="offscreen"),
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        timeout=300,
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "自检失败：Qt 插件（平台、样式、打印）与打印机查询：缺少 Qt 平台插件" in proc.stderr, proc.stderr
    assert "自检通过" not in proc.stdout


def test_frozen_cli_program_passes_arguments_output_and_exit_status(bundle, tmp_path):
    """nianbao-cli (the console launcher) runs nianbao with its streams and returns its exit status."""
    suffix = ".exe" if sys.platform == "win32" else ""
    cli, exe = bundle / f"nianbao-cli{suffix}", build.executable(bundle)
    assert cli.is_file(), "the command-line program is missing from the build"

    def run(program: Path, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(program), *args],
            cwd=tmp_path,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=120,
        )

    sample = str(ROOT / "tests" / "fixtures" / "store_sample_2024.nianbao.json")
    through, direct = run(cli, "check", sample), run(exe, "check", sample)
    assert through.returncode == direct.returncode and through.returncode in (0, 1), through.stderr
    assert through.stdout == direct.stdout and '"findings"' in through.stdout
    missing = run(cli, "check", str(tmp_path / "没有这个文件.json"))
    assert missing.returncode == 2 and "错误" in missing.stderr and "Traceback" not in missing.stderr


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
    office = nianbao("export", str(sample), "--docx", "样本.docx", "--xlsx", "样本.xlsx")
    assert office.returncode == 0, office.stderr  # python-docx's templates, openpyxl
    assert (tmp_path / "样本.docx").read_bytes()[:2] == b"PK" and (tmp_path / "样本.xlsx").read_bytes()[
        :2
    ] == b"PK"
    back = nianbao("import", "样本.html")  # lxml.html in the frozen program
    assert back.returncode == 0, back.stderr
    # PostgreSQL: the driver SQLAlchemy imports by name is in the bundle (no server here: a connection error)
    server = nianbao("--db", "postgresql://nobody:x@127.0.0.1:1/none", "store", "list")
    assert server.returncode != 0 and "无法连接数据库服务器" in server.stderr, server.stderr
    assert "缺少驱动" not in server.stderr and "No module named" not in server.stderr
    checked = nianbao("check", str(sample))
    assert checked.returncode in (0, 1), checked.stderr  # 1: findings with errors; 2 would be unreadable
    assert '"findings"' in checked.stdout


# --- the rules, written once (packaging/bundle_rules.py) -----------------------------------------------------


def test_spec_and_windows_layout_read_the_same_rules():
    spec = (PACKAGING / "nianbao.spec").read_text(encoding="utf-8")
    assert "import bundle_rules as rules" in spec
    for name in (
        "rules.kept(",
        "rules.EXCLUDED_MODULES",
        "rules.HIDDEN_IMPORTS",
        "rules.program_datas(",
        "rules.PROGRAMS",
    ):
        assert name in spec, name
    # the spec keeps no rules of its own any more
    for old in (
        "PLUGINS_KEPT = {",
        "DESKTOP_LIBS = re.compile",
        'excludes = [f"PySide6.{m}" for m in QT_EXCLUDED] + [\n',
    ):
        assert old not in spec, old
    bench = (ROOT / "bench" / "windows_bundle.py").read_text(encoding="utf-8")
    assert '_load("bundle_rules")' in bench
    for name in (
        "rules.kept(",
        "rules.module_excluded(",
        "rules.HIDDEN_IMPORTS",
        "rules.program_datas(",
        "rules.PROGRAMS",
    ):
        assert name in bench, name


def test_rules_levers():
    qt = rules.qt_libs_needed(qtmodules.needed(ROOT))
    kept = lambda dest, src="": rules.kept(dest, src, qt_libs=qt, linux=False)  # noqa: E731
    assert kept("PySide6/plugins/platforms/qwindows.dll")
    assert kept("PySide6/Qt/plugins/platforms/libqxcb.so")
    for dropped in (
        "PySide6/plugins/platforms/qdirect2d.dll",
        "PySide6/plugins/platforms/qminimal.dll",
        "PySide6/plugins/iconengines/qsvgicon.dll",
        "PySide6/plugins/imageformats/qsvg.dll",
        "PySide6/plugins/imageformats/qwebp.dll",
        "PySide6/opengl32sw.dll",
        "PySide6/Qt6Svg.dll",
        "PySide6/Qt6Quick.dll",
        "PySide6/translations/qtbase_de.qm",
    ):
        assert not kept(dropped), dropped
    assert kept("PySide6/translations/qtbase_zh_CN.qm") and kept("PySide6/Qt6PrintSupport.dll")
    for module in (
        "psycopg",
        "psycopg_binary.pq",
        "sqlalchemy.dialects.mssql.base",
        "PIL._webp",
        "PIL.ImageTk",
        "reportlab.graphics.charts",
        "fontTools.ttLib",
        "unittest.mock",
    ):
        assert rules.module_excluded(module), module
    for module in (
        "sqlalchemy.dialects.postgresql.pg8000",
        "sqlalchemy.dialects.sqlite",
        "PIL.Image",
        "reportlab.pdfgen.canvas",
        "pg8000",
        "cli.main",
        "unittests",
    ):
        assert not rules.module_excluded(module), module
    # the hidden imports are never excluded ones
    assert not [m for m in rules.HIDDEN_IMPORTS if rules.module_excluded(m)]
    # Linux: the desktop's own libraries only when PyInstaller found them in a system folder
    assert rules.desktop_library("libxcb.so.1", "/usr/lib/x86_64-linux-gnu/libxcb.so.1", linux=True)
    assert not rules.desktop_library(
        "libxcb-9065bb12.so.1.1.0", "/venv/pillow.libs/libxcb-9065bb12.so.1.1.0", linux=True
    )
    assert not rules.desktop_library("libxcb.so.1", "/usr/lib/libxcb.so.1", linux=False)


def test_the_program_imports_nothing_the_bundle_leaves_out():
    """The excluded modules would be missing only from the frozen program: our code must not import them."""
    import ast

    found = []
    for path in [
        ROOT / "main.py",
        *sorted((ROOT / "model").rglob("*.py")),
        *sorted((ROOT / "gui").rglob("*.py")),
    ]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                names = [node.value] if re.fullmatch(r"[\w.]+", node.value) else []
            for name in names:
                if any(name == m or name.startswith(m + ".") for m in rules.NEVER_IMPORTED):
                    found.append(f"{path.relative_to(ROOT)}: {name}")
                elif isinstance(node, ast.Import | ast.ImportFrom) and rules.module_excluded(name):
                    found.append(f"{path.relative_to(ROOT)}: {name}")
    assert not found, f"imports of modules the bundle leaves out (packaging/bundle_rules.py): {found}"
    assert set(rules.NEVER_IMPORTED) <= {m for m in rules.EXCLUDED_MODULES}


def test_windows_bundle_leaves_out_only_the_faces_windows_has():
    from model.output import fonts

    assert rules.FONTS_WINDOWS_HAS == fonts._WINDOWS_BUNDLE_LEAVES_OUT  # one table, kept equal
    linux = {Path(src).name for src, _ in rules.program_datas(ROOT)}
    windows = {Path(src).name for src, _ in rules.program_datas(ROOT, windows=True)}
    left = linux - windows
    assert {n for n in left if not n.endswith(".bin")} == set(rules.FONTS_WINDOWS_HAS)
    assert {n for n in left if n.endswith(".bin")} == {
        f"{Path(n).stem}-0.bin" for n in rules.FONTS_WINDOWS_HAS
    }
    shipped = {Path(path).name for path, _index, _label in fonts.BUNDLED.values()}
    assert shipped - set(rules.FONTS_WINDOWS_HAS) <= windows  # the title's face stays
    assert any(n.startswith("LICENSE") for n in windows)
    assert {dest for _, dest in rules.program_datas(ROOT)} >= {
        "resources/fonts",
        "model/store/migrations/versions",
    }


def test_a_shipped_face_left_out_of_the_windows_bundle_is_replaced_by_the_windows_face(monkeypatch, tmp_path):
    """The Windows bundle has no stand-ins for 仿宋/楷体/黑体/宋体: the PDF uses Windows' own; a shipped face
    that is missing while its Windows face is missing too is an error, as before."""
    from model.output import fonts

    win = tmp_path / "Fonts"
    win.mkdir()
    bundled = dict(fonts.BUNDLED)
    for key, (path, index, label) in fonts.BUNDLED.items():
        windows_name = rules.FONTS_WINDOWS_HAS.get(path.name)
        if windows_name:  # "Windows' face": a copy of the shipped one under the Windows name
            shutil.copyfile(path, win / windows_name)
            bundled[key] = (tmp_path / "left-out" / path.name, index, label)
    monkeypatch.setattr(fonts, "BUNDLED", bundled)
    monkeypatch.setattr(fonts, "_windows_font_dirs", lambda: [win])
    monkeypatch.setenv("NIANBAO_CACHE_DIR", str(tmp_path / "cache"))
    chains, _states = fonts._find_faces()
    assert {role: chain[0].path.name for role, chain in chains.items()} == {
        "fang": "simfang.ttf",
        "hei": "simhei.ttf",
        "kai": "simkai.ttf",
        "song": "simsun.ttc",
        "title": "noto-serif-sc-bold-gb2312.ttf",
    }
    (win / "simkai.ttf").unlink()
    with pytest.raises(FileNotFoundError, match="lxgw-wenkai"):
        fonts._find_faces()


def test_pg8000_is_the_driver_of_every_postgresql_url():
    from model.store.db import engine_url, is_postgresql_url

    for url in (
        "postgresql://u:p@h:5432/db",
        "postgresql+psycopg://u:p@h:5432/db",
        "postgres://u:p@h:5432/db",
        "postgresql+pg8000://u:p@h:5432/db",
    ):
        assert engine_url(url) == "postgresql+pg8000://u:p@h:5432/db", url
        assert is_postgresql_url(url)
    assert engine_url("sqlite:////tmp/年报.sqlite") == "sqlite:////tmp/年报.sqlite"
    assert not is_postgresql_url("sqlite:///x.sqlite")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    names = [re.split(r"[<>=!~\[; ]", d, maxsplit=1)[0].lower() for d in project["dependencies"]]
    assert "pg8000" in names and "psycopg" not in names


def test_libpq_sslmode_is_said_to_pg8000():
    import ssl

    from sqlalchemy.engine import make_url

    from model.store.db import engine_url, pg_connect_args

    def args(url: str):
        return pg_connect_args(make_url(engine_url(url)))

    u, plain = args("postgresql://u:p@h/db")
    assert plain == {} and u.query == {}
    u, req = args("postgresql+psycopg://u:p@h/db?sslmode=require&application_name=nianbao")
    assert dict(u.query) == {"application_name": "nianbao"}
    assert req["ssl_context"].verify_mode == ssl.CERT_NONE and not req["ssl_context"].check_hostname
    _u, full = args("postgresql://u:p@h/db?sslmode=verify-full")
    assert full["ssl_context"].verify_mode == ssl.CERT_REQUIRED and full["ssl_context"].check_hostname
    assert args("postgresql://u:p@h/db?sslmode=disable")[1] == {}
    from model.store import StoreError
    from model.store.db import create_engine

    with pytest.raises(StoreError, match="数据库地址无效"):
        create_engine("postgresql://u:p@h/db?sslmode=sometimes")


def test_installer_is_per_user_on_windows_10_1809_with_both_programs():
    iss = (PACKAGING / "nianbao.iss").read_bytes().decode("utf-8-sig")
    settings = dict(
        line.split("=", 1)
        for line in iss.splitlines()
        if "=" in line and not line.startswith((";", "#", "Name:", "Source:", "Type:", "Filename:"))
    )
    assert settings["MinVersion"] == "10.0.17763"
    assert settings["PrivilegesRequired"] == "lowest"
    assert "PrivilegesRequiredOverridesAllowed" not in settings  # no "install for all users"
    code = "\n".join(line for line in iss.splitlines() if not line.lstrip().startswith(";"))
    for machine_wide in ("[Registry]", "HKLM", "{commonpf", "{commondesktop}", "{commonprograms}"):
        assert machine_wide not in code, machine_wide
    assert '#define CliExe "nianbao-cli.exe"' in iss and 'Source: "{#Bundle}\\{#CliExe}"' in iss
    assert rules.PROGRAMS["nianbao"]["console"] is False and rules.PROGRAMS["nianbao-cli"]["console"] is True


def test_release_workflow_builds_signs_installs_tests_and_uninstalls():
    text = (ROOT / ".github" / "workflows" / "windows-release.yml").read_text(encoding="utf-8")
    assert "runs-on: windows-" in text
    for step in (
        "packaging/build.py",
        "packaging/sign.py",
        "build.installer()",
        "/VERYSILENT",
        "/CURRENTUSER",
        "--self-test",
        "unins000.exe",
        "the uninstaller removed the clerk's database",
        "HKLM:",
    ):
        assert step in text, step


# --- the self-test's plugin check ----------------------------------------------------------------------------


def test_self_test_plugin_check_fails_without_the_platform_plugin(qapp, tmp_path):
    from PySide6.QtCore import QLibraryInfo

    from gui import selftest

    real = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath))
    selftest._plugins(real)  # the wheel's plugins: passes
    with pytest.raises(selftest.SelfTestError, match=f"缺少 Qt 平台插件 {selftest.PLATFORM_PLUGIN}"):
        selftest._plugins(tmp_path)
    # a file of the right name that is no Qt plugin
    (tmp_path / "platforms").mkdir()
    suffix = ".dll" if sys.platform == "win32" else ".so"
    prefix = "" if sys.platform == "win32" else "lib"
    (tmp_path / "platforms" / f"{prefix}{selftest.PLATFORM_PLUGIN}{suffix}").write_bytes(b"not a plugin")
    with pytest.raises(selftest.SelfTestError, match="无法读取"):
        selftest._plugins(tmp_path)


# --- the Windows layout (python -m bench --only windows_bundle) ----------------------------------------------


def _windows_bundle_result() -> dict:
    if not WINDOWS_BUNDLE_JSON.is_file():
        if os.environ.get("NIANBAO_REQUIRE_BUNDLE") == "1":
            pytest.fail(f"no {WINDOWS_BUNDLE_JSON} although NIANBAO_REQUIRE_BUNDLE=1")
        pytest.skip(
            "no windows_bundle figures: python -m bench --only windows_bundle > build/windows_bundle.json"
        )
    import json

    data = json.loads(WINDOWS_BUNDLE_JSON.read_text(encoding="utf-8"))
    return data.get("windows_bundle", data)


def test_windows_bundle_within_budget_and_closed():
    result = _windows_bundle_result()
    assert "error" not in result, result
    assert result["windows_missing_dlls"] == [], result["windows_missing_dlls_importers"]
    assert 40 < result["windows_bundle_mb"] <= result["windows_bundle_budget_mb"] == 120.0
    parts = result["windows_bundle_parts_mb"]
    assert parts["qt"] > 20 and parts["python_runtime"] > 10 and parts["fonts"] > 5


def test_windows_layout_has_what_the_program_needs():
    _windows_bundle_result()
    internal = WINDOWS_LAYOUT / "_internal"
    for rel in (
        "PySide6/Qt6Core.dll",
        "PySide6/QtPrintSupport.pyd",
        "PySide6/plugins/platforms/qwindows.dll",
        "PySide6/plugins/styles/qmodernwindowsstyle.dll",
        "PySide6/translations/qtbase_zh_CN.qm",
        "pypdfium2_raw/pdfium.dll",
        "tzdata/zoneinfo/Asia/Shanghai",
        "resources/fonts/noto-serif-sc-bold-gb2312.ttf",
        "resources/fonts/metrics/noto-serif-sc-bold-gb2312-0.bin",
        "model/store/migrations/env.py",
    ):
        assert (internal / rel).is_file(), rel
    for rel in (
        "PySide6/opengl32sw.dll",
        "PySide6/plugins/platforms/qdirect2d.dll",
        "PySide6/Qt6Svg.dll",
        "psycopg_binary",
        "PIL/_avif.cp311-win_amd64.pyd",
        "resources/fonts/wqy-microhei.ttf",
        "resources/fonts/uming-cn.ttf",
    ):
        assert not (internal / rel).exists(), rel
    assert (WINDOWS_LAYOUT / "nianbao.exe").is_file() and (WINDOWS_LAYOUT / "nianbao-cli.exe").is_file()


def test_the_import_walk_finds_a_dll_that_is_not_shipped(tmp_path):
    """The closure check can fail: a Qt binding without its Qt libraries is reported."""
    _windows_bundle_result()
    wb = _load("windows_bundle", ROOT / "bench" / "windows_bundle.py")
    shutil.copyfile(WINDOWS_LAYOUT / "_internal" / "PySide6" / "QtCore.pyd", tmp_path / "QtCore.pyd")
    layout = wb.Layout.__new__(wb.Layout)
    layout.virtual = {}
    missing = wb.missing_dlls(tmp_path, layout)
    assert "Qt6Core.dll" in missing and missing["Qt6Core.dll"] == ["QtCore.pyd"], missing
    assert not [n for n in missing if n.lower().startswith(("api-ms-", "kernel32"))]


# --- code signing ---------------------------------------------------------------------------------------------


def test_signing_with_a_throwaway_certificate_verifies_and_detects_a_change(tmp_path):
    if not shutil.which("osslsigncode"):
        pytest.skip("osslsigncode is not installed (Debian: apt-get install osslsigncode)")
    _windows_bundle_result()
    # the unsigned originals from the unpacked wheels (CI signs the layout itself before these tests)
    wb = _load("windows_bundle", ROOT / "bench" / "windows_bundle.py")
    sites = sorted(wb.cache_dir().glob("*/site-packages"), key=lambda p: p.stat().st_mtime)
    assert sites, f"no unpacked wheels in {wb.cache_dir()}"
    site = sites[-1]
    for rel, name in (
        ("PyInstaller/bootloader/Windows-64bit-intel/run.exe", "nianbao-cli.exe"),
        ("_cffi_backend.cp311-win_amd64.pyd", "_cffi_backend.cp311-win_amd64.pyd"),
        ("PySide6/Qt6Core.dll", "Qt6Core.dll"),
    ):
        shutil.copyfile(site / rel, tmp_path / name)
    pkcs12, password, pem = signing.throwaway_certificate(tmp_path)
    target = tmp_path
    result = signing.sign(target, pkcs12, password, ca_file=pem)
    assert not result.failed, result.failed
    assert {p.name for p in result.signed} == {"nianbao-cli.exe", "_cffi_backend.cp311-win_amd64.pyd"}
    assert [p.name for p in result.kept] == ["Qt6Core.dll"]  # Qt's own signature stays
    exe = tmp_path / "nianbao-cli.exe"
    assert signing.has_signature(exe)
    data = bytearray(exe.read_bytes())
    data[4096] ^= 0xFF
    exe.write_bytes(bytes(data))
    ok, text = signing.verify_file(exe, pem)
    assert not ok and "MISMATCH" in text
