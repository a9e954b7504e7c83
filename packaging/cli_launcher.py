"""``nianbao-cli``: the console program of the bundle — starts ``nianbao`` (the windowed program, beside it)
with this console's standard streams and returns its exit status.

Why a launcher and not a second full program: PyInstaller puts the compiled Python code (11 MB) into each
executable of a one-folder build, so a second full program would carry it twice (packaging/README.md). A
windowed program started with inherited standard handles has ``sys.stdout``/``sys.stderr`` like a console
one, so ``nianbao-cli check 报告.json`` prints in cmd and cmd waits for its exit status.
"""

import os
import subprocess
import sys


def main() -> int:
    here = os.path.dirname(os.path.abspath(sys.executable))
    program = os.path.join(here, "nianbao.exe" if os.name == "nt" else "nianbao")
    streams = {}
    for name, stream in (("stdin", sys.stdin), ("stdout", sys.stdout), ("stderr", sys.stderr)):
        try:
            stream.fileno()
            streams[name] = stream
        except (AttributeError, OSError, ValueError):
            streams[name] = subprocess.DEVNULL
    try:
        proc = subprocess.Popen([program, *sys.argv[1:]], **streams)
    except OSError as err:
        sys.stderr.write(f"错误：无法启动 {program}：{err}\n")
        return 2
    try:
        return proc.wait()
    except KeyboardInterrupt:  # Ctrl+C reaches the console program only: pass it on
        proc.terminate()
        proc.wait()
        return 130


if __name__ == "__main__":
    sys.exit(main())
