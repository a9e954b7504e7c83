"""The exchange file's own schema (``../shared/spec/exchange-format.md``), checked with ``jsonschema`` before a
report is built from it, so that a field of the wrong kind is told by name (“title 应为文字”), never met later
as an internal error.

A later version may add keys: unknown keys are allowed, at the top and in ``text`` and ``cells``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from .form import ALL_CELL_KEYS, FORMS, TEXT_KEYS
from .report import FORMAT_NAME, MAX_PROSE_CHARS, ReportError

MAX_SHORT_CHARS = 500
MAX_EXPLANATIONS = 2_000

_TEXT = {"type": ["string", "null"], "maxLength": MAX_PROSE_CHARS}
_SHORT = {"type": ["string", "null"], "maxLength": MAX_SHORT_CHARS}

SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["format"],
    "properties": {
        "format": {"const": FORMAT_NAME},
        "format_version": {"type": "integer", "minimum": 1},
        "template": {"enum": [*FORMS, "", None]},
        "agency": _SHORT,
        "year": {"type": ["integer", "null"], "minimum": 1, "maximum": 9999},
        "title": _SHORT,
        "date": {
            "anyOf": [
                {"type": "string", "pattern": r"^(\d{4}-\d{2}-\d{2})?$"},
                {"type": "null"},
            ]
        },
        "text": {"type": ["object", "null"], "properties": {k: _TEXT for k in TEXT_KEYS}},
        "cells": {
            "type": ["object", "null"],
            "properties": {k: {"type": ["number", "string", "null"], "maxLength": 40} for k in ALL_CELL_KEYS},
        },
        "explanations": {
            "type": ["array", "null"],
            "maxItems": MAX_EXPLANATIONS,
            "items": {
                "type": "object",
                "required": ["text"],
                "properties": {
                    "rule": {"type": "string", "maxLength": MAX_SHORT_CHARS},
                    "cells": {
                        "type": "array",
                        "maxItems": 500,
                        "items": {"type": "string", "maxLength": 200},
                    },
                    "text": {"type": "string", "maxLength": MAX_PROSE_CHARS},
                },
            },
        },
        "revision": {"type": "integer", "minimum": 0},
    },
}

_KIND = {
    "string": "文字",
    "integer": "整数",
    "number": "数字",
    "object": "对象（{…}）",
    "array": "列表（[…]）",
    "boolean": "true 或 false",
}

_validator = None
#: the editions the validator was built for: an edition added later (a new form) gets a new validator
_validator_editions: tuple[str, ...] = ()


def _get_validator():
    global _validator, _validator_editions
    editions = tuple(FORMS)
    if _validator is None or editions != _validator_editions:
        SCHEMA["properties"]["template"] = {"enum": [*editions, "", None]}
        _validator_editions = editions
        import jsonschema

        base = jsonschema.Draft202012Validator
        # the file is read with parse_float=Decimal: a Decimal is a number, and an integer when whole (1.0 is 1)
        checker = base.TYPE_CHECKER.redefine_many(
            {
                "number": lambda c, v: isinstance(v, int | float | Decimal) and not isinstance(v, bool),
                "integer": lambda c, v: (
                    (isinstance(v, int) and not isinstance(v, bool))
                    or (isinstance(v, Decimal | float) and v.is_finite() and v == int(v))
                ),
            }
        )
        cls = jsonschema.validators.extend(base, type_checker=checker)
        cls.check_schema(SCHEMA)
        _validator = cls(SCHEMA)
    return _validator


def field_name(path: Any) -> str:
    """``["explanations", 0, "text"]`` → ``explanations[0].text``; ``["cells", "t3.new.total"]`` stays dotted."""
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out or "文件"


def _message(err: Any) -> str:
    name = field_name(err.absolute_path)
    v = err.validator
    if v == "type":
        kinds = [err.validator_value] if isinstance(err.validator_value, str) else list(err.validator_value)
        said = "或".join(_KIND[k] for k in kinds if k != "null")
        return f"{name} 应为{said}"
    if v == "anyOf" and name == "date":
        return "date 应为 YYYY-MM-DD 格式的日期"
    if v == "pattern":
        return f"{name} 格式不对"
    if v == "const":
        return f"{name} 应为“{err.validator_value}”"
    if v == "enum":
        return f"{name} 应为 {' 或 '.join(str(x) for x in err.validator_value if x)}"
    if v == "required":
        return f"{name} 缺少 {err.message.split(' ')[0]}"
    if v == "maxLength":
        return f"{name} 过长（最多 {err.validator_value} 个字）"
    if v == "maxItems":
        return f"{name} 条目过多（最多 {err.validator_value} 条）"
    if v in ("minimum", "maximum"):
        return f"{name} 的值 {err.instance} 超出范围"
    return f"{name} 不对"


def _bad_strings(value: Any, path: list) -> str | None:
    """The first string (key or value) that is no valid Unicode text (a lone surrogate), by field name."""
    stack = [(value, path)]
    while stack:
        v, p = stack.pop()
        if isinstance(v, str):
            try:
                v.encode("utf-8")
            except UnicodeEncodeError:
                return field_name(p)
        elif isinstance(v, dict):
            for k, x in v.items():
                stack.append((k, [*p, "(键)"]))
                stack.append((x, [*p, k]))
        elif isinstance(v, list):
            stack.extend((x, [*p, i]) for i, x in enumerate(v))
    return None


def validate(data: Any) -> None:
    """:class:`ReportError` naming the first fields that are wrong (up to three), else nothing."""
    errors = sorted(_get_validator().iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
    if errors:
        said = "；".join(dict.fromkeys(_message(e) for e in errors[:3]))
        more = f"（共 {len(errors)} 处）" if len(errors) > 3 else ""
        raise ReportError(f"交换文件中的字段不对：{said}{more}。")
    bad = _bad_strings(data, [])
    if bad:
        raise ReportError(f"交换文件中的字段不对：{bad} 含有无效的字符（不成对的代理码元）。")
