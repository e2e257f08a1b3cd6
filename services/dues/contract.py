"""What other code may import from the dues service (the gateway's sheets and pages): the 党费基数表's
columns and the kinds of base by their Chinese names (its drop-down). Everything else is internal."""
from services.shared.dues_sheet import BASE_IMPORT_COLUMNS, BASE_SHEET

from .domain.bulk_bases import KINDS as BASE_KINDS

__all__ = ["BASE_IMPORT_COLUMNS", "BASE_KINDS", "BASE_SHEET"]
