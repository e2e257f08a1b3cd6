"""What other code may import from the org service: the organization import sheet's columns and
the organization card's field specs (the gateway's forms name fields by their labels), and the
kinds of 组织生活 (the gateway's filters and forms)."""
from services.shared.org_sheet import ORG_IMPORT_COLUMNS

from .domain.meetings import MEETING_KINDS
from .domain.org_card import CARD_FIELDS, SANCTION_FIELDS, UNIT_FIELDS

__all__ = ["CARD_FIELDS", "MEETING_KINDS", "ORG_IMPORT_COLUMNS", "SANCTION_FIELDS", "UNIT_FIELDS"]
