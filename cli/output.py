"""``export`` and ``verify`` on the command line.

python main.py export FILE -o OUT.pdf [--previous FILE] [--sign KEY.p12 --password-file F] [--seal SEAL.png]
                      [--html OUT.html] [--docx OUT.docx] [--xlsx OUT.xlsx]
python main.py export FILE --docx OUT.docx    # without -o: only the Word file (likewise --xlsx: tables 二–四)
python main.py [--db URL] export --organ NAME --year N -o OUT.pdf [...]   # the report from the store
python main.py verify OUT.pdf      # 0: every signature intact; 1: broken / changed after signing / none;
                                   # 2: the file cannot be read
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from model import files as files_mod


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("export", help="把报告导出为 PDF（PDF/A-2b），可同时签章、导出网页")
    p.add_argument(
        "file", metavar="FILE", nargs="?", help="报告（交换 JSON，或已发布报告的文本、HTML、.docx）"
    )
    p.add_argument("--organ", metavar="NAME", help="从数据库取报告：机关名称（与 --year 一起使用）")
    p.add_argument("--year", metavar="N", type=int, help="从数据库取报告：年度")
    p.add_argument("-o", "--output", metavar="OUT.pdf", help="输出的 PDF 文件")
    p.add_argument("--previous", metavar="FILE", help="上年度报告（用于跨年度核对）")
    p.add_argument("--sign", metavar="KEY.p12", help="用此证书文件（.p12/.pfx）签章")
    p.add_argument("--password-file", metavar="F", help="证书密码所在的文本文件（第一行）")
    p.add_argument("--seal", metavar="SEAL.png", help="印章图片（PNG）")
    p.add_argument("--html", metavar="OUT.html", help="同时导出网页版")
    p.add_argument("--docx", metavar="OUT.docx", help="导出 Word 文档（不带 -o 时只导出 Word）")
    p.add_argument("--xlsx", metavar="OUT.xlsx", help="把表二、表三、表四导出为 Excel 工作簿")
    p.set_defaults(func=run_export)

    v = sub.add_parser("verify", help="核验 PDF 中的数字签名")
    v.add_argument("file", metavar="OUT.pdf")
    v.set_defaults(func=run_verify)


def _reports(args):
    """The report to export and last year's: from FILE (and --previous), or from the store by --organ/--year.
    With a report from the store, returns its id too (to archive what is exported of a final report)."""
    from cli.main import CommandError
    from cli.report import read_report

    if args.file and (args.organ or args.year):
        raise CommandError("请指定报告文件，或用 --organ 与 --year 从数据库中选择报告，二者不能同时使用。")
    if args.file:
        previous = read_report(args.previous) if args.previous else None
        return read_report(args.file), previous, None, None
    if not (args.organ and args.year):
        raise CommandError("请指定报告文件，或用 --organ 与 --year 从数据库中选择报告。")
    from model.store import Store, StoreError

    try:  # signing a final report archives the signed copy: only then is a write needed
        store = (Store.open if args.sign else Store.open_for_reading)(getattr(args, "db", None))
    except StoreError as err:
        raise CommandError(str(err)) from None
    info = store.find(args.organ, args.year)
    if info is None:
        store.close()
        raise CommandError(f"数据库中没有 {args.organ} {args.year} 年度的报告。")
    report, _ = store.load(info.id)
    previous = read_report(args.previous) if args.previous else store.previous_report(info.id)
    return report, previous, store, info


def _password(args) -> str:
    from cli.main import CommandError

    if args.password_file:
        try:
            return files_mod.read_password_file(args.password_file)  # GBK from cmd's echo, CRLF, spaces
        except OSError as err:
            raise CommandError(f"无法读取密码文件“{args.password_file}”：{err.strerror or err}") from None
        except ValueError as err:  # a pipe, a device, a huge file (model.files.read_input)
            raise CommandError(f"无法读取密码文件：{err}") from None
    if sys.stdin and sys.stdin.isatty():
        import getpass

        return getpass.getpass("证书密码：")
    raise CommandError("签章需要证书密码：请用 --password-file 指定密码文件。")


def run_export(args) -> int:
    report, previous, store, info = _reports(args)
    try:
        return _export(args, report, previous, store, info)
    finally:
        if store is not None:
            store.close()


def _export(args, report, previous, store, info) -> int:
    from cli.main import CommandError

    if not args.output:
        if args.sign or args.seal or args.html:
            raise CommandError("--sign、--seal 与 --html 需要与 -o OUT.pdf 一起使用。")
        if not (args.docx or args.xlsx):
            raise CommandError("请用 -o 指定输出的 PDF 文件（或用 --docx、--xlsx 导出 Word、Excel）。")
        return _export_office(args, report, previous)

    from model.output import fonts
    from model.output.pdf import ExportError, export_pdf, report_has_errors, write_atomic
    from model.output.sign import SigningError, sign_pdf

    out = Path(args.output)
    if args.seal and not args.sign:
        raise CommandError("--seal 需要与 --sign 一起使用。")
    draft = report_has_errors(report, previous)
    if args.sign and draft:
        raise CommandError("报告仍有错误，只能导出草稿，不能签章。请先用 check 命令查看并改正错误。")
    if args.sign and not (report.date or "").strip():
        raise CommandError("报告没有成文日期，不能签章。请先在报告中填写成文日期。")
    password = _password(args) if args.sign else ""
    missing = fonts.unprintable_characters(report)
    if missing:
        where = "；".join(f"“{ch}”（{'、'.join(places)}）" for ch, places in missing.items())
        print(f"警告：以下字符无法打印，在 PDF 中将显示为空框：{where}", file=sys.stderr)
    try:
        if args.sign:
            from model.output.sign import seal_warnings, signer_of

            who = signer_of(args.sign, password)
            if report.agency and who != report.agency:
                print(f"警告：证书的签章人“{who}”不是报告的机关“{report.agency}”。", file=sys.stderr)
            for w in seal_warnings(args.seal) if args.seal else []:
                print(f"警告：{w}", file=sys.stderr)
        # everything is made aside first: a failure (of the signature, of the web page) leaves no PDF behind
        with files_mod.temp_dir(prefix="nianbao-export-") as tmp:
            made = Path(tmp) / "out.pdf"
            if args.sign:
                unsigned = Path(tmp) / "unsigned.pdf"
                export_pdf(report, unsigned, previous=previous, draft=draft)
                sign_pdf(unsigned, made, args.sign, password, args.seal)
            else:
                export_pdf(report, made, previous=previous, draft=draft)
            if args.html:
                from model.output.html import render_html

                write_atomic(Path(args.html), render_html(report).encode("utf-8"))
            write_atomic(out, made.read_bytes())
    except (ExportError, SigningError) as err:
        raise CommandError(str(err)) from None
    if store is not None and info.is_final and args.sign:
        from model.finalize import archive_signed
        from model.store import StoreError

        try:
            print(f"已归档签章版：{archive_signed(store, info.id, out)}")
        except StoreError as err:
            print(f"警告：签章版未能归档：{err}", file=sys.stderr)
    note = "（草稿：报告仍有错误）" if draft else ""
    print(f"已导出 {out}{note}" + ("，已签章" if args.sign else ""))
    if args.html:
        print(f"已导出网页 {args.html}")
    return _export_office(args, report, previous, draft)


def _export_office(args, report, previous, draft: bool | None = None) -> int:
    """``--docx`` and ``--xlsx``: the report for Word, tables 二–四 for Excel."""
    from cli.main import CommandError
    from model.output.pdf import ExportError, report_has_errors

    if not (args.docx or args.xlsx):
        return 0
    if draft is None:
        draft = report_has_errors(report, previous)
    note = "（草稿：报告仍有错误）" if draft else ""
    try:
        if args.docx:
            from model.output.docx import export_docx

            print(f"已导出 Word 文档 {export_docx(report, args.docx, draft=draft)}{note}")
        if args.xlsx:
            from model.output.xlsx import export_xlsx

            print(f"已导出 Excel 工作簿 {export_xlsx(report, args.xlsx)}{note}")
    except ExportError as err:
        raise CommandError(str(err)) from None
    return 0


def run_verify(args) -> int:
    from cli.main import CommandError
    from model.output.sign import VerifyError, verify_pdf

    try:
        results = verify_pdf(args.file)
    except VerifyError as err:
        raise CommandError(str(err), 2) from None
    if not results:
        print(f"{args.file}：文件中没有数字签名。")
        return 1
    for i, s in enumerate(results, 1):
        print(f"签名 {i}：{s.signer}（{s.time_text()}）— {s.message}")
        for what, good, said in s.facts():  # every fact, good or not
            print(f"  {'✓' if good else '✗'} {what}：{said}")
    return 0 if all(s.ok for s in results) else 1
