"""pyHanko without its network stack: the program signs and verifies offline, so aiohttp is never imported.

Two pyHanko modules import aiohttp as soon as they are imported, though only their classes use it: the HTTP
time-stamp client (``pyhanko.sign.timestamps`` imports it, and every signer imports that) and
pyhanko-certvalidator's fetchers of certificates, CRLs and OCSP responses (``pyhanko.sign.validation.ades``
imports them, and the PDF signer imports that). Together that is about 0.15 s of every first signature and of
the window's first 导出并签章 — for network time stamps and revocation fetching an offline program never uses.

:func:`keep_offline` puts a stand-in for each of the two modules in place before pyHanko is imported. A
stand-in's classes are the real ones' proxies: constructing one loads the real module (and aiohttp) then and
returns the real object, so nothing of pyHanko's breaks — it only stops paying for what it does not use.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import importlib.util
import sys
import types

#: the modules that import aiohttp on import, and the names each exports (the client imports the fetchers'
#: ``util``, so the fetchers come first)
MODULES: dict[str, tuple[str, ...]] = {
    "pyhanko_certvalidator.fetchers.aiohttp_fetchers": ("AIOHttpFetcherBackend",),
    "pyhanko.sign.timestamps.aiohttp_client": ("HTTPTimeStamper", "AIOHttpTimeStamper"),
}
_MARK = "_nianbao_stand_in"


def is_stand_in(module: object) -> bool:
    return bool(getattr(module, _MARK, False))


def _real(name: str) -> types.ModuleType:
    """The real module ``name``, loaded now (with aiohttp) in its stand-in's place — and the other stand-ins'
    real modules too (one needs the other, and aiohttp is paid for by then anyway)."""
    for other in MODULES:
        _load(other)
    return _load(name)


def _load(name: str) -> types.ModuleType:
    current = sys.modules.get(name)
    if current is not None and not is_stand_in(current):
        return current
    parent_name, _, child = name.rpartition(".")
    parent = importlib.import_module(parent_name)
    spec = importlib.machinery.PathFinder.find_spec(name, parent.__path__)
    if spec is None or spec.loader is None:  # pragma: no cover - a pyHanko without that module
        raise ImportError(f"找不到模块 {name}", name=name)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        if current is not None:
            sys.modules[name] = current
        else:
            sys.modules.pop(name, None)
        raise
    setattr(parent, child, module)
    for attr in MODULES.get(name, ()):  # the package re-exports (``from .aiohttp_client import …``)
        stand_in = getattr(current, attr, None)
        if stand_in is not None and getattr(parent, attr, None) is stand_in:
            setattr(parent, attr, getattr(module, attr))
    return module


def _proxy_class(module: str, name: str) -> type:
    def __new__(cls, *args, **kwargs):  # noqa: N807 - the real class's object, the real module loaded now
        return getattr(_real(module), name)(*args, **kwargs)

    return type(
        name, (), {"__new__": __new__, "__module__": module, "__doc__": "pyHanko 的网络组件，首次使用时加载"}
    )


def keep_offline() -> None:
    """Before pyHanko is imported: stand-ins for its modules that import aiohttp. Does nothing for a module
    already imported (the real one is there; nothing is left to save)."""
    for module, names in MODULES.items():
        if module in sys.modules:
            continue
        stand_in = types.ModuleType(module, "pyHanko 的网络组件（aiohttp），首次使用时加载")
        setattr(stand_in, _MARK, True)
        stand_in.__all__ = list(names)  # type: ignore[attr-defined]
        for name in names:
            setattr(stand_in, name, _proxy_class(module, name))
        sys.modules[module] = stand_in
