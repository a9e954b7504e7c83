"""Which Qt modules the program uses — the one answer the spec (what to bundle) and the tests (what must be
in the bundle, what must not) both take.

The source is read, not imported: every ``import PySide6.QtX``, ``from PySide6.QtX import …``,
``from PySide6 import QtX`` and every string ``"PySide6.QtX"`` (for ``importlib``) in the program's packages
counts. No Qt is imported here, so the spec can run before anything else.

Not a package (``packaging`` is also the name of a well-known library): load it by path, as
``packaging/nianbao.spec`` and ``tests/test_packaging.py`` do.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: the program's own code (tests and benchmarks are not part of the bundle)
SOURCE = ("main.py", "model", "gui", "cli")

#: used by a feature even before the code that uses it lands (printing is part of the program)
ALWAYS = frozenset({"QtCore", "QtGui", "QtWidgets", "QtPrintSupport"})

#: Qt's own module dependencies, for those the program may use (a module pulls its dependencies in)
DEPENDS = {
    "QtGui": {"QtCore"},
    "QtWidgets": {"QtGui"},
    "QtPrintSupport": {"QtWidgets"},
    "QtSvg": {"QtGui"},
    "QtSvgWidgets": {"QtSvg", "QtWidgets"},
    "QtOpenGL": {"QtGui"},
    "QtOpenGLWidgets": {"QtOpenGL", "QtWidgets"},
    "QtNetwork": {"QtCore"},
    "QtXml": {"QtCore"},
    "QtSql": {"QtCore"},
    "QtConcurrent": {"QtCore"},
    "QtDBus": {"QtCore"},
    "QtTest": {"QtWidgets"},
    "QtPdf": {"QtGui", "QtNetwork"},
    "QtPdfWidgets": {"QtPdf", "QtWidgets"},
    "QtUiTools": {"QtWidgets"},
}

#: the modules of the ``PySide6-Essentials`` wheel (6.6 … 6.12); everything else needs ``PySide6-Addons``
ESSENTIALS = frozenset(
    "Qt" + name
    for name in (
        "Core Gui Widgets Help Network Concurrent DBus Designer LabsStyleKit OpenGL OpenGLWidgets PrintSupport "
        "Qml Quick QuickControls2 QuickTest QuickWidgets Xml Test Sql Svg SvgWidgets UiTools Wayland "
        "LanguageServer JsonRpc QmlFeatures"
    ).split()
)

#: large modules a bundle must not carry unless the program imports them: (binding name, Qt library stem)
LARGE = {
    "QtQml": "Qml",
    "QtQuick": "Quick",
    "QtQuickControls2": "QuickControls2",
    "QtQuickWidgets": "QuickWidgets",
    "QtQuick3D": "Quick3D",
    "QtWebEngineCore": "WebEngineCore",
    "QtWebEngineWidgets": "WebEngineWidgets",
    "Qt3DCore": "3DCore",
    "Qt3DRender": "3DRender",
    "QtMultimedia": "Multimedia",
    "QtMultimediaWidgets": "MultimediaWidgets",
    "QtDesigner": "Designer",
    "QtCharts": "Charts",
    "QtDataVisualization": "DataVisualization",
    "QtGraphs": "Graphs",
    "QtLabsStyleKit": "LabsStyleKit",
    "QtHelp": "Help",
    "QtOpenGLWidgets": "OpenGLWidgets",
    "QtPdf": "Pdf",
    "QtSql": "Sql",
    "QtTest": "Test",
    "QtUiTools": "UiTools",
}

_NAME = re.compile(r"\bPySide6\.(Qt\w+)")


def _python_files(root: Path, parts: Iterable[str]) -> Iterable[Path]:
    for part in parts:
        path = root / part
        if path.is_file():
            yield path
        elif path.is_dir():
            yield from sorted(path.rglob("*.py"))


def imports_in(source: str) -> set[str]:
    """The Qt modules one Python source names (imports and ``"PySide6.QtX"`` strings)."""
    found: set[str] = set()
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set(_NAME.findall(source))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                found.update(_NAME.findall(alias.name))
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.module == "PySide6":
                found.update(a.name for a in node.names if a.name.startswith("Qt"))
            else:
                found.update(_NAME.findall(node.module))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            found.update(_NAME.findall(node.value))
    return found


def imported(root: Path = ROOT, parts: Iterable[str] = SOURCE) -> dict[str, list[str]]:
    """Each Qt module the program's source imports → the files that import it (relative, POSIX style)."""
    where: dict[str, list[str]] = {}
    for path in _python_files(root, parts):
        for module in imports_in(path.read_text(encoding="utf-8")):
            where.setdefault(module, []).append(path.relative_to(root).as_posix())
    return where


def closure(modules: Iterable[str]) -> set[str]:
    """``modules`` and every Qt module they depend on."""
    todo, seen = list(modules), set()
    while todo:
        m = todo.pop()
        if m not in seen:
            seen.add(m)
            todo.extend(DEPENDS.get(m, ()))
    return seen


def needed(root: Path = ROOT) -> set[str]:
    """The Qt modules the bundle must carry."""
    return closure(set(imported(root)) | ALWAYS)
