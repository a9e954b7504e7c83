"""A complete, consistent sample report — for the self-test, benchmarks, screenshots and tests.

The cells are built from the form (every key comes from ``model/form.py``); totals are computed from their
parts with the form's relations, so the sample stays consistent if the form changes.
"""

from __future__ import annotations

from decimal import Decimal

from .fill import fill_totals
from .form import CURRENT_EDITION, CURRENT_FORM
from .report import Report, Value

AGENCY = "示范县人民政府办公室"
YEAR = 2024

OVERVIEW = (
    "（一）主动公开。2024年，本机关坚持以公开为常态、不公开为例外，通过政府门户网站主动公开政府信息1236条，"
    "其中政策文件45件，政策解读38篇。\n"
    "（二）依申请公开。2024年，本机关新收政府信息公开申请23件，其中自然人申请20件，法人或其他组织申请3件；"
    "上年结转2件。全年办结21件，其中予以公开10件，部分公开3件，不予公开1件，无法提供5件，不予处理1件，"
    "其他处理1件；结转下年度继续办理4件。\n"
    "（三）政府信息管理。严格落实信息发布“三审三校”制度，全年清理过期信息97条。\n"
    "（四）政府信息公开平台建设。完成门户网站集约化改版，政务新媒体由12个压缩至8个。\n"
    "（五）监督保障。全年开展业务培训3次，发布季度通报4期。本年度发生政府信息公开行政复议4件，行政诉讼1件。"
)
PROBLEMS = (
    "2024年，本机关政府信息公开工作仍存在一些不足：一是政策解读形式较为单一；二是依申请公开答复的规范性有待提高。"
    "下一步，本机关将丰富解读形式，加强业务培训，进一步提升答复质量。"
)
OTHER = "2024年，本机关未收取政府信息公开信息处理费。本机关认真落实年度政务公开工作要点，人大代表建议和政协提案办理结果均已公开。"

#: the parts; every total is derived from them
_T3_PARTS = {
    "natural_person": {
        "new": 20,
        "carried_in": 2,
        "granted": 8,
        "partial": 3,
        "refused.process_info": 1,
        "unable.not_held": 4,
        "not_processed.duplicate": 1,
        "other_handling.no_correction": 1,
        "carried_over": 4,
    },
    "commercial": {"new": 3, "granted": 2, "unable.unclear": 1},
}
_T4_PARTS = {"review": {"upheld": 2, "corrected": 1, "pending": 1}, "litigation_direct": {"upheld": 1}}
#: table 2 in the form's cell order: 规章 (no rule-making power: "/"), 行政规范性文件, 许可, 处罚, 强制, 收费
_T2 = ("/", "/", "/", 5, 1, 25, 1203, 356, 12, Decimal("0.35"))


def sample_report() -> Report:
    form = CURRENT_FORM
    cells: dict[str, Value] = {k: 0 for k in form.cell_keys}
    cells.update(zip(form.table["t2"].cell_keys, _T2, strict=True))
    for col, rows in _T3_PARTS.items():
        for row, v in rows.items():
            cells[f"t3.{row}.{col}"] = v
    for group, cols in _T4_PARTS.items():
        for col, v in cols.items():
            cells[f"t4.{group}.{col}"] = v
    report = Report(
        template=CURRENT_EDITION,
        agency=AGENCY,
        year=YEAR,
        title=f"{AGENCY}{YEAR}年政府信息公开工作年度报告",
        date="2025-01-20",
        text={"overview": OVERVIEW, "problems": PROBLEMS, "other": OTHER},
        cells=cells,
    )
    report.cells.update(fill_totals(report))
    return report
