"""Build the one-folder bundle of 年报: ``python packaging/build.py [--self-test]``.

Runs PyInstaller on ``packaging/nianbao.spec`` into ``dist/nianbao/`` (work files in ``build/pyinstaller/``),
then prints the bundle's size; with ``--self-test`` it also starts the frozen program with ``--self-test``
(offscreen) and fails when that fails. The same script serves Windows and Linux; the Windows installer is then
made from ``dist/nianbao/`` by Inno Setup (``--installer``, or ``iscc packaging/nianbao.iss``).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "packaging" / "nianbao.spec"
DIST = ROOT / "dist"
WORK = ROOT / "build" / "pyinstaller"
NAME = "nianbao"


def bundle_dir(dist: Path = DIST) -> Path:
    return dist / NAME


def executable(folder: Path | None = None) -> Path:
    folder = folder or bundle_dir()
    return folder / (f"{NAME}.exe" if sys.platform == "win32" else NAME)


def size_on_disk(folder: Path) -> int:
    """Bytes the folder takes on disk (allocated blocks where the system tells them, else file sizes)."""
    total = 0
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            st = path.stat()
            blocks = getattr(st, "st_blocks", None)
            total += blocks * 512 if blocks is not None else st.st_size
    return total


def project_version() -> str:
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    m = re.search(r'^version\s*=\s*"([^"]+)"', text, re.M)
    return m.group(1) if m else "0.0.0"


def check_version_info() -> None:
    """version_info.txt must carry pyproject.toml's version (a stale one would mislead support on Windows)."""
    version = project_version()
    text = (ROOT / "packaging" / "version_info.txt").read_text(encoding="utf-8")
    numbers = tuple(int(x) for x in re.findall(r"\d+", version)[:4])
    numbers += (0,) * (4 - len(numbers))
    wanted = f"filevers=({', '.join(map(str, numbers))})"
    if wanted not in text or f"StringStruct('ProductVersion', '{version}')" not in text:
        raise SystemExit(f"packaging/version_info.txt 与 pyproject.toml 的版本 {version} 不一致，请先更新。")


def build(clean: bool = False) -> Path:
    check_version_info()
    cmd = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN"]
    cmd += ["--distpath", str(DIST), "--workpath", str(WORK)]
    if clean:
        cmd.append("--clean")
    cmd.append(str(SPEC))
    t0 = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, check=True)
    folder = bundle_dir()
    print(
        f"built {folder} in {time.perf_counter() - t0:.0f} s, {size_on_disk(folder) / 2**20:.1f} MiB on disk"
    )
    return folder


def self_test(folder: Path | None = None, timeout: float = 300) -> int:
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    t0 = time.perf_counter()
    proc = subprocess.run([str(executable(folder)), "--self-test"], env=env, timeout=timeout)
    print(f"frozen --self-test: exit {proc.returncode} in {time.perf_counter() - t0:.1f} s")
    return proc.returncode


def installer() -> Path:
    """Windows: the per-user installer from ``packaging/nianbao.iss`` with Inno Setup's ``iscc``."""
    import shutil

    iscc = shutil.which("iscc") or shutil.which("ISCC")
    for candidate in (
        Path(os.environ.get("ProgramFiles(x86)", "C:/Program Files (x86)")) / "Inno Setup 6" / "ISCC.exe",
    ):
        if not iscc and candidate.is_file():
            iscc = str(candidate)
    if not iscc:
        raise SystemExit("找不到 Inno Setup 的 iscc（https://jrsoftware.org/isinfo.php），无法生成安装程序。")
    subprocess.run([iscc, str(ROOT / "packaging" / "nianbao.iss")], cwd=ROOT / "packaging", check=True)
    out = DIST / f"nianbao-{project_version()}-setup.exe"
    print(f"installer {out}")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="构建年报的程序文件夹（PyInstaller）")
    parser.add_argument("--clean", action="store_true", help="discard PyInstaller's cache first")
    parser.add_argument("--self-test", action="store_true", help="then run the frozen program's --self-test")
    parser.add_argument(
        "--installer", action="store_true", help="then make the Windows installer (Inno Setup)"
    )
    args = parser.parse_args(argv)
    folder = build(clean=args.clean)
    status = self_test(folder) if args.self_test else 0
    if status == 0 and args.installer:
        installer()
    return status


if __name__ == "__main__":
    sys.exit(main())
