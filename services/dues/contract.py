"""What other code may import from the dues service (the gateway's sheets and pages): the 党费基数表's
columns and the kinds of base by their Chinese names (its drop-down); the 党费交纳记录表's (数据迁移).
Everything else is internal."""
from services.shared.codes import CodeTable
from services.shared.dues_sheet import (
    BASE_BRANCH_COLUMN,
    BASE_IMPORT_COLUMNS,
    BASE_SHEET,
    PAYMENT_EXAMPLE,
    PAYMENT_IMPORT_COLUMNS,
    PAYMENT_SHEET,
)

from .domain.bulk_bases import KINDS as BASE_KINDS
from .domain.ledger import METHODS

# 交纳方式 by their Chinese names (the 党费交纳记录表's drop-down).
PAYMENT_METHODS = CodeTable("交纳方式", list(METHODS.items()))

__all__ = ["BASE_BRANCH_COLUMN", "BASE_IMPORT_COLUMNS", "BASE_KINDS", "BASE_SHEET", "PAYMENT_EXAMPLE",
           "PAYMENT_IMPORT_COLUMNS", "PAYMENT_METHODS", "PAYMENT_SHEET"]
