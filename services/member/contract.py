"""What other code may import from the member service (the gateway's forms, sheets and cards):
the info-set specs and the member import sheet's columns. Everything else is internal."""
from services.shared.member_sheet import IMPORT_COLUMNS

from .domain.info_sets import BATCH_SETS, CODE, INFO_SETS, YEAR

__all__ = ["BATCH_SETS", "CODE", "IMPORT_COLUMNS", "INFO_SETS", "YEAR"]
