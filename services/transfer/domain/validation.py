"""Input of the transfer commands, checked field by field (Chinese messages, every bad field at
once). Pure: the organizations and the member are checked by the service layer."""
import re
from datetime import date, timedelta

from services.shared import field_rules as rules
from services.shared.codes import CodeTable
from services.shared.field_errors import FieldErrors

from .codes import (
    CROSS_PROVINCE,
    FROM_KINDS,
    KINDS,
    LETTER_KINDS,
    MEMBER_KINDS,
    OUTSIDE,
    PAPER_KINDS,
    STATE_NAMES,
    TRANSFER_REASONS,
    WHOLE_ORG,
    WITHIN,
)

MAX_VALID_DAYS = 90
DEFAULT_VALID_DAYS = {WITHIN: 30, CROSS_PROVINCE: 90, OUTSIDE: 90, WHOLE_ORG: 30}
_YEAR_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")
_POSTCODE = re.compile(r"[0-9]{6}")
OPINION_MAX, REASON_MAX, TEXT_MAX = 500, 500, 100
UNKNOWN_REASON = "未知或已停用的转接原因"


def _field(errors: dict, name: str, check, *args):
    try:
        return check(*args)
    except ValueError as exc:
        errors[name] = str(exc)
        return None


def year_month(value) -> str:
    if rules.blank(value):
        raise ValueError(rules.REQUIRED)
    match = _YEAR_MONTH.fullmatch(value.strip()) if isinstance(value, str) else None
    if not match or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 1921:
        raise ValueError("格式应为YYYY-MM（如2026-03）")
    return value.strip()


def valid_days(value, kind: str) -> int | None:
    if kind not in LETTER_KINDS:
        return None  # 支部间转移: no letter, no validity
    if rules.blank(value):
        return DEFAULT_VALID_DAYS[kind]
    if isinstance(value, bool) or not (isinstance(value, int) or (isinstance(value, str) and value.strip().isdigit())):
        raise ValueError("应为天数（整数）")
    days = int(value)
    if not 1 <= days <= MAX_VALID_DAYS:
        raise ValueError(f"有效期应为1到{MAX_VALID_DAYS}天")
    return days


def postcode(value) -> str | None:
    code = rules.optional_text(value, 6)
    if code is not None and not _POSTCODE.fullmatch(code):
        raise ValueError("邮政编码应为6位数字")
    return code


def to_outside(value, kind: str) -> dict:
    """The receiving side typed by hand: 跨省 needs the province and the receiving 党委."""
    if not isinstance(value, dict):
        raise FieldErrors({"to_outside": "请填写接收方（省份、接收党委）"})
    errors: dict = {}
    province = _field(errors, "to_outside.province", rules.optional_text, value.get("province"), TEXT_MAX)
    if kind == CROSS_PROVINCE and not province and "to_outside.province" not in errors:
        errors["to_outside.province"] = "跨省转接请填写转入省份"
    committee = _field(errors, "to_outside.party_committee", rules.text, value.get("party_committee"), TEXT_MAX)
    branch = _field(errors, "to_outside.branch", rules.optional_text, value.get("branch"), TEXT_MAX)
    if errors:
        raise FieldErrors(errors)
    return {"province": province, "party_committee": committee, "branch": branch}


def validate_apply(data, reasons: CodeTable = TRANSFER_REASONS) -> dict:
    """发起 / 预览: {member_id, kind, to_org_id | to_outside, reason, dues_paid_to, valid_days,
    phone, address, postcode, sender_phone, sender_fax}. `reasons`: the enabled 转接原因 (the
    service passes its code table; domain/reasons.reason_table)."""
    if not isinstance(data, dict):
        raise FieldErrors({"data": "应为对象"})
    errors: dict = {}
    out: dict = {}
    out["member_id"] = _field(errors, "member_id", rules.record_id, data.get("member_id"), "请选择党员")
    kind = data.get("kind")
    if kind == WHOLE_ORG:
        errors["kind"] = "整建制转移从党组织发起，尚未开放"
        kind = None
    elif kind not in MEMBER_KINDS:
        errors["kind"] = ("请选择转接类型（省内、跨省、系统外或支部间）" if rules.blank(kind)
                          else f"未知的转接类型：{kind}")
        kind = None
    out["kind"] = kind
    out["to_org_id"], out["to_outside"] = None, None
    if kind in PAPER_KINDS:
        try:
            out["to_outside"] = to_outside(data.get("to_outside"), kind)
        except FieldErrors as exc:
            errors.update(exc.fields)
    elif kind is not None:
        out["to_org_id"] = _field(errors, "to_org_id", rules.record_id, data.get("to_org_id"), "请选择接收党组织")
    out["reason"] = _field(errors, "reason", rules.code_value, data.get("reason"), reasons, UNKNOWN_REASON)
    if kind is not None:
        out.update(_letter_fields(data, kind, errors))
    if errors:
        raise FieldErrors(errors)
    return out


ORG_APPLY_FIELDS = {"to_parent_id", "reason", "valid_days", "phone", "address", "postcode", "sender_phone",
                    "sender_fax"}


def validate_org_apply(data, reasons: CodeTable = TRANSFER_REASONS) -> dict:
    """整建制转移 发起 / 预览: {to_parent_id, reason (a code of the 转接原因 table, as for every kind),
    valid_days?, phone?, address?, postcode?, sender_phone?, sender_fax?}; no 党费 month (each
    member's dues stay with the member)."""
    if not isinstance(data, dict):
        raise FieldErrors({"data": "应为对象"})
    errors: dict = {}
    out: dict = {"kind": WHOLE_ORG}
    out["to_parent_id"] = _field(errors, "to_parent_id", rules.record_id, data.get("to_parent_id"),
                                 "请选择新的上级党组织")
    out["reason"] = _field(errors, "reason", rules.code_value, data.get("reason"), reasons, UNKNOWN_REASON)
    out.update({key: value for key, value in _letter_fields({**data, "dues_paid_to": None}, WHOLE_ORG,
                                                            errors, dues=False).items()})
    for key in set(data) - ORG_APPLY_FIELDS:
        errors[str(key)[:50]] = "未知的信息项"
    if errors:
        raise FieldErrors(errors)
    return out


def _letter_fields(data: dict, kind: str, errors: dict, dues: bool = True) -> dict:
    letter = kind in LETTER_KINDS and dues
    dues = data.get("dues_paid_to")
    return {
        "dues_paid_to": _field(errors, "dues_paid_to", year_month, dues) if letter or not rules.blank(dues) else None,
        "valid_days": _field(errors, "valid_days", valid_days, data.get("valid_days"), kind),
        "phone": _field(errors, "phone", rules.optional_phone, data.get("phone")),
        "address": _field(errors, "address", rules.optional_text, data.get("address"), 200),
        "postcode": _field(errors, "postcode", postcode, data.get("postcode")),
        "sender_phone": _field(errors, "sender_phone", rules.optional_phone, data.get("sender_phone")),
        "sender_fax": _field(errors, "sender_fax", rules.optional_phone, data.get("sender_fax")),
    }


LETTER_NO_MAX, FROM_TEXT_MAX = 50, 200
OTHER_REASON = "99"


def validate_inbound(data, reasons: CodeTable = TRANSFER_REASONS) -> dict:
    """线下转入: {to_org_id, letter_no, from_kind, from_text, dues_paid_to?, member: {the member
    form}}. The member's fields are checked by the member service's own rules (not here)."""
    if not isinstance(data, dict):
        raise FieldErrors({"data": "应为对象"})
    errors: dict = {}
    out = {
        "to_org_id": _field(errors, "to_org_id", rules.record_id, data.get("to_org_id"), "请选择接收党组织"),
        "letter_no": _field(errors, "letter_no", rules.text, data.get("letter_no"), LETTER_NO_MAX),
        "from_kind": _field(errors, "from_kind", rules.code_value, data.get("from_kind"), FROM_KINDS,
                            "转入来源应为跨省或系统外"),
        "from_text": _field(errors, "from_text", rules.text, data.get("from_text"), FROM_TEXT_MAX),
        "dues_paid_to": None if rules.blank(data.get("dues_paid_to"))
        else _field(errors, "dues_paid_to", year_month, data.get("dues_paid_to")),
        "reason": OTHER_REASON if rules.blank(data.get("reason"))
        else _field(errors, "reason", rules.code_value, data.get("reason"), reasons, "未知的转接原因"),
    }
    member = data.get("member")
    if not isinstance(member, dict) or not member:
        errors["member"] = "请填写党员信息"
    out["member"] = member
    if errors:
        raise FieldErrors(errors)
    return out


MAX_BATCH = 50


def batch_member_ids(data) -> list[int]:
    """发起 for several members at once: `member_ids`, each sent like `member_id` alone."""
    ids = data.get("member_ids") if isinstance(data, dict) else None
    if not isinstance(ids, list) or not ids:
        raise FieldErrors({"member_ids": "请选择党员"})
    if len(ids) > MAX_BATCH:
        raise FieldErrors({"member_ids": f"一次最多发起{MAX_BATCH}名党员"})
    try:
        found = [rules.record_id(value) for value in ids]
    except ValueError as exc:
        raise FieldErrors({"member_ids": str(exc)}) from None
    if len(set(found)) != len(found):
        raise FieldErrors({"member_ids": "党员重复"})
    return found


def validate_reapply(data, kind: str, current: dict, reasons: CodeTable = TRANSFER_REASONS) -> dict:
    """重新发起: the letter fields may be corrected; what is not given stays as it was."""
    data = data if isinstance(data, dict) else {}
    merged = {key: data.get(key, current.get(key))
              for key in ("dues_paid_to", "phone", "address", "postcode", "sender_phone", "sender_fax")}
    merged["valid_days"] = data.get("valid_days", current.get("valid_days"))
    merged["reason"] = data.get("reason", current.get("reason"))
    errors: dict = {}
    out = _letter_fields(merged, kind, errors)
    out["reason"] = _field(errors, "reason", rules.code_value, merged["reason"], reasons, UNKNOWN_REASON)
    if errors:
        raise FieldErrors(errors)
    return out


def validate_opinion(data) -> str | None:
    data = data if isinstance(data, dict) else {}
    errors: dict = {}
    opinion = _field(errors, "opinion", rules.optional_text, data.get("opinion"), OPINION_MAX)
    if errors:
        raise FieldErrors(errors)
    return opinion


def validate_reason(data, what: str) -> str:
    """A required reason (退回, 撤销, 异常办结)."""
    data = data if isinstance(data, dict) else {}
    try:
        return rules.text(data.get("reason"), REASON_MAX)
    except ValueError as exc:
        raise FieldErrors({"reason": f"请填写{what}原因" if str(exc) == rules.REQUIRED else str(exc)}) from None


def validate_reroute(data) -> int:
    """路径变更: the new target."""
    data = data if isinstance(data, dict) else {}
    errors: dict = {}
    to_org_id = _field(errors, "to_org_id", rules.record_id, data.get("to_org_id"), "请选择新的接收党组织")
    if errors:
        raise FieldErrors(errors)
    return to_org_id


def acting_date(value, applied_on: date, today: date, label: str) -> date:
    """A date a step took effect: today by default, not in the future, not before the transfer."""
    if rules.blank(value):
        return today
    day = rules.iso_date(value)
    if day > today:
        raise ValueError(f"{label}不能晚于今天")
    if day < applied_on:
        raise ValueError(f"{label}不能早于发起日期（{applied_on.isoformat()}）")
    return day


def validate_receive(data, applied_on: date, today: date) -> date:
    data = data if isinstance(data, dict) else {}
    errors: dict = {}
    day = _field(errors, "date", acting_date, data.get("date"), applied_on, today, "接收日期")
    if errors:
        raise FieldErrors(errors)
    return day


def validate_list_filters(filters) -> dict:
    """Filters of a work list or history (转出/转入历史, 审批记录): kind, state, and the period of
    发起 (`applied_from`, `applied_to`, YYYY-MM-DD, both included)."""
    if filters is None:
        return {}
    if not isinstance(filters, dict):
        raise FieldErrors({"filters": "应为对象"})
    errors: dict = {}
    out: dict = {}
    kind, state = filters.get("kind"), filters.get("state")
    if not rules.blank(kind):
        if kind not in KINDS:
            errors["kind"] = f"未知的转接类型：{kind}"
        out["kind"] = kind
    if not rules.blank(state):
        if state not in STATE_NAMES:
            errors["state"] = f"未知的转接状态：{state}"
        out["state"] = state
    for key in ("applied_from", "applied_to"):
        if not rules.blank(filters.get(key)):
            out[key] = _field(errors, key, rules.iso_date, filters.get(key))
    if not errors and out.get("applied_from") and out.get("applied_to") and out["applied_from"] > out["applied_to"]:
        errors["applied_to"] = "结束日期不能早于开始日期"
    if errors:
        raise FieldErrors(errors)
    return out


def validate_assignment(data) -> int | None:
    """接收 by a 党委 that places the member in one of its organizations at once (编入支部)."""
    data = data if isinstance(data, dict) else {}
    if rules.blank(data.get("assign_to_org_id")):
        return None
    errors: dict = {}
    org_id = _field(errors, "assign_to_org_id", rules.record_id, data.get("assign_to_org_id"))
    if errors:
        raise FieldErrors(errors)
    return org_id


def validate_receipt(data, applied_on: date, today: date) -> dict:
    """回执 of a paper letter: {date, handler (经办人), phone, scan_id?}."""
    data = data if isinstance(data, dict) else {}
    errors: dict = {}
    out = {
        "date": _field(errors, "date", acting_date, data.get("date"), applied_on, today, "回执日期"),
        "handler": _field(errors, "handler", rules.text, data.get("handler"), 50),
        "phone": _field(errors, "phone", rules.optional_phone, data.get("phone")),
        "scan_id": _field(errors, "scan_id", rules.optional_text, data.get("scan_id"), 100),
    }
    if errors:
        raise FieldErrors(errors)
    return out


def valid_until(applied_on: date, days: int | None) -> date | None:
    """The last day the letter is valid (the day it is issued counts as the first)."""
    return applied_on + timedelta(days=days - 1) if days else None


def kind_name(kind: str) -> str:
    return KINDS.name(kind)
