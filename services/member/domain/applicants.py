"""入党申请人 records (pure): validating a new applicant and a change of one, the stages, and the
facts their events carry. The ID number goes through the same rules as a member's
(id_number.parse_id_number): sex and birth date are derived from it, never typed.

The development pipeline (domain/development/, another module) moves an applicant on to
积极分子, 发展对象 and, once accepted, 预备党员 (a member from then on); here only the first
stage, 申请人, is ever set."""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from services.shared.codes import EDUCATION, ETHNICITIES, OCCUPATIONS
from services.shared.field_errors import FieldErrors
from services.shared.field_rules import blank, code_value, iso_date, record_id, text, version

from .development.machine import Applicant, application_problems
from .member_fields import person

APPLICANT, ACTIVIST, CANDIDATE = "applicant", "activist", "candidate"
STAGES = (APPLICANT, ACTIVIST, CANDIDATE)
STAGE_NAMES = {APPLICANT: "入党申请人", ACTIVIST: "入党积极分子", CANDIDATE: "发展对象"}
# After 党委审批 the person is a member; the applicant's record stays, with its development history.
PROBATIONARY, FULL, CANCELLED = "probationary", "full", "cancelled"
ALL_STAGE_NAMES = {**STAGE_NAMES, PROBATIONARY: "预备党员", FULL: "正式党员", CANCELLED: "取消预备党员资格"}

# What a clerk keys on the form; sex and birth date follow from the ID number.
FIELDS = ("name", "id_number", "ethnicity", "applied_on", "education", "occupation")
LABELS = {"org_id": "所在党支部", "name": "姓名", "id_number": "公民身份号码", "sex": "性别", "birth_date": "出生日期",
          "ethnicity": "民族", "applied_on": "申请入党日期", "education": "学历", "occupation": "工作岗位",
          "stage": "发展阶段", "reason": "原因"}
_NOT_EDITABLE = {
    "org_id": "调整所在党支部须办理组织关系转接",
    "sex": "由公民身份号码确定，不能直接修改",
    "birth_date": "由公民身份号码确定，不能直接修改",
    "stage": "发展阶段由发展党员流程确定，不能直接修改",
}
REASON_MAX = 200


def validate_new_applicant(data, today: date | None = None, with_org: bool = True) -> dict:
    """{org_id, name, id_number, ethnicity, applied_on, education?, occupation?} → normalized
    values (sex, birth_date, name_initials, name_sort derived), or FieldErrors with every bad field."""
    today = today or date.today()
    if not isinstance(data, Mapping):
        raise FieldErrors({"data": "应为键值对象"})
    errors: dict[str, str] = {}
    out: dict = {}
    if with_org:
        try:
            out["org_id"] = record_id(data.get("org_id"), invalid="应为党组织编号")
        except ValueError as e:
            errors["org_id"] = str(e)
    ident = person(data, out, errors, today)
    try:
        out["ethnicity"] = code_value(data.get("ethnicity"), ETHNICITIES, "未知的民族")
    except ValueError as e:
        errors["ethnicity"] = str(e)
    optional_codes = (("education", EDUCATION, "未知的学历"), ("occupation", OCCUPATIONS, "未知的工作岗位"))
    for field, table, unknown in optional_codes:
        try:
            out[field] = None if blank(data.get(field)) else code_value(data.get(field), table, unknown)
        except ValueError as e:
            errors[field] = str(e)

    try:
        out["applied_on"] = check_applied_on(iso_date(data.get("applied_on")), ident.birth_date if ident else None,
                                             today)
    except ValueError as e:
        errors["applied_on"] = str(e)
    if errors:
        raise FieldErrors(errors)
    return out


def check_applied_on(applied: date, birth: date | None, today: date) -> date:
    """申请入党日期: not in the future, and at 18 or older (checkable once the birth date is known)."""
    if applied > today:
        raise ValueError("申请入党日期不能晚于今天")
    if birth is not None:  # the age rule is the development rules' own (versioned rule data)
        problems = application_problems(Applicant(applied_on=applied, org_kind="", birth_date=birth))
        if problems:
            raise ValueError("；".join(problems))
    return applied


def validate_applicant_changes(data, current: Mapping, today: date | None = None) -> tuple[int, dict]:
    """A change of an applicant: `version` (as last read) and any of FIELDS, checked together with
    the applicant's other current values by the same rules as a new one. Returns (version, the
    normalized values that differ from `current`, derived ones such as sex included)."""
    if not isinstance(data, Mapping):
        raise FieldErrors({"data": "应为键值对象"})
    errors: dict[str, str] = {}
    for key in data:
        if key != "version" and key not in FIELDS:
            errors[str(key)] = _NOT_EDITABLE.get(key, "不能在此修改")
    try:
        read_version = version(data.get("version"))
    except ValueError as e:
        errors["version"] = str(e)
    given = {key: data[key] for key in FIELDS if key in data}
    if not given and set(data) <= {"version"}:
        errors["data"] = "没有要修改的信息"
    merged = {**{key: current.get(key) for key in FIELDS}, **given}
    try:
        out = validate_new_applicant(merged, today=today, with_org=False)
    except FieldErrors as exc:
        out = None
        errors.update({key: message for key, message in exc.fields.items() if key not in errors})
    if errors:
        raise FieldErrors(errors)
    return read_version, {key: value for key, value in out.items() if current.get(key) != value}


def validate_reason(data) -> tuple[int | None, str | None]:
    """删除 or 找回: {version?, reason?} → (version or None, reason or None)."""
    if data is None:
        data = {}
    if not isinstance(data, Mapping):
        raise FieldErrors({"data": "应为键值对象"})
    errors, read, reason = {}, None, None
    if not blank(data.get("version")):
        try:
            read = version(data.get("version"))
        except ValueError as e:
            errors["version"] = str(e)
    if not blank(data.get("reason")):
        try:
            reason = text(data.get("reason"), REASON_MAX)
        except ValueError as e:
            errors["reason"] = str(e)
    if errors:
        raise FieldErrors(errors)
    return read, reason


def duplicate_message(id_number: str, where: str) -> str:
    """The refusal of an ID number already on record: `where` is "applicant", "deleted" (a
    deleted applicant, who can be found again) or "member" (an active member)."""
    return {
        "applicant": f"公民身份号码 {id_number} 已登记为入党申请人，不能重复录入",
        "deleted": f"公民身份号码 {id_number} 已登记为入党申请人（已删除），请在“已删除”中找回，不能重复录入",
        "member": f"公民身份号码 {id_number} 已登记为党员，不能录入为入党申请人",
    }[where]


# --- the facts events carry (house rule 3): enough for a consumer to count without asking ---
COUNTED = ("org_id", "org_path", "stage", "sex", "birth_date", "ethnicity", "education", "occupation", "applied_on",
           "activist_on", "candidate_on", "joined_on")
DATES = ("birth_date", "applied_on", "activist_on", "candidate_on", "joined_on")


def applicant_facts(row) -> dict:
    """The counted facts of an applicant row: its branch and path, stage, the fields the annual
    report breaks applicants down by, 申请日期, the dates the pipeline put the person in a stage
    (`activist_on`, `candidate_on`; `joined_on`, the accepting 支部大会, once a 预备党员; None
    before), and `deleted_on` (None while on record)."""
    facts = {key: getattr(row, key) for key in COUNTED}
    for key in DATES:
        facts[key] = facts[key].isoformat() if facts[key] is not None else None
    deleted_at = getattr(row, "deleted_at")
    # The day of the deletion as the server's calendar reads it (the same clock as date.today()).
    facts["deleted_on"] = deleted_at.astimezone().date().isoformat() if deleted_at is not None else None
    return facts
