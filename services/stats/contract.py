"""What other code may import from the stats service: the report cover's fields, and the rule that
places a day in its report year (the report pages offer years up to today's)."""
from .domain.counters import report_year
from .domain.report_cover import COVER_FIELDS

__all__ = ["COVER_FIELDS", "report_year"]
