"""``python main.py summary PARENT YEAR [-o OUT.json]`` — the 汇总 of a parent's units as exchange JSON."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from model.store import StoreError

from .main import CommandError

#: findings of the parent check shown on stderr
SHOWN = 10


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "summary",
        help="汇总：把上级机关所属各单位某年度的报告逐格相加，以交换格式 JSON 输出",
        description="把数据库中 PARENT 所属各单位 YEAR 年度报告的每个单元格相加（“/”和空白不计），"
        "以年报交换格式 JSON 输出；未报送的单位和与上级机关自身数字不一致之处写在标准错误输出上。",
    )
    p.add_argument("parent", metavar="PARENT", help="上级机关（汇总单位）名称")
    p.add_argument("year", metavar="YEAR", type=int, help="年度")
    p.add_argument("-o", "--output", metavar="OUT.json", help="写入此文件（默认输出到标准输出）")
    p.set_defaults(func=_summary)


def _summary(args: argparse.Namespace) -> int:
    from model.store import Store
    from model.store.paths import write_bytes_atomic
    from model.summary.core import check_parent, summarize, units_of

    if args.output:
        folder = Path(args.output).absolute().parent
        if not folder.is_dir():
            raise CommandError(f"输出文件夹不存在：{folder}。请先建立该文件夹，或换一个位置。")
    try:
        store = Store.open(getattr(args, "db", None))
    except StoreError as err:
        raise CommandError(str(err)) from None
    try:
        if not units_of(store, args.parent):
            known = {o.name for o in store.organs()}
            if args.parent not in known:
                raise CommandError(f"数据库中没有机关“{args.parent}”。")
            raise CommandError(f"“{args.parent}”下没有所属单位，请先批量导入各单位的报告。")
        summary = summarize(store, args.parent, args.year)
        findings = check_parent(store, args.parent, args.year, summary)
    except StoreError as err:
        raise CommandError(str(err)) from None
    finally:
        store.close()
    text = summary.report.to_json() + "\n"
    if args.output:
        try:
            write_bytes_atomic(Path(args.output), text.encode("utf-8"), "写入汇总报告")
        except StoreError as err:
            raise CommandError(str(err)) from None
    else:
        sys.stdout.write(text)
    print(f"已汇总 {len(summary.units)} 个单位的 {args.year} 年度报告。", file=sys.stderr)
    if summary.missing:
        print(f"尚未报送（{len(summary.missing)}）：{'、'.join(summary.missing)}", file=sys.stderr)
    for f in findings[:SHOWN]:
        print(f"与本机关报告核对：{f.message}", file=sys.stderr)
    if len(findings) > SHOWN:
        print(f"……另有 {len(findings) - SHOWN} 处，请在窗口的“汇总”中查看。", file=sys.stderr)
    return 0
