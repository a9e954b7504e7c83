"""pyHanko without its network stack: the program signs and verifies offline, so aiohttp is never imported.

Two pyHanko modules import aiohttp as soon as they are imported, though only their classes use it: the HTTP
time-stamp client (``pyhanko.sign.timestamps`` imports it, and every signer imports that) and
pyhanko-certvalidator's fetchers of certificates, CRLs and OCSP responses (``pyhanko.sign.validation.ades``
imports them, and the PDF signer imports that). Together that is about 0.15 s of every first signature and of
the window's first 导出并签章 — for network time stamps and revocation fetching an offline program never uses.

:func:`keep_offline` adds an import hook: when pyHanko imports one of those two modules, it gets a stand-in
whose classes are the real ones' proxies — constructing one imports the real module (and aiohttp) then and
returns the real object. Nothing of pyHanko's breaks; it only stops paying for what it does not use.
"""

from __future__ import annotations

import importlib
import sys
import types
from importlib.machinery import ModuleSpec, PathFinder
from typing import Any

#: the modules that import aiohttp on import, and the names each exports (the client imports the fetchers'
#: ``util``, so the fetchers come first)
MODULES: dict[str, tuple[str, ...]] = {
    "pyhanko_certvalidator.fetchers.aiohttp_fetchers": ("AIOHttpFetcherBackend",),
    "pyhanko.sign.timestamps.aiohttp_client": ("HTTPTimeStamper", "AIOHttpTimeStamper"),
}
_MARK = "_nianbao_stand_in"
#: modules asked for for real (the hook lets them through)
_real_wanted: set[str] = set()


def is_stand_in(module: object) -> bool:
    return bool(getattr(module, _MARK, False))


def _real(name: str) -> types.ModuleType:
    """The real module ``name``, imported now (with aiohttp) in its stand-in's place — and the other
    stand-ins' real modules too (one needs the other, and aiohttp is paid for by then anyway)."""
    for each in MODULES:
        _import_real(each)
    return sys.modules[name]


def _import_real(name: str) -> types.ModuleType:
    current = sys.modules.get(name)
    if current is not None and not is_stand_in(current):
        return current
    _real_wanted.add(name)
    sys.modules.pop(name, None)
    try:
        module = importlib.import_module(name)
    except BaseException:
        if current is not None:
            sys.modules[name] = current
        raise
    parent_name, _, child = name.rpartition(".")
    parent = sys.modules[parent_name]
    setattr(parent, child, module)
    for attr in MODULES[name]:  # the package's re-exports (``from .aiohttp_client import …``)
        stand_in = getattr(current, attr, None)
        if stand_in is not None and getattr(parent, attr, None) is stand_in:
            setattr(parent, attr, getattr(module, attr))
    return module


def _proxy_class(module: str, name: str) -> type:
    def __new__(
        cls: type, *args: Any, **kwargs: Any
    ) -> Any:  # the real class's object, the real module loaded now
        return getattr(_real(module), name)(*args, **kwargs)

    doc = "pyHanko 的网络组件，首次使用时加载"
    return type(name, (), {"__new__": __new__, "__module__": module, "__doc__": doc})


class _StandIns:
    """The import hook (a meta path finder and loader): the stand-in for each of :data:`MODULES`, unless the
    real one has been asked for."""

    @staticmethod
    def find_spec(name: str, path: object = None, target: object = None) -> ModuleSpec | None:
        if name in MODULES and name not in _real_wanted:
            return ModuleSpec(name, _StandIns)  # type: ignore[arg-type]
        for module in MODULES:
            if name.startswith(module + ".") and is_stand_in(sys.modules.get(module)):
                _real(module)  # a part of the real package is wanted: the package for real first
        return None

    @staticmethod
    def create_module(spec: ModuleSpec) -> None:
        return None  # the default module object

    @staticmethod
    def exec_module(module: types.ModuleType) -> None:
        setattr(module, _MARK, True)
        module.__doc__ = "pyHanko 的网络组件（aiohttp），首次使用时加载"
        names = MODULES[module.__name__]
        parent = sys.modules.get(module.__name__.rpartition(".")[0])
        real = PathFinder.find_spec(module.__name__, getattr(parent, "__path__", None))
        if real is not None and real.submodule_search_locations is not None:
            module.__path__ = list(real.submodule_search_locations)  # its parts can still be imported
        module.__all__ = list(names)  # type: ignore[attr-defined]
        for name in names:
            setattr(module, name, _proxy_class(module.__name__, name))


def keep_offline() -> None:
    """Add the import hook (once). A module pyHanko has already imported stays as it is."""
    if _StandIns not in sys.meta_path:
        sys.meta_path.insert(0, _StandIns)
