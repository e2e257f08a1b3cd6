"""Page bounds every paged list checks the same way."""
from .errors import ValidationFailed

MAX_PAGE_SIZE = 200
MAX_PAGE = 1_000_000  # far past any list; keeps OFFSET inside bigint


def page_bounds(page, size) -> tuple[int, int]:
    try:
        page, size = int(page), int(size)
    except (TypeError, ValueError):
        raise ValidationFailed("分页参数应为整数", {"page": "应为整数"}) from None
    if not 1 <= page <= MAX_PAGE or not 1 <= size <= MAX_PAGE_SIZE:
        raise ValidationFailed(f"页码从1到{MAX_PAGE}，每页1到{MAX_PAGE_SIZE}条", {"page": "超出范围"})
    return page, size
