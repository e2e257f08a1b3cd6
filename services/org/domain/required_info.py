"""Which organization information is required (必填), for the 工作督查 list of organizations
with incomplete information. Pure.

The organization card holds only name, code and type today, each enforced on entry, so only
legacy data can lack one; the card's further fields (联系人, 单位, 书记 …) join ORG_REQUIRED_FIELDS
when the card keeps them.
"""
from __future__ import annotations

from collections.abc import Mapping

from services.shared.field_rules import missing_fields

ORG_REQUIRED_FIELDS = (
    ("name", "党组织名称"),
    ("code", "党组织代码"),
    ("type", "党组织类别"),
)


def missing_required(org: Mapping) -> list[str]:
    return missing_fields(org, ORG_REQUIRED_FIELDS)
