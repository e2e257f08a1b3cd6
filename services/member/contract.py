"""What other code may import from the member service (the gateway's forms, sheets and cards):
the info-set specs, the basic fields' labels, the member import sheet's columns and what 回退 and
找回 mean. Everything else is internal."""
from services.shared.member_sheet import IMPORT_COLUMNS

from .domain.id_number import IdNumberError, parse_id_number
from .domain.info_sets import BATCH_SETS, CODE, INFO_SETS, YEAR
from .domain.member_check import LABELS as BASIC_LABELS
from .domain.status import RESTORE_MEANING, UNDO_MEANING, restore_hint

__all__ = ["BASIC_LABELS", "BATCH_SETS", "CODE", "IMPORT_COLUMNS", "INFO_SETS", "IdNumberError", "parse_id_number",
           "RESTORE_MEANING",
           "UNDO_MEANING", "YEAR", "restore_hint"]
