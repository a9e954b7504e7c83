"""The window (PySide6): thin Qt models and views over ``model/``.

A guard against a PySide6 defect runs on import (see :func:`_guard_singleton_refcounts`).
"""

from __future__ import annotations

import sys


def _guard_singleton_refcounts() -> bool:
    """PySide6 6.12.0 drops a reference to ``True`` at every signal emitted from Python and one to
    ``None`` at every ``QModelIndex.data()`` that returns nothing and every property keyword given to a
    Qt constructor. Python ≥ 3.12 makes these objects immortal, so nothing happens there; on 3.11 the
    count reaches zero after some thousand edits and the process aborts ("bool_dealloc"). Until that
    release is out of use, give the three singletons a reference count they cannot exhaust — what
    Python 3.12 does itself. CPython only; the count is the first field of every object.
    """
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return False
    try:
        import PySide6
    except ImportError:  # pragma: no cover
        return False
    if not PySide6.__version__.startswith("6.12."):
        return False
    import ctypes  # only here: ~5–15 ms of every start otherwise

    for obj in (True, False, None):
        ctypes.c_ssize_t.from_address(id(obj)).value += 1 << 40
    return True


SINGLETONS_GUARDED = _guard_singleton_refcounts()
