"""Which organization information is required, for the 工作督查 list of organizations with
incomplete information: the card's system-required (*) and norm-required (△) items, the same
ones its 校核 lists (domain/org_check.card_problems). Pure.
"""
from __future__ import annotations

from collections.abc import Mapping

from services.shared.field_rules import missing_fields

from .org_card import CARD_FIELDS, NORM, SYSTEM

ORG_REQUIRED_FIELDS = tuple((item.key, item.label) for item in CARD_FIELDS if item.level in (SYSTEM, NORM))


def missing_required(org: Mapping) -> list[str]:
    return missing_fields(org, ORG_REQUIRED_FIELDS)
