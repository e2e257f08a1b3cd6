"""What other code may import from the org service: the organization import sheet's columns."""
from services.shared.org_sheet import ORG_IMPORT_COLUMNS

__all__ = ["ORG_IMPORT_COLUMNS"]
