"""What other code may import from the org service: the organization import sheet's columns and
the organization card's field specs (the gateway's forms name fields by their labels), the
kinds of 组织生活 (the gateway's filters and forms), and 换届's code tables (methods, posts, how)."""
from services.shared.org_sheet import ORG_IMPORT_COLUMNS

from .domain.meetings import MEETING_KINDS
from .domain.meetings import held_at as meeting_time
from .domain.org_card import CARD_FIELDS, SANCTION_FIELDS, UNIT_FIELDS
from .domain.sanction_import import SANCTION_EXAMPLE, SANCTION_IMPORT_COLUMNS, SANCTION_SHEET
from .domain.terms import METHODS as TERM_METHODS
from .domain.terms import MIDTERM_HOWS, POSTS

__all__ = ["CARD_FIELDS", "MEETING_KINDS", "MIDTERM_HOWS", "ORG_IMPORT_COLUMNS", "POSTS", "SANCTION_FIELDS",
           "SANCTION_EXAMPLE", "SANCTION_IMPORT_COLUMNS", "SANCTION_SHEET", "TERM_METHODS", "UNIT_FIELDS",
           "meeting_time"]
