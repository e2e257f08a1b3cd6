"""The annual report's tables, declared: a table is rows and columns, a column a measure over
the figures of one organization and year. A later module adds a table or a column here, by
definition, with no new plumbing (the counters already carry every fact events bring).

Pure: `figures(rows, year)` turns counter rows into what a year end shows; `evaluate(table,
figures)` computes a table from them.
"""
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable

from services.shared.codes import (
    BODY_LEVELS,
    COMMITTEE_HOWS,
    COMMITTEE_POSTS,
    COMMUNITY,
    EDUCATION,
    EVALUATION_GRADES,
    LEAVE_KINDS,
    OCCUPATIONS,
    ORG_TYPES,
    PARTY_SETUPS,
    STREET,
    STUDENT,
    TERM_METHODS,
    TOWNSHIP,
    TRAINING_MODES,
    VILLAGE,
)
from services.shared.report_years import OLDER_STUDENT_AGE

from .counters import (
    BY_OCCUPATION,
    CONFIRMED_EXTENDED,
    CONFIRMED_ON_TIME,
    DEVELOPED_BY_OCCUPATION,
    FLOW,
    JOINED_PERIODS,
    NOT_RECORDED,
    OCCUPATION_SEPARATOR,
)
from .development import ACTIVIST, APPLICANT, CANDIDATE
from .mobility import AREAS, CLOSED, RETURNED, SOURCES
from .terms import APPOINTED, ELECTED

HAN = "01"

# Bulletin age bands (RULES.md §7), by age at 12-31 of the report year (the report year less the calendar
# birth year: with a report date other than 12-31, the age reached in its calendar year): (key, label, oldest age).
AGE_BANDS = (("a30", "30岁及以下", 30), ("a35", "31至35岁", 35), ("a40", "36至40岁", 40), ("a45", "41至45岁", 45),
             ("a50", "46至50岁", 50), ("a55", "51至55岁", 55), ("a60", "56至60岁", 60), ("a61", "61岁及以上", None))


@lru_cache(maxsize=512)  # read for every birth-year row of every report: a handful of ages in all
def age_band(age: int) -> str:
    return next(key for key, _, oldest in AGE_BANDS if oldest is None or age <= oldest)


@dataclass
class Figures:
    """One organization's figures for a report year: stock at the year end (`end`) and at the
    previous year end (`start`), flows during the year (`flow`); each {dimension: {value: n}}."""
    year: int
    end: dict = field(default_factory=dict)
    start: dict = field(default_factory=dict)
    flow: dict = field(default_factory=dict)
    # 职业 code → the same figures of the members of that occupation (the rows of 表2–4, 14, 15)
    by_occupation: dict = field(default_factory=dict)

    def of_occupation(self, occupation: str) -> "Figures":
        return self.by_occupation.get(occupation) or Figures(self.year)


def _add(target: dict, dimension: str, value: str, n: int) -> None:
    values = target.setdefault(dimension, {})
    values[value] = values.get(value, 0) + n


FLOWS = frozenset(FLOW)  # asked of every row of every report: a set, not the tuple's scan
# A by-occupation dimension → the dimension its "职业|value" counts in that occupation's figures;
# the occupation stock and develop_occupation are those figures' total and 发展党员.
SPLIT = {crossed: crossed.replace("occupation_", "", 1) for crossed in (*BY_OCCUPATION, *DEVELOPED_BY_OCCUPATION)}
OCCUPATION_TOTALS = {"occupation": ("total", ""), "develop_occupation": ("increase", "develop")}


def figures(rows, year: int) -> Figures:
    """Counter rows (dimension, value, year, n) of one organization → its figures for `year`."""
    result = Figures(year)
    for dimension, value, row_year, n in rows:
        n = int(n)
        split = SPLIT.get(dimension)
        if split is not None:
            occupation, _, value = value.partition(OCCUPATION_SEPARATOR)
            _count(_occupation_figures(result, occupation), split, value, row_year, n)
            continue
        _count(result, dimension, value, row_year, n)
        if dimension in OCCUPATION_TOTALS:
            _count(_occupation_figures(result, value), *OCCUPATION_TOTALS[dimension], row_year, n)
    return result


def _occupation_figures(result: Figures, occupation: str) -> Figures:
    part = result.by_occupation.get(occupation)
    if part is None:
        part = result.by_occupation[occupation] = Figures(result.year)
    return part


# Flows whose birth year gives an age band at the year end (as table 2's): 发展党员 (表14), 出党 (表11).
AGED_FLOWS = {"develop_birth_year": "develop_age_band", "expel_birth_year": "expel_age_band"}


def _count(result: Figures, dimension: str, value: str, row_year: int, n: int) -> None:
    # Every counter row of a report passes here (thousands at the root): plain dict work, no calls
    # but for a derived age band.
    year = result.year
    if dimension in FLOWS:
        if row_year == year:
            _add(result.flow, dimension, value, n)
            aged = AGED_FLOWS.get(dimension)
            if aged is not None:
                _add(result.flow, aged, age_band(year - int(value)) if value else NOT_RECORDED, n)
        return
    if row_year > year:
        return
    values = result.end.get(dimension)
    if values is None:
        values = result.end[dimension] = {}
    values[value] = values.get(value, 0) + n
    if row_year < year:
        values = result.start.get(dimension)
        if values is None:
            values = result.start[dimension] = {}
        values[value] = values.get(value, 0) + n
    if dimension == "birth_year":  # age is read at the year end: a derived dimension
        _add(result.end, "age_band", age_band(year - int(value)) if value else NOT_RECORDED, n)
        if row_year < year:
            _add(result.start, "age_band", age_band(year - 1 - int(value)) if value else NOT_RECORDED, n)


# --- measures --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Stock:
    """How many are in a state at the year end (or the previous one, at="start")."""
    dimension: str
    values: tuple | None = None  # None: any value
    exclude: tuple = ()
    at: str = "end"

    def value(self, figures: Figures, cell: Callable) -> int:
        return _pick(getattr(figures, self.at).get(self.dimension, {}), self.values, self.exclude)


@dataclass(frozen=True)
class Flow:
    """How many changes of a kind took effect during the year."""
    dimension: str
    values: tuple | None = None
    exclude: tuple = ()

    def value(self, figures: Figures, cell: Callable) -> int:
        return _pick(figures.flow.get(self.dimension, {}), self.values, self.exclude)


@dataclass(frozen=True)
class Sum:
    """The sum of other columns of the same row."""
    keys: tuple

    def value(self, figures: Figures, cell: Callable) -> int:
        return sum(cell(key) for key in self.keys)


@dataclass(frozen=True)
class Formula:
    """An expression over other columns of the same row (in the order of `keys`)."""
    keys: tuple
    expression: Callable

    def value(self, figures: Figures, cell: Callable) -> int:
        return self.expression(*(cell(key) for key in self.keys))


def _pick(values: dict, wanted, exclude) -> int:
    return sum(n for value, n in values.items() if (wanted is None or value in wanted) and value not in exclude)


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    measure: object
    group: str | None = None


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    occupation: str | None = None  # a 职业 code: the row counts the members of that occupation only


@dataclass(frozen=True)
class Check:
    """`total` equals the sum of `parts` (what the report's audit rules check): columns of each
    row in `sums`, rows of each column in `row_sums`."""
    total: str
    parts: tuple
    label: str


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    columns: tuple
    rows: tuple = (Row("total", "合计"),)
    sums: tuple = ()
    row_sums: tuple = ()


def _coded(prefix: str, table, dimension: str, group: str, kind=Stock, unrecorded: bool = False) -> tuple:
    columns = tuple(Column(f"{prefix}_{code}", name, kind(dimension, (code,)), group) for code, name in table)
    if unrecorded:
        columns += (Column(f"{prefix}_none", "未填写", kind(dimension, (NOT_RECORDED,)), group),)
    return columns


def _check(total: str, columns: tuple, label: str) -> Check:
    return Check(total, tuple(column.key for column in columns), label)


# 转入/转出 by kind (domain/transfers.py: 支部间转移 is not counted).
TRANSFER_KINDS = (("within", "省内"), ("cross_province", "跨省"), ("outside", "系统外"), ("whole_org", "整建制"))
TRANSFERS_IN = tuple(Column(f"transfer_in_{kind}", f"{name}转入", Flow("transfer_in", (kind,)), "转入组织关系")
                     for kind, name in TRANSFER_KINDS)
TRANSFERS_OUT = tuple(Column(f"transfer_out_{kind}", f"{name}转出", Flow("transfer_out", (kind,)), "转出组织关系")
                      for kind, name in TRANSFER_KINDS)
INCREASES = (
    Column("increase_develop", "发展党员", Flow("increase", ("develop",)), "增加党员"),
    Column("increase_restore", "恢复党籍", Flow("increase", ("restore",)), "增加党员"),
    Column("increase_transfer_in", "转入", Flow("transfer_in"), "增加党员"),
    Column("increase_other", "其他", Flow("increase", ("other",)), "增加党员"),
)
DECREASES = (
    Column("decrease_death", "死亡", Flow("decrease", ("death",)), "减少党员"),
    Column("decrease_expel", "出党", Flow("decrease", ("expel",)), "减少党员"),
    Column("decrease_suspend", "停止党籍", Flow("decrease", ("suspend",)), "减少党员"),
    Column("decrease_transfer_out", "转出", Flow("transfer_out"), "减少党员"),
    Column("decrease_other", "其他", Flow("decrease", ("other",)), "减少党员"),
)
T1 = Table("t1", "两年党员数综合比较", (
    Column("year_start", "上年底党员总数", Stock("total", at="start")),
    Column("increase_total", "合计", Sum(tuple(c.key for c in INCREASES)), "增加党员"),
    *INCREASES,
    Column("decrease_total", "合计", Sum(tuple(c.key for c in DECREASES)), "减少党员"),
    *DECREASES,
    *TRANSFERS_IN,
    *TRANSFERS_OUT,
    Column("year_end", "本年底实有党员数", Stock("total")),
    Column("difference", "实有数与应有数之差",
           Formula(("year_end", "year_start", "increase_total", "decrease_total"),
                   lambda end, start, increase, decrease: end - (start + increase - decrease))),
), sums=(_check("increase_total", INCREASES, "增加党员合计等于各项增加之和"),
         _check("decrease_total", DECREASES, "减少党员合计等于各项减少之和"),
         _check("increase_transfer_in", TRANSFERS_IN, "转入合计等于各类转入之和"),
         _check("decrease_transfer_out", TRANSFERS_OUT, "转出合计等于各类转出之和")))

# 表2–4, 14 and 15 are broken down by 职业 in rows, as the 2012 forms are (their 说明 asks for the
# 在岗职工 among 1949年9月以前入党 of 表3, the 农牧渔民 with a 研究生 education among 表14's 发展党员 and
# the "其他" of 表2 and 表14 to be explained): 合计, then each occupation and 未填写.
OCCUPATION_ROWS = (Row("total", "合计"),
                   *(Row(f"occupation_{code}", name, code) for code, name in OCCUPATIONS.items()),
                   Row("occupation_none", "未填写", NOT_RECORDED))
BY_OCCUPATION_CHECK = Check("total", tuple(row.key for row in OCCUPATION_ROWS[1:]), "合计行等于各职业行之和")

AGES = tuple(Column(key, label, Stock("age_band", (key,)), "年龄") for key, label, _ in AGE_BANDS)
T2 = Table("t2", "党员基本情况", (
    Column("total", "党员总数", Stock("total")),
    Column("female", "女性", Stock("sex", ("2",))),
    Column("minority", "少数民族", Stock("ethnicity", exclude=(HAN, NOT_RECORDED))),
    Column("probationary", "预备党员", Stock("category", ("02",))),
    *AGES,
), rows=OCCUPATION_ROWS, sums=(_check("total", AGES, "党员总数等于各年龄段之和"),), row_sums=(BY_OCCUPATION_CHECK,))

PERIOD_LABELS = ("1937年7月6日以前", "1937年7月7日至1945年9月2日", "1945年9月3日至1949年9月", "1949年10月至1966年4月",
                 "1966年5月至1976年10月", "1976年11月至1978年12月", "1979年1月至2002年10月", "2002年11月至2012年10月",
                 "2012年11月至2017年10月", "2017年11月至2022年10月", "2022年11月以后")
PERIODS = tuple(Column(key, label, Stock("joined_period", (key,)), "入党时间")
                for (key, _), label in zip(JOINED_PERIODS, PERIOD_LABELS))
T3 = Table("t3", "入党时间", (Column("total", "党员总数", Stock("total")), *PERIODS), rows=OCCUPATION_ROWS,
           sums=(_check("total", PERIODS, "党员总数等于各时期之和"),), row_sums=(BY_OCCUPATION_CHECK,))

EDUCATION_COLUMNS = (("10", "研究生"), ("20", "大学本科"), ("30", "大学专科"), ("40", "中专"), ("60", "高中、中技"),
                     ("70", "初中及以下"))
assert {code for code, _ in EDUCATION_COLUMNS} <= set(EDUCATION.codes())
DEGREES = _coded("education", EDUCATION_COLUMNS, "education", "学历", unrecorded=True)
T4 = Table("t4", "学历", (Column("total", "党员总数", Stock("total")), *DEGREES), rows=OCCUPATION_ROWS,
           sums=(_check("total", DEGREES, "党员总数等于各学历之和"),), row_sums=(BY_OCCUPATION_CHECK,))

GRADES = _coded("grade", EVALUATION_GRADES.items(), "evaluation", "评议结果", kind=Flow)
T8 = Table("t8", "民主评议", (Column("participants", "参加评议的党员", Flow("evaluation")), *GRADES),
           sums=(_check("participants", GRADES, "参加评议人数等于各评议结果之和"),))

EXPEL_KINDS = _coded("kind", [(code, name) for code, name in LEAVE_KINDS.items() if code.startswith("2")], "expel",
                     "出党方式", kind=Flow)
T10 = Table("t10", "出党", (Column("total", "出党党员", Flow("expel")), *EXPEL_KINDS),
            sums=(_check("total", EXPEL_KINDS, "出党人数等于各出党方式之和"),))

ORG_KINDS = _coded("type", ORG_TYPES.items(), "org_type", "党组织类别")
ORGS = Table("orgs", "党组织数", (Column("total", "党组织总数", Stock("org_type")), *ORG_KINDS),
             sums=(_check("total", ORG_KINDS, "党组织总数等于各类别之和"),))

# 流动党员 (domain/mobility.py; RULES.md §7 gives no table: the columns are PMIS's, docs/MOBILITY.md):
# outflows counted at the home organization, inflows at the receiving one.
OUTFLOW_AREAS = tuple(Column(f"outflow_{key}", label, Stock("outflow", (key,)), "本年底流出党员流向")
                      for key, label in AREAS)
INFLOW_SOURCES = tuple(Column(f"inflow_{key}", label, Stock("inflow", (key,)), "流入党员")
                       for key, label in SOURCES)
MOBILE = Table("mobile", "流动党员情况", (
    Column("outflow_start", "上年底流出党员", Stock("outflow", at="start"), "流出党员"),
    Column("outflow_new", "本年流出", Flow("outflow_new"), "流出党员"),
    Column("outflow_returned", "本年返回", Flow("outflow_ended", (RETURNED,)), "流出党员"),
    Column("outflow_closed", "本年终止（离开党员队伍）", Flow("outflow_ended", (CLOSED,)), "流出党员"),
    Column("outflow_end", "本年底流出党员", Stock("outflow"), "流出党员"),
    *OUTFLOW_AREAS,
    Column("outflow_lost", "其中失去联系", Stock("outflow_lost")),
    Column("inflow_end", "本年底流入党员", Stock("inflow"), "流入党员"),
    *INFLOW_SOURCES,
    Column("inflow_new", "本年流入", Flow("inflow_new"), "流入党员"),
), sums=(_check("outflow_end", OUTFLOW_AREAS, "本年底流出党员等于各流向之和"),
         _check("inflow_end", INFLOW_SOURCES, "本年底流入党员等于本系统内与系统外流入之和")))

# 预备党员转正 (表13): 转正 in the year of the 转正日期 (按期, or after an extension), 延长预备期 in the
# year approved, 取消预备党员资格 (leave kind 25) in the year it took effect.
CONFIRMED = (Column("confirm_on_time", "按期转正", Flow("confirm", (CONFIRMED_ON_TIME,)), "转为正式党员"),
             Column("confirm_extended", "延长预备期后转正", Flow("confirm", (CONFIRMED_EXTENDED,)), "转为正式党员"))
T13 = Table("t13", "预备党员转正", (
    Column("probationary_start", "上年底预备党员", Stock("category", ("02",), at="start")),
    Column("confirm_total", "合计", Sum(tuple(c.key for c in CONFIRMED)), "转为正式党员"),
    *CONFIRMED,
    Column("extended", "延长预备期", Flow("probation_extended")),
    Column("cancelled", "取消预备党员资格", Flow("expel", ("25",))),
    Column("probationary_end", "本年底预备党员", Stock("category", ("02",))),
), sums=(_check("confirm_total", CONFIRMED, "转为正式党员合计等于按期转正与延长预备期后转正之和"),))

# 发展党员 (表14, 表15): the members joined in the year (table 1's 发展党员), by sex, ethnicity and age
# at the year end; by education and occupation.
DEVELOPED = Flow("increase", ("develop",))
DEVELOPED_AGES = tuple(Column(f"develop_{key}", label, Flow("develop_age_band", (key,)), "年龄")
                       for key, label, _ in AGE_BANDS)
T14 = Table("t14", "发展党员（一）", (
    Column("total", "发展党员数", DEVELOPED),
    Column("female", "女性", Flow("develop_sex", ("2",))),
    Column("minority", "少数民族", Flow("develop_ethnicity", exclude=(HAN, NOT_RECORDED))),
    *DEVELOPED_AGES,
), rows=OCCUPATION_ROWS, sums=(_check("total", DEVELOPED_AGES, "发展党员数等于各年龄段之和"),),
    row_sums=(BY_OCCUPATION_CHECK,))
DEVELOPED_DEGREES = _coded("education", EDUCATION_COLUMNS, "develop_education", "学历", kind=Flow, unrecorded=True)
T15 = Table("t15", "发展党员（二）", (Column("total", "发展党员数", DEVELOPED), *DEVELOPED_DEGREES),
            rows=OCCUPATION_ROWS, sums=(_check("total", DEVELOPED_DEGREES, "发展党员数等于各学历之和"),),
            row_sums=(BY_OCCUPATION_CHECK,))

# 入党申请人、入党积极分子和发展对象 on hand at the year end, by the stage they were in then
# (domain/development.py), and the applications received in the year.
POOL = (Column("applicants", "入党申请人", Stock("applicant_stage", (APPLICANT,)), "本年底"),
        Column("activists", "入党积极分子", Stock("applicant_stage", (ACTIVIST,)), "本年底"),
        Column("candidates", "发展对象", Stock("applicant_stage", (CANDIDATE,)), "本年底"))
APPLICANTS = Table("applicants", "入党申请人、入党积极分子和发展对象", (
    Column("total", "合计", Sum(tuple(c.key for c in POOL)), "本年底"),
    *POOL,
    Column("applied", "本年申请入党", Flow("applied")),
), sums=(_check("total", POOL, "本年底合计等于入党申请人、入党积极分子与发展对象之和"),))

# 换届 (domain/terms.py; RULES.md §7 gives no table: the columns are PMIS's, docs/TERMS.md): the
# subtree's organizations and their terms at the year end, the terms that began and fell due in
# the year; the committee members in office on 12-31 by post and by how they came (posts, not persons).
COMPLETED = _coded("completed", TERM_METHODS.items(), "term_elected", "本年产生新一届班子", kind=Flow)
TERMS = Table("terms", "基层党组织换届情况", (
    Column("orgs", "党组织总数", Stock("org_type"), "本年底"),
    Column("elected", "有选举产生的班子", Stock("term_open", (ELECTED,)), "本年底"),
    Column("appointed", "班子由上级指派", Stock("term_open", (APPOINTED,)), "本年底"),
    Column("not_elected", "无选举产生的班子", Formula(("orgs", "elected"), lambda total, elected: total - elected),
           "本年底"),
    Column("expiring", "本年任期届满", Flow("term_expiring")),
    Column("completed_total", "合计", Sum(tuple(c.key for c in COMPLETED)), "本年产生新一届班子"),
    *COMPLETED,
    Column("completed_first", "其中首届", Flow("term_first"), "本年产生新一届班子"),
    Column("overdue", "本年底届满未换届", Stock("term_overdue")),
    Column("postponed", "本年底经批准延期换届", Stock("term_postponed")),
), sums=(_check("completed_total", COMPLETED, "本年产生新一届班子合计等于各产生方式之和"),))
COMMITTEE_BY_POST = _coded("post", COMMITTEE_POSTS.items(), "committee_post", "职务")
COMMITTEE_BY_HOW = _coded("how", COMMITTEE_HOWS.items(), "committee_how", "任职方式")
COMMITTEES = Table("committees", "基层党组织班子成员", (
    Column("total", "本年底在任班子成员（人次）", Stock("committee_post")),
    *COMMITTEE_BY_POST, *COMMITTEE_BY_HOW,
), sums=(_check("total", COMMITTEE_BY_POST, "班子成员等于各职务之和"),
         _check("total", COMMITTEE_BY_HOW, "班子成员等于各任职方式之和")))

# 表5 乡镇/村党员, 表6 街道/社区党员 (RULES.md §7 names them, not their cells: the columns are PMIS's
# reading, docs/REPORT_TABLES.md): the units of the kind recorded in the subtree's 单位信息 (one per
# record), those with a party organization (单独 or 联合建立) and without; the organizations set up
# in such a unit; the members on the rolls of those organizations at the year end.
def _unit_columns(kind: str, prefix: str, plural: str, name: str) -> tuple:
    setups = tuple(Column(f"{prefix}_setup_{code}", f"{label}的{name}", Stock("unit", (f"{kind}/{code}",)),
                          f"{name}数")
                   for code, label in PARTY_SETUPS.items())
    set_up = setups[:2]  # 单独建立, 联合建立
    columns = (
        Column(plural, f"{name}数", Stock("unit", tuple(f"{kind}/{code}" for code in PARTY_SETUPS.codes())),
               f"{name}数"),
        Column(f"{plural}_with_org", f"已建立党组织的{name}", Sum(tuple(c.key for c in set_up)), f"{name}数"),
        *setups,
        Column(f"{prefix}_orgs", f"{name}党组织", Stock("org_unit_kind", (kind,))),
        Column(f"{prefix}_members", f"{name}党组织党员", Stock("unit_members", (kind,))),
    )
    checks = (_check(plural, setups, f"{name}数等于各建立党组织情况之和"),
              _check(f"{plural}_with_org", set_up, f"已建立党组织的{name}等于单独建立与联合建立之和"))
    return columns, checks


def _unit_table(key: str, title: str, first: tuple, second: tuple) -> Table:
    columns, checks = zip(_unit_columns(*first), _unit_columns(*second))
    return Table(key, title, (*columns[0], *columns[1]), sums=(*checks[0], *checks[1]))


T5 = _unit_table("t5", "乡镇、村党员", (TOWNSHIP, "town", "towns", "乡镇"), (VILLAGE, "village", "villages", "村"))
T6 = _unit_table("t6", "街道、社区党员", (STREET, "street", "streets", "街道"),
                 (COMMUNITY, "community", "communities", "社区"))


@dataclass(frozen=True)
class OlderStudents:
    """Student members aged 46 or over at the year end (the audit flags them, RULES.md §7)."""

    def value(self, figures: Figures, cell: Callable) -> int:
        return older_students(figures)


# 表7 学生党员: the members whose 职业 is 学生 at the year end, by their 学历 (PMIS keeps no 在读学历:
# a student's 学历 is the education they have completed), the students developed in the year.
STUDENT_DEGREES = _coded("education", EDUCATION_COLUMNS, "student_education", "学历", unrecorded=True)
T7 = Table("t7", "学生党员", (
    Column("total", "学生党员", Stock("occupation", (STUDENT,))),
    *STUDENT_DEGREES,
    Column("developed", "本年发展学生党员", Flow("develop_occupation", (STUDENT,))),
    Column("older", "46岁及以上", OlderStudents()),
), sums=(_check("total", STUDENT_DEGREES, "学生党员等于各学历之和"),))

TABLES = (T1, T2, T3, T4, T5, T6, T7, T8, T10, T13, T14, T15, APPLICANTS, ORGS, MOBILE, TERMS, COMMITTEES)

# 表9 培训 (docs/REPORT_TABLES.md gives PMIS's reading of the 2012 form): the 培训情况 rows begun in
# the year (人次) by the level of the body that held them and by 培训方式, the members trained (人, each
# once a year) and the 学时 summed.
TRAINING_LEVELS = _coded("level", BODY_LEVELS.items(), "training", "按举办单位级别", kind=Flow)  # a required field
TRAINING_WAYS = _coded("mode", TRAINING_MODES.items(), "training_mode", "按培训方式", kind=Flow, unrecorded=True)
T9 = Table("t9", "党员培训", (
    Column("members", "参加培训党员（人）", Flow("trained")),
    Column("total", "参加培训党员（人次）", Flow("training")),
    *TRAINING_LEVELS, *TRAINING_WAYS,
    Column("hours", "培训学时合计", Flow("training_hours")),
), sums=(_check("total", TRAINING_LEVELS, "参加培训人次等于各举办单位级别之和"),
         _check("total", TRAINING_WAYS, "参加培训人次等于各培训方式之和")))

# 表11 出党（二）: the members of 表10 (出党 in the year) by sex, ethnicity, category on the day they
# left, age at the year end and 入党时间 (birth and 入党日期 are required of a member, as in 表2 and 表3).
EXPEL_AGES = tuple(Column(f"expel_{key}", label, Flow("expel_age_band", (key,)), "年龄")
                   for key, label, _ in AGE_BANDS)
EXPEL_PERIODS = tuple(Column(f"expel_{key}", label, Flow("expel_joined_period", (key,)), "入党时间")
                      for (key, _), label in zip(JOINED_PERIODS, PERIOD_LABELS))
T11 = Table("t11", "出党（二）", (
    Column("total", "出党党员", Flow("expel")),
    Column("female", "女性", Flow("expel_sex", ("2",))),
    Column("minority", "少数民族", Flow("expel_ethnicity", exclude=(HAN, NOT_RECORDED))),
    Column("probationary", "预备党员", Flow("expel_category", ("02",))),
    *EXPEL_AGES, *EXPEL_PERIODS,
), sums=(_check("total", EXPEL_AGES, "出党人数等于各年龄段之和"),
         _check("total", EXPEL_PERIODS, "出党人数等于各入党时间段之和")))

# 表12 表彰: the 奖励 of the members' 奖惩情况 granted in the year (人次) by the level of the body that
# granted it, and the members commended (人, each once a year); then the same of the organizations'
# 组织奖惩 (次 by level, 个: each organization once a year), counted at the organization and above.
COMMENDATION_LEVELS = _coded("level", BODY_LEVELS.items(), "commended", "按批准机关级别", kind=Flow,
                             unrecorded=True)
ORG_COMMENDATION_LEVELS = _coded("org_level", BODY_LEVELS.items(), "org_commended", "党组织按批准机关级别",
                                 kind=Flow, unrecorded=True)
T12 = Table("t12", "表彰", (
    Column("members", "受表彰党员（人）", Flow("commended_members")),
    Column("total", "受表彰党员（人次）", Flow("commended")),
    *COMMENDATION_LEVELS,
    Column("orgs", "受表彰的基层党组织（个）", Flow("commended_orgs")),
    Column("org_total", "受表彰党组织（次）", Flow("org_commended")),
    *ORG_COMMENDATION_LEVELS,
), sums=(_check("total", COMMENDATION_LEVELS, "受表彰人次等于各批准机关级别之和"),
         _check("org_total", ORG_COMMENDATION_LEVELS, "受表彰党组织次数等于各批准机关级别之和")))


def _report_order(table: Table) -> tuple:
    """The numbered tables (表N, key "tN") by their number, then the others as declared."""
    number = table.key[1:]
    return (0, int(number)) if table.key[:1] == "t" and number.isdigit() else (1, 0)


# 表9, 表11 and 表12 take their places by number (a stable sort keeps the others' order).
TABLES = tuple(sorted((*TABLES, T9, T11, T12), key=_report_order))


def evaluate(table: Table, figures: Figures) -> dict:
    """The table as plain JSON: columns, rows with a cell per column, and its checks."""
    measures = {column.key: column.measure for column in table.columns}

    def row_cells(row: Row) -> dict:
        part = figures if row.occupation is None else figures.of_occupation(row.occupation)
        cells: dict = {}

        def cell(key: str) -> int:  # derived columns may refer to columns declared after them
            if key not in cells:
                cells[key] = measures[key].value(part, cell)
            return cells[key]
        return {column.key: cell(column.key) for column in table.columns}

    return {
        "key": table.key, "title": table.title,
        "columns": [{"key": c.key, "label": c.label, "group": c.group} for c in table.columns],
        "rows": [{"key": row.key, "label": row.label, "cells": row_cells(row)} for row in table.rows],
        "sums": _rules(table.sums),
        **({"row_sums": _rules(table.row_sums)} if table.row_sums else {}),  # tables without rows: as before
    }


def _rules(checks: tuple) -> list[dict]:
    return [{"total": check.total, "parts": list(check.parts), "label": check.label} for check in checks]


def evaluate_all(figures: Figures) -> list[dict]:
    """Every table of the annual report (TABLES, in order)."""
    return [evaluate(table, figures) for table in TABLES]


def summary(figures: Figures) -> dict:
    """The tree's figure of an organization: members at the year end, by sex and category."""
    return {"total": figures.end.get("total", {}).get("", 0),
            "by_sex": {k: n for k, n in figures.end.get("sex", {}).items() if n},
            "by_category": {k: n for k, n in figures.end.get("category", {}).items() if n}}


def older_students(figures: Figures) -> int:
    """Student members aged 46 or over at the year end (their birth years are counted apart)."""
    return sum(n for born, n in figures.end.get("student_birth_year", {}).items()
               if born and figures.year - int(born) >= OLDER_STUDENT_AGE)
