"""A published report as plain text → :class:`~model.report.Report`.

Cuts the text into the six sections by their headings, reads the tables of sections 二–四 (see
:mod:`.tables`), takes the prose of sections 一, 五, 六, and the title, organ, year and date where the text
states them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..form import CURRENT_EDITION, CURRENT_FORM, FORMS, Form, Section, edition_in_force, form_for
from ..report import Report, ReportError
from .normalize import cn_number, fold, key, similarity
from .paragraphs import is_wrapped, prose
from .tables import TableRead, is_page_number, read_tables, tokenize


@dataclass
class ImportResult:
    report: Report
    #: Chinese notes of what could not be found or read
    missing: list[str] = field(default_factory=list)
    #: the cells left blank because the source did not prove them (keys, in form order)
    unread: list[str] = field(default_factory=list)
    #: the headings of the sections not found in the source
    sections_missing: list[str] = field(default_factory=list)

    def unread_lines(self) -> list[str]:
        """The cells left blank, as the clerk reads them: a whole table, a whole row, or a row's columns."""
        return unread_lines(self.report.form, self.unread)


def unread_lines(form: Form, keys: list[str]) -> list[str]:
    """``表三 （六）1.… ：整行`` / ``表二 规章：本年废止件数`` / ``表四：整个表格`` for the cells ``keys``."""
    blank = set(keys)
    out: list[str] = []
    for t in form.tables:
        if not blank & set(t.cell_keys):
            continue
        if set(t.cell_keys) <= blank:
            out.append(f"{t.name}（{t.title}）：整个表格")
            continue
        for row in t.rows:
            cells = [c for c in t.cells if c.row == row.key]
            unread = [c for c in cells if c.key in blank]
            if not unread:
                continue
            if len(unread) == len(cells):
                out.append(f"{t.name} {row.short}：整行")
            else:
                out.append(f"{t.name} {row.short}：" + "、".join(c.heading for c in unread))
    return out


_HEADING = re.compile(r"^\s*(?:#{1,6}\s*)?\**\s*([一二三四五六])\s*[、.,．]?\s*(.{2,40}?)\s*\**\s*$")
#: a heading numbered otherwise: （五）…, 第五部分 …, 第五、…
_OTHER_NUMBERING = re.compile(
    r"^\s*(?:#{1,6}\s*)?\**\s*(?:\(\s*([一二三四五六])\s*\)|第\s*([一二三四五六])\s*(?:部分|章|项|节)?\s*[、.,．:：]?)"
    r"\s*(.{2,40}?)\s*\**\s*$"
)
#: a heading standing alone in a table-like line: "| 五、存在的主要问题及改进情况 | |"
_PIPED = re.compile(r"^\s*\|?\s*([^|]+?)\s*(?:\|\s*)*$")


def _titled(s: Section, rest: str, worded: bool) -> bool:
    title = key(s.title)
    if title in rest or similarity(rest, title) >= 0.7:
        return True
    # worded otherwise ("存在问题及改进措施", "其他事项"): only a short line, all words of one set in it
    return worded and len(rest) <= 20 and any(all(w in rest for w in words) for words in s.title_words)


def _heading_of(line: str, sections: tuple[Section, ...]) -> Section | None:
    folded = fold(line)
    if "|" in folded:
        piped = _PIPED.match(folded)
        if not piped:
            return None
        folded = piped.group(1)
    m = _HEADING.match(folded)
    if m:
        numeral, rest, canonical = m.group(1), key(m.group(2)), True
    else:
        m = _OTHER_NUMBERING.match(folded)
        if not m:
            return None
        numeral, rest, canonical = m.group(1) or m.group(2), key(m.group(3)), False
    if not rest:
        return None
    for s in sections:
        if numeral != s.numeral:
            continue
        if canonical and _titled(s, rest, worded=True):
            return s
        # numbered otherwise (（五）, 第五部分): only a section worded as the form words it, or a prose
        # section's own words — （五）不予处理 of table 3 and （五）监督保障 of section 一 are no headings
        if not canonical and (_titled(s, rest, worded=bool(s.text_key))):
            return s
    return None


def find_headings(lines: list[str]) -> dict[str, int]:
    """Line number of each section heading (by numeral), in order."""
    sections = CURRENT_FORM.sections
    order = [s.numeral for s in sections]
    found: dict[str, int] = {}
    last = -1
    for i, line in enumerate(lines):
        if len(line) > 80:
            continue
        s = _heading_of(line, sections)
        if s is None or s.numeral in found:
            continue
        pos = order.index(s.numeral)
        if pos <= last:
            continue
        found[s.numeral] = i
        last = pos
    return found


# --------------------------------------------------------------------------------------------------
# title, organ, year, date

#: a year as the title writes it: 2023, or 二〇二三 / 二零二三 / 二○二三
_YEAR = r"(\d{4}|[〇○零一二三四五六七八九]{4})"
_TITLE = re.compile(
    _YEAR + r"\s*年\s*度?\s*(?:政府)?\s*信\s*息\s*公\s*开\s*(?:工\s*作\s*)?(?:年\s*度\s*)?报\s*告"
)
_QUOTED = re.compile(r"《([^《》]{4,80})》")
_YEAR_FIRST = re.compile(_YEAR + r"年度?(.{2,40}?)(?:年度)?政府信息公开(?:工作)?(?:年度)?报告")
#: the year as the overview states it: "汇报我镇2023年政府信息公开工作。" (not last year's report named)
_WORK_YEAR = re.compile(
    r"(?<!\d)(20\d{2})\s*年\s*度?\s*政府信息公开工作\s*(?:情况)?\s*(?:报告如下|如下|[。，,；;])"
)
_TITLE_NO_YEAR = re.compile(r"(.{2,40}?)(?:年度)?政府信息公开(?:工作)?(?:年度)?报告")
_PERIOD = re.compile(r"统计(?:期限|时限|期间|区间|时间)[^0-9]{0,12}(\d{4})\s*年\s*0?1\s*月\s*0?1\s*日")
_OVERVIEW_YEAR = re.compile(
    r"(?<!\d)(20\d{2})\s*年\s*(?:度)?\s*(?:[,，、]|以来|[我全本区县市镇乡街局委办]|\u3000)"
)
_DATE = re.compile(
    r"^[\s(（]*([0-9〇○零一二三四五六七八九]{4})\s*年\s*([0-9一二三四五六七八九十]{1,3})\s*月\s*"
    r"([0-9一二三四五六七八九十]{1,3})\s*日[\s)）]*$"
)
_ORGAN = re.compile(r"[\u3400-\u9fff()（）]{2,40}")
_ORGAN_END = re.compile(
    r"(政府|办公室|办公厅|局|委员会|管委会|委|厅|院|中心|办事处|办|所|处|镇|乡|署|部|队|站|馆|社|司法所|管理处"
    r"|总队|支队|开发区|新区)$"
)
#: a line of the site's navigation: never part of the title ("首页 > 政府信息公开 > 政务公开")
_NAV = re.compile(r"^(?:首页|当前位置|您的位置|你的位置|您现在的位置|所在位置|位置)|[>»›→]")
#: the page around the report (a saved web page): from the first such line on, nothing is the report's
_CHROME = re.compile(
    r"打印本页|打印此页|打印页面|关闭窗口|关闭本页|ICP\s*备|ICP\s*证|公网安备|网站标识码|Copyright|©"
    r"|^[\s(（\[]*(?:版权所有|主办单位|承办单位|技术支持|联系我们|网站地图|上一篇|下一篇|分享到"
    r"|扫一扫|相关链接|相关文章|责任编辑|字体|字号|打印|关闭)\s*(?:[:：|)）\]]|$|\s)"
    r"|^\s*(?:主办|承办)\s*[:：]",
    re.I,
)
_SOURCE_LINE = re.compile(r"^\s*#\s*source\s*:", re.I)


def is_chrome(line: str) -> bool:
    """A line of the web page around the report: print/close buttons, copyright, ICP number, site owner."""
    return bool(_CHROME.search(fold(line)))


def _is_organ_line(text: str) -> bool:
    """A line (cleaned) that is an organ's name and nothing else: 某某县人民政府, 某某市司法局."""
    return (
        2 <= len(text) <= 30
        and bool(_ORGAN.fullmatch(text))
        and bool(_ORGAN_END.search(text))
        and not _NAV.search(text)
    )


def _year_of(text: str) -> int | None:
    year = cn_number(text)
    return year if year is not None and 2000 <= year <= 2200 else None


def _clean(line: str) -> str:
    return re.sub(r"\s+", "", re.sub(r"^\s*#{1,6}\s*", "", fold(line))).strip("*")


def _date_of(line: str) -> str | None:
    m = _DATE.match(fold(line).strip())
    if not m:
        return None
    y, mo, d = (cn_number(g) for g in m.groups())
    if y is None or mo is None or d is None or not (1 <= mo <= 12 and 1 <= d <= 31 and 1990 < y < 2200):
        return None
    return f"{y:04d}-{mo:02d}-{d:02d}"


def _organ(text: str) -> str:
    m = re.search(r"[\u3400-\u9fff()（）]{2,40}$", text)
    if not m:
        return ""
    name = m.group(0).lstrip("(（")
    for junk in ("关于", "的"):
        if name.endswith(junk):
            name = name[: -len(junk)]
    # a title quoted inside a sentence: the words before the organ's name are not part of it
    # ("现将信访局2021年度…", "做好2023年政府信息公开工作年度报告编制发布等工作")
    for junk in ("印发", "公布", "发布", "现将", "现就", "做好", "编制", "形成了", "汇报"):
        if junk in name:
            name = name.split(junk)[-1]
    return name if len(name) >= 2 else ""


@dataclass
class Meta:
    title: str | None = None
    agency: str = ""
    year: int | None = None
    date: str | None = None


def read_meta(lines: list[str], preamble_end: int, overview: str, signature: Signature | None = None) -> Meta:
    meta = Meta()
    head = [_clean(x) for x in lines[:preamble_end] if not _SOURCE_LINE.match(x)]
    head = [x for x in head if x]
    # the title: "<organ><year>年政府信息公开工作年度报告", perhaps over two lines
    for i, line in enumerate(head[:12]):
        candidates = [line]
        if i + 1 < len(head):
            candidates.append(line + head[i + 1])
        # a title quoted in 《》 within a sentence is the title; other mentions in that sentence are not
        quoted = [q for q in _QUOTED.findall(line) if _TITLE.search(q)]
        if quoted:
            candidates = [quoted[0]]
        for text in candidates:
            first = _YEAR_FIRST.fullmatch(text)
            if first and _ORGAN.fullmatch(first.group(2)) and _year_of(first.group(1)):
                # "2019年<organ>政府信息公开工作年度报告": the organ after the year
                meta.year = _year_of(first.group(1))
                meta.title, meta.agency = text, first.group(2)
                break
            m = _TITLE.search(text)
            if not m:
                continue
            year = _year_of(m.group(1))
            if year is None:
                continue
            if text is not line and m.start() >= len(line):
                # the title starts on the next line: this line is part of it only as the organ's name
                # standing above a title that has none ("某某市人民政府" / "2023年政府信息公开工作年度报告");
                # a breadcrumb, a menu or a heading before a whole title is not
                if not _is_organ_line(line) or _organ(text[len(line) : m.start()]):
                    continue
            meta.year = year
            before = text[: m.start()]
            organ = _organ(before)
            if not organ and i > 0 and _is_organ_line(head[i - 1]):
                organ = head[i - 1]
                meta.title = organ + text[m.start() : m.end()]
            elif organ or not before:
                meta.title = text[len(before) - len(organ) : m.end()]
            meta.agency = organ
            break
        if meta.year is not None:
            break
    if meta.title is None:
        # a title without the year: the whole line is "<organ>政府信息公开工作年度报告"
        for line in head[:6]:
            m = _TITLE_NO_YEAR.fullmatch(line)
            if m and _ORGAN.fullmatch(m.group(1)):
                meta.title, meta.agency = line, m.group(1)
                break
    if meta.year is None:
        joined = "".join(head)
        m = _PERIOD.search(joined)
        if m:
            meta.year = int(m.group(1))
    if meta.year is None:
        m = _PERIOD.search(re.sub(r"\s+", "", fold(overview)))
        if m:
            meta.year = int(m.group(1))
        else:
            m = _OVERVIEW_YEAR.search(fold(overview)) or _WORK_YEAR.search(fold(overview))
            if m:
                meta.year = int(m.group(1))
    # the date under the organ's name: in the preamble, else in the signature at the end
    for i, line in enumerate(lines[:preamble_end]):
        d = _date_of(line)
        if d:
            meta.date = d
            if not meta.agency:
                prev = _clean(lines[i - 1]) if i else ""
                if _is_organ_line(prev):
                    meta.agency = prev
            break
    if signature is not None:
        meta.date = meta.date or signature.date
        meta.agency = meta.agency or signature.organ
    return meta


# --------------------------------------------------------------------------------------------------
# prose

# the prose of sections 一, 五, 六 (lines joined into paragraphs): .paragraphs


@dataclass
class Signature:
    """The organ's name and the date printed below the report: where they start, what they say."""

    start: int
    organ: str = ""
    date: str | None = None


def _blank(line: str) -> bool:
    return not line.strip() or is_page_number(line.strip("\f"))


def find_signature(lines: list[str], start: int, end: int, agency: str = "") -> Signature | None:
    """The signature in ``lines[start:end]`` (the end of the report): a date line, an organ's name above a
    date line, or an organ's name with nothing of the report after it.  The page text after it (print
    buttons, copyright, the site's owner) is not the report's."""
    nonblank = [i for i in range(start, end) if not _blank(lines[i])]
    for n, i in enumerate(nonblank):
        line = _clean(lines[i])
        date = _date_of(lines[i])
        if date:
            prev = _clean(lines[nonblank[n - 1]]) if n else ""
            if n and (prev == agency or _is_organ_line(prev)):
                return Signature(nonblank[n - 1], prev, date)
            return Signature(i, "", date)
        if line == agency or _is_organ_line(line):
            after = nonblank[n + 1] if n + 1 < len(nonblank) else None
            if after is None or is_chrome(lines[after]):
                return Signature(i, line)
            date = _date_of(lines[after])
            if date:
                return Signature(i, line, date)
    return None


# --------------------------------------------------------------------------------------------------
# the whole report


def _own_heads(form: Form) -> tuple[str, ...]:
    """The column headings of ``form``'s table 2 no other edition prints (not even inside a longer one)."""
    others = [h for f in FORMS.values() if f is not form and "t2" in f.table for h in _t2_heads(f)]
    return tuple(h for h in _t2_heads(form) if not any(h in x for x in others))


def _t2_heads(form: Form) -> list[str]:
    t2 = form.table.get("t2")
    return [c.text for c in t2.layout.cells if c.role == "head"] if t2 else []


#: each older edition with the headings that tell its table 2 apart
_EDITION_HEADS = {e: _own_heads(f) for e, f in FORMS.items() if e != CURRENT_EDITION}


def _edition_of(t2_text: str) -> str:
    for edition, heads in _EDITION_HEADS.items():
        if sum(1 for h in heads if key(h) in t2_text) >= 1:
            return edition
    return CURRENT_EDITION


def _only_current(edition: str) -> tuple[str, ...]:
    """The cells of the current form's table 3 that ``edition``'s has not (（六）1. and 2. for 2019)."""
    rows = {r.key for r in form_for(edition).table["t3"].rows}
    return tuple(c.key for c in CURRENT_FORM.table["t3"].cells if c.row not in rows)


_WATERMARK = re.compile(r"^[\s\f]*(?:草\s*稿|草|稿)[\s\f]*$")


def _region(lines: list[str], heads: dict[str, int], numeral: str) -> tuple[int, int] | None:
    if numeral not in heads:
        return None
    start = heads[numeral] + 1
    later = [i for i in heads.values() if i > heads[numeral]]
    return start, (min(later) if later else len(lines))


def read_text(text: str) -> ImportResult:
    if not isinstance(text, str):
        raise ReportError("导入的内容不是文本。")
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    if not text.strip():
        raise ReportError("文件是空的，没有可以导入的内容。")
    if "\x00" in text:
        raise ReportError("这不是文本文件（含有二进制内容），无法作为年报导入。")
    # the watermark of a draft (草稿, printed large across the page) stands on lines of its own
    lines = ["" if _WATERMARK.match(x) else x for x in text.split("\n")]
    if not text.endswith(("\n", "|", " ", "\t")) and re.search(r"\d$", lines[-1]):
        # the text stops inside a number ("…| 0 | 3" of "…| 0 | 38 |"): that number is not certain
        lines[-1] = re.sub(r"[\d.,]+$", "", lines[-1])
    heads = find_headings(lines)
    # a saved web page: the page text after the report (print buttons, copyright, footer) is not read
    last_head = max(heads.values()) if heads else 0
    chrome = next((i for i in range(last_head + 1, len(lines)) if is_chrome(lines[i])), None)
    if chrome is not None:
        lines = lines[:chrome]
    n = len(lines)
    order = ["一", "二", "三", "四", "五", "六"]
    first_head = min(heads.values()) if heads else n

    def span(numeral: str) -> tuple[int, int]:
        r = _region(lines, heads, numeral)
        if r:
            return r
        # no heading: between the neighbouring headings that were found
        pos = order.index(numeral)
        before = [heads[x] + 1 for x in order[:pos] if x in heads]
        after = [heads[x] for x in order[pos + 1 :] if x in heads]
        return (max(before) if before else 0), (min(after) if after else n)

    regions = {num: span(num) for num in order}
    # a table whose own heading is missing shares its neighbour's region: cut at the next table's start
    t3_start, t3_end = regions["三"]
    t4_start, t4_end = regions["四"]
    if "四" not in heads:
        m = next(
            (
                i
                for i in range(t4_start, t4_end)
                if "结转下年度" in key(lines[i]) and "继续办理" in key(lines[i])
            ),
            None,
        )
        # without its heading, table 4 is only looked for after the last row of table 3
        t4_start = m + 1 if m is not None else t4_end
    t4_cut = t4_end == n or ("五" not in heads and "六" not in heads)
    t2_tokens = tokenize(lines[regions["二"][0] : regions["二"][1]], regions["二"][0])
    t3_tokens = tokenize(lines[t3_start:t3_end], t3_start)
    t4_tokens = tokenize(lines[t4_start:t4_end], t4_start)

    # edition: an older form's table 2 has other columns; without them, tables 3 and 4 are read with the
    # current form's, whose table 3 holds the older ones' rows (（六）其他处理 as one row fills （六）3.其他)
    t2_text = key("".join(lines[regions["二"][0] : regions["二"][1]]))
    template = _edition_of(t2_text)
    t3_bounds = ("三" in heads, "四" in heads and t3_end == heads["四"])
    # an older edition told by its table 2 is read by its own form throughout (its （六）其他处理 a row)
    reads = read_tables(form_for(template), t2_tokens, t3_tokens, t4_tokens, t4_cut, t3_bounds)

    overview_lines = lines[regions["一"][0] : regions["一"][1]] if "一" in heads else []
    # the signature: after the prose of the last section, or at the end of the text below the tables
    last_section = next((s for s in reversed(CURRENT_FORM.sections) if s.numeral in heads), None)
    if last_section is not None and last_section.text_key:
        sig_from = heads[last_section.numeral] + 1
    else:
        sig_from = max(first_head, n - 8) if heads else n
    title_organ = read_meta(lines, first_head, "").agency
    signature = find_signature(lines, sig_from, n, title_organ)
    meta = read_meta(lines, first_head, "\n".join(overview_lines) or "\n".join(lines[:first_head]), signature)
    if template == CURRENT_EDITION and meta.year is not None and not reads["t2"].found:
        template = edition_in_force(meta.year)  # no table 2 to tell: the edition in force that year
    if template != CURRENT_EDITION and any(
        reads["t3"].values.get(k) is not None for k in _only_current(template)
    ):
        template = CURRENT_EDITION  # its table 3 has the rows only the current form has

    texts = {"overview": "", "problems": "", "other": ""}
    prose_lines = [
        x
        for s in CURRENT_FORM.sections
        if s.text_key and s.numeral in heads
        for x in lines[slice(*(_region(lines, heads, s.numeral) or (0, 0)))]
    ]
    wrapped = is_wrapped(prose_lines)
    for s in CURRENT_FORM.sections:
        if s.text_key and s.numeral in heads:
            a, b = _region(lines, heads, s.numeral) or (0, 0)
            if signature is not None and a <= signature.start < b:
                b = signature.start
            texts[s.text_key] = prose(lines[a:b], wrapped)

    anything = any(r.found for r in reads.values()) or bool(heads)
    if not anything:
        raise ReportError(
            "未能在文件中找到政府信息公开工作年度报告的内容（没有“一、总体情况”等标题，也没有可识别的表格）。"
        )

    form = form_for(template)
    report = Report(template=template, agency=meta.agency, year=meta.year, title=meta.title, date=meta.date)
    report.text.update(texts)
    for r in reads.values():
        for k, v in r.values.items():
            if k in form.cells:
                report.cells[k] = v
    unread = [k for k in form.cell_keys if report.cells.get(k) is None]
    sections_missing = [s.heading for s in form.sections if s.numeral not in heads]
    return ImportResult(report, _missing(form, heads, reads, report), unread, sections_missing)


def _missing(form: Form, heads: dict[str, int], reads: dict[str, TableRead], report: Report) -> list[str]:
    notes: list[str] = []
    numerals = {s.text_key: s for s in form.sections if s.text_key}
    for tk, s in numerals.items():
        if s.numeral not in heads:
            notes.append(f"{s.heading} 未找到")
        elif not report.text.get(tk):
            notes.append(f"{s.heading} 内容为空")
    for t in form.tables:
        r = reads.get(t.key)
        name = t.name
        if r is None or not r.found:
            section = form.section_of_table(t.key)
            if section.numeral in heads:
                notes.append(f"{name} 未能读取（“{section.heading}”下没有可识别的表格）")
            else:
                notes.append(f"{name} 缺失（{t.title}）")
            continue
        unread_rows = []
        for row in t.rows:
            keys = [c.key for c in t.cells if c.row == row.key]
            if all(report.cells.get(k) is None for k in keys):
                unread_rows.append(row.short)
        if unread_rows:
            notes.append(f"{name} 未找到或无法确定：" + "、".join(unread_rows))
        blanks = [c.name for c in t.cells if c.row not in () and report.cells.get(c.key) is None]
        partly = len(blanks) - sum(
            len([c for c in t.cells if c.row == row.key]) for row in t.rows if row.short in unread_rows
        )
        if partly > 0:
            notes.append(f"{name} 另有 {partly} 个单元格为空或无法确定")
    return notes
