"""Which member information is required (必填): one list for the 工作督查 list of members with
incomplete information and for any form that marks required fields. Pure.

The levels are member_fields.py's: the system-required fields (enforced on entry; only legacy
data can lack one) and the fields 校核 requires (REQUIRED_FOR_CHECK: optional when saving, as
old records lack them, and listed here until filled).
"""
from __future__ import annotations

from collections.abc import Mapping

from services.shared.field_rules import missing_fields

from .member_fields import REQUIRED_FOR_CHECK, SYSTEM_REQUIRED

LABELS = {"name": "姓名", "id_number": "公民身份号码", "sex": "性别", "birth_date": "出生日期", "ethnicity": "民族",
          "category": "党员类别", "joined_on": "入党日期", "native_place": "籍贯", "education": "学历",
          "occupation": "工作岗位", "branch_joined_on": "进入支部日期", "phone": "联系电话"}
REQUIRED_FIELDS = tuple((key, LABELS[key]) for key in dict.fromkeys(
    (*SYSTEM_REQUIRED[:2], "sex", "birth_date", *SYSTEM_REQUIRED[2:], *REQUIRED_FOR_CHECK)))


def missing_required(member: Mapping) -> list[str]:
    """Labels of the required fields the member lacks, in card order."""
    return missing_fields(member, REQUIRED_FIELDS)
