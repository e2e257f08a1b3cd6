"""What other code may import from the stats service: the report cover's fields."""
from .domain.report_cover import COVER_FIELDS

__all__ = ["COVER_FIELDS"]
