"""What a member or an organization contributes to the counters, dated by when each fact took
effect (not when it was keyed in).

Pure functions. A counter entry is keyed (dimension, value, year) and rolled up to every
organization on the member's (or organization's) path, itself included, giving the stored key
(org_id, dimension, value, year). Two kinds of dimension:

- stock (a state at a year end) is stored as changes: +1 in the year the state starts, -1 in
  the year it ends; the state at the end of year Y is the sum over year <= Y.
- flow (what happened during a year) is a plain count in the year it took effect.

The consumer applies `delta(old, new)` between the last counted state and the event's state, so
the result does not depend on event order or repetition (house rule 3).

A year is a report year: the days after the report date (系统设置 统计报告期截止日, `cutoff` (月, 日),
12-31 by default: the calendar year) of the year before, up to and including that of the year
(`report_year`); a year end is the report date. Every event's date is bucketed by `year_of(iso,
cutoff)`; birth years stay calendar years (`calendar_year`).
"""
from bisect import bisect_right
from collections import Counter

from services.shared.codes import COMMUNITY, LEAVE_KIND_GROUPS, STREET, STUDENT, TOWNSHIP, VILLAGE, return_increase
from services.shared.paths import ids_of, path_ids

BEGINNING = 0  # the year of a state with no known start (an organization without 成立日期)
NOT_RECORDED = ""  # the value of an unrecorded fact (未填写)

STOCK = ("total", "sex", "ethnicity", "category", "birth_year", "joined_period", "education", "occupation",
         "student_birth_year", "org_type",  # student_birth_year: students only, for the audit
         "applicant_stage",  # 申请人/积极分子/发展对象: domain/development.py
         "term_open", "term_overdue", "term_postponed", "committee_post", "committee_how")  # 换届: domain/terms.py
# 发展党员 by sex, ethnicity, birth year (an age band at the year end), education and occupation,
# in the year of joining: the same members as increase/develop.
DEVELOPED = ("develop_sex", "develop_ethnicity", "develop_birth_year", "develop_education", "develop_occupation")
FLOW = ("increase", "decrease", "expel", "evaluation", "transfer_in", "transfer_out",  # transfers: domain/transfers.py
        "outflow_new", "outflow_ended", "inflow_new",  # 流动党员: domain/mobility.py
        *DEVELOPED, "confirm", "probation_extended",  # 转正 (on_time / extended) and 延长预备期, by their dates
        "applied",  # 入党申请 received: domain/development.py
        "term_elected", "term_first", "term_expiring")  # 换届: domain/terms.py
CONFIRMED_ON_TIME, CONFIRMED_EXTENDED = "on_time", "extended"
# 表5–7: students' 学历; units of the counted kinds by kind and 建立党组织情况, organizations by
# the kind of unit they are set up in, members by the kind of their organization's unit.
STOCK += ("student_education", "unit", "org_unit_kind", "unit_members")
# 表11 出党（二）: the members who left the party (出党) by sex, ethnicity, birth year (an age band at
# the year end), 入党时间 period and category on the day they left; the same members as expel.
EXPELLED = ("expel_sex", "expel_ethnicity", "expel_birth_year", "expel_joined_period", "expel_category")
# 表9 培训 (培训情况 rows: 人次 by the level that held it and by 培训方式, 学时, and the members trained)
# and 表12 表彰 (the 奖励 of 奖惩情况: 人次 by the level that granted it, and the members commended),
# each in the year of its date.
TRAINED = ("training", "training_mode", "training_hours", "trained")
COMMENDED = ("commended", "commended_members")
# 表12 表彰's organizations: the 奖励 of an organization's 组织奖惩 (次, by the level that granted it)
# and the organizations commended (个, each once a year), at the organization and its ancestors.
ORG_COMMENDED = ("org_commended", "commended_orgs")
# 表2–4, 14, 15 by 职业 (rows): the same members again under their occupation, keyed "职业|value"
# (tables.figures splits them into one Figures per occupation; the occupation stock itself and
# develop_occupation give each row its total).
BY_OCCUPATION = ("occupation_sex", "occupation_ethnicity", "occupation_category", "occupation_birth_year",
                 "occupation_joined_period", "occupation_education")
DEVELOPED_BY_OCCUPATION = ("develop_occupation_sex", "develop_occupation_ethnicity", "develop_occupation_birth_year",
                           "develop_occupation_education")
STOCK += BY_OCCUPATION
FLOW = (*FLOW, *EXPELLED, *TRAINED, *COMMENDED, *ORG_COMMENDED, *DEVELOPED_BY_OCCUPATION)
OCCUPATION_SEPARATOR = "|"


def by_occupation(occupation, value) -> str:
    """The value of a by-occupation dimension: "职业|value" (either part "" when not recorded)."""
    return (f"{NOT_RECORDED if occupation is None else occupation}{OCCUPATION_SEPARATOR}"
            f"{NOT_RECORDED if value is None else value}")

FULL, PROBATIONARY = "01", "02"
DECREASE_GROUPS = {"死亡": "death", "出党": "expel", "停止党籍": "suspend"}
# A member who left by 组织关系转出 (跨省/系统外) counts no decrease of their own: the 转出 is
# counted once, by kind, from the transfer fact (domain/transfers.py).
COUNTED_AS_TRANSFER = "转出"

# 入党时间 periods of the annual report: (key, first day of the next period as "YYYY-MM-DD").
JOINED_PERIODS = (
    ("p01", "1937-07-07"), ("p02", "1945-09-03"), ("p03", "1949-10-01"), ("p04", "1966-05-01"),
    ("p05", "1976-11-01"), ("p06", "1979-01-01"), ("p07", "2002-11-01"), ("p08", "2012-11-01"),
    ("p09", "2017-11-01"), ("p10", "2022-11-01"), ("p11", None),
)
# 学历 as the report groups EDUCATION codes: 初中及以下 takes 初中, 小学 and 其他.
EDUCATION_BUCKETS = {"10": "10", "20": "20", "30": "30", "40": "40", "60": "60", "70": "70", "80": "70", "90": "70"}


CALENDAR = (12, 31)  # the report date (月, 日) by default: report years are calendar years


def report_year(day, cutoff: tuple = CALENDAR) -> int:
    """The report year a day belongs to: year N covers the days after the report date of N−1 up to
    and including the report date of N (the cut-off day itself is N's, the next day N+1's)."""
    return day.year if (day.month, day.day) <= tuple(cutoff) else day.year + 1


def year_of(iso, cutoff: tuple = CALENDAR) -> int | None:
    """The report year of an ISO date ("YYYY-MM-DD…") of an event (report_year); a birth date's year
    stays a calendar year (calendar_year)."""
    if not iso:
        return None
    text = str(iso)
    year = int(text[:4])
    if cutoff == CALENDAR or len(text) < 10:
        return year
    return year if (int(text[5:7]), int(text[8:10])) <= tuple(cutoff) else year + 1


def calendar_year(iso) -> int | None:
    """The calendar year of an ISO date: birth years (an age at the report date is counted from it)."""
    return int(str(iso)[:4]) if iso else None


def cutoff_day(year: int, cutoff: tuple = CALENDAR) -> str:
    """The report date of report year `year`, ISO."""
    return f"{int(year):04d}-{int(cutoff[0]):02d}-{int(cutoff[1]):02d}"


_PERIOD_STARTS = [before for _, before in JOINED_PERIODS[:-1]]  # each period's first day after the first's


def joined_period(iso) -> str:
    if not iso:
        return NOT_RECORDED
    # A binary search: every member change counts this twice (3 % of an ingester's time as a scan).
    return JOINED_PERIODS[bisect_right(_PERIOD_STARTS, str(iso)[:10])][0]


def span(entries: Counter, dimension: str, value, start: int, end: int | None, within: tuple) -> None:
    """A stock state held from `start` until `end` (None: still held), clipped to `within`."""
    start = max(start, within[0])
    ends = [year for year in (end, within[1]) if year is not None]
    end = min(ends) if ends else None
    if end is not None and end <= start:
        return
    value = NOT_RECORDED if value is None else str(value)
    entries[(dimension, value, start)] += 1
    if end is not None:
        entries[(dimension, value, end)] -= 1


ALWAYS = (None, None)  # a window without bounds: everything a member counts


def _window_years(window: tuple, cutoff: tuple = CALENDAR) -> tuple:
    """The year ends a window of days holds: those of the years from its first day's to (not
    including) its end's (the end's year end is after the end)."""
    return (BEGINNING if window[0] is None else year_of(window[0], cutoff),
            None if window[1] is None else year_of(window[1], cutoff))


def _within(segment: tuple, years: tuple) -> tuple:
    ends = [year for year in (segment[1], years[1]) if year is not None]
    return max(segment[0], years[0]), min(ends) if ends else None


class _Flows:
    """Adds a dated flow only when its day lies in the window [first, end)."""

    def __init__(self, entries: Counter, window: tuple, cutoff: tuple = CALENDAR):
        self.entries, self.window, self.cutoff = entries, window, cutoff

    def year(self, iso) -> int | None:
        """The report year of an event's date (counters.year_of with this count's report date)."""
        return year_of(iso, self.cutoff)

    def add(self, key: tuple, on, n: int = 1) -> None:
        day = str(on)[:10] if on else None
        first, end = self.window
        if day is None and end is not None:  # undated: counted once, where the member is now
            return
        if day is not None and (first is not None and day < first or end is not None and day >= end):
            return
        self.entries[key] += n


def member_entries(facts: dict | None, window: tuple = ALWAYS, cutoff: tuple = CALENDAR) -> Counter:
    """(dimension, value, year) → n for one member's facts (the event contract's shape).

    A member who left keeps counting for the years they belonged and for what happened then;
    one without a leaving date cannot be placed and counts nowhere. A leave later taken back by
    找回 (facts["absences"]: [kind, left_on, back_on]) counts as a decrease in the year it took
    effect and an increase (codes.return_increase: 恢复党籍 after 停止党籍 or 出党, 其他 after 死亡)
    in the year of the return, and the member is in no year end between. A leave (or 找回) taken
    back by 回退 is in neither the member's state nor their absences: it counts nowhere.

    `window` ([first day, end day), ISO dates, None: open): only what the member counted while
    in one organization (`placed`): the year ends inside it and the flows dated inside it.

    `cutoff` (月, 日): the report date; every event's date counts in its report year (year_of),
    birth years stay calendar years (an age band is the report year less the birth year)."""
    entries: Counter = Counter()
    if not facts:
        return entries
    left = facts.get("status") == "left"
    if left and not facts.get("left_on"):
        return entries
    flows, years = _Flows(entries, window, cutoff), _window_years(window, cutoff)
    joined = year_of(facts.get("joined_on"), cutoff)
    # A member keyed in by 线下转入 belongs here from their arrival (counted as a 转入 by the
    # transfer fact), not from their 入党日期 (a 发展 elsewhere).
    arrived = year_of(facts.get("arrived_on"), cutoff)
    start = arrived if arrived is not None else joined
    membership = (BEGINNING if start is None else start, year_of(facts.get("left_on"), cutoff) if left else None)
    full = year_of(facts.get("full_on"), cutoff)
    stock = _stock_values(facts)
    occupation = facts.get("occupation")
    for present in _present(flows, membership, facts.get("absences") or ()):
        segment = _within(present, years)
        start, end = segment
        if end is not None and end <= start:
            continue  # no year end inside: nothing held then (every span below is clipped to it)
        for dimension, value in stock:
            # span() over the segment itself, inlined: every member change counts these twice.
            entries[(dimension, value, start)] += 1
            if end is not None:
                entries[(dimension, value, end)] -= 1
        if facts.get("occupation") == STUDENT:
            span(entries, "student_birth_year", calendar_year(facts.get("birth_date")), *segment, within=segment)
            span(entries, "student_education", EDUCATION_BUCKETS.get(facts.get("education")), *segment,
                 within=segment)
        held = (((PROBATIONARY, membership[0], full), (FULL, full, None)) if full is not None
                else ((facts.get("category") or FULL, *segment),))
        for category, since, until in held:
            span(entries, "category", category, since, until, within=segment)
            span(entries, "occupation_category", by_occupation(occupation, category), since, until, within=segment)
    if joined is not None and arrived is None:
        on = facts.get("joined_on")
        flows.add(("increase", "develop", joined), on)
        values = (facts.get("sex"), facts.get("ethnicity"), calendar_year(facts.get("birth_date")),
                  EDUCATION_BUCKETS.get(facts.get("education")), occupation)
        for dimension, value in zip(DEVELOPED, values):
            flows.add((dimension, NOT_RECORDED if value is None else str(value), joined), on)
        for dimension, value in zip(DEVELOPED_BY_OCCUPATION, values):  # the first four: not occupation by itself
            flows.add((dimension, by_occupation(occupation, value), joined), on)
    _probation(flows, facts, full)
    if left:
        _decrease(flows, facts.get("leave_kind"), facts["left_on"])
    for year, grade in (facts.get("evaluations") or {}).items():
        if str(year).isdigit() and grade:  # a year's 民主评议 counts where the member was at its end
            flows.add(("evaluation", str(grade), int(year)), cutoff_day(int(year), cutoff))
    _expulsions(flows, facts)
    _trainings(flows, facts)
    _commendations(flows, facts)
    return entries


def _stock_values(facts: dict) -> list[tuple[str, str]]:
    """The (dimension, value) pairs a member holds for every year end they belong: 表2–4's facts,
    and the same again under their occupation (BY_OCCUPATION; the category has history: apart)."""
    values = (("sex", facts.get("sex")), ("ethnicity", facts.get("ethnicity")),
              ("birth_year", calendar_year(facts.get("birth_date"))),
              ("joined_period", joined_period(facts.get("joined_on"))),
              # Education and occupation carry no history: the current value stands for every
              # year the member belonged.
              ("education", EDUCATION_BUCKETS.get(facts.get("education"))))
    occupation = facts.get("occupation")
    stock = [("total", ""), ("occupation", NOT_RECORDED if occupation is None else str(occupation))]
    for dimension, value in values:
        stock.append((dimension, NOT_RECORDED if value is None else str(value)))
        stock.append((f"occupation_{dimension}", by_occupation(occupation, value)))
    return stock


def _expulsions(flows: _Flows, facts: dict) -> None:
    """表11: each 出党 counted as `expel` (the leaving, and a leave later taken back: `_decrease`),
    broken down by the member's facts (EXPELLED) in the same year."""
    leaves = [(kind, left_on) for kind, left_on, back_on in facts.get("absences") or () if left_on and back_on]
    if facts.get("status") == "left":
        leaves.append((facts.get("leave_kind"), facts["left_on"]))
    for kind, on in leaves:
        if LEAVE_KIND_GROUPS.get(kind) == "出党":
            for dimension, value in zip(EXPELLED, _expelled(facts, on)):
                flows.add((dimension, NOT_RECORDED if value is None else str(value), flows.year(on)), on)


def _as_member(facts: dict, dated: list) -> list:
    """The rows of `dated` ([day, …]) that fall while the member belonged here: from the 入党日期
    (or the arrival of one keyed in by 线下转入) to the leaving day."""
    since = str(facts.get("arrived_on") or facts.get("joined_on") or "")[:10]
    until = str(facts["left_on"])[:10] if facts.get("status") == "left" else None
    return [row for row in dated if row and row[0] and str(row[0])[:10] >= since
            and (until is None or str(row[0])[:10] <= until)]


def _first_each_year(flows: _Flows, dimension: str, days) -> None:
    """One member counted once a year (the 人 beside the 人次), where they were on the year's first
    such day."""
    firsts: dict = {}
    for day in sorted(str(day)[:10] for day in days):
        firsts.setdefault(flows.year(day), day)
    for year, day in firsts.items():
        flows.add((dimension, "", year), day)


def _trainings(flows: _Flows, facts: dict) -> None:
    """表9: each 培训情况 row ([started_on, level, mode, hours]) in the year it began."""
    rows = _as_member(facts, facts.get("trainings") or [])
    for started_on, level, mode, hours in rows:
        year = flows.year(started_on)
        flows.add(("training", level or NOT_RECORDED, year), started_on)
        flows.add(("training_mode", mode or NOT_RECORDED, year), started_on)
        if hours:
            flows.add(("training_hours", "", year), started_on, int(hours))
    _first_each_year(flows, "trained", (row[0] for row in rows))


def _commendations(flows: _Flows, facts: dict) -> None:
    """表12: each 奖励 of 奖惩情况 ([decided_on, level]) in the year it was granted."""
    rows = _as_member(facts, facts.get("commendations") or [])
    for decided_on, level in rows:
        flows.add(("commended", level or NOT_RECORDED, flows.year(decided_on)), decided_on)
    _first_each_year(flows, "commended_members", (row[0] for row in rows))


def _probation(flows: _Flows, facts: dict, full: int | None) -> None:
    """转正 in the year of the 转正日期 (按期, or after an extension), 延长预备期 in the year it was
    approved; a member keyed in by 线下转入 as a full member was confirmed elsewhere. (取消预备党员资格
    is the leave kind 25, an 出党 way: `expel`.)"""
    extended = flows.year(facts.get("extended_on"))
    if full is not None and not (facts.get("arrived_on") and str(facts["full_on"]) < str(facts["arrived_on"])):
        flows.add(("confirm", CONFIRMED_EXTENDED if extended is not None else CONFIRMED_ON_TIME, full),
                  facts["full_on"])
    if extended is not None:
        flows.add(("probation_extended", "", extended), facts["extended_on"])


def _decrease(flows: _Flows, kind, on) -> None:
    group, year = LEAVE_KIND_GROUPS.get(kind), flows.year(on)
    if group == COUNTED_AS_TRANSFER:
        return
    flows.add(("decrease", DECREASE_GROUPS.get(group, "other"), year), on)
    if group == "出党":
        flows.add(("expel", kind, year), on)


def _expelled(facts: dict, on) -> tuple:
    """What 表11 breaks an 出党 down by: sex, ethnicity, birth year, 入党时间 period, and the category
    on the day of leaving (预备党员 until the 转正日期; without one, the member's category)."""
    full_on = facts.get("full_on")
    if full_on:
        category = PROBATIONARY if str(full_on)[:10] > str(on)[:10] else FULL
    else:
        category = facts.get("category") or FULL
    return (facts.get("sex"), facts.get("ethnicity"), calendar_year(facts.get("birth_date")),
            joined_period(facts.get("joined_on")), category)


def _present(flows: _Flows, membership: tuple, absences) -> list[tuple]:
    """The spans of years the member was on the rolls: `membership` less each absence, whose
    leaving and return are counted as they go."""
    segments, start = [], membership[0]
    for kind, left_on, back_on in sorted(absences, key=lambda absence: absence[1]):
        away, back = flows.year(left_on), flows.year(back_on)
        if away is None or back is None:
            continue
        segments.append((start, away))
        _decrease(flows, kind, left_on)
        increase = return_increase(kind)
        if increase is not None:
            # Back after 组织关系转出 is a 线下转入: its 转入 is the transfer fact's (domain/transfers.py).
            flows.add(("increase", increase, back), back_on)
        start = back
    return [*segments, (start, membership[1])]


def placed(facts: dict | None, path: str | None, moves=(), kinds: dict | None = None,
           cutoff: tuple = CALENDAR) -> list[tuple[str, Counter]]:
    """(path, entries) of one member, each where it was counted: `moves` are the member's counted
    省内 transfers [(effective_on, from_path)]; before each, the member counted in the organization
    it left (its year ends and its dated flows: a 发展 there stays there), and from the last one
    on under `path`, where the member is now. So the sending side's 上年底 + 增 − 减 = 本年底 holds
    in the year of the move, as the transfer's 转出 is counted there (domain/transfers.py). An
    organization's own move (uncounted) takes everything counted under it along. `kinds`: org id →
    the kind of unit it is set up in (unit_kind), for the members by unit kind (`with_unit_kind`)."""
    if not moves:
        return [(path, with_unit_kind(member_entries(facts, cutoff=cutoff), kind_at(path, kinds)))]
    result, first = [], None
    for on, from_path in sorted(moves):
        on = str(on)[:10]
        entries = member_entries(facts, (first, on), cutoff)
        result.append((from_path, with_unit_kind(entries, kind_at(from_path, kinds))))
        first = on
    result.append((path, with_unit_kind(member_entries(facts, (first, None), cutoff), kind_at(path, kinds))))
    return result


def placed_rolled(facts: dict | None, path: str | None, moves=(), kinds: dict | None = None,
                  cutoff: tuple = CALENDAR) -> Counter:
    """A member's counter entries rolled up from where each was counted (`placed`)."""
    result: Counter = Counter()
    for where, entries in placed(facts, path, moves, kinds, cutoff):
        result.update(rolled(entries, where))
    return result


def replaced(facts: dict | None, path: str | None, before, after, kinds: dict | None = None,
             cutoff: tuple = CALENDAR) -> Counter:
    """What a member's counters change by when their moves go from `before` to `after` (a new 省内
    transfer or 整建制 placement counted)."""
    if not facts:
        return Counter()
    result = placed_rolled(facts, path, after, kinds, cutoff)
    result.subtract(placed_rolled(facts, path, before, kinds, cutoff))
    return result


def org_entries(state: dict | None, cutoff: tuple = CALENDAR) -> Counter:
    """(dimension, value, year) → n for one organization: its type while it exists, from its
    成立日期 (or always) until it is revoked; a deleted one counts nowhere."""
    entries: Counter = Counter()
    if not state or state.get("status") == "deleted":
        return entries
    revoked = state.get("status") == "revoked"
    if revoked and not state.get("revoked_on"):
        return entries
    start = year_of(state.get("established_on"), cutoff)
    years = (BEGINNING if start is None else start, year_of(state.get("revoked_on"), cutoff) if revoked else None)
    span(entries, "org_type", state.get("type"), *years, within=years)
    _unit_entries(entries, state, years)
    _org_commendations(entries, state.get("commendations") or (), cutoff)
    return entries


def _org_commendations(entries: Counter, rows, cutoff: tuple = CALENDAR) -> None:
    """表12: each 奖励 of the organization's 组织奖惩 ([approved_on, level]) in the year of its 批准日期,
    and the organization once in each year it was commended. A revoked organization keeps its
    past 奖励 (like its years in `org_type`); a deleted one counts nothing (org_entries)."""
    years = set()
    for approved_on, level in rows:
        year = year_of(approved_on, cutoff)
        if year is None:
            continue
        entries[("org_commended", level or NOT_RECORDED, year)] += 1
        years.add(year)
    for year in years:
        entries[("commended_orgs", "", year)] += 1


def rolled(entries: Counter, path: str | None) -> Counter:
    """Entries counted at every organization on `path` (the organization itself included)."""
    counted = [(key, n) for key, n in entries.items() if n]
    # Each (organization, entry) once: built as a dict, not added key by key.
    return Counter({(org_id, *key): n for org_id in ids_of(path) for key, n in counted})


def delta(old: Counter, new: Counter) -> dict:
    """Per-key change when counted contributions go from `old` to `new` (zeros omitted)."""
    change = Counter(new)
    change.subtract(old)
    return {key: n for key, n in change.items() if n}


def differences(expected: Counter, actual: Counter) -> list[dict]:
    keys = sorted(set(expected) | set(actual))
    return [{"org_id": key[0], "dimension": key[1], "value": key[2], "year": key[3],
             "expected": expected.get(key, 0), "actual": actual.get(key, 0)}
            for key in keys if expected.get(key, 0) != actual.get(key, 0)]


def rehomed(amounts: Counter, org_id: int, old_path: str, new_path: str) -> Counter:
    """Counter deltas when the organization `org_id` moves from `old_path` to `new_path` with
    its subtree: what is counted at it (`amounts`, (dimension, value, year) → n: its whole
    subtree, rolled up) leaves its old ancestors and joins its new ones. Ancestors on both
    paths, and the organization itself, are unchanged."""
    result: Counter = Counter()
    old_above = [i for i in path_ids(old_path) if i != org_id]
    new_above = [i for i in path_ids(new_path) if i != org_id]
    for key, n in amounts.items():
        for ancestor in old_above:
            result[(ancestor, *key)] -= n
        for ancestor in new_above:
            result[(ancestor, *key)] += n
    return Counter({k: n for k, n in result.items() if n})


# --- 表5, 表6: units and members by the kind of unit (乡镇, 街道, 村, 社区) ----------------------

UNIT_KINDS = (TOWNSHIP, STREET, VILLAGE, COMMUNITY)


def unit_kind(units) -> str:
    """The kind of unit an organization is set up in, from its 单位信息 ([{category, party_setup}]):
    the category of its first unit of a counted kind (NOT_RECORDED: none). An organization set up
    in units of two kinds (a rare 联合党支部) counts its members once, by the first."""
    return next((unit["category"] for unit in units or () if unit.get("category") in UNIT_KINDS), NOT_RECORDED)


def unit_value(unit: dict) -> str:
    """The `unit` counter value of a unit: its category and 建立党组织情况, "51/1"."""
    return f"{unit['category']}/{unit.get('party_setup') or NOT_RECORDED}"


def _unit_entries(entries: Counter, state: dict, years: tuple) -> None:
    """An organization's units of the counted kinds (each record once) and its own unit kind,
    while the organization exists (like its type)."""
    for unit in state.get("units") or ():
        if unit.get("category") in UNIT_KINDS:
            span(entries, "unit", unit_value(unit), *years, within=years)
    kind = unit_kind(state.get("units"))
    if kind:
        span(entries, "org_unit_kind", kind, *years, within=years)


def kind_at(path: str | None, kinds: dict | None) -> str:
    """The unit kind of the organization a path ends at (`kinds`: org id → unit kind)."""
    ids = ids_of(path) if path and kinds else ()
    return kinds.get(ids[-1], NOT_RECORDED) if ids else NOT_RECORDED


def with_unit_kind(entries: Counter, kind: str) -> Counter:
    """A member's entries counted at an organization of unit kind `kind`, plus the members by unit
    kind: the member's `total` (their years on the rolls there) again as `unit_members`. The kind
    is the organization's now: like education, it carries no history."""
    if kind:
        for (dimension, _, year), n in list(entries.items()):
            if dimension == "total" and n:
                entries[("unit_members", kind, year)] += n
    return entries


def relabelled(totals: Counter, old_kind: str, new_kind: str, path: str) -> Counter:
    """Counter deltas when the organization at `path` goes from unit kind `old_kind` to `new_kind`:
    what its members count there (`totals`, year → n: their `total` entries counted at it, not
    below) moves between the members by unit kind, at it and its ancestors."""
    moved: Counter = Counter()
    for year, n in totals.items():
        if old_kind:
            moved[("unit_members", old_kind, year)] -= n
        if new_kind:
            moved[("unit_members", new_kind, year)] += n
    return rolled(moved, path)
