"""年报 — start the window, or answer a command (see ``python main.py --help``)."""

import sys

from cli.main import main

if __name__ == "__main__":
    sys.exit(main())
