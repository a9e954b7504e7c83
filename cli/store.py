"""Command line of the store: ``store save|list|show|finalize``, ``archive verify``, ``backup``, ``restore``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from model.store.errors import BusyError, ConflictError, StoreError

from .main import CommandError
from .report import read_report


def register(sub: argparse._SubParsersAction) -> None:
    store = sub.add_parser("store", help="数据库中的报告：保存、列出、显示、定稿")
    ssub = store.add_subparsers(dest="store_command", metavar="ACTION", required=True)

    p = ssub.add_parser("save", help="把一份报告（任何可导入的文件）存入数据库；替换草稿")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--organ", metavar="NAME", help="机关名称（默认取报告中的机关）")
    p.add_argument("--year", metavar="N", type=int, help="年度（默认取报告中的年度）")
    p.add_argument(
        "--force",
        action="store_true",
        help="文件写出后数据库中的报告已被修改时，仍用此文件替换（会覆盖那些修改）",
    )
    p.set_defaults(func=_save)

    p = ssub.add_parser("list", help="列出数据库中的报告")
    p.set_defaults(func=_list)

    p = ssub.add_parser("show", help="以交换格式 JSON 输出一份报告")
    p.add_argument("organ", metavar="ORGAN")
    p.add_argument("year", metavar="YEAR", type=int)
    p.set_defaults(func=_show)

    p = ssub.add_parser("finalize", help="检查无误后定稿并归档")
    p.add_argument("organ", metavar="ORGAN")
    p.add_argument("year", metavar="YEAR", type=int)
    p.set_defaults(func=_finalize)

    archive = sub.add_parser("archive", help="归档")
    asub = archive.add_subparsers(dest="archive_command", metavar="ACTION", required=True)
    p = asub.add_parser("verify", help="重新计算归档中每个文件的 SHA-256，报告改动或缺失")
    p.set_defaults(func=_verify)

    p = sub.add_parser("backup", help="把数据库和归档备份为一个 .zip")
    p.add_argument("out", metavar="OUT.zip")
    p.set_defaults(func=_backup)

    p = sub.add_parser("restore", help="从 .zip 备份恢复数据库和归档（先完整检查）")
    p.add_argument("zip", metavar="IN.zip")
    p.set_defaults(func=_restore)


def _open(args: argparse.Namespace, reading: bool = False):
    from model.store import Store

    try:
        if reading:  # list, show, archive verify: also from a read-only folder
            return Store.open_for_reading(getattr(args, "db", None))
        return Store.open(getattr(args, "db", None))
    except BusyError as err:
        raise CommandError(str(err), 3) from None
    except StoreError as err:
        raise CommandError(str(err)) from None


def _run(args: argparse.Namespace, action, reading: bool = False) -> int:
    store = _open(args, reading)
    try:
        return action(store)
    except (ConflictError, BusyError) as err:  # exit 3: changed since, or held by another program
        raise CommandError(str(err), 3) from None
    except StoreError as err:
        raise CommandError(str(err)) from None
    finally:
        store.close()


def _save(args: argparse.Namespace) -> int:
    report = read_report(args.file)

    def action(store) -> int:
        try:
            info = store.save_report(report, organ=args.organ, year=args.year, force=args.force)
        except ConflictError as err:
            if err.changes:
                raise ConflictError(f"{err}\n如确要用此文件替换（覆盖上述修改），请加 --force。") from None
            raise
        print(f"已保存：{info.organ} {info.year} 年度（{info.status_label}，第 {info.version} 版）")
        if not info.created:  # (also when another process created it a moment before)
            print(
                "注意：数据库中已有这份报告，已用此文件替换（替换前的内容可在修改历史中恢复）。",
                file=sys.stderr,
            )
        return 0

    return _run(args, action)


def _list(args: argparse.Namespace) -> int:
    def action(store) -> int:
        infos = store.reports()
        if not infos:
            print("数据库中还没有报告。")
        for i in infos:
            updated = i.updated_at.astimezone().strftime("%Y-%m-%d %H:%M")
            print(f"{i.organ}\t{i.year}\t{i.status_label}\t第{i.version}版\t{updated}")
        return 0

    return _run(args, action, reading=True)


def _find(store, organ: str, year: int):
    from model.store.reports import check_year

    info = store.find(organ, check_year(year))  # 99999999999999999999999: said, not an overflow
    if info is None:
        raise CommandError(f"数据库中没有 {organ} {year} 年度的报告。")
    return info


def _show(args: argparse.Namespace) -> int:
    def action(store) -> int:
        report, info = store.load(_find(store, args.organ, args.year).id)
        report.revision = info.version  # an edit of this file is an edit of this version
        print(report.to_json())
        return 0

    return _run(args, action, reading=True)


def _finalize(args: argparse.Namespace) -> int:
    def action(store) -> int:
        from model.finalize import finalize

        done = finalize(store, _find(store, args.organ, args.year).id)
        print(f"已定稿并归档：{done.folder}")
        if done.problem:
            print(f"警告：{done.problem}", file=sys.stderr)
        return 0

    return _run(args, action)


def _verify(args: argparse.Namespace) -> int:
    def action(store) -> int:
        problems, elsewhere = store.archive_check()
        for p in elsewhere:  # a shared server: another computer's archive is no problem of this one
            print(p)
        for p in problems:
            print(p)
        if problems:
            print(f"归档检查发现 {len(problems)} 处问题。", file=sys.stderr)
            return 1
        print(f"归档完好：{store.archive_root}")
        return 0

    return _run(args, action, reading=True)


def _backup(args: argparse.Namespace) -> int:
    def action(store) -> int:
        from model.store.maintenance import backup_store

        out = backup_store(store, Path(args.out))  # the time recorded: the window's reminder counts it
        print(f"已备份到：{out}")
        return 0

    return _run(args, action)


def _restore(args: argparse.Namespace) -> int:
    from model.store import Store, default_db_url

    try:
        Store.restore_backup(Path(args.zip), getattr(args, "db", None) or default_db_url())
    except StoreError as err:
        raise CommandError(str(err)) from None
    print("已从备份恢复。原有的数据库和归档已另存（文件名含“恢复前”）。")
    return 0
