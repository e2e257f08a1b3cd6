"""换届选举: terms (届次) and committees (班子) of an organization — pure rules (RULES.md §3,
MANUALS.md §3), as versioned data (`terms_rules/rules_*.json`, the version in force on the
election's day).

- Term length by organization type: 基层党委 (and 地方委员会) 5 years, 党总支 and 党支部 3,
  organizations of a village or a community (a unit of category 村 / 社区) 5. A clerk may correct
  the default to another allowed length (3 or 5). 临时党支部, 党工委 and 党组 are not elected:
  their leaders are appointed (上级指派) and they have no 换届 and no 届满.
- 届满 = the election day plus the term's years (29 February → 28 February). Postponing or
  bringing an election forward: at most 1 year, with the higher level's approval.
- Elections (选举工作条例): only 正式党员 vote and stand; the meeting is valid when those present
  are more than 4/5 of those entitled; candidates are at least 20 % more than the seats (差额);
  a candidate is elected with the votes of more than half of those present, at most as many as
  there are seats (a tie across the last seat is refused: vote again).
- Committees: a branch with ≥ 7 full members has a 支委会 of 3–5 (normally, at most 7); with fewer
  only a 书记 and an optional 副书记. 总支 5–7 (at most 9) and 基层党委 5–9 with 1–2 副书记 come from
  older guidance (⚠️): warnings, never refusals. One 书记 at a time.
- Dates: 任职 not before the term's start for elected posts (MANUALS §3.2 garbled; decided: ≥),
  离任 not before 任职, nothing in the future.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from services.shared.codes import COMMITTEE_HOWS, COMMITTEE_POSTS, ORG_TYPES, TERM_METHODS, CodeTable
from services.shared.field_errors import FieldErrors, RuleViolation
from services.shared.field_rules import REQUIRED, blank, code_value, iso_date, optional_text, record_id, text
from services.shared.rule_versions import in_force, load_versions

RULES_DIR = Path(__file__).with_name("terms_rules")

# The code tables are shared (services/shared/codes.py): the stats service counts by them too.
BY_MEETING, BY_CONGRESS, APPOINTED = "1", "2", "3"
METHODS = TERM_METHODS
ELECTED_METHODS = frozenset({BY_MEETING, BY_CONGRESS})

SECRETARY, DEPUTY = "01", "02"
POSTS = COMMITTEE_POSTS
MEMBER_POST = "06"
LEADER_POSTS = frozenset({SECRETARY, DEPUTY})

ELECTED, BY_ELECTION, ASSIGNED = "1", "2", "3"
HOWS = COMMITTEE_HOWS
MIDTERM_HOWS = CodeTable("任职方式", [(BY_ELECTION, "补选"), (ASSIGNED, "指派")], {"任命": ASSIGNED})

# The reminder lead times (基层版 home page: 30 days before 届满, seed S1; the higher level's list:
# about 6 months, MANUALS §3.4) are 系统设置: services/shared/settings.py.
MAX_CANDIDATES = 200
MAX_MEMBERS = 60
MAX_FIGURE = 1_000_000
REASON_MAX = 200
APPROVAL_NO_MAX = 60


@dataclass(frozen=True)
class Size:
    min: int
    normal_max: int
    max: int


@dataclass(frozen=True)
class TermRules:
    version: str
    title: str
    effective_from: date
    term_years: Mapping[str, int]
    village_years: int
    village_unit_categories: frozenset[str]
    allowed_years: frozenset[int]
    no_election_types: frozenset[str]
    shift_max_days: int
    surplus_percent: int
    quorum_fifths: int
    branch_types: frozenset[str]
    branch_committee_from: int
    branch_committee: Size
    sizes: Mapping[str, Size]
    deputies_max: Mapping[str, int]


def parse(data: Mapping) -> TermRules:
    return TermRules(
        str(data["version"]), data["title"], date.fromisoformat(data["effective_from"]),
        {k: int(v) for k, v in data["term_years"].items()}, int(data["village_years"]),
        frozenset(data["village_unit_categories"]), frozenset(int(y) for y in data["allowed_years"]),
        frozenset(data["no_election_types"]), int(data["shift_max_days"]), int(data["surplus_percent"]),
        int(data["quorum_fifths"]), frozenset(data["branch_types"]), int(data["branch_committee_from"]),
        Size(**data["branch_committee"]), {k: Size(**v) for k, v in data["sizes"].items()},
        {k: int(v) for k, v in data["deputies_max"].items()})


VERSIONS = load_versions(RULES_DIR, parse)


def rules_for(day: date) -> TermRules:
    return in_force(VERSIONS, day)


# --- term length and 届满 ---------------------------------------------------------------------------

def has_elections(rules: TermRules, org_type: str) -> bool:
    """临时党支部, 党工委, 党组: leaders appointed, no 换届."""
    return org_type not in rules.no_election_types and org_type in rules.term_years


def default_years(rules: TermRules, org_type: str, unit_categories=()) -> int | None:
    """The term of an organization of `org_type` set up in units of `unit_categories`; None: no 换届."""
    if not has_elections(rules, org_type):
        return None
    if rules.village_unit_categories & set(unit_categories):
        return rules.village_years
    return rules.term_years[org_type]


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def term_length(rules: TermRules, org_type: str, unit_categories, method: str, given: int | None) -> int | None:
    """The term's years: the default of the organization, or an allowed length the clerk chose;
    None for an appointed leadership (no 届满). RuleViolation when the organization holds no
    elections but an election is recorded, or the length is not allowed."""
    default = default_years(rules, org_type, unit_categories)
    if default is None:
        if method in ELECTED_METHODS:
            raise RuleViolation(f"{ORG_TYPES.name(org_type)}的负责人由上级党组织指派，不进行换届选举")
        if given is not None:
            raise RuleViolation(f"{ORG_TYPES.name(org_type)}的负责人由上级指派，没有任期届满")
        return None
    if given is None:
        return default
    if given not in rules.allowed_years:
        allowed = "或".join(str(y) for y in sorted(rules.allowed_years))
        raise RuleViolation(f"任期应为{allowed}年（{ORG_TYPES.name(org_type)}默认{default}年）")
    return given


def check_shift(rules: TermRules, previous_expires: date | None, postponed_to: date | None,
                elected_on: date) -> list[str]:
    """An election against the previous term's 届满: more than a year early is refused; early or
    late (beyond an approved postponement) gives a warning."""
    if previous_expires is None:
        return []
    limit = timedelta(days=rules.shift_max_days)
    if elected_on < previous_expires - limit:
        raise RuleViolation(f"上届任期{previous_expires.isoformat()}届满，提前换届不得超过1年")
    if elected_on < previous_expires:
        return [f"提前换届（上届{previous_expires.isoformat()}届满），须经上级党组织批准"]
    due = postponed_to or previous_expires
    if elected_on > due + limit:
        return [f"上届任期{due.isoformat()}届满，推迟换届超过1年"]
    if elected_on > due:
        return [f"上届任期{due.isoformat()}届满，推迟换届须经上级党组织批准"]
    return []


def check_postponement(rules: TermRules, expires_on: date, until: date) -> None:
    """延期换届: after the 届满 date, by at most a year."""
    if until <= expires_on:
        raise RuleViolation(f"延期后的日期应晚于届满日期{expires_on.isoformat()}")
    if until > expires_on + timedelta(days=rules.shift_max_days) or until > add_years(expires_on, 1):
        raise RuleViolation(f"延期换届不得超过1年（届满日期{expires_on.isoformat()}）")


def due_state(expires_on: date | None, today: date, within_days: int) -> str | None:
    """"overdue" once the 届满 date has passed, "due" within `within_days`, else None."""
    if expires_on is None:
        return None
    if expires_on < today:
        return "overdue"
    if expires_on <= today + timedelta(days=within_days):
        return "due"
    return None


# --- elections --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Outcome:
    winners: tuple[tuple[int, int, str], ...]  # (member_id, votes, post) in votes order
    vacant: int
    warnings: tuple[str, ...]


def check_quorum(rules: TermRules, entitled: int, present: int) -> None:
    """实到 no more than 应到, and more than 4/5 of it."""
    if present > entitled:
        raise RuleViolation(f"实到人数（{present}）不能多于应到人数（{entitled}）")
    if present * 5 <= entitled * rules.quorum_fifths:
        raise RuleViolation(f"实到{present}人，未超过应到{entitled}人的五分之四，选举无效")


def check_candidates(rules: TermRules, election: Mapping, full_members: set[int]) -> None:
    """Enough candidates for a 差额 election, each a 正式党员 on the day, none with more votes than
    those present."""
    present, seats, candidates = election["present"], election["seats"], election["candidates"]
    if seats > len(candidates):
        raise RuleViolation(f"候选人（{len(candidates)}人）少于应选名额（{seats}名）")
    if len(candidates) * 100 < seats * (100 + rules.surplus_percent):
        raise RuleViolation(f"候选人{len(candidates)}人，应多于应选名额{seats}名的{rules.surplus_percent}%"
                            f"（差额选举），至少{-(-seats * (100 + rules.surplus_percent) // 100)}人")
    not_full = [c["member_id"] for c in candidates if c["member_id"] not in full_members]
    if not_full:
        raise RuleViolation("候选人须为选举当日本组织的正式党员（党员编号"
                            + "、".join(str(m) for m in not_full) + "）")
    for candidate in candidates:
        if candidate["votes"] > present:
            raise RuleViolation(f"党员编号{candidate['member_id']}的得票（{candidate['votes']}）"
                                f"多于实到人数（{present}）")


def find_winners(election: Mapping) -> Outcome:
    """Those with more than half the votes of those present, at most `seats` of them by votes."""
    present, seats, candidates = election["present"], election["seats"], election["candidates"]
    ranked = sorted(candidates, key=lambda c: -c["votes"])
    passed = [c for c in ranked if c["votes"] * 2 > present]
    if not passed:
        raise RuleViolation(f"没有候选人得票超过实到人数（{present}）的半数，选举未产生委员")
    if len(passed) > seats and passed[seats - 1]["votes"] == passed[seats]["votes"]:
        raise RuleViolation(f"得票过半的候选人多于应选名额且末位得票相同（{passed[seats]['votes']}票），"
                            "须对票数相同的候选人再次投票")
    winners = passed[:seats]
    warnings = []
    vacant = seats - len(winners)
    if vacant:
        warnings.append(f"得票过半的候选人少于应选名额，尚缺{vacant}名，须另行选举或补选")
    return Outcome(tuple((c["member_id"], c["votes"], c["post"]) for c in winners), vacant, tuple(warnings))


def count_election(rules: TermRules, election: Mapping, full_members: set[int]) -> Outcome:
    """The election's figures checked and the winners found. `full_members`: the candidates who
    were 正式党员 on the rolls that day (only they vote and stand)."""
    check_quorum(rules, election["entitled"], election["present"])
    check_candidates(rules, election, full_members)
    return find_winners(election)


def election_failures(rules: TermRules, election: Mapping, full_members: set[int]) -> list[str]:
    """Every reason an election failed (quorum, candidates, winners), each checked on its own: what
    a failed election recorded for the record keeps. Empty: the election stands."""
    reasons = []
    for check in (lambda: check_quorum(rules, election["entitled"], election["present"]),
                  lambda: check_candidates(rules, election, full_members), lambda: find_winners(election)):
        try:
            check()
        except RuleViolation as exc:
            reasons.append(exc.message)
    return reasons


# --- committee composition --------------------------------------------------------------------------

def check_committee(rules: TermRules, org_type: str, full_count: int | None, posts: list[str]) -> list[str]:
    """The committee's posts against the organization: a refusal (RuleViolation) for one 书记 too
    many or a branch's committee it may not have; warnings where the guidance is weak or soft."""
    secretaries = posts.count(SECRETARY)
    if secretaries > 1:
        raise RuleViolation("一个班子只能有一名书记")
    warnings = []
    size = len(posts)
    deputies = posts.count(DEPUTY)
    if org_type in rules.branch_types and full_count is not None:
        if full_count < rules.branch_committee_from:
            others = [POSTS.name(p) for p in posts if p not in LEADER_POSTS]
            if others or deputies > 1:
                raise RuleViolation(f"正式党员不足{rules.branch_committee_from}人（{full_count}人）的党支部"
                                    "不设支部委员会，只设书记（可设一名副书记）")
        else:
            limits = rules.branch_committee
            if size > limits.max:
                raise RuleViolation(f"支部委员会不能超过{limits.max}人")
            if size > limits.normal_max:
                warnings.append(f"支部委员会一般为{limits.min}至{limits.normal_max}人（本届{size}人）")
            elif size < limits.min:
                warnings.append(f"正式党员{full_count}人的党支部应设支部委员会（{limits.min}至{limits.normal_max}人），"
                                f"本届{size}人")
    elif org_type in rules.sizes:
        limits = rules.sizes[org_type]
        if not limits.min <= size <= limits.max:
            warnings.append(f"{ORG_TYPES.name(org_type)}委员会一般为{limits.min}至{limits.normal_max}人"
                            f"（最多{limits.max}人），本届{size}人")
    most = rules.deputies_max.get(org_type)
    if most is not None and deputies > most:
        warnings.append(f"{ORG_TYPES.name(org_type)}一般设副书记不超过{most}名（本届{deputies}名）")
    if size and not secretaries:
        warnings.append("班子尚无书记")
    return warnings


def check_member_dates(term_start: date, how: str, since: date, today: date) -> None:
    if since > today:
        raise RuleViolation("任职日期不能晚于今天")
    if how in (ELECTED, BY_ELECTION) and since < term_start:
        raise RuleViolation(f"选举产生的职务，任职日期不能早于本届开始日期{term_start.isoformat()}")


def check_leave_date(since: date, left_on: date, today: date) -> None:
    if left_on > today:
        raise RuleViolation("离任日期不能晚于今天")
    if left_on < since:
        raise RuleViolation(f"离任日期不能早于任职日期{since.isoformat()}")


# --- input (per-field messages) ---------------------------------------------------------------------

def _count(value, minimum: int = 0) -> int:
    if blank(value):
        raise ValueError(REQUIRED)
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
            value = int(value.strip())
        else:
            raise ValueError("应为整数")
    if not minimum <= value <= MAX_FIGURE:
        raise ValueError(f"应为{minimum}至{MAX_FIGURE}之间的整数")
    return value


def _day(value, today: date) -> date:
    day = iso_date(value)
    if day > today:
        raise ValueError("不能晚于今天")
    if day.year < 1921:
        raise ValueError("日期有误")
    return day


def _optional_day(value, today: date) -> date | None:
    return None if blank(value) else _day(value, today)


def _post(value) -> str:
    return MEMBER_POST if blank(value) else code_value(value, POSTS, "未知的职务")


def _people(value, errors: dict, field: str, limit: int, item) -> list:
    if not isinstance(value, list):
        errors[field] = "应为数组"
        return []
    if len(value) > limit:
        errors[field] = f"不能超过{limit}人"
        return []
    rows, seen = [], set()
    for n, raw in enumerate(value, start=1):
        if not isinstance(raw, dict):
            errors[field] = f"第{n}项应为对象"
            return []
        try:
            row = item(raw)
        except ValueError as exc:
            errors[field] = f"第{n}项：{exc}"
            return []
        if row["member_id"] in seen:
            errors[field] = f"党员编号{row['member_id']}重复"
            return []
        seen.add(row["member_id"])
        rows.append(row)
    return rows


def _candidate(raw: Mapping) -> dict:
    try:
        member_id = record_id(raw.get("member_id"))
    except ValueError as exc:
        raise ValueError(f"党员编号{exc}") from None
    try:
        votes = _count(raw.get("votes"))
    except ValueError as exc:
        raise ValueError(f"得票{exc}") from None
    return {"member_id": member_id, "votes": votes, "post": _post(raw.get("post"))}


def _appointee(raw: Mapping) -> dict:
    try:
        member_id = record_id(raw.get("member_id"))
    except ValueError as exc:
        raise ValueError(f"党员编号{exc}") from None
    return {"member_id": member_id, "post": _post(raw.get("post"))}


def _election(raw, errors: dict) -> dict | None:
    if not isinstance(raw, dict):
        errors["election"] = "应为对象"
        return None
    election = {}
    for key, label, minimum in (("entitled", "应到人数", 1), ("present", "实到人数", 1), ("seats", "应选名额", 1)):
        try:
            election[key] = _count(raw.get(key), minimum)
        except ValueError as exc:
            errors[f"election.{key}"] = f"{label}{exc}"
    election["candidates"] = _people(raw.get("candidates") if raw.get("candidates") is not None else [], errors,
                                     "election.candidates", MAX_CANDIDATES, _candidate)
    if not election["candidates"] and "election.candidates" not in errors:
        errors["election.candidates"] = "请填写候选人及得票"
    return election


def _read(raw, readers: dict) -> tuple[dict, dict]:
    """Each field of `raw` through its reader: (values, errors by field)."""
    if not isinstance(raw, dict):
        raise FieldErrors({"data": "应为键值对象"})
    data, errors = {}, {}
    for key, read in readers.items():
        try:
            data[key] = read(raw.get(key))
        except ValueError as exc:
            errors[key] = str(exc)
    return data, errors


def _checked(raw, readers: dict) -> dict:
    data, errors = _read(raw, readers)
    if errors:
        raise FieldErrors(errors)
    return data


def _flag(value) -> bool:
    """A yes/no of the API (true/false) or of a form (a checked box sends "1" or "on")."""
    if value is None or value is False or value == "":
        return False
    if value is True or value in ("1", "on", "true"):
        return True
    raise ValueError("应为 true 或 false")


def validate_new_term(raw, today: date) -> dict:
    """换届's input: {elected_on, method, term_years?, approved_on?, approval_no?, election?, members?,
    record_failed?}. An elected term brings its election's figures (or, for a past term whose
    figures are lost, its members); an appointed one its members. `record_failed`: an election
    that failed the rules is recorded for the record (its figures required) instead of refused."""
    data, errors = _read(raw, {
        "elected_on": lambda v: _day(v, today), "method": lambda v: code_value(v, METHODS, "未知的产生方式"),
        "term_years": lambda v: None if blank(v) else _count(v, 1),
        "approved_on": lambda v: _optional_day(v, today),
        "approval_no": lambda v: optional_text(v, APPROVAL_NO_MAX), "record_failed": _flag})
    data["election"] = None if raw.get("election") is None else _election(raw.get("election"), errors)
    data["members"] = [] if raw.get("members") is None else _people(raw.get("members"), errors, "members",
                                                                   MAX_MEMBERS, _appointee)
    if data.get("approved_on") and data.get("elected_on") and data["approved_on"] < data["elected_on"]:
        errors["approved_on"] = "批复日期不能早于选举（指派）日期"
    method = data.get("method")
    if method == APPOINTED and data["election"] is not None:
        errors["election"] = "上级指派的班子没有选举情况"
    if method == APPOINTED and not data["members"] and "members" not in errors:
        errors["members"] = "请填写指派的班子成员"
    if method in ELECTED_METHODS and data["election"] is None and not data["members"] and "members" not in errors:
        errors["election"] = "请填写选举情况（应到、实到、应选名额、候选人得票）"
    if data["election"] is not None and data["members"]:
        errors["members"] = "有选举情况时，班子成员由得票产生，不能另填"
    if data.get("record_failed") and data["election"] is None and "election" not in errors:
        errors["election"] = "记录未成功的选举须填写选举情况（应到、实到、应选名额、候选人得票）"
    if errors:
        raise FieldErrors(errors)
    return data


def validate_addition(raw, today: date) -> dict:
    """届中调整: {member_id, post, since, how (补选/指派)}."""
    return _checked(raw, {"member_id": record_id, "post": lambda v: code_value(v, POSTS, "未知的职务"),
                          "since": lambda v: _day(v, today),
                          "how": lambda v: code_value(v, MIDTERM_HOWS, "届中调整只能补选或指派")})


def validate_leave(raw, today: date) -> dict:
    """离任: {date, reason}."""
    return _checked(raw, {"date": lambda v: _day(v, today), "reason": lambda v: text(v, REASON_MAX)})


def validate_approval(raw, today: date) -> dict:
    """The higher level's 批复 of a term: {approved_on, approval_no, postponed_to?}."""
    return _checked(raw, {"approved_on": lambda v: _day(v, today), "approval_no": lambda v: text(v, APPROVAL_NO_MAX),
                          "postponed_to": lambda v: None if blank(v) else iso_date(v)})


# --- correcting a term ------------------------------------------------------------------------------

CORRECTABLE = (("elected_on", "选举（指派）日期"), ("term_years", "任期（年）"), ("approved_on", "批复日期"),
               ("approval_no", "批复文号"))
APPROVAL_FIELDS = ("approved_on", "approval_no")


def validate_correction(raw, today: date) -> dict:
    """更正届次: {elected_on?, term_years?, approved_on?, approval_no?, reason, version?}: the fields
    given (null or absent: unchanged) and the reason, required."""
    data, errors = _read(raw, {
        "elected_on": lambda v: _optional_day(v, today), "term_years": lambda v: None if blank(v) else _count(v, 1),
        "approved_on": lambda v: _optional_day(v, today), "approval_no": lambda v: optional_text(v, APPROVAL_NO_MAX),
        "reason": lambda v: text(v, REASON_MAX)})
    if not errors and all(data[key] is None for key, _ in CORRECTABLE):
        errors["data"] = "请填写要更正的内容（选举日期、任期、批复日期或批复文号）"
    if errors:
        raise FieldErrors(errors)
    return data


@dataclass(frozen=True)
class Neighbours:
    """What a term's dates must fit: the previous term (its election day, and the latest 任职, or
    离任 before the 换届, of its members), the next term's election day, and this term's members
    [(how, since, left_on)] (those whose 任职 was the term's first day move with it)."""
    previous_elected_on: date | None
    previous_latest: date | None
    next_elected_on: date | None
    members: tuple


def check_corrected_dates(elected_on: date, old_elected_on: date, approved_on: date | None,
                          around: Neighbours) -> None:
    """A corrected election day against the terms around it and the members' dates (RuleViolation)."""
    if around.previous_elected_on is not None and elected_on <= around.previous_elected_on:
        raise RuleViolation(f"选举日期应晚于上一届的选举日期{around.previous_elected_on.isoformat()}")
    if around.previous_latest is not None and elected_on < around.previous_latest:
        raise RuleViolation(f"上一届有成员{around.previous_latest.isoformat()}任职或离任，换届日期不能早于该日期")
    if around.next_elected_on is not None and elected_on >= around.next_elected_on:
        raise RuleViolation(f"选举日期应早于下一届的选举日期{around.next_elected_on.isoformat()}")
    for how, since, left_on in around.members:
        if since == old_elected_on:
            since = elected_on  # came with the term: moves with it
        if how in (ELECTED, BY_ELECTION) and since < elected_on:
            raise RuleViolation(f"本届有选举产生的成员{since.isoformat()}任职，选举日期不能晚于该日期")
        if left_on is not None and left_on < since:
            raise RuleViolation(f"本届有成员{left_on.isoformat()}离任，选举日期不能晚于该日期")
    if approved_on is not None and approved_on < elected_on:
        raise RuleViolation("批复日期不能早于选举（指派）日期")


def full_on_day(category: str | None, full_on: date | None, day: date) -> bool:
    """A 正式党员 on `day`: category 正式党员 now, and 转正 (when recorded) not after that day."""
    return category == "01" and (full_on is None or full_on <= day)
