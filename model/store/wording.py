"""The history in words: one Chinese line per :class:`~model.store.changes.Revision` (the window's 修改历史
list, and the conflict message naming who changed what)."""

from __future__ import annotations

from ..form import CURRENT_FORM, any_cell
from .changes import ChangeKind, Revision

STATUS_LABEL = {"draft": "草稿", "final": "已定稿", "deleted": "已删除"}
META_LABEL = {"agency": "机关名称", "title": "标题", "date": "成文日期", "template": "格式版本"}
KIND_LABEL = {
    ChangeKind.CELL: "单元格",
    ChangeKind.TEXT: "正文",
    ChangeKind.META: "基本信息",
    ChangeKind.EXPLANATION: "说明",
    ChangeKind.STATUS: "状态",
    ChangeKind.CREATE: "新建",
    ChangeKind.RESTORE: "恢复",
}


def _show(v: str | None) -> str:
    return "（空白）" if v is None or v == "" else v


def describe(r: Revision) -> str:
    """A Chinese one-line description of a revision for the history list."""
    what = KIND_LABEL.get(r.what, r.what)
    if r.what == ChangeKind.CELL and r.key:
        cell = any_cell(r.key)
        name = cell.name if cell else r.key
        return f"{what} {name}：{_show(r.old)} → {_show(r.new)}"
    if r.what == ChangeKind.TEXT and r.key:
        section = CURRENT_FORM.text_sections.get(r.key)
        return f"{what}“{section.heading if section else r.key}”已修改"
    if r.what == ChangeKind.META and r.key:
        return f"{META_LABEL.get(r.key, r.key)}：{_show(r.old)} → {_show(r.new)}"
    if r.what == ChangeKind.EXPLANATION:
        return f"{what}：{_show(r.new) if r.new is not None else '已删除'}"
    if r.what == ChangeKind.STATUS:
        return f"{what}：{STATUS_LABEL.get(r.old or '', r.old)} → {STATUS_LABEL.get(r.new or '', r.new)}"
    if r.what == ChangeKind.RESTORE:
        return f"恢复到版本 {r.new}"
    return f"{what}{('：' + r.new) if r.new else ''}"
