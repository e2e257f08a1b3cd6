"""流动党员: the pure rules of outflows, inflows and the 活动证 (docs/MOBILITY.md).

An outflow is `out` (away), `lost` (失联), and ends `returned` (返回) or `closed` (the member left
the rolls). An inflow is `in` at the receiving organization and `ended` when the member moves on
or the outflow ends. Every refusal is a Refused with a Chinese reason (409)."""
import calendar
import re
from datetime import date

from services.member.contract import IdNumberError, parse_id_number
from services.shared import field_rules as rules
from services.shared.codes import CodeTable
from services.shared.field_errors import FieldErrors

# --- code tables (PMIS's own codes for 流出原因; 失联原因 are the provincial form's, MANUALS.md §2.4) ---
OUTFLOW_REASONS = CodeTable(
    "流出原因",
    [("01", "外出务工经商"), ("02", "升学或就读"), ("03", "随迁或探亲"), ("04", "工作派遣或借调"),
     ("05", "出国(境)"), ("06", "异地居住或养老"), ("99", "其他")],
    {"务工经商": "01", "外出务工": "01", "就读": "02", "升学": "02", "随迁": "03", "探亲": "03",
     "派遣": "04", "借调": "04", "出国": "05", "出境": "05", "出国（境）": "05", "异地居住": "06", "养老": "06"},
)
LOST_REASONS = CodeTable(
    "失联原因",
    [("1", "外出务工经商"), ("2", "单位改制或破产"), ("3", "毕业后去向不明"), ("4", "工作单位改变"),
     ("5", "出国(境)"), ("6", "居住地改变"), ("7", "其他")],
    {"出国": "5", "出国（境）": "5"},
)
LOST_OTHER = "7"

OUT, LOST, RETURNED, CLOSED = "out", "lost", "returned", "closed"
OUTFLOW_STATES = {OUT: "流出中", LOST: "失联", RETURNED: "已返回", CLOSED: "已终止"}
OPEN_OUTFLOW = (OUT, LOST)
IN, ENDED = "in", "ended"
INFLOW_STATES = {IN: "流入中", ENDED: "已离开"}

# Where the member went, for the statistics' 流动党员 by destination.
IN_SYSTEM, DOMESTIC, ABROAD = "in_system", "domestic", "abroad"
DESTINATION_KINDS = {IN_SYSTEM: "本系统内党组织", DOMESTIC: "系统外（国内）", ABROAD: "国（境）外"}

DIRECTIONS = {"out": "流出党员", "in": "流入党员", "lost": "失联党员", "pending": "待确认流入"}
HISTORY_ACTIONS = {"registered": "流出登记", "certificate_issued": "发放活动证", "certificate_reissued": "补发活动证",
                   "lost": "登记失联", "found": "取得联系", "returned": "返回", "closed": "党员离开名册，流出终止",
                   "reopened": "回退党员减少，恢复流出", "inflow_confirmed": "流入地确认", "inflow_ended": "离开流入地",
                   "inflow_reopened": "回退党员减少，恢复流入", "certificate_checked": "活动证查验"}

# The 活动证: no source gives a validity (RULES.md §5 ❌); PMIS issues it for three years with a
# yearly 查验 row, the 年审 the manuals describe (MANUALS.md §2.3).
CERTIFICATE_YEARS = 3
LOST_MONTHS = 6  # 失联 this long: 工作督查 lists the member (RULES.md §5: ≥6 months → 停止党籍)
TEXT_MAX, REPORT_MAX, NOTE_MAX = 100, 1000, 500
_DIVISION = re.compile(r"[1-9][0-9]{5}")


class Refused(Exception):
    """A state change the outflow's state does not allow (Chinese, for a 409)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _field(errors: dict, name: str, check, *args):
    try:
        return check(*args)
    except ValueError as exc:
        errors[name] = str(exc)
        return None
    except FieldErrors as exc:
        errors.update(exc.fields)
        return None


def _object(data) -> dict:
    if not isinstance(data, dict):
        raise FieldErrors({"data": "应为对象"})
    return data


def _not_future(day: date | None, today: date, name: str, errors: dict) -> None:
    if day is not None and day > today:
        errors[name] = "不能晚于今天"


def division_code(value) -> str | None:
    """A 行政区划 code (GB/T 2260): six digits, the first not 0; may be left empty."""
    code = rules.optional_text(value, 6)
    if code is not None and not _DIVISION.fullmatch(code):
        raise ValueError("行政区划代码应为6位数字（如110105）")
    return code


def destination(value) -> dict:
    """{code, text, abroad}: a 行政区划 code is required inside China, the text always."""
    if not isinstance(value, dict):
        raise FieldErrors({"destination.text": "请填写流向地"})
    errors: dict = {}
    abroad = value.get("abroad") is True
    text = _field(errors, "destination.text", rules.text, value.get("text"), TEXT_MAX)
    code = _field(errors, "destination.code", division_code, value.get("code"))
    if code is None and not abroad and "destination.code" not in errors:
        errors["destination.code"] = "请填写流向地行政区划代码（出国（境）的可不填）"
    if errors:
        raise FieldErrors(errors)
    return {"code": code, "text": text, "abroad": abroad}


def destination_kind(to_org_id, dest: dict) -> str:
    if to_org_id:
        return IN_SYSTEM
    return ABROAD if dest.get("abroad") else DOMESTIC


def validate_outflow(data, today: date) -> dict:
    """流出登记: {from_date, reason, destination{code,text,abroad}, to_org_id | to_org_text,
    expected_return, phone, certificate}."""
    data = _object(data)
    errors: dict = {}
    out = {"from_date": _field(errors, "from_date", rules.iso_date, data.get("from_date")),
           "reason": _field(errors, "reason", rules.code_value, data.get("reason"), OUTFLOW_REASONS,
                            "未知的流出原因"),
           "destination": _field(errors, "destination", destination, data.get("destination")),
           "to_org_id": None, "to_org_text": None,
           "phone": _field(errors, "phone", rules.optional_phone, data.get("phone")),
           "expected_return": None, "certificate": data.get("certificate", False)}
    _not_future(out["from_date"], today, "from_date", errors)
    if out["from_date"] is not None and out["from_date"].year < 1921:
        errors["from_date"] = "日期不合理"
    if not rules.blank(data.get("to_org_id")):
        out["to_org_id"] = _field(errors, "to_org_id", rules.record_id, data.get("to_org_id"))
        if not rules.blank(data.get("to_org_text")):
            errors["to_org_text"] = "已选择本系统内的党组织，不要再填写系统外的流入党组织"
    else:
        out["to_org_text"] = _field(errors, "to_org_text", rules.optional_text, data.get("to_org_text"), TEXT_MAX)
    if not rules.blank(data.get("expected_return")):
        out["expected_return"] = _field(errors, "expected_return", rules.iso_date, data.get("expected_return"))
        if out["expected_return"] and out["from_date"] and out["expected_return"] <= out["from_date"]:
            errors["expected_return"] = "应晚于流出日期"
    if rules.blank(out["phone"]) and "phone" not in errors:
        errors["phone"] = "请填写联系电话"
    if not isinstance(out["certificate"], bool):
        errors["certificate"] = "应为是或否"
    if errors:
        raise FieldErrors(errors)
    return out


def validate_return(data, from_date: date, today: date) -> dict:
    data = _object(data)
    errors: dict = {}
    day = _field(errors, "date", rules.iso_date, data.get("date"))
    report = _field(errors, "report", rules.text, data.get("report"), REPORT_MAX)
    _not_future(day, today, "date", errors)
    if day is not None and day < from_date:
        errors["date"] = f"不能早于流出日期{from_date.isoformat()}"
    if errors:
        raise FieldErrors(errors)
    return {"date": day, "report": report}


def validate_lost(data, from_date: date, today: date) -> dict:
    """失联: since (the last org-life attendance or dues payment), reason (code table), note (其他: required)."""
    data = _object(data)
    errors: dict = {}
    since = _field(errors, "since", rules.iso_date, data.get("since"))
    reason = _field(errors, "reason", rules.code_value, data.get("reason"), LOST_REASONS, "未知的失联原因")
    note = _field(errors, "note", rules.optional_text, data.get("note"), NOTE_MAX)
    _not_future(since, today, "since", errors)
    if reason == LOST_OTHER and note is None and "note" not in errors:
        errors["note"] = "失联原因为“其他”时请说明"
    if errors:
        raise FieldErrors(errors)
    return {"since": since, "reason": reason, "note": note}


def validate_found(data, since: date, today: date, since_name: str = "失联日期") -> date:
    """找回联系's date (since the 失联日期), also 离开's (since the 流入日期): not before it, not after today."""
    data = _object(data)
    errors: dict = {}
    day = _field(errors, "date", rules.iso_date, data.get("date"))
    _not_future(day, today, "date", errors)
    if day is not None and day < since:
        errors["date"] = f"不能早于{since_name}{since.isoformat()}"
    if errors:
        raise FieldErrors(errors)
    return day


def validate_inflow(data, today: date) -> dict:
    """流入登记: {outflow_id} (in this deployment) or {external: {name, id_number, home_org_text,
    certificate_no}}, and from_date."""
    data = _object(data)
    errors: dict = {}
    out = {"from_date": _field(errors, "from_date", rules.iso_date, data.get("from_date")),
           "outflow_id": None, "external": None}
    _not_future(out["from_date"], today, "from_date", errors)
    has_outflow, external = not rules.blank(data.get("outflow_id")), data.get("external")
    if has_outflow and external is not None:
        errors["external"] = "本系统内的流出党员请直接确认，不要再填写系统外党员信息"
    elif has_outflow:
        out["outflow_id"] = _field(errors, "outflow_id", rules.record_id, data.get("outflow_id"))
    elif isinstance(external, dict):
        out["external"] = {
            "name": _field(errors, "external.name", rules.text, external.get("name"), 50),
            "id_number": _field(errors, "external.id_number", id_number, external.get("id_number")),
            "home_org_text": _field(errors, "external.home_org_text", rules.text, external.get("home_org_text"),
                                    TEXT_MAX),
            "certificate_no": _field(errors, "external.certificate_no", rules.optional_text,
                                     external.get("certificate_no"), 40)}
    else:
        errors["outflow_id"] = "请选择本系统内的流出党员，或填写系统外党员信息"
    if errors:
        raise FieldErrors(errors)
    return out


ACTIVITY_MAX = 200  # 活动记录: what the member took part in, one line
ACTIVITIES_MAX = 1000  # per inflow: a member there for years with a record a week stays far below


def validate_activity(data, from_date: date, today: date) -> dict:
    """活动记录 {date, what}: a day of the inflow (not before it began, not after today) and what
    the member took part in (主题党日, 党课, 志愿服务…)."""
    data = _object(data)
    errors: dict = {}
    day = _field(errors, "date", rules.iso_date, data.get("date"))
    what = _field(errors, "what", rules.text, data.get("what"), ACTIVITY_MAX)
    _not_future(day, today, "date", errors)
    if day is not None and day < from_date and "date" not in errors:
        errors["date"] = f"不能早于流入日期{from_date.isoformat()}"
    if errors:
        raise FieldErrors(errors)
    return {"date": day, "what": what}


def can_record_activity(state: str, count: int) -> None:
    if state != IN:
        raise Refused("该党员已离开本党组织，不能再登记活动记录")
    if count >= ACTIVITIES_MAX:
        raise Refused(f"一次流入最多登记{ACTIVITIES_MAX}条活动记录")


def id_number(value) -> str:
    """A resident ID number checked by the member service's one GB 11643 rule."""
    try:
        return parse_id_number(rules.text(value, 18)).value
    except IdNumberError as exc:
        raise ValueError(exc.message) from None


def lost_periods(history: list) -> list[list]:
    """[since, found_on or None] of each 失联 of an outflow, from its history's effective dates
    (what the statistics count as 失去联系 at a year end)."""
    periods: list[list] = []
    for item in history or ():
        if item.get("action") == "lost":
            periods.append([item.get("effective_on"), None])
        elif item.get("action") == "found" and periods and periods[-1][1] is None:
            periods[-1][1] = item.get("effective_on")
    return periods


# --- the state machine -------------------------------------------------------------------------

def refuse_open(existing_state: str | None) -> None:
    """One open outflow per member."""
    if existing_state in OPEN_OUTFLOW:
        raise Refused(f"该党员已登记为流动党员（{OUTFLOW_STATES[existing_state]}），请先办理返回")


def lose(state: str) -> str:
    if state != OUT:
        raise Refused(f"只有流出中的党员可以登记失联（现为{OUTFLOW_STATES.get(state, state)}）")
    return LOST


def find(state: str) -> str:
    if state != LOST:
        raise Refused(f"该党员未登记失联（现为{OUTFLOW_STATES.get(state, state)}）")
    return OUT


def return_(state: str) -> str:
    if state == LOST:
        raise Refused("该党员处于失联状态，请先登记取得联系，再办理返回")
    if state != OUT:
        raise Refused(f"该流出已结束（{OUTFLOW_STATES.get(state, state)}）")
    return RETURNED


def close(state: str) -> str | None:
    """The member left the rolls: an open outflow ends; anything else stays (None)."""
    return CLOSED if state in OPEN_OUTFLOW else None


# --- the 回退 of a leave: what its closing did is undone ------------------------------------------
# The transfer service's consumer of member_updated is the only writer of `closed` (a clerk's 返回
# gives `returned`) and writes its lines as the system (Caller.system's user id).
SYSTEM_ACTOR = "system"


def _last_line(history) -> dict:
    return (history or [{}])[-1] or {}


def closed_by_leave(state: str, history, closed_on: date | None, from_date: date, left_on: date | None) -> bool:
    """Whether an outflow is the one the member's leaving on `left_on` closed, untouched since:
    `closed`, its last history line the system's closing, on the day that closing used (the leave
    date, not before the outflow began; any day when the leave had none)."""
    last = _last_line(history)
    if state != CLOSED or last.get("action") != "closed" or last.get("actor") != SYSTEM_ACTOR:
        return False
    return left_on is None or closed_on == max(left_on, from_date)


def state_before_close(history) -> str:
    """The state a closed outflow had: `lost` when a 失联 period was still open (登记失联 and 取得联系
    are the only ways between `out` and `lost`, each a history line), else `out`."""
    periods = lost_periods(history)
    return LOST if periods and periods[-1][1] is None else OUT


def inflow_ended_by_close(closing: dict, inflow_id: int, state: str, history, ended_on: date | None,
                          from_date: date, closed_on: date) -> bool:
    """Whether an inflow is the one ended with its outflow's closing (`closing`: that history line,
    on `closed_on`), untouched since: `ended`, its last history line 离开流入地. The closing line
    names the inflow it ended (`inflow_id`, null for none); a line written before it did is told by
    the inflow's last line: the system's, on that day (not before the inflow began)."""
    last = _last_line(history)
    if state != ENDED or last.get("action") != "inflow_ended":
        return False
    if "inflow_id" in closing:
        return closing["inflow_id"] == inflow_id
    return last.get("actor") == SYSTEM_ACTOR and ended_on == max(closed_on, from_date)


def can_reissue(state: str, certificate_no: str | None) -> None:
    if state not in OPEN_OUTFLOW:
        raise Refused("流出已结束，活动证不再补发")


def lost_long(since: date | None, today: date, months: int = LOST_MONTHS) -> bool:
    """Lost for `months` or more (the day of the month counts: 1 Jan + 6 months = 1 Jul)."""
    if since is None:
        return False
    total = (today.year - since.year) * 12 + today.month - since.month - (today.day < since.day)
    return total >= months


def lost_cutoff(today: date, months: int = LOST_MONTHS) -> date:
    """The latest 失联 date that is `months` or more before `today` (lost_long as a bound for SQL)."""
    month_index = today.year * 12 + today.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    return date(year, month, min(today.day, calendar.monthrange(year, month)[1]))


# --- the 活动证 --------------------------------------------------------------------------------

def certificate_no(county_code: str, serial: int) -> str:
    """The county-level organization's 系统2005 code and a six-digit serial of that county."""
    if not 0 < serial < 1_000_000:
        raise ValueError("活动证编号已用完")
    return f"{county_code}{serial:06d}"


def serial_of(number: str, county_code: str) -> int | None:
    """The county's serial a card number carries when it is one of the county's own numbers (its code
    and six digits): what a card recorded from before PMIS takes of the numbering, so PMIS never
    issues it again; None for a number of another form."""
    rest = number[len(county_code):] if number.startswith(county_code) else ""
    return int(rest) if len(rest) == 6 and rest.isdigit() and int(rest) > 0 else None


def certificate_valid_until(issued_on: date, years: int = CERTIFICATE_YEARS) -> date:
    try:
        end = issued_on.replace(year=issued_on.year + years)
    except ValueError:  # 29 February
        end = issued_on.replace(year=issued_on.year + years, day=28)
    return date.fromordinal(end.toordinal() - 1)


def check_years(issued_on: date, valid_until: date) -> list[int]:
    """The years of the yearly 查验 rows: each year after issue up to the end of validity."""
    return list(range(issued_on.year + 1, valid_until.year + 1)) or [issued_on.year]


def can_check(state: str, card_issued: bool, voided_on) -> None:
    """A 查验 needs a valid card of an outflow still away and in contact."""
    if not card_issued:
        raise Refused("该流出党员未发放活动证，不能查验")
    if voided_on is not None:
        raise Refused("该活动证已作废，不能查验")
    if state != OUT:
        raise Refused(f"只有流出中的党员可以查验活动证（现为{OUTFLOW_STATES.get(state, state)}）")


def _year(value) -> int:
    if isinstance(value, bool) or not (isinstance(value, int) or (isinstance(value, str) and value.strip().isdigit())):
        raise ValueError("应为年份，如2026")
    return int(value)


def validate_check(data, issued_on: date, valid_until: date, today: date) -> dict:
    """活动证查验 {year, checked_on, org_text?, note?}: a year of the card's 查验 rows, not after this
    one, checked on a day of that year, not before the card was issued nor after today."""
    data = _object(data)
    errors: dict = {}
    year = _field(errors, "year", _year, data.get("year"))
    checked_on = _field(errors, "checked_on", rules.iso_date, data.get("checked_on"))
    org_text = _field(errors, "org_text", rules.optional_text, data.get("org_text"), TEXT_MAX)
    note = _field(errors, "note", rules.optional_text, data.get("note"), NOTE_MAX)
    _not_future(checked_on, today, "checked_on", errors)
    years = check_years(issued_on, valid_until)
    if year is not None:
        if year not in years:
            errors["year"] = f"该活动证的查验年度为{years[0]}年至{years[-1]}年"
        elif year > today.year:
            errors["year"] = "不能查验以后的年度"
    if checked_on is not None and "checked_on" not in errors:
        if checked_on < issued_on:
            errors["checked_on"] = f"不能早于发证日期{issued_on.isoformat()}"
        elif year is not None and checked_on.year != year:
            errors["checked_on"] = f"查验日期应在{year}年内"
    if errors:
        raise FieldErrors(errors)
    return {"year": year, "checked_on": checked_on, "org_text": org_text, "note": note}


def county_of(ancestors: list[dict]) -> dict:
    """The organization that numbers the card: the nearest 地方委员会 (type 10) above or at the
    home organization, else the top of the tree. `ancestors` root first, the home org last."""
    for org in reversed(ancestors):
        if org.get("type") == "10":
            return org
    return ancestors[0]


def issuer_of(ancestors: list[dict]) -> dict:
    """The 基层党委 that issues and stamps the card: the nearest 党委 or 党工委 at or above the
    home organization, else the county."""
    for org in reversed(ancestors):
        if org.get("type") in ("11", "12"):
            return org
    return county_of(ancestors)
