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


def keyset_bounds(after_id, limit, maximum: int) -> tuple[int, int]:
    """(after_id, limit) of a keyset page a source service gives a recount: integers, the limit
    at least 1 and at most `maximum`."""
    try:
        after_id, limit = int(after_id), min(int(limit), maximum)
    except (TypeError, ValueError):
        raise ValidationFailed("分页参数应为整数", {"after_id": "应为整数"}) from None
    if limit < 1:
        raise ValidationFailed("每页条数应为正整数", {"limit": "应为正整数"})
    return after_id, limit
