"""Which member information is required (必填): one list for the 工作督查 list of members with
incomplete information and for any form that marks required fields. Pure.

Today every field of the basic information set is required and enforced on entry; legacy data
loaded without those checks may still lack one (an empty text counts as missing). Fields of
further info sets join REQUIRED_FIELDS when their sets are kept.
"""
from __future__ import annotations

from collections.abc import Mapping

from services.shared.field_rules import missing_fields

REQUIRED_FIELDS = (
    ("name", "姓名"),
    ("id_number", "公民身份号码"),
    ("sex", "性别"),
    ("birth_date", "出生日期"),
    ("ethnicity", "民族"),
    ("category", "党员类别"),
    ("joined_on", "入党日期"),
)


def missing_required(member: Mapping) -> list[str]:
    """Labels of the required fields the member lacks, in form order."""
    return missing_fields(member, REQUIRED_FIELDS)
