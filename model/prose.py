"""Numbers in the prose against the tables, and numbers left unfilled.

Two checks over the three prose sections (一、总体情况, 五、存在的主要问题及改进情况, 六、其他需要报告的事项):

* ``prose.table_mismatch`` (warning, explainable): a number the prose states about a table quantity —
  applications received, granted, refused, carried over, reviews, lawsuits … — that contradicts the table
  under every reasonable reading of the sentence;
* ``prose.uncertain`` (hint): such a number that differs from the table, but the sentence may speak of a
  different scope (``区政府办代表区政府受理…``, ``各部门…``, the organ's own review work);
* ``prose.placeholder`` (warning): a number left unfilled (``由个压缩至10个``, ``XX件``, ``【】``, ``（ ）件``).

The phrasings are data: :data:`QUANTITIES` (what a phrase may mean in table terms), :data:`PHRASES` (the
wording that names a quantity, before or after the number), :data:`QUALIFIERS` (words that pick a column or
a row group), :data:`PLACEHOLDERS`.  The engine below reads a sentence clause by clause:

* a number counts only with its unit (``件``, ``起``, ``宗``, ``例``) and only when its keyword stands in the
  same clause (no ``，。；`` between); approximate numbers (``2510余条``, ``近``, ``约``, ``左右``) never count;
* a ``其中`` clause, or a clause with only a qualifier (``法人或其他组织申请8件``, ``结果纠正64件``), inherits the
  quantity of its sentence; a clause with its own keyword inherits the sentence's applicant qualifier as a
  *possible* reading (the clause may be about the sub-group or about all applicants);
* a number is a contradiction only when it equals none of the readings (e.g. ``受理`` = 本年新收, or 新收 +
  上年结转; ``行政诉讼`` = either group of 表四 or both together), and only when every cell it is compared with
  holds a number (blank and ``/`` cells are not compared).

Parsing depends on the text only and is cached; comparing with the cells is cheap.  A full check of a
typical report takes well under a millisecond once the text has been read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .findings import Finding, Severity, TextSpan
from .form import CURRENT_FORM, TEXT_KEYS, Form, form_for
from .report import Report, numeric

__all__ = [
    "Claim",
    "Placeholder",
    "PHRASES",
    "QUALIFIERS",
    "QUANTITIES",
    "RULE_MISMATCH",
    "RULE_PLACEHOLDER",
    "RULE_UNCERTAIN",
    "check_prose",
    "extract_claims",
    "find_placeholders",
    "parse_number",
]

RULE_MISMATCH = "prose.table_mismatch"
RULE_UNCERTAIN = "prose.uncertain"
RULE_PLACEHOLDER = "prose.placeholder"

# ==================================================================================================
# The phrasings — data.  Row, group and column keys are those of model.form (checked at import).


@dataclass(frozen=True)
class Quantity:
    key: str
    table: str  # "t3" / "t4"
    #: the readings: each one a tuple of row (or row-group) keys whose cells are added up
    readings: tuple[tuple[str, ...], ...]
    #: the number counts only in a sentence about applications (申请) — for generic verbs like 办理
    needs_application: bool = False


QUANTITIES = {
    q.key: q
    for q in (
        Quantity("new", "t3", (("new",),)),
        # 受理 / 收到: the new applications, or new + carried in (017: 749 = 713 + 36)
        Quantity("received", "t3", (("new",), ("new", "carried_in"))),
        Quantity("carried_in", "t3", (("carried_in",),)),
        Quantity("granted", "t3", (("granted",),)),
        Quantity("partial", "t3", (("partial",),)),
        Quantity("granted_partial", "t3", (("granted", "partial"),)),
        Quantity("refused", "t3", (("refused",),)),
        Quantity("unable", "t3", (("unable",),)),
        Quantity("not_processed", "t3", (("not_processed",),)),
        # 办理 / 答复: （七）总计, or everything on hand (（七）总计 + 结转下年度)
        Quantity("processed", "t3", (("total",), ("total", "carried_over")), needs_application=True),
        Quantity("carried_over", "t3", (("carried_over",),)),
        Quantity("review", "t4", (("review",),)),
        # 行政诉讼: both groups of 表四 together (021: 46 = 26 + 20), or either of them
        Quantity(
            "litigation",
            "t4",
            (
                ("litigation_direct", "litigation_after_review"),
                ("litigation_direct",),
                ("litigation_after_review",),
            ),
        ),
        Quantity("review_litigation", "t4", (("review", "litigation_direct", "litigation_after_review"),)),
    )
}

#: inherit the quantity of the sentence (``其中自然人申请741件``)
INHERIT = ""

_APPLY = r"(?:的)?(?:政府信息公开|信息公开|依申请公开)?(?:的)?(?:申请)?(?:事项)?"
_NEXT_YEAR = r"下一?(?:个)?年度?"
#: a result named with the reply that gave it: "予以公开答复966件", "不予公开决定3件"
_REPLY = r"(?:的)?(?:答复|决定)?"

#: (quantity, wording right before the number, wording right after it) — first match wins, so the more
#: specific wording comes first.  "before" must end where the number starts (modulo 共/合计/为 …);
#: "after" must start where the number ends (it may reach to the end of the clause).
PHRASES: tuple[tuple[str, str | None, str | None], ...] = (
    ("review_litigation", r"行政复议(?:案件)?(?:和|及|与|、|或)行政诉讼(?:案件)?", None),
    ("review", r"行政复议(?:的)?(?:案件|申请|案)?", None),
    ("litigation", r"行政诉讼(?:的)?(?:案件|案)?", None),
    ("granted_partial", r"(?:予以)?公开(?:及|和|与|、|或)部分公开" + _REPLY + _APPLY, None),
    ("granted_partial", None, r".*?(?:予以)?公开(?:及|和|与|、|或)部分公开"),
    ("partial", r"部分公开" + _REPLY + _APPLY, None),
    ("partial", None, r".*?部分公开"),
    ("refused", r"不予公开" + _REPLY + _APPLY, None),
    ("refused", None, r".*?不予公开"),
    ("granted", r"(?:予以|同意|准予|全部|答复)公开" + _REPLY + _APPLY, None),
    ("granted", None, r".*?(?:予以|同意|准予|全部|答复)公开"),
    ("unable", r"(?:无法|不能)提供" + _REPLY + _APPLY, None),
    ("unable", None, r".*?(?:无法|不能)提供"),
    ("not_processed", r"不予处理" + _REPLY + _APPLY, None),
    ("not_processed", None, r".*?不予处理"),
    ("carried_in", r"上一?年度?结转(?:过来|来)?" + _APPLY, None),
    ("carried_in", None, r".*?上一?年度?结转"),
    (
        "carried_over",
        r"(?:结转|顺延|转入|转)(?:到|至|入)?" + _NEXT_YEAR + r"(?:继续)?(?:办理|答复)?" + _APPLY,
        None,
    ),
    ("carried_over", None, r".*?(?:结转|顺延|转入|转)(?:到|至|入)?" + _NEXT_YEAR),
    ("review", None, r".*?行政复议"),
    ("litigation", None, r".*?行政诉讼"),
    ("new", r"新收(?:到|取)?.*申请(?:公开)?(?:事项)?", None),
    ("received", r"(?:受理|收到|接收|接到|收悉|共收)(?:了)?.*申请(?:公开)?(?:事项)?", None),
    ("received", r"(?:受理|收到|接收|接到)(?:了)?", r"(?:政府信息公开|信息公开|依申请公开)?申请"),
    # not 不予处理 / 其他处理 / 正在办理 / 尚未答复 / 行政复议答复
    (
        "processed",
        r"(?<![予他在未])(?<!复议)(?<!诉讼)(?:办理|办结|答复|处理)(?:完毕|完成|了)?" + _APPLY,
        None,
    ),
    ("processed", None, r"(?:已|均已)?(?:全部)?(?:办结|办理完毕|答复完毕)"),
    ("received", r"申请(?:件数|总数量?|总量|数量)", None),
    (INHERIT, r"申请", None),
)


def qualifiers(form: Form) -> tuple[tuple[str, str, str, tuple[str, ...]], ...]:
    """(wording, table, what it picks, keys), from how the form says prose names its columns and rows:
    "columns" — the applicant (表三) or result (表四) columns added up; "rows" — the lawsuit group of 表四.
    Searched in the clause before the number, in this order: a column under a common heading before the
    heading's wording (社会公益组织 is no 法人…组织), then the heading, then the other columns; rows last."""
    out: list[tuple[str, str, str, tuple[str, ...]]] = []
    for t in form.tables:
        grouped = {k for g in t.column_groups for k in g.columns}
        out += [(c.spoken, t.key, "columns", (c.key,)) for c in t.columns if c.spoken and c.key in grouped]
        out += [(g.spoken, t.key, "columns", g.columns) for g in t.column_groups if g.spoken]
        out += [
            (c.spoken, t.key, "columns", (c.key,)) for c in t.columns if c.spoken and c.key not in grouped
        ]
    for t in form.tables:
        out += [(r.spoken, t.key, "rows", (r.key,)) for r in t.rows if r.spoken]
    return tuple(out)


QUALIFIERS = qualifiers(CURRENT_FORM)

#: the total column of each table, for a clause that names no column
TOTAL_COLUMN = CURRENT_FORM.table["t3"].total_column

#: the sentence speaks of another scope than the report's tables: a mismatch is only a hint
SCOPE_MARKERS = r"代表|各部门|各单位|各镇|各乡镇|各街道|各地|各县|各区|县直|区直|市直|所属|下属|本级"
#: the clause counts by another criterion than the tables (the channel of the application): not compared
OTHER_CRITERIA = r"网上|网络|在线|信函|邮寄|当面|现场|传真|电子邮件|邮件|电话|线上|线下"
#: the organ deals with reviews as the reviewing body — not necessarily about 政府信息公开
REVIEW_BODY = r"(?:办理|受理|审理|审结|收到|接收)[^，,。；;]*?行政复议"
#: the sentence (or the one before) is about applications
APPLICATION_CONTEXT = r"申请"
INFO_DISCLOSURE_CONTEXT = r"信息公开|依申请"

#: a number: digits (full-width too, thousands separators) or Chinese numerals, with its unit
_DIGITS = r"[0-9０-９]{1,3}(?:,[0-9]{3})+|[0-9０-９]+"
_CN_DIGITS = "零〇一二两三四五六七八九十百千"
UNITS = r"件次|件|起|宗|例"
APPROX_BEFORE = r"(?:近|约|超过|超|逾|将近|不足|不到|不少于|至少|多于|少于|大约)\s*$"
APPROX_AFTER = r"^\s*(?:左右|以上|以下|上下|之多)"

#: placeholders: (pattern, what the clerk is told it is)
_MEASURE = (
    r"(?:个(?![人体别性案数位])|件(?![事])|条(?![例件款文目约])|次(?![年日月序要数])|项(?![目])"
    r"|家(?![属庭长人里中乡])|篇(?![章幅])|期(?![限间刊满末初])|场(?![所地景合])|起(?![草诉点始来因])"
    r"|宗(?![旨教])|名(?![称义单字额录])|份(?![额]))"
)
PLACEHOLDERS: tuple[tuple[str, str], ...] = (
    (
        r"(?:由|共计|合计|总计|累计|共|达|全年|(?<![设会审统估伙共合总累预])计(?!件))[ \t\u3000]*" + _MEASURE,
        "量词前缺少数字",
    ),
    (r"(?<![A-Za-z0-9_.\-/@])(?:[XxＸｘ×]{2,})(?![A-Za-z0-9_.\-/@])", "占位符未替换"),
    (r"(?<![A-Za-z0-9_.\-/@])[XxＸｘ×](?=[个件条次项家篇期场起宗名份人元%％])", "占位符未替换"),
    (r"【\s*】", "括号中未填写内容"),
    (r"[（(]\s*[）)]", "括号中未填写内容"),
    (r"_{2,}|＿{2,}", "下划线处未填写内容"),
    # a number left out with the space kept for it: "共收到申请 件，办结 件"
    (
        r"(?<=申请|收到|受理|办结|答复|公开|提供|处理|复议|诉讼|共计|合计|总计)[ \t\u3000]+(?=件(?![事])|起(?![草诉点始来因]))",
        "量词前缺少数字",
    ),
    (r"□+", "方框处未填写内容"),
)

# ==================================================================================================
# Compiled once

_RE_FLAGS = re.S
_FILL = r"[\s:：]*(?:(?:共计|合计|总计|累计|总数|总量|数量|共|计|达|为|是|有|了|数)[\s:：]*)*"
_PHRASES = tuple(
    (
        q,
        re.compile(f"(?:{before}){_FILL}$", _RE_FLAGS) if before else None,
        re.compile(f"\\s*(?:{after})", _RE_FLAGS) if after else None,
    )
    for q, before, after in PHRASES
)
_QUALIFIERS = tuple((re.compile(p), table, kind, keys) for p, table, kind, keys in QUALIFIERS)
_NUMBER = re.compile(
    rf"(?<![\d.．０-９A-Za-z第每这那某唯统单逐同{_CN_DIGITS}])(?<!\d,)"
    rf"(?P<num>(?>{_DIGITS})|[{_CN_DIGITS}]++)\s*+(?P<approx>余|多)?\s*+(?P<unit>{UNITS})"
)
_SENTENCE = re.compile(r"[。！？!?；;]|\n[ \t\u3000]*\n|(?<!\d)\.|\.(?!\d)")
_CONTEXT_SENTENCE = re.compile(r"[。！？!?]|\n[ \t\u3000]*\n|(?<!\d)\.|\.(?!\d)")
_CLAUSE = re.compile(r"[，（）()]|(?<!\d),|,(?!\d)")
_QIZHONG = re.compile(r"^\s*其中")
_SCOPE = re.compile(SCOPE_MARKERS)
_OTHER_CRITERIA = re.compile(OTHER_CRITERIA)
_REVIEW_BODY = re.compile(REVIEW_BODY)
_APPLICATION = re.compile(APPLICATION_CONTEXT)
_INFO_DISCLOSURE = re.compile(INFO_DISCLOSURE_CONTEXT)
_APPROX_BEFORE = re.compile(APPROX_BEFORE)
_APPROX_AFTER = re.compile(APPROX_AFTER)
_PLACEHOLDERS = tuple((re.compile(p), what) for p, what in PLACEHOLDERS)
_FULLWIDTH = str.maketrans("０１２３４５６７８９", "0123456789")


def _validate(form: Form) -> None:
    """Every key the tables above name exists in the form (fails at import, not in the clerk's face)."""
    for q in QUANTITIES.values():
        table = form.table[q.table]
        names = {r.key for r in table.rows} | {g.key for g in table.groups}
        for reading in q.readings:
            unknown = set(reading) - names
            assert not unknown, f"prose: {q.key} names unknown rows {unknown}"
    for _, table_key, kind, keys in QUALIFIERS:
        table = form.table[table_key]
        names = {c.key for c in table.columns} if kind == "columns" else {r.key for r in table.rows}
        assert set(keys) <= names, f"prose: qualifier keys {keys} not in {table_key}"
    for key in ("t3", "t4"):
        assert form.table[key].total_column == TOTAL_COLUMN, f"prose: {key} totals in another column"
    for q, _, _ in PHRASES:
        assert q == INHERIT or q in QUANTITIES, q


_validate(CURRENT_FORM)

# ==================================================================================================
# Reading the text


@dataclass(frozen=True)
class Claim:
    """A number the prose states about a table quantity."""

    #: span of the number with its unit (``4件``)
    start: int
    end: int
    #: span of the phrase naming it (``新收到自然人提交的信息公开申请4件``)
    phrase_start: int
    phrase_end: int
    value: int
    quantity: str
    table: str
    #: the readings of the rows: each a tuple of row / row-group keys added up
    rows: tuple[tuple[str, ...], ...]
    #: the readings of the columns: each a tuple of column keys added up
    columns: tuple[tuple[str, ...], ...]
    #: never compared (``2510余件``, ``近300件``)
    approximate: bool = False
    #: why a difference is only a hint ("" when it is a contradiction)
    uncertain: str = ""


@dataclass(frozen=True)
class Placeholder:
    start: int
    end: int
    text: str
    what: str


def parse_number(s: str) -> int | None:
    """``"12"``, ``"１２"``, ``"1,234"``, ``"十二"``, ``"两"``, ``"一百零五"`` → int; ``None`` if unreadable."""
    s = s.translate(_FULLWIDTH).replace(",", "")
    if s.isdigit():
        return int(s)
    digits = {
        "零": 0,
        "〇": 0,
        "一": 1,
        "二": 2,
        "两": 2,
        "三": 3,
        "四": 4,
        "五": 5,
        "六": 6,
        "七": 7,
        "八": 8,
        "九": 9,
    }
    units = {"十": 10, "百": 100, "千": 1000}
    total, current, last_unit = 0, None, 10_000
    for ch in s:
        if ch in digits:
            if current is not None and current != 0 and digits[ch] != 0:
                return None  # "一二" is no number
            current = digits[ch] if digits[ch] or current is None else current
        elif ch in units:
            unit = units[ch]
            if unit >= last_unit:
                return None
            total += (current if current else 1) * unit
            current, last_unit = None, unit
        else:
            return None
    return total + (current or 0)


def _spans(pattern: re.Pattern[str], text: str, start: int, end: int) -> list[tuple[int, int]]:
    out, pos = [], start
    for m in pattern.finditer(text, start, end):
        if m.start() > pos:
            out.append((pos, m.start()))
        pos = m.end()
    if pos < end:
        out.append((pos, end))
    return out


def _qualify(before: str) -> dict[str, dict[str, tuple[str, ...]]]:
    """The qualifiers in ``before``: {table: {"columns"/"rows": keys}}; several columns → the total."""
    found: dict[str, dict[str, list[tuple[str, ...]]]] = {}
    for rx, table, kind, keys in _QUALIFIERS:
        if rx.search(before):
            found.setdefault(table, {}).setdefault(kind, []).append(keys)
            before = rx.sub("　", before)  # 社会公益组织 is no 法人…组织
    out: dict[str, dict[str, tuple[str, ...]]] = {}
    for table, kinds in found.items():
        out[table] = {}
        for kind, all_keys in kinds.items():
            if len(all_keys) == 1:
                out[table][kind] = all_keys[0]
            elif kind == "columns":
                out[table][kind] = (TOTAL_COLUMN,)  # "公民、法人或其他组织"
    return out


@dataclass
class _Topic:
    quantity: str
    columns: tuple[str, ...] | None
    rows: tuple[str, ...] | None


_LINE_BREAK = re.compile(r"[ \t\u3000]*\n(?:[ \t\u3000]*\n)*[ \t\u3000]*")


def _flatten(text: str) -> tuple[str, list[int]]:
    """``text`` with single line breaks removed (PDF text wraps mid-word: ``答\n复 3050 件``), blank lines kept;
    and for each position of the result the position in ``text`` (one more entry for the end)."""
    pieces: list[str] = []
    index: list[int] = []
    pos = 0
    for m in _LINE_BREAK.finditer(text):
        pieces.append(text[pos : m.start()])
        index.extend(range(pos, m.start()))
        if m.group().count("\n") > 1:
            pieces.append("\n\n")
            index.extend((m.start(), m.end() - 1))
        pos = m.end()
    pieces.append(text[pos:])
    index.extend(range(pos, len(text)))
    index.append(len(text))
    return "".join(pieces), index


@lru_cache(maxsize=256)
def extract_claims(text: str) -> tuple[Claim, ...]:
    """Every number in ``text`` that speaks of a table quantity with certainty of what it speaks of.

    Spans are positions in ``text``."""
    flat, index = _flatten(text)
    return tuple(
        Claim(
            index[c.start],
            index[c.end - 1] + 1,
            index[c.phrase_start],
            index[c.phrase_end - 1] + 1,
            *(c.value, c.quantity, c.table, c.rows, c.columns, c.approximate, c.uncertain),
        )
        for c in _claims(flat)
    )


@dataclass(frozen=True)
class _Sentence:
    """A sentence and what the text around it says: about applications, about 政府信息公开, in what scope."""

    start: int
    end: int
    application: bool
    disclosure: bool
    scope: re.Match[str] | None


def _sentences(text: str) -> list[_Sentence]:
    """Phase 1: the sentences, each with its context (its own or the previous sentence on applications)."""
    contexts = _spans(_CONTEXT_SENTENCE, text, 0, len(text))
    has_application = [bool(_APPLICATION.search(text, s, e)) for s, e in contexts]
    has_disclosure = [bool(_INFO_DISCLOSURE.search(text, s, e)) for s, e in contexts]
    out: list[_Sentence] = []
    ci = 0
    for start, end in _spans(_SENTENCE, text, 0, len(text)):
        while ci + 1 < len(contexts) and contexts[ci][1] <= start:
            ci += 1
        application = has_application[ci] or (ci > 0 and has_application[ci - 1])
        out.append(_Sentence(start, end, application, has_disclosure[ci], _SCOPE.search(text, start, end)))
    return out


@dataclass(frozen=True)
class _Number:
    """A number with its unit in a clause, and the clause's text before and after it (up to its neighbours)."""

    match: re.Match[str]
    value: int
    seg_start: int
    before: str
    after: str

    @property
    def approximate(self) -> bool:
        return bool(
            self.match["approx"] or _APPROX_BEFORE.search(self.before) or _APPROX_AFTER.search(self.after)
        )


def _numbers(text: str, start: int, end: int) -> list[_Number]:
    """Phase 2: the numbers of a clause (not 一起 = together)."""
    found = list(_NUMBER.finditer(text, start, end))
    out: list[_Number] = []
    for i, m in enumerate(found):
        value = parse_number(m["num"])
        if value is None or (m["num"] == "一" and m["unit"] == "起"):
            continue
        seg_start = found[i - 1].end() if i else start
        seg_end = found[i + 1].start() if i + 1 < len(found) else end
        out.append(_Number(m, value, seg_start, text[seg_start : m.start()], text[m.end() : seg_end]))
    return out


def _phrase(n: _Number) -> tuple[str, int, int]:
    """Phase 3: the quantity the wording around the number names (INHERIT if none) and the phrase's span."""
    m = n.match
    for q, rx_before, rx_after in _PHRASES:
        mb = rx_before.search(n.before) if rx_before else None
        if rx_before and not mb:
            continue
        ma = rx_after.match(n.after) if rx_after else None
        if rx_after and not ma:
            continue
        return q, (n.seg_start + mb.start() if mb else m.start()), (m.end() + ma.end() if ma else m.end())
    return INHERIT, m.start(), m.end()


def _readings(
    q: Quantity, own: dict[str, tuple[str, ...]], topic: _Topic | None, inherited: bool
) -> tuple[tuple[tuple[str, ...], ...], tuple[tuple[str, ...], ...]]:
    """Phase 4: the rows and columns a claim may mean — its own qualifiers, else the sentence's topic's."""
    same_table = topic is not None and QUANTITIES[topic.quantity].table == q.table
    columns: tuple[tuple[str, ...], ...]
    if "columns" in own:
        columns = (own["columns"],)
    elif topic is not None and topic.columns and same_table:
        # the sentence's applicant: maybe this clause's, maybe it speaks of all
        columns = (topic.columns,) if inherited else (topic.columns, (TOTAL_COLUMN,))
    else:
        columns = ((TOTAL_COLUMN,),)
    rows = q.readings
    narrowed = own.get("rows") or (topic.rows if topic is not None and inherited and same_table else None)
    if narrowed:
        rows = tuple(r for r in rows if set(r) <= set(narrowed)) or rows
    return rows, columns


def _uncertainty(text: str, sentence: _Sentence, q: Quantity, m: re.Match[str]) -> str:
    """Phase 5: why a difference would only be a hint ("" when it is a contradiction)."""
    scope = sentence.scope if sentence.scope and sentence.scope.end() <= m.start() else None
    if scope:
        return f"这句话带有“{scope.group()}”，说的范围可能与表格统计的范围不同"
    if q.table == "t4" and not sentence.disclosure and _REVIEW_BODY.search(text, sentence.start, m.end()):
        return "这句话说的可能是本机关办理的全部行政复议案件，而不只是政府信息公开引起的"
    return ""


def _claim(text: str, sentence: _Sentence, n: _Number, topic: _Topic | None) -> tuple[Claim, bool] | None:
    """A number's claim (and whether it inherits the sentence's quantity), or ``None`` if it claims none."""
    quantity, phrase_start, phrase_end = _phrase(n)
    if _OTHER_CRITERIA.search(n.before):
        return None
    qual = _qualify(n.before)
    inherited = False
    if quantity == INHERIT:
        # a sub-count of the sentence's quantity: 其中… or a clause naming only a qualifier
        if topic is None or not qual.get(QUANTITIES[topic.quantity].table):
            return None
        quantity, inherited = topic.quantity, True
        phrase_start = n.seg_start + len(n.before) - len(n.before.lstrip(" \t，、：:"))
    q = QUANTITIES[quantity]
    if q.needs_application and not sentence.application:
        return None
    rows, columns = _readings(q, qual.get(q.table, {}), topic, inherited)
    m = n.match
    claim = Claim(
        m.start(),
        m.end(),
        phrase_start,
        phrase_end,
        n.value,
        quantity,
        q.table,
        rows,
        columns,
        n.approximate,
        _uncertainty(text, sentence, q, m),
    )
    return claim, inherited


def _claims(text: str) -> list[Claim]:
    """Every number the prose states about a table quantity: sentences → clauses → numbers → the phrase
    naming each → its rows and columns → how sure; a clause's claim becomes the topic the next inherit."""
    claims: list[Claim] = []
    for sentence in _sentences(text):
        topic: _Topic | None = None
        for c_start, c_end in _spans(_CLAUSE, text, sentence.start, sentence.end):
            qizhong = bool(_QIZHONG.match(text, c_start))
            for n in _numbers(text, c_start, c_end):
                found = _claim(text, sentence, n, topic)
                if found is None:
                    continue
                claim, inherited = found
                claims.append(claim)
                if not inherited and not qizhong:
                    own = _qualify(n.before).get(claim.table, {})
                    columns = claim.columns[0]
                    topic = _Topic(
                        claim.quantity, columns if columns != (TOTAL_COLUMN,) else None, own.get("rows")
                    )
    return claims


@lru_cache(maxsize=256)
def find_placeholders(text: str) -> tuple[Placeholder, ...]:
    """Numbers left unfilled: ``由个``, ``XX``, ``××``, ``X件``, ``【】``, ``（ ）``, ``___``, ``□``."""
    found: list[Placeholder] = []
    taken: list[tuple[int, int]] = []
    for rx, what in _PLACEHOLDERS:
        for m in rx.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            taken.append((m.start(), m.end()))
            found.append(Placeholder(m.start(), m.end(), m.group(), what))
    found.sort(key=lambda p: p.start)
    return tuple(found)


# ==================================================================================================
# Comparing with the tables

_TABLE_NUMERALS = {2: "二", 3: "三", 4: "四"}


def _rows_of(form: Form, table: str, key: str) -> list[str]:
    t = form.table[table]
    if any(r.key == key for r in t.rows):
        return [key]
    return [r.key for r in t.rows if r.group == key]


def _part_name(form: Form, table: str, key: str, columns: tuple[str, ...]) -> str:
    t = form.table[table]
    rows = _rows_of(form, table, key)
    if len(rows) == 1 and len(columns) == 1:
        return form.cell(form.cell_key(table, rows[0], columns[0])).name
    row = next((r.short for r in t.rows if r.key == key), None)
    if row is None:
        row = next(g.label for g in t.groups if g.key == key)
    if len(columns) == 1:
        col = next(c.label for c in t.columns if c.key == columns[0])
    elif any(set(columns) == set(g.columns) for g in t.column_groups):
        col = next(g.label for g in t.column_groups if set(columns) == set(g.columns))
    else:
        col = "、".join(c.label for c in t.columns if c.key in columns)
    return f"{row} {col}"


@dataclass(frozen=True)
class _Reading:
    cells: tuple[str, ...]
    value: int | None  # None: a blank or "/" cell among them
    #: (edition, table, rows, columns) — to name it in a message
    what: tuple


@lru_cache(maxsize=1024)
def _reading_cells(
    edition: str, table: str, rows: tuple[str, ...], columns: tuple[str, ...]
) -> tuple[str, ...]:
    form = form_for(edition)
    return tuple(f"{table}.{r}.{c}" for key in rows for r in _rows_of(form, table, key) for c in columns)


@lru_cache(maxsize=1024)
def _reading_name(edition: str, table: str, rows: tuple[str, ...], columns: tuple[str, ...]) -> str:
    parts = [_part_name(form_for(edition), table, key, columns) for key in rows]
    return f"“{parts[0]}”" if len(parts) == 1 else "与".join(f"“{p}”" for p in parts) + "之和"


def _reading(report: Report, table: str, rows: tuple[str, ...], columns: tuple[str, ...]) -> _Reading:
    what = (report.form.edition, table, rows, columns)
    cells = _reading_cells(*what)
    total = 0
    for key in cells:
        v = numeric(report.cells.get(key))
        if v is None:
            return _Reading(cells, None, what)
        total += v
    return _Reading(cells, total, what)


def _section_name(form: Form, section: str) -> str:
    s = form.text_sections.get(section)
    return f"第{s.numeral}部分" if s else "正文"


def _quote(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _compare(report: Report, section: str, text: str, claim: Claim) -> Finding | None:
    if claim.approximate or claim.table not in report.form.table:
        return None
    readings = [_reading(report, claim.table, r, c) for c in claim.columns for r in claim.rows]
    if any(r.value is None for r in readings):
        return None  # a blank or "/" cell: nothing to compare with
    if any(r.value == claim.value for r in readings):
        return None
    cells = tuple(dict.fromkeys(k for r in readings for k in r.cells))
    first, others = readings[0], readings[1:]
    table_name = f"表{_TABLE_NUMERALS.get(report.form.table[claim.table].number, '')}"
    stated = f"{_section_name(report.form, section)}写“{_quote(text[claim.phrase_start : claim.phrase_end])}”"
    found = f"{table_name}{_reading_name(*first.what)}为 {first.value}"
    others = [r for r in others if r.value != first.value]
    if others:
        found += "（" + "，".join(f"{_reading_name(*r.what)}为 {r.value}" for r in others) + "）"
    span = TextSpan(section, claim.start, claim.end)
    extra = {"phrase": [claim.phrase_start, claim.phrase_end], "quantity": claim.quantity}
    if claim.uncertain:
        return Finding(
            RULE_UNCERTAIN,
            Severity.HINT,
            cells,
            f"{stated}，{found}；{claim.uncertain}，请核对",
            expected=first.value,
            actual=claim.value,
            text=span,
            extra=extra,
        )
    return Finding(
        RULE_MISMATCH,
        Severity.WARNING,
        cells,
        f"{stated}，但{found}，请核对并改正其中之一",
        expected=first.value,
        actual=claim.value,
        text=span,
        explainable=True,
        extra=extra,
    )


_CONTEXT_STOP = re.compile(r"[，。；！？,;!?\n]")


def _context(text: str, start: int, end: int, width: int = 16) -> str:
    """The clause around ``[start, end)``, at most ``width`` characters on either side."""
    a = max(0, start - width)
    stops = [m.end() for m in _CONTEXT_STOP.finditer(text, a, start)]
    a = stops[-1] if stops else a
    stop = _CONTEXT_STOP.search(text, end, min(len(text), end + width))
    b = stop.start() if stop else min(len(text), end + width)
    return _quote(text[a:b])


def check_prose(report: Report) -> list[Finding]:
    """Prose findings of ``report``: contradictions with the tables, uncertain numbers, unfilled numbers."""
    findings: list[Finding] = []
    for section in TEXT_KEYS:
        text = report.text.get(section) or ""
        if not text.strip():
            continue
        for claim in extract_claims(text):
            f = _compare(report, section, text, claim)
            if f:
                findings.append(f)
        where = _section_name(report.form, section)
        for p in find_placeholders(text):
            findings.append(
                Finding(
                    RULE_PLACEHOLDER,
                    Severity.WARNING,
                    (),
                    f"{where}“{_context(text, p.start, p.end)}”中的“{p.text}”{p.what}，请填上实际数字",
                    actual=p.text,
                    text=TextSpan(section, p.start, p.end),
                )
            )
    findings.sort(key=lambda f: (TEXT_KEYS.index(f.text.section), f.text.start) if f.text else (0, 0))
    return findings
