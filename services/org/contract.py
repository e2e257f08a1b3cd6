"""What other code may import from the org service: the organization import sheet's columns and
the organization card's field specs (the gateway's forms name fields by their labels)."""
from services.shared.org_sheet import ORG_IMPORT_COLUMNS

from .domain.org_card import CARD_FIELDS, SANCTION_FIELDS, UNIT_FIELDS

__all__ = ["CARD_FIELDS", "ORG_IMPORT_COLUMNS", "SANCTION_FIELDS", "UNIT_FIELDS"]
